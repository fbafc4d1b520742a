import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { ROLES, type Role } from '../../src/core/roles.js';
import type { Dialect } from '../../src/server/store/database.js';
import { contact } from '../harness/contacts.js';
import { call, login, makeNode, type NodeHandle, type Session } from '../harness/node.js';
import { peerUp } from '../harness/peers.js';
import { until } from '../harness/wait.js';

/**
 * The world the authorization matrix and the fuzzer run in: us-doj (the node under test)
 * peered with cn-mps over loopback, a user of each role on us-doj logged in, and one of
 * each thing a route's path may name (a case, an object, requests both ways, a call, a
 * contact …), so a path filled with these ids gets past its 404.
 */
export type Who = Role | 'anonymous';
export const WHO: readonly Who[] = ['anonymous', ...ROLES];

export interface Fixtures {
  peer: string;
  contact: string;
  /** A draft request of us-doj to cn-mps. */
  draft: string;
  /** A request us-doj sent to cn-mps. */
  sent: string;
  /** A request cn-mps sent to us-doj. */
  incoming: string;
  case: string;
  object: string;
  call: string;
  incomingCall: string;
  shift: string;
  webhook: string;
  collection: string;
  import: string;
  token: string;
  /** A user of us-doj that the matrix may change (not one of the callers). */
  user: string;
  /** An incoming note. */
  note: string;
  /** An id that names nothing: a 404 is what the route should say to those it admits. */
  none: string;
}

export interface World {
  us: NodeHandle;
  /** Where us-doj listens (SSE streams are read over real HTTP). */
  usUrl: string;
  /** cn-mps's URL, and its fingerprint. */
  cnUrl: string;
  cnFingerprint: string;
  /** The terms GET /api/arrangements/default proposes: a valid body for POST /api/arrangements/{peer}. */
  defaultTerms: unknown;
  /** The ladder as GET /api/hotline/ladder gives it: a valid body for PUT. */
  ladder: unknown;
  cn: NodeHandle;
  sessions: Record<Role, Session>;
  passwords: Record<Role, string>;
  usernames: Record<Role, string>;
  fixtures: Fixtures;
  destroy(): Promise<void>;
}

export const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

export const PRESERVATION_FIELDS = {
  requesting_authority: 'U.S. Department of Justice, CCIPS',
  reference_number: 'CCIPS-2026-0413',
  offence: 'Computer intrusion (18 U.S.C. 1030)',
  brief_facts: 'Intrusion into a federal personnel agency.',
  data_requested: 'Subscriber and log data for the account ops@example.cn',
  relation_to_offence: 'The account received the exfiltrated archive.',
  custodian_location: 'Example Cloud (Beijing) Co., Ltd.',
  preservation_reason: 'Logs are deleted after 30 days.',
  mla_to_follow: true,
  confirmation_contact: 'duty@ccips.example.gov',
};

async function ok(
  response: Promise<LightMyRequestResponse>,
  status: number,
): Promise<Record<string, any>> {
  const r = await response;
  expect(r.statusCode, r.body).toBe(status);
  return r.body ? r.json<Record<string, any>>() : {};
}

const INDICATOR = {
  type: 'indicator',
  name: 'C2 server 203.0.113.7',
  pattern: "[ipv4-addr:value = '203.0.113.7']",
  pattern_type: 'stix',
  valid_from: '2026-11-01T00:00:00Z',
};

async function sendRequest(node: NodeHandle, admin: Session, peer: string): Promise<string> {
  const created = await ok(
    call(node.app, admin, 'POST', '/api/requests', {
      peer,
      type: 'preservation',
      urgency: 'urgent',
      title: 'Preserve logs of ops@example.cn',
      fields: PRESERVATION_FIELDS,
    }),
    201,
  );
  await ok(call(node.app, admin, 'POST', `/api/requests/${created.id}/send`), 200);
  return created.id as string;
}

