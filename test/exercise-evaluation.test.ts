import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/core/roles.js';
import { visibleTo, type BusEvent } from '../src/server/events.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';
import { until } from './harness/wait.js';

/**
 * Issue 17, the evaluation half, between two nodes in this process on each store: us-doj
 * plays side A of personnel-breach, cn-mps side B. Each node's controller assigns its own
 * evaluator and player; evaluators observe and rate; nothing of it (nor either side's
 * expected actions) reaches the other node, on its API or its live stream, before the AAR
 * is shared, and players never see it (acceptance 2). After the end, the hotwash; each side
 * shares its part; both nodes then show the same merged timeline, ratings side by side, and
 * the DOCX parses back with HSEEP's sections in English and Chinese (acceptance 4).
 */

interface Reply {
  status: number;
  body: any;
  text: string;
  raw: Buffer;
}
interface Actor {
  api(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<Reply>;
}
interface Side {
  handle: NodeHandle;
  url: string;
  admin: Actor;
  adminSession: Session;
  evaluator: Actor;
  player: Actor;
  ids: { evaluator: string; player: string };
  /** Everything the node's live stream sent its admin. */
  stream: { text: string; close(): Promise<void> };
}

function actor(h: NodeHandle, session: Session): Actor {
  return {
    async api(method, url, body) {
      const r = await call(h.app, session, method, url, body);
      return {
        status: r.statusCode,
        body: r.headers['content-type']?.toString().includes('json') ? r.json() : null,
        text: r.body,
        raw: r.rawPayload,
      };
    },
  };
}

async function ok(
  who: Actor,
  method: Parameters<Actor['api']>[0],
  url: string,
  body?: unknown,
): Promise<any> {
  const r = await who.api(method, url, body);
  expect(r.status, `${method} ${url}: ${r.text}`).toBeLessThan(300);
  return r.body as unknown;
}

/** The live stream (/api/events) as a real SSE client over HTTP: all its text. */
async function openStream(url: string, cookie: string): Promise<Side['stream']> {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/events`, {
    headers: { cookie, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const stream = { text: '', close: async () => {} };
  const pump = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        stream.text += decoder.decode(value, { stream: true });
      }
    } catch {
      // aborted
    }
  })();
  stream.close = async () => {
    controller.abort();
    await pump;
  };
  return stream;
}

async function side(dialect: (typeof DIALECTS)[number], nodeId: string): Promise<Side> {
  const handle = await makeNode({ dialect, nodeId, heartbeatSeconds: 1 });
  const url = await handle.node.listen();
  const adminSession = await login(handle.app, 'admin', handle.admin.password);
  const evaluator = await handle.createUser(`${nodeId}.evaluator`, ['officer']);
  const player = await handle.createUser(`${nodeId}.player`, ['officer']);
  const as = async (user: { username: string; password: string }) =>
    actor(handle, await login(handle.app, user.username, user.password));
  return {
    handle,
    url,
    admin: actor(handle, adminSession),
    adminSession,
    evaluator: await as(evaluator),
    player: await as(player),
    ids: { evaluator: evaluator.id, player: player.id },
    stream: await openStream(url, adminSession.cookie),
  };
}

/** Words that only one side's evaluation holds: found anywhere on the other, they leaked. */
const SECRETS = {
  us: [
    'usmark-observation',
    'usmark-private',
    'usmark-rating',
    'a-requests-preservation',
    'a-acknowledges-flash',
  ],
  cn: [
    'cnmark-observation',
    'cnmark-rating',
    'cnmark-hotwash',
    'b-acknowledges-call',
    'b-answers-ping',
  ],
};

const HEADINGS = {
  en: [
    'Exercise Overview',
    'Analysis of Capabilities',
    'Merged Timeline',
    'Expected vs Actual',
    'Strengths and Areas for Improvement',
    'Improvement Plan',
  ],
  'zh-CN': ['演练概述', '能力分析', '合并时间线', '预期与实际', '优势与待改进领域', '改进计划'],
};

async function documentXml(bytes: Buffer): Promise<string> {
  expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  const zip = await JSZip.loadAsync(bytes);
  const xml = await zip.file('word/document.xml')?.async('string');
  expect(xml).toBeDefined();
  return xml ?? '';
}

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`exercise evaluation and AAR on ${dialect}`, () => {
    let us: Side;
    let cn: Side;
    let id: string;

    beforeAll(async () => {
      us = await side(dialect, 'us-doj');
      cn = await side(dialect, 'cn-mps');
      const add = (s: Side, url: string, fingerprint: string) =>
        ok(s.admin, 'POST', '/api/federation/peers', { url, fingerprint });
      await add(us, cn.url, cn.handle.node.keys.fingerprint);
      await add(cn, us.url, us.handle.node.keys.fingerprint);
    }, 60_000);
    afterAll(async () => {
      for (const s of [us, cn]) {
        await s?.stream.close();
        await s?.handle.destroy();
      }
    }, 120_000);

    /** Everything a side's admin can read of the exercise's evaluation, as one text. */
    const everything = async (s: Side) => {
      const urls = [
        `/api/exercises/${id}`,
        `/api/exercises/${id}/aar`,
        `/api/exercises/${id}/evaluation/observations`,
        `/api/exercises/${id}/evaluation/ratings`,
        `/api/exercises/${id}/hotwash`,
        `/api/exercises/${id}/corrective-actions`,
        `/api/exercises/${id}/observations`,
        `/api/exercises/${id}/injects`,
        `/api/exercises/${id}/feed`,
        `/api/exercises/${id}/participants`,
      ];
      const texts = await Promise.all(
        urls.map(async (url) => (await s.admin.api('GET', url)).text),
      );
      return texts.join('\n');
    };
    const aar = async (s: Side): Promise<any> => ok(s.admin, 'GET', `/api/exercises/${id}/aar`);

    it('keeps each side’s evaluation at home and from the players until the AAR is shared', async () => {
      id = (
        await ok(us.admin, 'POST', '/api/exercises', {
          scenarioId: 'personnel-breach',
          peer: 'cn-mps',
          side: 'A',
        })
      ).id;
      await until(
        async () => (await cn.admin.api('GET', `/api/exercises/${id}`)).status === 200,
        'the proposal',
      );
      await ok(cn.admin, 'POST', `/api/exercises/${id}/accept`);
      await until(
        async () =>
          (await aar(us)).exerciseId === id &&
          (await ok(us.admin, 'GET', `/api/exercises/${id}`)).status === 'accepted',
        'the acceptance',
      );

      // Each controller assigns its own people; the assignment stays on its node.
      for (const [s, node] of [
        [us, 'us-doj'],
        [cn, 'cn-mps'],
      ] as const) {
        await ok(s.admin, 'POST', `/api/exercises/${id}/participants`, {
          username: `${node}.evaluator`,
          role: 'evaluator',
        });
        await ok(s.admin, 'POST', `/api/exercises/${id}/participants`, {
          username: `${node}.player`,
          role: 'player',
        });
        expect(
          (
            await s.admin.api('POST', `/api/exercises/${id}/participants`, {
              username: 'nobody',
              role: 'player',
            })
          ).status,
        ).toBe(404);
        expect(
          (
            await s.evaluator.api('POST', `/api/exercises/${id}/participants`, {
              username: `${node}.player`,
              role: 'evaluator',
            })
          ).status,
        ).toBe(403);
        const list = await ok(s.player, 'GET', `/api/exercises/${id}/participants`);
        expect(list.participants.map((p: { role: string }) => p.role).sort()).toEqual([
          'evaluator',
          'player',
        ]);
        // Paged: one at a time, the cursor leading to the other.
        const first = await ok(s.player, 'GET', `/api/exercises/${id}/participants?limit=1`);
        expect(first.participants).toHaveLength(1);
        const second = await ok(
          s.player,
          'GET',
          `/api/exercises/${id}/participants?limit=1&cursor=${first.next}`,
        );
        expect(second.participants).toHaveLength(1);
        expect(second.next).toBeNull();
        expect(second.participants[0].userId).not.toBe(first.participants[0].userId);
      }
      expect(
        (await ok(cn.admin, 'GET', `/api/exercises/${id}/participants`)).participants.map(
          (p: { username: string }) => p.username,
        ),
      ).not.toContain('us-doj.player');

      // The run: the exfiltration call rings cn-mps, whose duty officer acknowledges it (met).
      await ok(us.admin, 'POST', `/api/exercises/${id}/clock`, { kind: 'start', speed: 60 });
      await ok(us.admin, 'POST', `/api/exercises/${id}/clock`, { kind: 'jump', toMinutes: 51 });
      const fired = await until(async () => {
        const injects = (await ok(us.admin, 'GET', `/api/exercises/${id}/injects`)).injects as {
          id: string;
          state: string;
          delivered: string | null;
        }[];
        return injects.find((i) => i.id === 'exfiltration-call' && i.state === 'fired');
      }, 'the exfiltration call fired');
      await ok(us.admin, 'POST', `/api/exercises/${id}/clock`, { kind: 'pause' });
      await until(
        async () =>
          (await cn.admin.api('GET', `/api/hotline/calls/${fired.delivered}`)).status === 200,
        'the call on cn-mps',
      );
      await ok(cn.admin, 'POST', `/api/hotline/calls/${fired.delivered}/acknowledge`);

      // Evaluators observe and rate; bad targets are refused.
      await ok(us.evaluator, 'POST', `/api/exercises/${id}/evaluation/observations`, {
        text: 'usmark-observation: the call went out on time',
        kind: 'strength',
        objective: 'hotline-response',
        injectId: 'exfiltration-call',
      });
      await ok(us.evaluator, 'POST', `/api/exercises/${id}/evaluation/observations`, {
        text: 'usmark-private: internal note',
        share: false,
      });
      // The live update of a rating goes to the evaluators and controllers, not the players.
      // On PostgreSQL the bus hands events back through the database, after the reply: the
      // events between two marks published on this process's bus are the rating's alone.
      const bus = us.handle.node.bus;
      const marks: string[] = [];
      const events: BusEvent[] = [];
      const unsubscribe = bus.subscribe((event) => {
        const mark = (event.data as { exerciseId?: string }).exerciseId;
        if (mark?.startsWith('mark-')) marks.push(mark);
        else if (marks.length === 1) events.push(event);
      });
      const passMark = async (mark: string) => {
        bus.publish('exercise.changed', { exerciseId: mark }, { userIds: [] });
        await until(() => marks.includes(mark), `${mark} through the bus`);
      };
      await passMark('mark-before');
      await ok(us.evaluator, 'PUT', `/api/exercises/${id}/evaluation/ratings`, {
        objective: 'hotline-response',
        rating: 'S',
        note: 'usmark-rating',
      });
      await passMark('mark-after');
      unsubscribe();
      const rated = events.filter(
        (e) => e.type === 'exercise.changed' && e.audience.userIds?.includes(us.ids.evaluator),
      );
      expect(rated).toHaveLength(1);
      const viewer = (userId: string, roles: Role[]) => ({ userId, roles });
      expect(visibleTo(rated[0] as BusEvent, viewer(us.ids.evaluator, ['officer']))).toBe(true);
      expect(visibleTo(rated[0] as BusEvent, viewer('someone', ['controller']))).toBe(true);
      expect(visibleTo(rated[0] as BusEvent, viewer(us.ids.player, ['officer']))).toBe(false);
      expect(visibleTo(rated[0] as BusEvent, viewer('someone', ['observer']))).toBe(false);
      await ok(us.evaluator, 'PUT', `/api/exercises/${id}/evaluation/ratings`, {
        objective: 'hotline-response',
        capability: 'operational-communications',
        rating: 'P',
      });
      await ok(cn.evaluator, 'POST', `/api/exercises/${id}/evaluation/observations`, {
        text: 'cnmark-observation: the banner was slow to clear',
        kind: 'improvement',
        expectedId: 'b-acknowledges-call',
      });
      await ok(cn.evaluator, 'PUT', `/api/exercises/${id}/evaluation/ratings`, {
        objective: 'hotline-response',
        rating: 'P',
        note: 'cnmark-rating',
      });
      const bad = [
        await us.evaluator.api('PUT', `/api/exercises/${id}/evaluation/ratings`, {
          objective: 'no-such',
          rating: 'P',
        }),
        await us.evaluator.api('PUT', `/api/exercises/${id}/evaluation/ratings`, {
          objective: 'hotline-response',
          capability: 'forensics-and-attribution',
          rating: 'P',
        }),
        await us.evaluator.api('PUT', `/api/exercises/${id}/evaluation/ratings`, {
          objective: 'hotline-response',
          rating: 'X',
        }),
        // The other side's expected action is not this side's to name.
        await us.evaluator.api('POST', `/api/exercises/${id}/evaluation/observations`, {
          text: 'x',
          expectedId: 'b-acknowledges-call',
        }),
      ];
      expect(bad.map((r): unknown[] => [r.status, r.body.error.code])).toEqual([
        [400, 'unknown_objective'],
        [400, 'unknown_capability'],
        [400, 'invalid_request'],
        [400, 'unknown_expected_action'],
      ]);

      // Players never see the evaluation, the expected actions or the AAR before it is shared.
      for (const s of [us, cn]) {
        for (const url of [
          'evaluation/observations',
          'evaluation/ratings',
          'aar',
          'aar.docx',
          'corrective-actions',
        ]) {
          const r = await s.player.api('GET', `/api/exercises/${id}/${url}`);
          expect([url, r.status]).toEqual([url, 403]);
        }
        expect((await s.player.api('GET', `/api/exercises/${id}/observations`)).status).toBe(403);
        expect(
          (
            await s.player.api('PUT', `/api/exercises/${id}/evaluation/ratings`, {
              objective: 'hotline-response',
              rating: 'U',
            })
          ).status,
        ).toBe(403);
        expect(
          (
            await s.player.api('POST', `/api/exercises/${id}/evaluation/observations`, {
              text: 'a player writes',
            })
          ).status,
        ).toBe(403);
      }

      // The hotwash opens at the end; the clock ends; an improvement plan is written.
      const early = await cn.player.api('PUT', `/api/exercises/${id}/hotwash`, {
        strengths: 'too early',
      });
      expect([early.status, early.body.error.code]).toEqual([409, 'exercise_not_ended']);
      await ok(us.admin, 'POST', `/api/exercises/${id}/clock`, { kind: 'end' });
      await until(
        async () => (await ok(cn.admin, 'GET', `/api/exercises/${id}`)).clock.state === 'ended',
        'the end on cn-mps',
      );
      await ok(cn.player, 'PUT', `/api/exercises/${id}/hotwash`, {
        strengths: 'cnmark-hotwash strength: the duty officer answered at once',
        text: 'private words',
      });
      await ok(cn.player, 'PUT', `/api/exercises/${id}/hotwash`, {
        strengths: 'cnmark-hotwash strength: edited',
        improvements: 'cnmark-hotwash improvement: the ladder',
      });
      expect((await cn.player.api('PUT', `/api/exercises/${id}/hotwash`, {})).body.error.code).toBe(
        'hotwash_empty',
      );
      expect((await ok(cn.player, 'GET', `/api/exercises/${id}/hotwash`)).hotwash).toHaveLength(1);
      expect(
        (await ok(cn.evaluator, 'GET', `/api/exercises/${id}/hotwash`)).hotwash[0].strengths,
      ).toContain('edited');
      expect((await ok(us.player, 'GET', `/api/exercises/${id}/hotwash`)).hotwash).toEqual([]);
      const action = await ok(us.admin, 'POST', `/api/exercises/${id}/corrective-actions`, {
        title: 'Rehearse the hotline ladder monthly',
        capability: 'operational-communications',
        ownerSide: 'A',
        owner: 'us-doj duty desk',
        startDate: '2027-01-05',
        dueDate: '2027-03-31',
      });
      await ok(us.admin, 'PATCH', `/api/exercises/${id}/corrective-actions/${action.id}`, {
        status: 'in_progress',
      });
      const backwards = await us.admin.api(
        'PATCH',
        `/api/exercises/${id}/corrective-actions/${action.id}`,
        { dueDate: '2026-12-31' },
      );
      expect([backwards.status, backwards.body.error.code]).toEqual([400, 'due_before_start']);

      // Nothing of either side's evaluation is on the other node: its API, its live stream.
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // let any stray message land
      const onCn = (await everything(cn)) + cn.stream.text;
      const onUs = (await everything(us)) + us.stream.text;
      for (const secret of SECRETS.us) expect(onCn, `${secret} on cn-mps`).not.toContain(secret);
      for (const secret of SECRETS.cn) expect(onUs, `${secret} on us-doj`).not.toContain(secret);
      expect(onUs).toContain('usmark-rating'); // it is there to be found, on its own node
      expect(onCn).toContain('cnmark-rating');
      expect(cn.stream.text).toContain('exercise.changed'); // the stream was live all along
      const cnAar = await aar(cn);
      expect(cnAar.sharedAt).toEqual({ ours: null, theirs: null });
      expect(
        cnAar.objectives.find((o: { id: string }) => o.id === 'hotline-response').ratings[0],
      ).toEqual(expect.objectContaining({ ours: 'P', theirs: null, diverge: false }));
    }, 120_000);

    it('shares each side’s part, and both nodes show the same merged timeline', async () => {
      const shared = await ok(us.admin, 'POST', `/api/exercises/${id}/aar/share`);
      expect(shared.sharedAt.ours).toEqual(expect.any(String));
      const onCn = await until(async (): Promise<any> => {
        const view = await aar(cn);
        return view.sharedAt.theirs ? view : undefined;
      }, "us-doj's part on cn-mps");
      const whole = onCn.objectives.find((o: { id: string }) => o.id === 'hotline-response')
        .ratings[0];
      expect(whole).toEqual(
        expect.objectContaining({
          ours: 'P',
          theirs: 'S',
          theirsNote: 'usmark-rating',
          diverge: true,
        }),
      );
      const cnText = await everything(cn);
      expect(cnText).toContain('usmark-observation');
      expect(cnText).not.toContain('usmark-private'); // kept home: not marked to share
      // cn-mps has not shared: its part is still its own, and its players still see nothing.
      expect(JSON.stringify(await aar(us))).not.toContain('cnmark');
      expect((await cn.player.api('GET', `/api/exercises/${id}/aar`)).status).toBe(403);
      // us-doj shared: its hotwash is closed and its players may read the report.
      expect(
        (await us.player.api('PUT', `/api/exercises/${id}/hotwash`, { strengths: 'late' })).body
          .error.code,
      ).toBe('aar_shared');
      expect((await us.player.api('GET', `/api/exercises/${id}/aar`)).status).toBe(200);

      await ok(cn.admin, 'POST', `/api/exercises/${id}/aar/share`);
      const onUs = await until(async (): Promise<any> => {
        const view = await aar(us);
        return view.sharedAt.theirs ? view : undefined;
      }, "cn-mps's part on us-doj");
      const cnView = await aar(cn);
      expect(onUs.timeline).toEqual(cnView.timeline);
      const keys = onUs.timeline.map((e: { key: string }) => e.key);
      expect(keys).toEqual(
        expect.arrayContaining([
          'A:inject_fired:exfiltration-call',
          'B:expected:b-acknowledges-call',
        ]),
      );
      expect(keys.some((k: string) => k.startsWith('B:received:'))).toBe(true);
      expect(keys.some((k: string) => k.startsWith('A:observation:'))).toBe(true);
      const ats = onUs.timeline.map((e: { at: string }) => e.at);
      expect(ats).toEqual([...ats].sort());
      expect(
        onUs.expected.theirs.find(
          (e: { expectedId: string }) => e.expectedId === 'b-acknowledges-call',
        ).state,
      ).toBe('met');
      expect(onUs.strengths.map((s: { text: string }) => s.text)).toEqual(
        expect.arrayContaining([
          expect.stringContaining('usmark-observation'),
          expect.stringContaining('cnmark-hotwash strength: edited'),
        ]),
      );
      expect(JSON.stringify(onUs)).not.toContain('private words');
      expect(onUs.correctiveActions).toEqual([
        expect.objectContaining({ side: 'A', status: 'in_progress' }),
      ]);
      expect(cnView.correctiveActions).toEqual(onUs.correctiveActions);
      expect(onUs.overview.participants).toEqual({
        ours: { controllers: 0, evaluators: 1, players: 1 },
        theirs: { controllers: 0, evaluators: 1, players: 1 },
      });
      expect(onUs.overview.startedAt).toEqual(cnView.overview.startedAt);

      // Sharing again replaces the part on both nodes: the timelines still agree.
      await ok(us.evaluator, 'POST', `/api/exercises/${id}/evaluation/observations`, {
        text: 'usmark-second: written after the first share',
      });
      expect(JSON.stringify((await aar(us)).timeline)).not.toContain('usmark-second');
      await ok(us.admin, 'POST', `/api/exercises/${id}/aar/share`);
      const again = await until(async (): Promise<any> => {
        const view = await aar(cn);
        return JSON.stringify(view.timeline).includes('usmark-second') ? view : undefined;
      }, "us-doj's second part on cn-mps");
      expect((await aar(us)).timeline).toEqual(again.timeline);
      expect(again.timeline).toHaveLength(onUs.timeline.length + 1);
    }, 60_000);

    it('exports the AAR/IP as a DOCX with HSEEP’s sections in English and Chinese', async () => {
      for (const lang of ['en', 'zh-CN'] as const) {
        for (const s of [us, cn]) {
          const r = await s.player.api('GET', `/api/exercises/${id}/aar.docx?lang=${lang}`);
          expect(r.status, r.text.slice(0, 200)).toBe(200);
          const xml = await documentXml(r.raw);
          for (const heading of HEADINGS[lang])
            expect(xml, `${lang}: ${heading}`).toContain(heading);
          expect(xml).toContain('usmark-observation');
          expect(xml).toContain('Rehearse the hotline ladder monthly');
        }
      }
      expect((await us.admin.api('GET', `/api/exercises/${id}/aar.docx?lang=fr`)).status).toBe(400);
    }, 60_000);
  });
}
