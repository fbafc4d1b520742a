import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clusterRoot,
  createNodeProcess,
  peer,
  removeClusterRoots,
  type NodeProcess,
} from './harness/cluster.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle } from './harness/node.js';
import { until } from './harness/wait.js';

/**
 * Issue 17, injects through the real channels between two nodes (two node processes, then
 * in this process on each store; case objects, notes, pings and the console too): us-doj plays side
 * A of personnel-breach, cn-mps side B. A's call inject rings cn-mps's hotline as an
 * EXERCISE call and its request lands in cn-mps's inbox, marked; cn-mps observes its own
 * side's expected actions (the call acknowledged in time: met; the emergency request left
 * alone past its deadline on the exercise clock: missed); neither node's real figures count
 * any of it, and us-doj never shows B's observations.
 */

/** A node as the flow drives it: its admin's API calls. */
interface Side {
  api(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }>;
}
let us: Side;
let cn: Side;

interface Inject {
  id: string;
  state: string;
  delivered: string | null;
  problem: string | null;
}
interface Observation {
  expectedId: string;
  state: string;
  observed: boolean;
  scenarioMinutes: number | null;
  dueMinutes: number;
}
interface FeedItem {
  kind: string;
  injectId: string | null;
  refId: string | null;
  title: { en: string };
}

async function api(node: Side, method: string, url: string, body?: unknown): Promise<any> {
  const r = await node.api(method, url, body);
  expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body as unknown;
}

const inject = async (node: Side, id: string, injectId: string) =>
  ((await api(node, 'GET', `/api/exercises/${id}/injects`)).injects as Inject[]).find(
    (i) => i.id === injectId,
  );

const observations = async (node: Side, id: string) =>
  new Map(
    (
      (await api(node, 'GET', `/api/exercises/${id}/observations`)).observations as Observation[]
    ).map((o) => [o.expectedId, o]),
  );

const feed = async (node: Side, id: string) =>
  (await api(node, 'GET', `/api/exercises/${id}/feed`)).items as FeedItem[];

const clock = (id: string, move: Record<string, unknown>) =>
  api(us, 'POST', `/api/exercises/${id}/clock`, move);

