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
 * Issue 17: an exercise request's deadlines run on the exercise clock, on both nodes.
 * us-doj plays side A of personnel-breach at 60×; its threat-to-life inject (T+01:10) sends
 * an emergency disclosure request to cn-mps, whose terms give 1 hour to acknowledge and 24
 * hours to respond: 1 and 24 wall minutes at 60×. Both nodes show the same deadlines (in
 * exercise time, and the same wall instants); a pause freezes them (the wall instants move
 * by the pause), a change of speed and a jump move them; the overdue alert fires once on
 * each node, across a restart of cn-mps (two node processes), and not again on later moves.
 */

interface Side {
  api(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }>;
}
let us: Side;
let cn: Side;

interface Deadline {
  dueAt: string;
  dueSoonAt: string;
  state: string;
}
interface Request {
  id: string;
  exerciseId: string | null;
  acknowledge: Deadline;
  respond: Deadline;
  exerciseDeadlines: {
    sentMs: number;
    acknowledgeMs: number;
    respondMs: number;
    running: boolean;
  } | null;
}

const HOUR = 3_600_000;

async function api(node: Side, method: string, url: string, body?: unknown): Promise<any> {
  const r = await node.api(method, url, body);
  expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body as unknown;
}

const request = (node: Side, id: string) =>
  api(node, 'GET', `/api/requests/${id}`) as Promise<Request>;

const auditCount = async (node: Side, action: string, entityId: string) =>
  (
    (await api(node, 'GET', '/api/audit?limit=500')).entries as {
      action: string;
      entityId: string;
    }[]
  ).filter((e) => e.action === action && e.entityId === entityId).length;

const clock = (id: string, move: Record<string, unknown>) =>
  api(us, 'POST', `/api/exercises/${id}/clock`, move);

const clockState = async (node: Side, id: string) =>
  (await api(node, 'GET', `/api/exercises/${id}`)).clock as { state: string; speed: number };

/**
 * Both nodes show the request's deadlines alike (in exercise time and as wall instants),
 * and as `check` wants, once cn-mps has applied the last clock move; fails if they never do.
 */
async function alike(
  exerciseId: string,
  id: string,
  check: (r: Request) => boolean,
  what: string,
): Promise<Request> {
  return until(async () => {
    const clocks = await Promise.all([clockState(us, exerciseId), clockState(cn, exerciseId)]);
    if (JSON.stringify(clocks[0]) !== JSON.stringify(clocks[1])) return undefined;
    const [a, b] = await Promise.all([request(us, id), request(cn, id)]);
    if (!check(a) || !check(b)) return undefined;
    const shown = (r: Request) =>
      JSON.stringify([r.exerciseDeadlines, r.acknowledge.dueAt, r.respond.dueAt]);
    return shown(a) === shown(b) ? a : undefined;
  }, `${what}, alike on both nodes`);
}

/** Holds the request's row locked on cn-mps, as a player's change does, until released. */
type HoldRequest = (requestId: string) => Promise<() => Promise<void>>;

