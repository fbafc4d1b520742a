import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clusterRoot,
  createNodeProcess,
  peer,
  removeClusterRoots,
  type NodeProcess,
} from './harness/cluster.js';
import { until } from './harness/wait.js';

/**
 * Issue 17, injects through the real channels between two node processes: us-doj plays side
 * A of personnel-breach, cn-mps side B. A's call inject rings cn-mps's hotline as an
 * EXERCISE call and its request lands in cn-mps's inbox, marked; cn-mps observes its own
 * side's expected actions (the call acknowledged in time: met; the emergency request left
 * alone past its deadline on the exercise clock: missed); neither node's real figures count
 * any of it, and us-doj never shows B's observations.
 */
let us: NodeProcess;
let cn: NodeProcess;

beforeAll(async () => {
  const root = clusterRoot();
  us = await createNodeProcess(root, 'us-doj');
  cn = await createNodeProcess(root, 'cn-mps', { country: 'CN' });
  await Promise.all([us.start(), cn.start()]);
  await peer(us, cn);
}, 180_000);

afterAll(async () => {
  await Promise.all([us?.kill(), cn?.kill()]);
  removeClusterRoots();
}, 60_000);

interface Inject {
  id: string;
  state: string;
  delivered: string | null;
  problem: string | null;
}
interface Observation {
  expectedId: string;
  state: string;
  scenarioMinutes: number | null;
  dueMinutes: number;
}
interface FeedItem {
  kind: string;
  injectId: string | null;
  refId: string | null;
  title: { en: string };
}

async function api(node: NodeProcess, method: string, url: string, body?: unknown): Promise<any> {
  const r = await node.api(method, url, body);
  expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body as unknown;
}

const inject = async (node: NodeProcess, id: string, injectId: string) =>
  ((await api(node, 'GET', `/api/exercises/${id}/injects`)).injects as Inject[]).find(
    (i) => i.id === injectId,
  );

const observations = async (node: NodeProcess, id: string) =>
  new Map(
    (
      (await api(node, 'GET', `/api/exercises/${id}/observations`)).observations as Observation[]
    ).map((o) => [o.expectedId, o]),
  );

const feed = async (node: NodeProcess, id: string) =>
  (await api(node, 'GET', `/api/exercises/${id}/feed`)).items as FeedItem[];

const clock = (id: string, move: Record<string, unknown>) =>
  api(us, 'POST', `/api/exercises/${id}/clock`, move);

describe('injects through the real channels, and what each node observes', () => {
  it('rings, lands, is observed on its own side only, and is never counted', async () => {
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
    const cnFeed = await feed(cn, id);
    expect(cnFeed[0]).toEqual(
      expect.objectContaining({ kind: 'call', injectId: 'exfiltration-call', refId: call.id }),
    );
    expect(cnFeed[0]?.title.en).toBe('Exfiltration still running through the hosted server');

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

    // The real figures count none of it, on either node.
    for (const node of [us, cn]) {
      const review = await api(node, 'GET', '/api/hotline/review');
      expect([review.out.calls, review.in.calls]).toEqual([0, 0]);
      const figures = await api(node, 'GET', '/api/requests/figures');
      for (const row of figures.rows as { count: number }[]) expect(row.count).toBe(0);
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
  }, 240_000);
});
