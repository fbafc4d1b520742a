import { afterAll, describe, expect, it } from 'vitest';
import {
  appliedNotes,
  clusterRoot,
  createNodeProcess,
  enqueueNotes,
  peer,
  removeClusterRoots,
  watermark,
  type NodeProcess,
} from './harness/cluster.js';
import { until } from './harness/wait.js';
import { TEST_METRICS_TOKEN } from './harness/node.js';

/**
 * The stream between real node processes on loopback, each with its own SQLite file
 * (issue 3, acceptance 1, 2, 3, 5 and 6).
 */
const started: NodeProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((n) => n.kill()));
  removeClusterRoots();
});

async function node(
  root: string,
  nodeId: string,
  env: NodeJS.ProcessEnv = {},
): Promise<NodeProcess> {
  const n = await createNodeProcess(root, nodeId, { env });
  started.push(n);
  await n.start();
  return n;
}

/** B applied everything; A learns it from B's answer a moment later. */
async function acknowledged(sender: NodeProcess, peerId: string): Promise<any> {
  await until(
    async () =>
      (await sender.api('GET', `/api/federation/peers/${peerId}`)).body.ledger.backlog === 0,
    `${sender.nodeId} to see its stream to ${peerId} acknowledged`,
    30_000,
    200,
  );
  return (await sender.api('GET', `/api/federation/peers/${peerId}`)).body.ledger;
}

function expectExactlyOnceInOrder(applied: { seq: number; text: string }[], sent: string[]): void {
  expect(applied.length).toBe(sent.length);
  expect(applied.map((a) => a.seq)).toEqual(sent.map((_, i) => i + 1));
  expect(applied.map((a) => a.text)).toEqual(sent);
}