export async function makeWorld(dialect: Dialect = 'sqlite'): Promise<World> {
  const us = await makeNode({ nodeId: 'us-doj', dialect });
  const cn = await makeNode({ nodeId: 'cn-mps' });
  try {
    const cnUrl = await cn.node.listen();
    const usUrl = await us.node.listen();
    await peerUp(us, cn, usUrl, cnUrl);
    const sessions = {} as Record<Role, Session>;
    const userIds: string[] = [];
    const passwords = {} as Record<Role, string>;
    const usernames = {} as Record<Role, string>;
    for (const role of ROLES) {
      const user =
        role === 'admin'
          ? { username: us.admin.username, password: us.admin.password }
          : await us.createUser(`${role}.one`, [role]);
      if ('id' in user) userIds.push(user.id);
      sessions[role] = await login(us.app, user.username, user.password);
      passwords[role] = user.password;
      usernames[role] = user.username;
    }
    const admin = sessions.admin;
    const cnAdmin = await login(cn.app, 'admin', cn.admin.password);
    const desk = await contact(us, admin, 'CCIPS duty desk', [
      { type: 'liaison_account', value: 'officer.one' },
    ]);
    const draft = await ok(
      call(us.app, admin, 'POST', '/api/requests', {
        peer: 'cn-mps',
        type: 'preservation',
        title: 'A draft',
      }),
      201,
    );
    const sent = await sendRequest(us, admin, 'cn-mps');
    const incoming = await sendRequest(cn, cnAdmin, 'us-doj');
    const theCase = await ok(
      call(us.app, admin, 'POST', '/api/cases', { title: 'Lotus Relay', kind: 'hacking' }),
      201,
    );
    const object = await ok(
      call(us.app, admin, 'POST', `/api/cases/${theCase.id}/objects`, {
        object: INDICATOR,
        tlp: 'green',
      }),
      201,
    );
    const placed = await ok(
      call(us.app, admin, 'POST', '/api/hotline/calls', {
        peer: 'cn-mps',
        tier: 'technical',
        priority: 'urgent',
        subject: 'C2 server still answering',
      }),
      201,
    );
    const theirs = await ok(
      call(cn.app, cnAdmin, 'POST', '/api/hotline/calls', {
        peer: 'us-doj',
        tier: 'technical',
        priority: 'routine',
        subject: 'Please confirm the hosting provider',
      }),
      201,
    );
    await ok(
      call(cn.app, cnAdmin, 'POST', '/api/notes', { peer: 'us-doj', text: 'A note from MPS' }),
      201,
    );
    const shift = await ok(
      call(us.app, admin, 'POST', '/api/hotline/shifts', {
        tier: 'technical',
        contactId: desk,
        days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        start: '00:00',
        end: '23:59',
      }),
      201,
    );
    const webhook = await ok(
      call(us.app, admin, 'POST', '/api/hotline/webhooks', {
        name: 'Pager',
        url: 'http://127.0.0.1:9/hook',
        secret: 'a webhook secret of some length',
      }),
      201,
    );
    const collection = await ok(
      call(us.app, admin, 'POST', '/api/taxii/collections', {
        title: 'Lotus Relay indicators',
        caseId: theCase.id,
        maxTlp: 'green',
        // Every caller may read and write it as far as its role allows (taxii.service.ts).
        access: userIds.map((id) => ({ principal: `user:${id}`, canRead: true, canWrite: true })),
      }),
      201,
    );
    const upload = await us.app.inject({
      method: 'POST',
      url: `/api/cases/${theCase.id}/imports?format=stix&name=bundle.json`,
      headers: {
        cookie: admin.cookie,
        'x-csrf-token': admin.csrf,
        'content-type': 'application/json',
      },
      payload: JSON.stringify({ type: 'bundle', id: `bundle--${NO_SUCH_ID}`, objects: [] }),
    });
    expect(upload.statusCode, upload.body).toBe(202);
    const token = await ok(
      call(us.app, admin, 'POST', '/api/tokens', { name: 'scraper', roles: ['admin'] }),
      201,
    );
    const importId = upload.json<{ id: string }>().id;
    await until(
      async () => {
        const r = await call(us.app, admin, 'GET', `/api/imports/${importId}`);
        return !['queued', 'running'].includes(r.json<{ status: string }>().status);
      },
      'the upload imported',
      30_000,
      100,
    );
    const victim = await us.createUser('victim.one', ['observer']);
    const until30 = (what: string, path: string) =>
      until(
        async () => (await call(us.app, admin, 'GET', path)).statusCode === 200,
        what,
        30_000,
        100,
      );
    await until30('the incoming request', `/api/requests/${incoming}`);
    await until30('the incoming call', `/api/hotline/calls/${theirs.id}`);
    const note = await until(
      async () => {
        const r = await call(us.app, admin, 'GET', '/api/notes');
        const notes = (
          r.json<{ notes?: { id: string; direction?: string }[] }>().notes ?? []
        ).filter((n) => n.direction !== 'out');
        return notes[0]?.id;
      },
      'the incoming note',
      30_000,
      100,
    );
    const terms = await ok(call(us.app, admin, 'GET', '/api/arrangements/default'), 200);
    const ladder = await ok(call(us.app, admin, 'GET', '/api/hotline/ladder'), 200);
    return {
      ladder,
      us,
      cn,
      usUrl,
      cnUrl,
      cnFingerprint: cn.node.keys.fingerprint,
      defaultTerms: terms,
      sessions,
      passwords,
      usernames,
      fixtures: {
        peer: 'cn-mps',
        contact: desk,
        draft: draft.id as string,
        sent,
        incoming,
        case: theCase.id as string,
        object: object.id as string,
        call: placed.id as string,
        incomingCall: theirs.id as string,
        shift: shift.id as string,
        webhook: webhook.id as string,
        collection: collection.id as string,
        import: importId,
        token: token.token.id as string,
        user: victim.id,
        note,
        none: NO_SUCH_ID,
      },
      async destroy() {
        await us.destroy();
        await cn.destroy();
      },
    };
  } catch (error) {
    await us.destroy();
    await cn.destroy();
    throw error;
  }
}
