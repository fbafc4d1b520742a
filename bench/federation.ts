import path from 'node:path';
import { diffieHellman, generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';
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
import { floorOf, floorRows, fsyncTimes } from './floor.js';
import { pathFloor, pathFloorRows } from './floor.path.js';
import {
  cpuTicks,
  machine,
  percentile,
  printTable,
  readEvents,
  TICKS_PER_SECOND,
} from './report.js';

/**
 * bench/federation (../shared/BENCH.md): two real node processes on loopback, each with its
 * own SQLite file.
 * - latency: a note committed on A (POST /api/notes) until B's live stream shows it applied;
 * - drain_small: 100,000 notes piled up while B is down, from B's return until applied;
 * - drain_stream_only: 50,000 diagnostic messages (verified, applied, not stored), likewise;
 * - drain_stix: 1,000 messages of 1,000 STIX-sized objects each, likewise.
 * Baselines, same run: a bare HTTP round trip (GET /healthz) on the same loopback; the
 * fsync time of the data directory's disk, and the floor of the latency they make (round
 * trip + two commits, bench/floor.ts); the per-message public-key work of the protocol on
 * one core.
 * The nodes run the built product (npm run bench builds it first).
 */
const LATENCY_SAMPLES = Number(process.env['BENCH_LATENCY_SAMPLES'] ?? 500);
const SMALL_MESSAGES = Number(process.env['BENCH_SMALL_MESSAGES'] ?? 100_000);
const STIX_MESSAGES = Number(process.env['BENCH_STIX_MESSAGES'] ?? 1_000);
const STIX_OBJECTS = 1_000;
const STREAM_MESSAGES = Number(process.env['BENCH_STREAM_MESSAGES'] ?? 50_000);

function cryptoFloorPerSecond(): number {
  const signing = generateKeyPairSync('ed25519');
  const agreement = generateKeyPairSync('x25519');
  const ephemeral = generateKeyPairSync('x25519');
  const data = Buffer.alloc(400, 1);
  const signature = sign(null, data, signing.privateKey);
  const round = () => {
    verify(null, data, signing.publicKey, signature);
    diffieHellman({ privateKey: agreement.privateKey, publicKey: ephemeral.publicKey });
  };
  for (let i = 0; i < 500; i++) round();
  const n = 5000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) round();
  return Math.round(n / ((performance.now() - t0) / 1000));
}

