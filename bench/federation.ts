import { randomUUID } from 'node:crypto';
import { DIAGNOSTIC_KIND } from '../src/server/federation/federation.js';
import {
  clusterRoot,
  createNodeProcess,
  enqueueNotes,
  openLocal,
  peer,
  removeClusterRoots,
  type NodeProcess,
} from '../test/harness/cluster.js';
import { machine, percentile, printTable } from './report.js';

/**
 * bench/federation (../shared/BENCH.md): two real node processes on loopback, each with its
 * own SQLite file.
 * - latency: a note committed on A (POST /api/notes) until B's live stream shows it applied;
 * - drain_small: 100,000 notes piled up while B is down, from B's return until applied;
 * - drain_stix: 1,000 messages of 1,000 STIX-sized objects each, likewise.
 * Baseline: a bare HTTP round trip (GET /healthz) on the same loopback, same run.
 */
const LATENCY_SAMPLES = Number(process.env['BENCH_LATENCY_SAMPLES'] ?? 500);
const SMALL_MESSAGES = Number(process.env['BENCH_SMALL_MESSAGES'] ?? 100_000);
const STIX_MESSAGES = Number(process.env['BENCH_STIX_MESSAGES'] ?? 1_000);
const STIX_OBJECTS = 1_000;

async function login(node: NodeProcess): Promise<string> {
  await node.api('GET', '/api/me');
  const response = await fetch(`${node.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'federation test password' }),
  });
  return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

/** B's live stream: resolves waiters when a note with their text arrives. */
async function watchNotes(node: NodeProcess, cookie: string) {
  const waiters = new Map<string, (at: number) => void>();
  const controller = new AbortController();
  const response = await fetch(`${node.url}/api/events`, {
    headers: { cookie },
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        const at = performance.now();
        buffer += decoder.decode(value, { stream: true });
        let index: number;
        while ((index = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, index);
          buffer = buffer.slice(index + 2);
          if (!block.includes('event: note.created')) continue;
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          const note = (
            JSON.parse(data?.slice(6) ?? '{}') as { note?: { text: string; direction: string } }
          ).note;
          if (note?.direction === 'in') waiters.get(note.text)?.(at);
        }
      }
    } catch {
      // closed
    }
  })();
  return {
    wait(text: string): Promise<number> {
      return new Promise((resolve) => waiters.set(text, resolve));
    },
    close: () => controller.abort(),
  };
}

async function appliedFrom(node: NodeProcess, peerId: string): Promise<number> {
  const r = await node.api('GET', `/api/federation/peers/${peerId}`);
  return Number(r.body.ledger.lastApplied);
}

async function waitApplied(
  node: NodeProcess,
  peerId: string,
  target: number,
): Promise<{ first: number; last: number }> {
  let first = 0;
  for (;;) {
    const applied = await appliedFrom(node, peerId);
    const now = performance.now();
    if (applied > 0 && first === 0) first = now;
    if (applied >= target) return { first, last: now };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function stixObject(i: number): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: now,
    modified: now,
    name: `Malicious IP ${i}`,
    description: 'Command-and-control server observed in the intrusion.',
    indicator_types: ['malicious-activity'],
    pattern: `[ipv4-addr:value = '203.0.${Math.floor(i / 256) % 256}.${i % 256}']`,
    pattern_type: 'stix',
    valid_from: now,
    object_marking_refs: ['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82'],
  };
}

async function enqueueStix(dataDir: string, peerId: string): Promise<void> {
  const node = await openLocal(dataDir);
  try {
    for (let m = 0; m < STIX_MESSAGES; m += 10) {
      await node.store.transaction(async (trx) => {
        for (let k = m; k < Math.min(m + 10, STIX_MESSAGES); k++) {
          const objects = Array.from({ length: STIX_OBJECTS }, (_, i) =>
            stixObject(k * STIX_OBJECTS + i),
          );
          await node.federation.send(trx, undefined, peerId, DIAGNOSTIC_KIND, {
            label: `stix ${k}`,
            objects,
          });
        }
      });
    }
  } finally {
    await node.close();
  }
}

export async function run(): Promise<void> {
  const root = clusterRoot();
  const a = await createNodeProcess(root, 'us-doj');
  const b = await createNodeProcess(root, 'cn-mps');
  await Promise.all([a.start(), b.start()]);
  try {
    await peer(a, b);

    // Baseline: bare HTTP round trips on loopback.
    const rtt: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t0 = performance.now();
      await (await fetch(`${b.url}/healthz`)).arrayBuffer();
      rtt.push(performance.now() - t0);
    }

    // Latency of single messages.
    const cookieB = await login(b);
    const stream = await watchNotes(b, cookieB);
    await a.api('GET', '/api/me');
    const latency: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES + 20; i++) {
      const text = `latency ${i}`;
      const arrived = stream.wait(text);
      const t0 = performance.now();
      const sent = await a.api('POST', '/api/notes', { peer: 'cn-mps', text });
      if (sent.status !== 201) throw new Error(`send failed: ${JSON.stringify(sent.body)}`);
      const at = await arrived;
      if (i >= 20) latency.push(at - t0); // the first 20 warm up
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    stream.close();

    // Backlog of small messages, drained when B returns.
    const base = await appliedFrom(b, 'us-doj');
    await b.stop();
    const tEnqueue = performance.now();
    await enqueueNotes(a.dataDir, 'cn-mps', SMALL_MESSAGES, 'drain', 1000);
    const enqueueMs = performance.now() - tEnqueue;
    await b.start();
    const tBack = performance.now();
    const small = await waitApplied(b, 'us-doj', base + SMALL_MESSAGES);
    const smallSeconds = (small.last - tBack) / 1000;

    // Backlog of STIX-sized messages.
    const base2 = await appliedFrom(b, 'us-doj');
    await b.stop();
    await enqueueStix(a.dataDir, 'cn-mps');
    await b.start();
    const tBack2 = performance.now();
    const stix = await waitApplied(b, 'us-doj', base2 + STIX_MESSAGES);
    const stixSeconds = (stix.last - tBack2) / 1000;

    const results = {
      latency_p50_ms: percentile(latency, 50),
      latency_p99_ms: percentile(latency, 99),
      drain_small_per_s: Math.round(SMALL_MESSAGES / smallSeconds),
      drain_stix_objects_per_s: Math.round((STIX_MESSAGES * STIX_OBJECTS) / stixSeconds),
    };
    const baseline = { http_rtt_p50_ms: percentile(rtt, 50), http_rtt_p99_ms: percentile(rtt, 99) };
    printTable('federation', [
      [
        'bare HTTP round trip p50 / p99 (baseline)',
        `${baseline.http_rtt_p50_ms} / ${baseline.http_rtt_p99_ms} ms`,
      ],
      [
        `note commit on A → applied on B, p50 / p99 (${LATENCY_SAMPLES} notes)`,
        `${results.latency_p50_ms} / ${results.latency_p99_ms} ms`,
      ],
      [
        `${SMALL_MESSAGES} small messages: sealed and committed on A`,
        `${(enqueueMs / 1000).toFixed(1)} s`,
      ],
      [
        `${SMALL_MESSAGES} small messages: B back → all applied`,
        `${smallSeconds.toFixed(1)} s, ${results.drain_small_per_s} msg/s`,
      ],
      [
        '  of which B back → first applied (peer-return probe)',
        `${((small.first - tBack) / 1000).toFixed(1)} s`,
      ],
      [
        `${STIX_MESSAGES} messages × ${STIX_OBJECTS} STIX objects: B back → all applied`,
        `${stixSeconds.toFixed(1)} s, ${results.drain_stix_objects_per_s} objects/s`,
      ],
    ]);
    console.log(JSON.stringify({ bench: 'federation', results, baseline, machine: machine() }));
  } finally {
    await Promise.all([a.kill(), b.kill()]);
    removeClusterRoots();
  }
}