describe('federation between node processes', () => {
  it('refuses to peer with a wrong fingerprint, showing both values', async () => {
    const root = clusterRoot();
    const a = await node(root, 'us-doj');
    const b = await node(root, 'cn-mps');
    const wrong = a.fingerprint; // A's own fingerprint is not B's
    const r = await a.api('POST', '/api/federation/peers', { url: b.url, fingerprint: wrong });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('fingerprint_mismatch');
    expect(r.body.error.message).toContain(wrong);
    expect(r.body.error.message).toContain(b.fingerprint);
    const peers = await a.api('GET', '/api/federation/peers');
    expect(peers.body.peers).toEqual([]);
    await Promise.all([a.kill(), b.kill()]);
  });

  it('applies 10,000 messages each way exactly once and in order', async () => {
    const root = clusterRoot();
    const a = await node(root, 'us-doj');
    const b = await node(root, 'cn-mps');
    await peer(a, b);
    const [toB, toA] = await Promise.all([
      enqueueNotes(a.dataDir, 'cn-mps', 10_000, 'a→b'),
      enqueueNotes(b.dataDir, 'us-doj', 10_000, 'b→a'),
    ]);
    await until(
      async () =>
        (await watermark(b.dataDir, 'us-doj')) === 10_000 &&
        (await watermark(a.dataDir, 'cn-mps')) === 10_000,
      'both streams to drain',
      180_000,
      200,
    );
    expectExactlyOnceInOrder(await appliedNotes(b.dataDir, 'us-doj'), toB);
    expectExactlyOnceInOrder(await appliedNotes(a.dataDir, 'cn-mps'), toA);
    const ledger = await acknowledged(a, 'cn-mps');
    expect(ledger).toMatchObject({
      lastSent: 10_000,
      lastAcknowledged: 10_000,
      backlog: 0,
      lastApplied: 10_000,
      peerUp: true,
    });
    await Promise.all([a.kill(), b.kill()]);
  }, 300_000);

  it('loses and duplicates nothing while sender and receiver are SIGKILLed 20 times', async () => {
    const root = clusterRoot();
    // The stream must hold exactly the 20,000 notes: no audit checkpoint may join it, however
    // long a loaded machine takes (one is sent every 5 minutes by default).
    const quiet = { LIAISON_CHECKPOINT_MINUTES: '1440' };
    const a = await node(root, 'us-doj', quiet);
    const b = await node(root, 'cn-mps', quiet);
    await peer(a, b);
    const sent = await enqueueNotes(a.dataDir, 'cn-mps', 20_000, 'crash');
    const kills: string[] = [];
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 500));
      const victim = Math.random() < 0.5 ? a : b;
      kills.push(victim.nodeId);
      await victim.kill();
      await victim.start();
    }
    expect(new Set(kills).size).toBe(2);
    await until(
      async () => (await watermark(b.dataDir, 'us-doj')) === 20_000,
      'the stream to drain',
      180_000,
      200,
    ).catch(async (error: unknown) => {
      const ledger = (await a.api('GET', '/api/federation/peers/cn-mps')).body.ledger;
      throw new Error(
        `${String(error)}\nledger: ${JSON.stringify(ledger)}\nA: ${a.log.slice(-3000)}\nB: ${b.log.slice(-3000)}`,
      );
    });
    expectExactlyOnceInOrder(await appliedNotes(b.dataDir, 'us-doj'), sent);
    const ledger = await acknowledged(a, 'cn-mps');
    expect(ledger).toMatchObject({ lastAcknowledged: 20_000, backlog: 0 });
    await Promise.all([a.kill(), b.kill()]);
  }, 400_000);

  it('piles up 50,000 messages while the receiver is down, shows it, and drains them when it returns', async () => {
    const root = clusterRoot();
    const a = await node(root, 'us-doj');
    const b = await node(root, 'cn-mps');
    await peer(a, b);
    await b.stop();
    const sent = await enqueueNotes(a.dataDir, 'cn-mps', 50_000, 'backlog', 1000);
    await until(
      async () => {
        const ledger = (await a.api('GET', '/api/federation/peers/cn-mps')).body.ledger;
        return ledger.peerUp === false && ledger.lastError?.code === 'peer_unreachable';
      },
      'the ledger to show the peer down',
      30_000,
      200,
    );
    const down = (await a.api('GET', '/api/federation/peers/cn-mps')).body.ledger;
    expect(down.backlog).toBe(50_000);
    expect(down.oldestUndeliveredAgeMs).toBeGreaterThan(0);
    expect(down.lastError.message).toContain(b.url);
    const metrics = await (
      await fetch(`${a.url}/metrics`, {
        headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` },
      })
    ).text();
    expect(metrics).toMatch(/liaison_federation_backlog\{peer="cn-mps"\} 50000/);
    expect(metrics).toMatch(/liaison_federation_peer_up\{peer="cn-mps"\} 0/);

    await b.start();
    await until(
      async () => (await watermark(b.dataDir, 'us-doj')) === 50_000,
      'the backlog to drain',
      240_000,
      200,
    );
    expectExactlyOnceInOrder(await appliedNotes(b.dataDir, 'us-doj'), sent);
    await until(
      async () => (await a.api('GET', '/api/federation/peers/cn-mps')).body.ledger.backlog === 0,
      'the ledger to show the backlog gone',
      10_000,
      200,
    );
    const after = (await a.api('GET', '/api/federation/peers/cn-mps')).body.ledger;
    expect(after).toMatchObject({ peerUp: true, lastError: null, backlog: 0 });
    await Promise.all([a.kill(), b.kill()]);
  }, 400_000);

  it('keeps streams independent: C down does not hold up A→B', async () => {
    const root = clusterRoot();
    const a = await node(root, 'us-doj');
    const b = await node(root, 'cn-mps');
    const c = await node(root, 'gb-nca');
    await peer(a, b);
    await peer(a, c);
    await c.stop();
    const toC = await enqueueNotes(a.dataDir, 'gb-nca', 2_000, 'to c');
    const toB = await enqueueNotes(a.dataDir, 'cn-mps', 2_000, 'to b');
    await until(
      async () => (await watermark(b.dataDir, 'us-doj')) === 2_000,
      'A→B to drain',
      60_000,
      200,
    );
    expectExactlyOnceInOrder(await appliedNotes(b.dataDir, 'us-doj'), toB);
    const ledgerC = (await a.api('GET', '/api/federation/peers/gb-nca')).body.ledger;
    expect(ledgerC.backlog).toBe(2_000);
    // A single note to B still arrives at once while C's backlog waits.
    const note = await a.api('POST', '/api/notes', {
      peer: 'cn-mps',
      text: 'urgent while C is down',
    });
    expect(note.status).toBe(201);
    await until(
      async () => (await watermark(b.dataDir, 'us-doj')) === 2_001,
      'the urgent note',
      10_000,
      200,
    );
    await c.start();
    await until(
      async () => (await watermark(c.dataDir, 'us-doj')) === 2_000,
      'A→C to drain after C returns',
      60_000,
      200,
    );
    expectExactlyOnceInOrder(await appliedNotes(c.dataDir, 'us-doj'), toC);
    await Promise.all([a.kill(), b.kill(), c.kill()]);
  }, 200_000);
});