function pidOf(node: NodeProcess): number {
  const pid = node.child?.pid;
  if (pid === undefined) throw new Error(`${node.nodeId} is not running`);
  return pid;
}

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
  const stream = await readEvents(`${node.url}/api/events`, { cookie }, "B's stream", (e) => {
    if (e.type !== 'note.created') return;
    const note = (e.data as { note?: { text: string; direction: string } }).note;
    if (note?.direction === 'in') waiters.get(note.text)?.(e.at);
  });
  return {
    wait(text: string): Promise<number> {
      return new Promise((resolve) => waiters.set(text, resolve));
    },
    close: stream.close,
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

async function enqueueDiagnostics(dataDir: string, peerId: string, count: number): Promise<void> {
  const node = await openLocal(dataDir);
  try {
    for (let m = 0; m < count; m += 1000) {
      await node.store.transaction(async (trx) => {
        for (let k = m; k < Math.min(m + 1000, count); k++) {
          await node.federation.send(trx, undefined, peerId, DIAGNOSTIC_KIND, {
            label: `stream ${k}`,
            objects: [],
          });
        }
      });
    }
  } finally {
    await node.close();
  }
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

    // Baselines: bare HTTP round trips on loopback; and the floor any implementation of the
    // protocol pays per message received, one Ed25519 verification and one X25519
    // agreement, as messages per second on one core.
    const cryptoFloor = cryptoFloorPerSecond();
    const rtt: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t0 = performance.now();
      await (await fetch(`${b.url}/healthz`)).arrayBuffer();
      rtt.push(performance.now() - t0);
    }
    // The floor of a message's latency: the round trip and two commits (two fsyncs).
    const floor = floorOf(rtt, fsyncTimes(b.dataDir));
    // And the floor of the note's whole path, by bare processes on the same disk.
    const onPath = await pathFloor(path.join(root, 'floor-path'));

    // Latency of single messages.
    const cookieB = await login(b);
    const stream = await watchNotes(b, cookieB);
    await a.api('GET', '/api/me');
    const latency: number[] = [];
    // CPU each process spends per note (after the warm-up): the latency's cost is work.
    let cpuBefore: [number, number] = [0, 0];
    for (let i = 0; i < LATENCY_SAMPLES + 20; i++) {
      if (i === 20) cpuBefore = [cpuTicks(pidOf(a)), cpuTicks(pidOf(b))];
      const text = `latency ${i}`;
      const arrived = stream.wait(text);
      const t0 = performance.now();
      const sent = await a.api('POST', '/api/notes', { peer: 'cn-mps', text });
      if (sent.status !== 201) throw new Error(`send failed: ${JSON.stringify(sent.body)}`);
      const at = await arrived;
      if (i >= 20) latency.push(at - t0); // the first 20 warm up
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const cpuMsPerNote = (ticks: number) =>
      Math.round(((ticks * 1000) / TICKS_PER_SECOND / LATENCY_SAMPLES) * 100) / 100;
    const cpuPerNote = {
      sender: cpuMsPerNote(cpuTicks(pidOf(a)) - cpuBefore[0]),
      receiver: cpuMsPerNote(cpuTicks(pidOf(b)) - cpuBefore[1]),
    };
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

    // The same, with messages the receiver verifies and applies without storing anything:
    // what the stream itself costs, without a feature's own writes.
    const base3 = await appliedFrom(b, 'us-doj');
    await b.stop();
    await enqueueDiagnostics(a.dataDir, 'cn-mps', STREAM_MESSAGES);
    await b.start();
    const tBack3 = performance.now();
    const streamOnly = await waitApplied(b, 'us-doj', base3 + STREAM_MESSAGES);
    const streamSeconds = (streamOnly.last - tBack3) / 1000;

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
      latency_cpu_ms_sender: cpuPerNote.sender,
      latency_cpu_ms_receiver: cpuPerNote.receiver,
      drain_small_per_s: Math.round(SMALL_MESSAGES / smallSeconds),
      drain_stream_only_per_s: Math.round(STREAM_MESSAGES / streamSeconds),
      drain_stix_objects_per_s: Math.round((STIX_MESSAGES * STIX_OBJECTS) / stixSeconds),
    };
    const baseline = {
      ...floor,
      ...onPath,
      envelope_crypto_floor_per_s_per_core: cryptoFloor,
    };
    printTable('federation', [
      [
        'bare HTTP round trip p50 / p99 (baseline)',
        `${baseline.http_rtt_p50_ms} / ${baseline.http_rtt_p99_ms} ms`,
      ],
      [
        'Ed25519 verify + X25519 agreement, one core (baseline)',
        `${baseline.envelope_crypto_floor_per_s_per_core} msg/s`,
      ],
      [
        `note commit on A → applied on B, p50 / p99 (${LATENCY_SAMPLES} notes)`,
        `${results.latency_p50_ms} / ${results.latency_p99_ms} ms`,
      ],
      ...floorRows(floor, 'latency', results.latency_p50_ms, results.latency_p99_ms),
      ...pathFloorRows(
        onPath,
        'latency',
        'request',
        results.latency_p50_ms,
        results.latency_p99_ms,
      ),
      [
        '  CPU per note (latency phase): sender A / receiver B',
        `${results.latency_cpu_ms_sender} / ${results.latency_cpu_ms_receiver} ms`,
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
        `${STREAM_MESSAGES} messages applied without storing (stream only): B back → all applied`,
        `${streamSeconds.toFixed(1)} s, ${results.drain_stream_only_per_s} msg/s`,
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