/** The whole run, on whichever pair of nodes `us` and `cn` are. */
async function ringsLandsIsObservedAndNeverCounted(): Promise<void> {
  {
    // cn-mps publishes its duty desk (what a ping inject reaches).
    await api(cn, 'POST', '/api/contacts', {
      name: 'MPS 24/7 desk',
      kind: 'desk',
      roles: ['duty_24_7'],
      channels: [{ type: 'email', value: 'duty@mps.example.cn' }],
      languages: ['zh', 'en'],
      workingHours: { days: [], start: '09:00', end: '17:00', always: true },
      timeZone: 'Asia/Shanghai',
      published: true,
    });
    await until(
      async () =>
        ((await api(us, 'GET', '/api/contacts?node=cn-mps')).contacts as unknown[]).length === 1,
      "cn-mps's contact on us-doj",
    );
    const id = (
      await api(us, 'POST', '/api/exercises', {
        scenarioId: 'personnel-breach',
        peer: 'cn-mps',
        side: 'A',
      })
    ).id as string;
    await until(
      async () => (await cn.api('GET', `/api/exercises/${id}`)).status === 200,
      'the proposal on cn-mps',
    );
    await api(cn, 'POST', `/api/exercises/${id}/accept`);
    await until(
      async () => (await api(us, 'GET', `/api/exercises/${id}`)).status === 'accepted',
      'the acceptance on us-doj',
    );
    await clock(id, { kind: 'start', speed: 60 });

    // The briefing (a narrative for A) reaches us-doj's players, and only theirs.
    await until(
      async () => (await feed(us, id)).some((item) => item.injectId === 'briefing'),
      "the briefing in us-doj's feed",
    );
    expect((await feed(cn, id)).map((item) => item.injectId)).not.toContain('briefing');

    // Past T+00:50: A's exfiltration call rings cn-mps's hotline as an EXERCISE call.
    await clock(id, { kind: 'jump', toMinutes: 51 });
    const fired = await until(async () => {
      const state = await inject(us, id, 'exfiltration-call');
      return state?.state === 'fired' ? state : undefined;
    }, 'the exfiltration call fired on us-doj');
    await clock(id, { kind: 'pause' });
    expect(fired.problem).toBeNull();
    expect(fired.delivered).toEqual(expect.any(String));
    const call = await until(async () => {
      const calls = (await api(cn, 'GET', '/api/hotline/calls?direction=in')).calls as {
        id: string;
        exerciseId: string | null;
        subject: string;
        priority: string;
      }[];
      return calls.find((c) => c.id === fired.delivered);
    }, 'the exercise call on cn-mps');
    expect(call.exerciseId).toBe(id);
    expect(call.priority).toBe('urgent');
    expect(call.subject).toContain('Exfiltration still running');
    const outgoing = (await api(us, 'GET', `/api/hotline/calls/${call.id}`)) as {
      exerciseId: string | null;
    };
    expect(outgoing.exerciseId).toBe(id);
    const cnCall = (await feed(cn, id)).find((item) => item.kind === 'call');
    expect(cnCall).toEqual(
      expect.objectContaining({ kind: 'call', injectId: 'exfiltration-call', refId: call.id }),
    );
    expect(cnCall?.title.en).toBe('Exfiltration still running through the hosted server');

    // cn-mps's duty officer acknowledges it (the clock paused at about T+00:51): met.
    expect((await observations(cn, id)).get('b-acknowledges-call')?.state).toBe('pending');
    await api(cn, 'POST', `/api/hotline/calls/${call.id}/acknowledge`);
    const met = (await observations(cn, id)).get('b-acknowledges-call');
    expect(met?.state).toBe('met');
    expect(met?.dueMinutes).toBe(60);
    expect(met?.scenarioMinutes).toBeGreaterThanOrEqual(51);
    expect(met?.scenarioMinutes).toBeLessThanOrEqual(60);

    // Past T+01:10 + 15 minutes: the emergency request lands in cn-mps's inbox, marked, and
    // nobody acknowledges it: missed, by the deadline's timer on the exercise clock.
    await clock(id, { kind: 'resume' });
    await clock(id, { kind: 'jump', toMinutes: 86 });
    await until(
      async () => (await observations(cn, id)).get('b-acknowledges-emergency')?.state === 'missed',
      'b-acknowledges-emergency missed on cn-mps',
    );
    const request = await until(async () => {
      const state = await inject(us, id, 'threat-to-life');
      return state?.state === 'fired' ? state : undefined;
    }, 'the emergency request fired on us-doj');
    await clock(id, { kind: 'pause' });
    expect(request.problem).toBeNull();
    const received = await until(async () => {
      const list = (await api(cn, 'GET', '/api/requests?direction=in')).requests as {
        id: string;
        exerciseId: string | null;
        type: string;
        urgency: string;
        status: string;
      }[];
      return list.find((r) => r.id === request.delivered);
    }, 'the exercise request on cn-mps');
    expect(received).toEqual(
      expect.objectContaining({
        exerciseId: id,
        type: 'emergency_disclosure',
        urgency: 'emergency',
        status: 'sent',
      }),
    );
    await until(
      async () => (await feed(cn, id))[0]?.injectId === 'threat-to-life',
      "the request at the top of cn-mps's feed",
    );

    // Acknowledged after its deadline on the exercise clock: late, no longer missed.
    await api(cn, 'POST', `/api/requests/${received.id}/moves`, { action: 'acknowledge' });
    const late = (await observations(cn, id)).get('b-acknowledges-emergency');
    expect(late?.state).toBe('late');
    expect(late?.scenarioMinutes).toBeGreaterThan(85);
    await until(
      async () => (await api(us, 'GET', `/api/requests/${received.id}`)).status === 'acknowledged',
      'the acknowledgement on us-doj',
    );

    // The indicator (T+00:10) went into an EXERCISE case shared with cn-mps, marked AMBER;
    // cn-mps's analyst adds what it holds there at AMBER, past the hour it had: late.
    const indicator = await inject(us, id, 'first-indicator');
    expect([indicator?.state, indicator?.problem]).toEqual(['fired', null]);
    const exerciseCase = await until(async () => {
      const cases = (await api(cn, 'GET', '/api/cases')).cases as {
        id: string;
        exerciseId: string | null;
        objectCount: number;
      }[];
      return cases.find((c) => c.exerciseId === id && c.objectCount === 1);
    }, 'the exercise case on cn-mps');
    await api(cn, 'POST', `/api/cases/${exerciseCase.id}/objects`, {
      object: { type: 'domain-name', value: 'c2.example.net' },
      tlp: 'green',
    });
    expect((await observations(cn, id)).get('b-shares-related')?.state).toBe('late');

    // A player's request joins only an exercise of this node with that peer.
    const stray = await us.api('POST', '/api/requests', {
      peer: 'cn-mps',
      type: 'preservation',
      title: 'Not an exercise of ours',
      exerciseId: '00000000-0000-4000-8000-000000000000',
    });
    expect([stray.status, stray.body.error.code]).toEqual([404, 'exercise_not_found']);

    // The console: cn-mps skips B's flash call (us-doj's MSEL shows it skipped, and its
    // expected actions are not observed); us-doj sends the closing ping now; cn-mps's duty
    // officer answers it in time: met.
    await api(cn, 'POST', `/api/exercises/${id}/injects/statement-call/skip`);
    await until(
      async () => (await inject(us, id, 'statement-call'))?.state === 'skipped',
      'the skip on us-doj',
    );
    expect((await observations(us, id)).get('a-acknowledges-flash')).toEqual(
      expect.objectContaining({ observed: false, state: 'skipped' }),
    );
    await api(us, 'POST', `/api/exercises/${id}/injects/closing-ping/send`);
    const ping = await until(async () => {
      const list = (await api(cn, 'GET', '/api/pings')).pings as {
        id: string;
        direction: string;
        exerciseId: string | null;
      }[];
      return list.find((p) => p.direction === 'in' && p.exerciseId === id);
    }, 'the exercise ping on cn-mps');
    await api(cn, 'POST', `/api/pings/${ping.id}/acknowledge`);
    expect((await observations(cn, id)).get('b-answers-ping')?.state).toBe('met');

    // T+01:40: B's note reaches us-doj marked EXERCISE; an answer to it belongs to the
    // exercise too.
    await clock(id, { kind: 'resume' });
    await clock(id, { kind: 'jump', toMinutes: 100 });
    const note = await until(async () => {
      const notes = (await api(us, 'GET', '/api/notes?peer=cn-mps')).notes as {
        id: string;
        direction: string;
        exerciseId: string | null;
      }[];
      return notes.find((n) => n.direction === 'in' && n.exerciseId === id);
    }, 'the exercise note on us-doj');
    await clock(id, { kind: 'pause' });
    const answer = await api(us, 'POST', '/api/notes', {
      peer: 'cn-mps',
      text: 'Answered in the exercise.',
      replyTo: note.id,
    });
    expect(answer.exerciseId).toBe(id);
    expect((await observations(us, id)).get('a-answers-note')?.state).toBe('met');

    // The real figures count none of it, on either node.
    for (const node of [us, cn]) {
      const review = await api(node, 'GET', '/api/hotline/review');
      expect([review.out.calls, review.in.calls]).toEqual([0, 0]);
      const figures = await api(node, 'GET', '/api/requests/figures');
      for (const row of figures.rows as { count: number }[]) expect(row.count).toBe(0);
      const cases = await api(node, 'GET', '/api/cases/report');
      for (const row of cases.peers as { casesOpened: number }[]) expect(row.casesOpened).toBe(0);
      const pings = await api(node, 'GET', '/api/pings/report');
      expect(pings.sent).toBe(0);
    }

    // Each node shows its own side's observations only: B's never reach us-doj.
    const ours = await observations(us, id);
    expect([...ours.keys()].every((key) => key.startsWith('a-'))).toBe(true);
    expect(ours.size).toBe(4);
    const usText = JSON.stringify([
      await api(us, 'GET', `/api/exercises/${id}/observations`),
      await api(us, 'GET', `/api/exercises/${id}/injects`),
      await api(us, 'GET', `/api/exercises/${id}/feed`),
    ]);
    expect(usText).not.toContain('b-acknowledges');

    // The end: what is still pending is missed, but the skipped inject's action is not
    // applicable (skipped), in the console and in the AAR's expected vs actual; and the
    // AAR starts when the clock did, the same instant on both nodes.
    await clock(id, { kind: 'end' });
    const ended = await observations(us, id);
    expect(ended.get('a-acknowledges-flash')?.state).toBe('skipped');
    expect([...ended.values()].filter((o) => o.state === 'pending')).toEqual([]);
    const aar = await api(us, 'GET', `/api/exercises/${id}/aar`);
    const outcomes = aar.expected.ours as { expectedId: string; state: string }[];
    expect(outcomes.find((o) => o.expectedId === 'a-acknowledges-flash')?.state).toBe('skipped');
    await until(
      async () => (await api(cn, 'GET', `/api/exercises/${id}`)).clock.state === 'ended',
      'the end on cn-mps',
    );
    const cnAar = await api(cn, 'GET', `/api/exercises/${id}/aar`);
    expect(aar.overview.startedAt).toEqual(expect.any(String));
    expect(cnAar.overview.startedAt).toBe(aar.overview.startedAt);
  }
}

