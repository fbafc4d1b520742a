import path from 'node:path';
import {
  ADMIN_PASSWORD,
  clusterRoot,
  createNodeProcess,
  peer,
  removeClusterRoots,
  type NodeProcess,
} from '../test/harness/cluster.js';
import { floorOf, floorRows, fsyncTimes } from './floor.js';
import { pathFloor, pathFloorRows } from './floor.path.js';
import { machine, percentile, printTable, readEvents, type StreamEvent } from './report.js';

/**
 * bench/hotline (../shared/BENCH.md): two real node processes on loopback, each with its own
 * SQLite file. On B (cn-mps) the admin is the technical duty officer around the clock (a
 * contact with the admin's Liaison account, a 24-hour shift every day), so rung 1 of the
 * default ladder alerts that account in the browser.
 * - deliver: a technical flash call placed on A (POST /api/hotline/calls) until the duty
 *   officer's live stream on B shows its `hotline.alert` (reason `incoming`);
 * - ack round trip: from the same start until A's live stream shows the call acknowledged,
 *   B's bench client acknowledging (POST …/acknowledge) as soon as its stream shows the alert.
 * Both are measured from the call's commit on A: its `createdAt` (A's clock, taken in the
 * transaction that commits the call) against the wall clock when the event arrives (the
 * processes share the machine's clock; both ends are whole milliseconds). The same figures
 * from the moment before the POST to A are printed too, with where the time goes (the
 * calls' own timestamps on A and B) and each stream's events per call, so that an event
 * that is missing, repeated or out of order shows. Calls are sequential; the first WARMUP
 * are not counted. The nodes' usage review of the same calls is printed for comparison.
 * Baselines, same run: a bare HTTP round trip (GET /healthz) on the same loopback; the
 * fsync time of the data directory's disk; the floor they make (round trip + two commits,
 * bench/floor.ts).
 * The nodes run the built product (npm run bench builds it first).
 */
const SAMPLES = Number(process.env['BENCH_HOTLINE_SAMPLES'] ?? 300);
const WARMUP = 20;
const CALL_TIMEOUT_MS = 10_000;

interface Session {
  cookie: string;
  csrf: string;
}

