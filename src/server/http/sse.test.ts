import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  login,
  makeNode,
  type NodeHandle,
  type Session,
} from '../../../test/harness/node.js';
import { until } from '../../../test/harness/wait.js';
import { DIALECTS, dialectAvailable } from '../../../test/harness/databases.js';

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** A real SSE client over HTTP: collects events and comment lines. */
async function openStream(url: string, cookie: string, lastEventId?: string, bearer?: string) {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : { cookie }),
      accept: 'text/event-stream',
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    },
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let ended = false;
  if (!response.body) throw new Error('no body');
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let index: number;
        while ((index = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, index);
          buffer = buffer.slice(index + 2);
          const event: SseEvent = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) event.id = line.slice(4);
            else if (line.startsWith('event: ')) event.event = line.slice(7);
            else if (line.startsWith('data: ')) event.data = line.slice(6);
          }
          if (event.event) events.push(event);
        }
      }
    } catch {
      // aborted
    }
    ended = true;
  })();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    comments,
    get ended() {
      return ended;
    },
    async close() {
      controller.abort();
      await pump;
    },
  };
}

// On PostgreSQL the events go through the database (live/pg-bus.ts) even in one process.
for (const dialect of DIALECTS)
  describe.skipIf(!dialectAvailable(dialect))(
    `live events (Server-Sent Events) on ${dialect}`,
    () => {
      let h: NodeHandle;
      let url: string;
      let admin: Session;
      beforeAll(async () => {
        h = await makeNode({ dialect, heartbeatSeconds: 0.2 });
        url = await h.node.listen();
        admin = await login(h.app, 'admin', h.admin.password);
      });
      afterAll(async () => {
        await h.destroy();
      });

      const createUser = (username: string) =>
        call(h.app, admin, 'POST', '/api/users', {
          username,
          displayName: username,
          roles: ['observer'],
        });

      it('refuses anonymous clients', async () => {
        const r = await fetch(`${url}/api/events`);
        expect(r.status).toBe(401);
      });

      it('pushes events the user may see, with heartbeats', async () => {
        const stream = await openStream(`${url}/api/events`, admin.cookie);
        expect(stream.status).toBe(200);
        expect(stream.contentType).toMatch(/text\/event-stream/);
        await createUser('first.user');
        await until(
          () => stream.events.some((e) => e.event === 'user.changed'),
          'user.changed',
          5000,
          20,
        );
        const event = stream.events.find((e) => e.event === 'user.changed');
        expect(JSON.parse(event?.data ?? '{}')).toMatchObject({ user: { username: 'first.user' } });
        await until(() => stream.comments.includes('heartbeat'), 'a heartbeat', 3000, 20);
        await stream.close();
      });

      it('resumes with Last-Event-ID without losing events that happened while disconnected', async () => {
        const stream = await openStream(`${url}/api/events`, admin.cookie);
        await createUser('before.cut');
        await until(() => stream.events.length === 1, 'one event', 5000, 20);
        const lastId = stream.events[0]?.id;
        await stream.close();

        await createUser('during.cut.1');
        await createUser('during.cut.2');

        const resumed = await openStream(`${url}/api/events`, admin.cookie, lastId);
        await createUser('after.cut');
        await until(() => resumed.events.length === 3, 'three events after resuming', 5000, 20);
        const names = resumed.events.map(
          (e) => (JSON.parse(e.data ?? '{}') as { user: { username: string } }).user.username,
        );
        expect(names).toEqual(['during.cut.1', 'during.cut.2', 'after.cut']);
        await resumed.close();

        const unknown = await openStream(`${url}/api/events`, admin.cookie, 'deadbeef-1');
        await until(() => unknown.events.length === 1, 'resync', 5000, 20);
        expect(unknown.events[0]?.event).toBe('resync');
        await unknown.close();
      });

      it("does not show another user's account changes to a non-admin, and ends a disabled user's stream", async () => {
        const viewer = await h.createUser('viewer', ['observer']);
        const session = await login(h.app, 'viewer', viewer.password);
        const stream = await openStream(`${url}/api/events`, session.cookie);
        await createUser('someone.else');
        await call(h.app, admin, 'PATCH', `/api/users/${viewer.id}`, { disabled: true });
        await until(() => stream.ended, 'the stream to end', 5000, 20);
        expect(stream.events.map((e) => e.event)).toEqual(['user.changed', 'session.revoked']);
        expect(stream.events[0]?.data).toContain('"username":"viewer"');
        await stream.close();
      });

      it('ends a stream within a second of its token being revoked, its session ended or its roles changed (issue 16, row 4)', async () => {
        const analyst = await h.createUser('streamer', ['analyst']);
        const token = await h.node.accounts.createToken(
          { kind: 'cli', osUser: 'test' },
          { name: 'stream', roles: ['analyst'] },
          analyst.id,
        );
        const byToken = await openStream(`${url}/api/events`, '', undefined, token.secret);
        expect(byToken.status).toBe(200);
        const revoked = await call(h.app, admin, 'DELETE', `/api/tokens/${token.token.id}`);
        expect(revoked.statusCode, revoked.body).toBeLessThan(300);
        const t0 = Date.now();
        await until(() => byToken.ended, 'the token stream to end', 3000, 20);
        expect(Date.now() - t0).toBeLessThan(2000);

        const session = await login(h.app, 'streamer', analyst.password);
        const bySession = await openStream(`${url}/api/events`, session.cookie);
        expect((await call(h.app, session, 'DELETE', '/api/session')).statusCode).toBeLessThan(300);
        await until(() => bySession.ended, 'the session stream to end after logout', 3000, 20);

        const again = await login(h.app, 'streamer', analyst.password);
        const beforeDemotion = await openStream(`${url}/api/events`, again.cookie);
        const demoted = await call(h.app, admin, 'PATCH', `/api/users/${analyst.id}`, {
          roles: ['observer'],
        });
        expect(demoted.statusCode, demoted.body).toBe(200);
        await until(
          () => beforeDemotion.ended,
          'the stream to end when the roles change',
          3000,
          20,
        );
      });
    },
  );