describe('injects through the real channels, between two node processes', () => {
  const processes: NodeProcess[] = [];
  beforeAll(async () => {
    const root = clusterRoot();
    const a = await createNodeProcess(root, 'us-doj');
    const b = await createNodeProcess(root, 'cn-mps', { country: 'CN' });
    processes.push(a, b);
    await Promise.all([a.start(), b.start()]);
    await peer(a, b);
    [us, cn] = [a, b];
  }, 180_000);
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    removeClusterRoots();
  }, 60_000);

  it('rings, lands, is observed on its own side only, and is never counted', async () => {
    await ringsLandsIsObservedAndNeverCounted();
  }, 240_000);
});

// The same run in this process, on each store (the migrations, upserts and queries).
for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`injects through the channels on ${dialect}`, () => {
    const handles: NodeHandle[] = [];
    beforeAll(async () => {
      const a = await makeNode({ dialect, nodeId: 'us-doj' });
      const b = await makeNode({ dialect, nodeId: 'cn-mps' });
      handles.push(a, b);
      const urls = [await a.node.listen(), await b.node.listen()] as const;
      const sides = await Promise.all(
        [a, b].map(async (h): Promise<Side> => {
          const session = await login(h.app, 'admin', h.admin.password);
          return {
            async api(method, url, body) {
              const r = await call(h.app, session, method as 'GET', url, body);
              return { status: r.statusCode, body: r.body ? r.json() : null };
            },
          };
        }),
      );
      [us, cn] = sides as [Side, Side];
      const add = (side: Side, url: string, fingerprint: string) =>
        side.api('POST', '/api/federation/peers', { url, fingerprint });
      expect((await add(us, urls[1], b.node.keys.fingerprint)).status).toBe(201);
      expect((await add(cn, urls[0], a.node.keys.fingerprint)).status).toBe(201);
    }, 60_000);
    afterAll(async () => {
      for (const h of handles) await h.destroy();
    }, 120_000);

    it('rings, lands, is observed on its own side only, and is never counted', async () => {
      await ringsLandsIsObservedAndNeverCounted();
    }, 120_000);
  });
}
