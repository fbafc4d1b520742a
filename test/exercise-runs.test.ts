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
 * Issue 17, a joint run between two node processes: us-doj proposes the personnel-breach
 * scenario as side A, cn-mps accepts as side B; us-doj's controller drives the one exercise
 * clock (start at 60×, pause, resume, jump) and cn-mps follows it; each node fires the
 * injects its side sends, once, across a restart of either node. Neither side's expected
 * actions reach the other.
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
  firedHere: boolean;
  state: string;
  firedAtMinutes: number | null;
}

async function injects(node: NodeProcess, id: string): Promise<Map<string, Inject>> {
  const r = await node.api('GET', `/api/exercises/${id}/injects`);
  expect(r.status).toBe(200);
  return new Map((r.body.injects as Inject[]).map((inject) => [inject.id, inject]));
}

const clockOf = async (node: NodeProcess, id: string) =>
  (await node.api('GET', `/api/exercises/${id}`)).body.clock as { state: string; speed: number };

describe('a joint exercise between two nodes', () => {
  it('proposes, accepts, keeps one clock, and fires each side its own injects once', async () => {
    const proposed = await us.api('POST', '/api/exercises', {
      scenarioId: 'personnel-breach',
      peer: 'cn-mps',
      side: 'A',
    });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    const id = proposed.body.id as string;

    // cn-mps holds the proposal as side B, with B's expected actions from its own copy only.
    const received = await until(async () => {
      const r = await cn.api('GET', `/api/exercises/${id}`);
      return r.status === 200 ? (r.body as Record<string, unknown>) : undefined;
    }, 'the proposal on cn-mps');
    expect(received).toEqual(
      expect.objectContaining({ side: 'B', proposedHere: false, status: 'proposed' }),
    );
    expect(received.expectations).toBe(4);
    expect(proposed.body.expectations).toBe(4);
    const cnInjects = JSON.stringify((await cn.api('GET', `/api/exercises/${id}/injects`)).body);
    expect(cnInjects).not.toContain('a-requests-preservation');

    // Only the proposer drives the clock, and only once accepted.
    const early = await us.api('POST', `/api/exercises/${id}/clock`, { kind: 'start', speed: 60 });
    expect([early.status, early.body.error.code]).toEqual([409, 'exercise_not_accepted']);
    expect((await cn.api('POST', `/api/exercises/${id}/accept`)).status).toBe(200);
    await until(
      async () => (await us.api('GET', `/api/exercises/${id}`)).body.status === 'accepted',
      'the acceptance on us-doj',
    );
    const notOurs = await cn.api('POST', `/api/exercises/${id}/clock`, { kind: 'start', speed: 1 });
    expect([notOurs.status, notOurs.body.error.code]).toEqual([409, 'clock_not_ours']);

    // Start at 60×: the briefing (T+00:00, a narrative for A) fires on us-doj at once.
    expect(
      (await us.api('POST', `/api/exercises/${id}/clock`, { kind: 'start', speed: 60 })).status,
    ).toBe(200);
    await until(
      async () => (await injects(us, id)).get('briefing')?.state === 'fired',
      'the briefing',
    );
    expect((await us.api('POST', `/api/exercises/${id}/clock`, { kind: 'pause' })).status).toBe(
      200,
    );
    await until(async () => (await clockOf(cn, id)).state === 'paused', 'the pause on cn-mps');
    const speedTwice = await us.api('POST', `/api/exercises/${id}/clock`, { kind: 'pause' });
    expect([speedTwice.status, speedTwice.body.error.code]).toEqual([
      409,
      'clock_move_not_allowed',
    ]);

    // A restart of either node in the middle loses nothing and fires nothing twice.
    await us.stop();
    await us.start();
    await cn.stop();
    await cn.start();
    expect((await us.api('POST', `/api/exercises/${id}/clock`, { kind: 'resume' })).status).toBe(
      200,
    );
    await until(async () => (await clockOf(cn, id)).state === 'running', 'the resume on cn-mps');

    // Jump to T+01:45: each node fires what its side sends up to then, and nothing else.
    expect(
      (await us.api('POST', `/api/exercises/${id}/clock`, { kind: 'jump', toMinutes: 105 })).status,
    ).toBe(200);
    // What each node fires itself (its MSEL also shows the peer's as fired, when told).
    const firedOn = (map: Map<string, Inject>) =>
      [...map.values()]
        .filter((i) => i.state === 'fired' && i.firedHere)
        .map((i) => i.id)
        .sort();
    const allFired = (map: Map<string, Inject>) =>
      [...map.values()].filter((i) => i.state === 'fired').length;
    await until(
      async () =>
        firedOn(await injects(us, id)).length === 5 &&
        firedOn(await injects(cn, id)).length === 2 &&
        allFired(await injects(us, id)) === 7 &&
        allFired(await injects(cn, id)) === 7,
      'the injects due by T+01:45 on both nodes',
      30_000,
    );
    expect((await us.api('POST', `/api/exercises/${id}/clock`, { kind: 'pause' })).status).toBe(
      200,
    );
    expect(firedOn(await injects(us, id))).toEqual([
      'briefing',
      'exfiltration-call',
      'first-indicator',
      'logs-expire',
      'threat-to-life',
    ]);
    expect(firedOn(await injects(cn, id))).toEqual(['attribution-note', 'attribution-report']);
    expect((await injects(us, id)).get('threat-to-life')?.firedAtMinutes).toBe(70);
    // The peer's MSEL shows it fired at the same scenario time (liaison.exercise.inject).
    expect((await injects(cn, id)).get('threat-to-life')).toEqual(
      expect.objectContaining({ state: 'fired', firedHere: false, firedAtMinutes: 70 }),
    );
  }, 240_000);
});