async function deadlinesFollowTheExerciseClock(
  restartCn?: () => Promise<void>,
  holdOnCn?: HoldRequest,
): Promise<void> {
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
  await clock(id, { kind: 'jump', toMinutes: 70 });
  const fired = await until(async () => {
    const injects = (await api(us, 'GET', `/api/exercises/${id}/injects`)).injects as {
      id: string;
      state: string;
      delivered: string | null;
    }[];
    const inject = injects.find((i) => i.id === 'threat-to-life');
    return inject?.state === 'fired' && inject.delivered ? inject.delivered : undefined;
  }, 'the emergency request sent by us-doj');
  const sentWall = Date.now();
  await until(async () => (await cn.api('GET', `/api/requests/${fired}`)).status === 200, 'it');

  // The terms' 1 hour and 24 hours count in exercise time from when it was sent (T+01:10):
  // at 60× they fall 1 and 24 wall minutes later, the same instants on both nodes.
  const sent = await alike(id, fired, (r) => r.exerciseDeadlines?.running === true, 'both alike');
  const d = sent.exerciseDeadlines!;
  expect(sent.exerciseId).toBe(id);
  expect(d.sentMs).toBeGreaterThanOrEqual(70 * 60_000);
  // (When its timer fires after the jump: a few exercise minutes later on a loaded machine.)
  expect(d.sentMs).toBeLessThan(100 * 60_000);
  expect([d.acknowledgeMs - d.sentMs, d.respondMs - d.sentMs]).toEqual([HOUR, 24 * HOUR]);
  const ackWall = Date.parse(sent.acknowledge.dueAt);
  const respondWall = Date.parse(sent.respond.dueAt);
  expect(respondWall - ackWall).toBe(23 * 60_000);
  expect(ackWall - sentWall).toBeLessThanOrEqual(60_000);
  expect(ackWall).toBeGreaterThan(sentWall);
  expect(sent.acknowledge.state).toBe('pending');

  // Paused: the deadlines stand; on resuming they fall later by the pause, on both nodes.
  await clock(id, { kind: 'pause' });
  const paused = await alike(id, fired, (r) => r.exerciseDeadlines?.running === false, 'paused');
  expect(paused.exerciseDeadlines).toEqual({ ...d, running: false });
  const pausedAck = Date.parse(paused.acknowledge.dueAt);
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  expect((await request(us, fired)).acknowledge.state).toBe('pending');
  await clock(id, { kind: 'resume' });
  const resumed = await alike(
    id,
    fired,
    (r) => r.exerciseDeadlines?.running === true && Date.parse(r.acknowledge.dueAt) > pausedAck,
    'resumed',
  );
  expect(Date.parse(resumed.acknowledge.dueAt) - pausedAck).toBeGreaterThanOrEqual(2_500);
  expect(Date.parse(resumed.respond.dueAt) - Date.parse(resumed.acknowledge.dueAt)).toBe(
    23 * 60_000,
  );

  if (holdOnCn) {
    // A move while someone on cn-mps changes the request (its row locked): cn-mps applies it
    // without waiting for that change, and tells the request the clock once it is done.
    const release = await holdOnCn(fired);
    await clock(id, { kind: 'pause' });
    await until(async () => (await clockState(cn, id)).state === 'paused', 'the pause, not held');
    await release();
    await alike(id, fired, (r) => r.exerciseDeadlines?.running === false, 'told once released');
    await clock(id, { kind: 'resume' });
  }

  // At 30× the rest of the 24 hours take twice as long in wall time.
  await clock(id, { kind: 'speed', speed: 30 });
  const slower = await alike(
    id,
    fired,
    (r) => Date.parse(r.respond.dueAt) - Date.parse(r.acknowledge.dueAt) === 46 * 60_000,
    'at 30×',
  );
  expect(slower.exerciseDeadlines?.running).toBe(true);

  // A jump past the hour: overdue on both nodes, raised once on each (cn-mps restarted
  // meanwhile, when it runs as a process: its timers are set again from the jump it applies).
  await clock(id, { kind: 'pause' });
  await until(async () => (await clockState(cn, id)).state === 'paused', 'the pause on cn-mps');
  if (restartCn) await restartCn();
  await clock(id, { kind: 'speed', speed: 60 });
  await clock(id, { kind: 'resume' });
  await clock(id, { kind: 'jump', toMinutes: Math.ceil(d.acknowledgeMs / 60_000) + 1 });
  await until(async () => {
    const [a, b] = await Promise.all([request(us, fired), request(cn, fired)]);
    return a.acknowledge.state === 'overdue' && b.acknowledge.state === 'overdue';
  }, 'the acknowledgement overdue on both nodes');
  for (const node of [us, cn]) {
    await until(
      async () => (await auditCount(node, 'request.acknowledge_overdue', fired)) === 1,
      'the overdue alert raised',
    );
  }
  expect((await request(us, fired)).respond.state).toBe('pending');

  // More moves set the timers again; nothing fires twice.
  await clock(id, { kind: 'speed', speed: 45 });
  await clock(id, { kind: 'pause' });
  await clock(id, { kind: 'resume' });
  await alike(id, fired, (r) => r.exerciseDeadlines?.running === true, 'running again');
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  for (const node of [us, cn]) {
    expect(await auditCount(node, 'request.acknowledge_overdue', fired)).toBe(1);
    expect(await auditCount(node, 'request.acknowledge_due_soon', fired)).toBeLessThanOrEqual(1);
  }

  // Acknowledged now: missed (after its deadline on the exercise clock), on both nodes.
  await api(cn, 'POST', `/api/requests/${fired}/moves`, { action: 'acknowledge' });
  await alike(id, fired, (r) => r.acknowledge.state === 'missed', 'acknowledged late');

  // The end stops the clock: the respond deadline stands, no timer left to fire.
  await clock(id, { kind: 'end' });
  const ended = await alike(id, fired, (r) => r.exerciseDeadlines?.running === false, 'ended');
  expect(ended.respond.state).toBe('pending');
}

describe('exercise request deadlines on the exercise clock, between two node processes', () => {
  const processes: NodeProcess[] = [];
  let cnProcess: NodeProcess;
  beforeAll(async () => {
    const root = clusterRoot();
    const a = await createNodeProcess(root, 'us-doj');
    const b = await createNodeProcess(root, 'cn-mps', { country: 'CN' });
    processes.push(a, b);
    await Promise.all([a.start(), b.start()]);
    await peer(a, b);
    [us, cn, cnProcess] = [a, b, b];
  }, 180_000);
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    removeClusterRoots();
  }, 60_000);

  it('counts the terms in exercise time, freezes, moves, and alerts once', async () => {
    await deadlinesFollowTheExerciseClock(async () => {
      await cnProcess.stop();
      await cnProcess.start();
    });
  }, 240_000);
});

// The same in this process, on each store.
for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`exercise request deadlines on ${dialect}`, () => {
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

    it('counts the terms in exercise time, freezes, moves, and alerts once', async () => {
      const hold: HoldRequest = async (requestId) => {
        let release!: () => void;
        let locked!: () => void;
        const isLocked = new Promise<void>((resolve) => (locked = resolve));
        const held = new Promise<void>((resolve) => (release = resolve));
        const done = handles[1]!.node.store.db.transaction().execute(async (trx) => {
          await trx
            .updateTable('requests')
            .set({ updated_at: Date.now() })
            .where('id', '=', requestId)
            .execute();
          locked();
          await held;
        });
        await isLocked;
        return async () => {
          release();
          await done;
        };
      };
      // On SQLite a writer holds the whole store: only PostgreSQL has rows to hold.
      await deadlinesFollowTheExerciseClock(undefined, dialect === 'postgres' ? hold : undefined);
    }, 120_000);
  });
}