async function login(node: NodeProcess): Promise<Session> {
  const response = await fetch(`${node.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login to ${node.nodeId}: ${response.status}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken };
}

/** A node's live stream for a session: calls `onEvent` for each event, as it is read. */
function watchEvents(
  node: NodeProcess,
  session: Session,
  onEvent: (event: StreamEvent) => void,
): Promise<{ close: () => void }> {
  return readEvents(
    `${node.url}/api/events`,
    { cookie: session.cookie },
    `event stream of ${node.nodeId}`,
    onEvent,
  );
}

function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** One call: when it started, when each side's stream showed it, and what the streams said. */
interface Sample {
  subject: string;
  startAt: number;
  startWall: number;
  id?: string;
  createdAt?: number;
  /** The alert on B's duty officer stream. */
  alert?: StreamEvent;
  /** B's deliveredAt (B's clock) as the alert carries it. */
  deliveredAtB?: number;
  /** A's stream: the call delivered (B's confirmation back), then acknowledged. */
  deliveredOnA?: StreamEvent;
  ackedOnA?: StreamEvent;
  /** acknowledgedAt on B (B's clock), as A's event carries it. */
  acknowledgedAtB?: number;
  ackPosted: ReturnType<typeof deferred<void>>;
  acked: ReturnType<typeof deferred<void>>;
  /** Every stream event about the call, `type:state|reason`, in arrival order. */
  onA: string[];
  onB: string[];
}

const label = (event: StreamEvent): string =>
  event.type === 'hotline.alert'
    ? `alert:${event.data.reason as string}`
    : `changed:${event.data.call.state as string}`;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), CALL_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Counts the sequences seen, e.g. "alert:incoming changed:delivered changed:acknowledged" ×300. */
function sequences(samples: Sample[], side: 'onA' | 'onB'): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of samples) {
    const key = s[side].join(' ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const fmt = (values: number[]): string =>
  `${percentile(values, 50)} / ${percentile(values, 99)} ms`;

export async function run(): Promise<void> {
  const root = clusterRoot();
  const a = await createNodeProcess(root, 'us-doj');
  const b = await createNodeProcess(root, 'cn-mps');
  await Promise.all([a.start(), b.start()]);
  const streams: { close: () => void }[] = [];
  try {
    await peer(a, b);

    // B: the admin is the technical duty officer, every day, around the clock.
    const officer = await b.api('POST', '/api/contacts', {
      name: 'Bench duty officer',
      kind: 'person',
      roles: ['duty_24_7'],
      channels: [{ type: 'liaison_account', value: 'admin' }],
      languages: ['en'],
      workingHours: { days: [], start: '09:00', end: '17:00', always: false },
      timeZone: 'UTC',
      published: false,
    });
    if (officer.status !== 201) throw new Error(`contact: ${JSON.stringify(officer.body)}`);
    const shift = await b.api('POST', '/api/hotline/shifts', {
      tier: 'technical',
      contactId: officer.body.id,
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      start: '00:00',
      end: '00:00',
    });
    if (shift.status !== 201) throw new Error(`shift: ${JSON.stringify(shift.body)}`);

    // Baseline: bare HTTP round trips on the same loopback.
    const rtt: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t0 = performance.now();
      await (await fetch(`${b.url}/healthz`)).arrayBuffer();
      rtt.push(performance.now() - t0);
    }
    // The floor of a call's delivery: the round trip and two commits (two fsyncs).
    const floor = floorOf(rtt, fsyncTimes(b.dataDir));
    // And the floor of the call's whole path, by bare processes on the same disk.
    const onPath = await pathFloor(path.join(root, 'floor-path'));

    // Calls are found by subject: B's alert can arrive before A's 201 does.
    const samples = new Map<string, Sample>();
    const strays: string[] = [];
    const sessionB = await login(b);
    const sessionA = await login(a);

    const onB = (event: StreamEvent) => {
      if (!event.type.startsWith('hotline.')) return;
      const call = event.data.call as { subject: string; id: string; deliveredAt: string | null };
      const s = call ? samples.get(call.subject) : undefined;
      if (!s) {
        if (call) strays.push(`B ${label(event)} ${call.subject}`);
        return;
      }
      s.onB.push(label(event));
      if (event.type !== 'hotline.alert' || event.data.reason !== 'incoming' || s.alert) return;
      s.alert = event;
      if (call.deliveredAt) s.deliveredAtB = Date.parse(call.deliveredAt);
      // The duty officer acknowledges at once.
      void fetch(`${b.url}/api/hotline/calls/${call.id}/acknowledge`, {
        method: 'POST',
        headers: { cookie: sessionB.cookie, 'x-csrf-token': sessionB.csrf },
      }).then(
        async (response) => {
          const text = await response.text();
          if (response.status === 200) s.ackPosted.resolve();
          else s.ackPosted.reject(new Error(`acknowledge ${call.id}: ${response.status} ${text}`));
        },
        (error: unknown) => s.ackPosted.reject(error),
      );
    };
    const onA = (event: StreamEvent) => {
      if (!event.type.startsWith('hotline.')) return;
      const call = event.data.call as { subject: string; state: string; acknowledgedAt: string };
      const s = call ? samples.get(call.subject) : undefined;
      if (!s) {
        if (call) strays.push(`A ${label(event)} ${call.subject}`);
        return;
      }
      s.onA.push(label(event));
      if (event.type !== 'hotline.changed') return;
      if (call.state === 'delivered' && !s.deliveredOnA) s.deliveredOnA = event;
      if (call.state === 'acknowledged' && !s.ackedOnA) {
        s.ackedOnA = event;
        s.acknowledgedAtB = Date.parse(call.acknowledgedAt);
        s.acked.resolve();
      }
    };
    streams.push(await watchEvents(b, sessionB, onB), await watchEvents(a, sessionA, onA));

    const measured: Sample[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const subject = `bench call ${i}`;
      const s: Sample = {
        subject,
        startAt: 0,
        startWall: 0,
        ackPosted: deferred<void>(),
        acked: deferred<void>(),
        onA: [],
        onB: [],
      };
      samples.set(subject, s);
      s.startWall = Date.now();
      s.startAt = performance.now();
      const placed = await a.api('POST', '/api/hotline/calls', {
        peer: 'cn-mps',
        tier: 'technical',
        priority: 'flash',
        subject,
        text: 'Active intrusion: please null-route 203.0.113.7 now.',
      });
      if (placed.status !== 201) throw new Error(`call ${i}: ${JSON.stringify(placed.body)}`);
      s.id = placed.body.id as string;
      s.createdAt = Date.parse(placed.body.createdAt as string);
      await withTimeout(
        Promise.all([s.ackPosted.promise, s.acked.promise]),
        `call ${i} (${s.id}) to be acknowledged; B saw [${s.onB.join(', ')}], A saw [${s.onA.join(', ')}]`,
      );
      if (i === 0) {
        // The alert went to the duty officer (rung 1 reached someone), not to every officer.
        const onBside = await b.api('GET', `/api/hotline/calls/${s.id}`);
        const kinds = (onBside.body.events as { kind: string; by: string | null }[]).map(
          (e) => `${e.kind}${e.by ? ` (${e.by})` : ''}`,
        );
        if (!kinds.includes('rung (Bench duty officer)')) {
          throw new Error(`rung 1 did not reach the duty officer: ${kinds.join(', ')}`);
        }
      }
      if (i >= WARMUP) measured.push(s);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Anything late or repeated.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const fromCommit = (s: Sample, e: StreamEvent | undefined) => (e?.wall ?? 0) - s.createdAt!;
    const fromPost = (s: Sample, e: StreamEvent | undefined) => (e?.at ?? 0) - s.startAt;
    const deliver = measured.map((s) => fromCommit(s, s.alert));
    const roundTrip = measured.map((s) => fromCommit(s, s.ackedOnA));
    const deliverPost = measured.map((s) => fromPost(s, s.alert));
    const roundTripPost = measured.map((s) => fromPost(s, s.ackedOnA));
    const postToCommit = measured.map((s) => s.createdAt! - s.startWall);
    const commitToDeliveredB = measured.map((s) => (s.deliveredAtB ?? 0) - s.createdAt!);
    const deliveredBToStream = measured.map((s) => (s.alert?.wall ?? 0) - (s.deliveredAtB ?? 0));
    const alertToAckB = measured.map((s) => (s.acknowledgedAtB ?? 0) - (s.alert?.wall ?? 0));
    const ackBToStreamA = measured.map((s) => (s.ackedOnA?.wall ?? 0) - (s.acknowledgedAtB ?? 0));
    const confirmOnA = measured.map((s) => fromCommit(s, s.deliveredOnA));

    // The nodes' own usage review of the same calls (warm-up included), for comparison.
    const total = WARMUP + SAMPLES;
    const reviewA = (await a.api('GET', '/api/hotline/review')).body.out;
    const reviewB = (await b.api('GET', '/api/hotline/review')).body.in;
    const reviewed = (side: any) =>
      `deliver ${side.deliver.medianMs} / ${side.deliver.p90Ms} ms, acknowledge ${side.acknowledge.medianMs} / ${side.acknowledge.p90Ms} ms`;
    const reviewProblems = [
      ...[reviewA, reviewB].flatMap((side: any, k) => {
        const node = k === 0 ? 'A' : 'B';
        const problems: string[] = [];
        if (side.calls !== total) problems.push(`${node} counts ${side.calls} calls`);
        if (side.notDelivered !== 0) problems.push(`${node}: ${side.notDelivered} not delivered`);
        if (side.neverAcknowledged.length !== 0)
          problems.push(`${node}: ${side.neverAcknowledged.length} never acknowledged`);
        return problems;
      }),
    ];

    const results = {
      deliver_p50_ms: percentile(deliver, 50),
      deliver_p99_ms: percentile(deliver, 99),
      ack_roundtrip_p50_ms: percentile(roundTrip, 50),
      ack_roundtrip_p99_ms: percentile(roundTrip, 99),
      deliver_from_post_p50_ms: percentile(deliverPost, 50),
      deliver_from_post_p99_ms: percentile(deliverPost, 99),
      ack_roundtrip_from_post_p50_ms: percentile(roundTripPost, 50),
      ack_roundtrip_from_post_p99_ms: percentile(roundTripPost, 99),
    };
    const baseline = { ...floor, ...onPath };
    const seqB = sequences(measured, 'onB');
    const seqA = sequences(measured, 'onA');
    const seqRows = (side: string, counts: Map<string, number>): [string, string][] =>
      [...counts].map(([key, n]) => [`  ${side} stream, per call`, `${key || '(nothing)'} ×${n}`]);
    printTable('hotline', [
      ['bare HTTP round trip p50 / p99 (baseline)', fmt(rtt)],
      [
        `call commit on A → alert on B's duty stream, p50 / p99 (${SAMPLES} calls; target p99 ≤ 15 ms)`,
        fmt(deliver),
      ],
      ...floorRows(floor, 'deliver', results.deliver_p50_ms, results.deliver_p99_ms),
      ...pathFloorRows(onPath, 'deliver', 'a', results.deliver_p50_ms, results.deliver_p99_ms),
      [
        `call commit on A → acknowledged on A's stream, p50 / p99 (target p99 ≤ 30 ms)`,
        fmt(roundTrip),
      ],
      ['  the same from before the POST to A: deliver', fmt(deliverPost)],
      ['  the same from before the POST to A: ack round trip', fmt(roundTripPost)],
      ['  before the POST → createdAt on A', fmt(postToCommit)],
      ['  createdAt on A → deliveredAt on B (federation)', fmt(commitToDeliveredB)],
      ["  deliveredAt on B → alert on B's stream", fmt(deliveredBToStream)],
      ['  alert on B → acknowledgedAt on B (POST acknowledge)', fmt(alertToAckB)],
      ["  acknowledgedAt on B → acknowledged on A's stream (federation back)", fmt(ackBToStreamA)],
      ["  call commit on A → delivered on A's stream (B's confirmation)", fmt(confirmOnA)],
      ...seqRows('B', seqB),
      ...seqRows('A', seqA),
      [
        '  events about no call of this run',
        strays.length > 0 ? `${strays.length}: ${strays.slice(0, 3).join('; ')}` : '0',
      ],
      [`usage review on A (out, ${total} calls), median / p90`, reviewed(reviewA)],
      [`usage review on B (in, ${total} calls), median / p90`, reviewed(reviewB)],
      ['  usage review problems', reviewProblems.join('; ') || 'none'],
    ]);
    console.log(JSON.stringify({ bench: 'hotline', results, baseline, machine: machine() }));
  } finally {
    for (const stream of streams) stream.close();
    // SIGTERM (a profiled node writes its profile), SIGKILL if it did not stop within 10 s.
    await Promise.all(
      [a, b].map((n) =>
        Promise.race([n.stop(), new Promise((resolve) => setTimeout(resolve, 10_000))]).then(() =>
          n.kill(),
        ),
      ),
    );
    removeClusterRoots();
  }
}
