import { readFileSync } from 'node:fs';
import {
  clusterRoot,
  createNodeProcess,
  peer,
  removeClusterRoots,
  type NodeProcess,
} from '../test/harness/cluster.js';
import { TEST_METRICS_TOKEN } from '../test/harness/node.js';
import {
  cpuTicks,
  machine,
  percentile,
  printTable,
  readEvents,
  TICKS_PER_SECOND,
  type StreamEvent,
} from './report.js';

/**
 * bench/network (../shared/BENCH.md): a multilateral network of NODES real node processes
 * on loopback, each with its own SQLite file, peered as a full mesh through the admin API
 * (each admin adds the other with its URL and the fingerprint it was told: the node fetches
 * the descriptor and checks it), as 24/7 networks of 90–120 members would be.
 * - broadcast: the first node pings every peer's published duty desk at once; the time
 *   until every desk's live stream shows the ping, and until every acknowledgement (each
 *   desk's bench client acknowledges as soon as it sees it) is back on the first node;
 * - mesh: every node sends one note to every other, N×(N−1) notes: the time until every
 *   node's live stream showed all of its N−1, then counted on every node through the API;
 * - catch-up: the last node stops, the others send it MISSED notes, it starts again: the
 *   time until it applied them all (from its start, and from its readiness);
 * - at rest: each node's resident memory (/proc/<pid>/status VmRSS) and CPU used while idle
 *   (/proc/<pid>/stat, user + system, over IDLE_SECONDS), SETTLE_SECONDS after the last
 *   stream emptied.
 * Baseline, same run: a bare HTTP round trip (GET /healthz) to one node, with all running.
 * The nodes run the built product (npm run bench builds it first).
 */
const NODES = Number(process.env['BENCH_NETWORK_NODES'] ?? 50);
const MISSED = Number(process.env['BENCH_NETWORK_MISSED'] ?? 1_000);
const IDLE_SECONDS = Number(process.env['BENCH_NETWORK_IDLE_SECONDS'] ?? 60);
/**
 * How long the network is left quiet before the figures at rest: V8 gives back what the
 * busy phases took (its memory reducer runs full collections for a while after the
 * allocation rate drops), and that work is the end of the traffic, not the node at rest.
 * The nodes keep the default audit checkpoint: every 5 minutes from its start, a node whose
 * audit chain moved since its last checkpoint sends one to each of its 49 peers. The chains
 * move during the traffic, so each node sends one round after it; then none while the
 * network stays quiet. The window at rest opens once every node's first round is past
 * (CHECKPOINT_SECONDS and a margin after the last node started), and SETTLE_SECONDS after
 * the traffic, whichever is later.
 */
const SETTLE_SECONDS = Number(process.env['BENCH_NETWORK_SETTLE_SECONDS'] ?? 75);
/** The nodes' audit checkpoint period (the default of LIAISON_CHECKPOINT_MINUTES). */
const CHECKPOINT_SECONDS = 5 * 60;
/** Processes set up or started at once (2 cores: argon2 and start-up are CPU work). */
const START_POOL = 2;
/** Peerings (two API calls each) at once. */
const PEER_POOL = 6;
/** Waiting longer than this for a phase fails the bench, naming the phase. */
const PHASE_TIMEOUT_MS = Number(process.env['BENCH_NETWORK_PHASE_TIMEOUT_MS'] ?? 300_000);

/** Runs `work` over `items`, at most `size` at a time. */
async function pool<T>(
  items: readonly T[],
  size: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index] as T, index);
      }
    }),
  );
}

/** `step`'s failure names it. */
async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    const result = await work();
    console.error(`network bench: ${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return result;
  } catch (error) {
    throw new Error(
      `network bench, ${name}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** Polls `check` every `everyMs` until it is true; fails after PHASE_TIMEOUT_MS. */
async function until(what: string, check: () => Promise<boolean>, everyMs = 200): Promise<void> {
  const deadline = Date.now() + PHASE_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

async function expectApi(
  node: NodeProcess,
  method: string,
  path: string,
  body: unknown,
  status: number,
): Promise<any> {
  const r = await node.api(method, path, body);
  if (r.status !== status) {
    throw new Error(`${method} ${path} on ${node.nodeId}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return r.body;
}

/** A node's live stream for its admin: calls `onEvent` for each event as it is read. */
async function watch(
  node: NodeProcess,
  onEvent: (event: StreamEvent) => void,
): Promise<{ close: () => void }> {
  const { cookie } = await node.session();
  return readEvents(`${node.url}/api/events`, { cookie }, `stream of ${node.nodeId}`, onEvent);
}

/** Texts of the notes a node received, every page, keeping those starting with `prefix`. */
async function receivedNotes(node: NodeProcess, prefix: string): Promise<string[]> {
  const texts: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const query = `/api/notes?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await expectApi(node, 'GET', query, undefined, 200);
    for (const note of page.notes as { direction: string; text: string }[]) {
      if (note.direction === 'in' && note.text.startsWith(prefix)) texts.push(note.text);
    }
    cursor = page.next ?? undefined;
    if (!cursor) return texts;
  }
}

/** Every node has every other as an active peer, and nothing waits in any stream. */
async function meshSettled(nodes: NodeProcess[]): Promise<boolean> {
  for (const node of nodes) {
    const { peers } = await expectApi(node, 'GET', '/api/federation/peers', undefined, 200);
    const active = (peers as { status: string; ledger: { backlog: number } }[]).filter(
      (p) => p.status === 'active',
    );
    if (active.length !== nodes.length - 1) return false;
    if (active.some((p) => p.ledger.backlog > 0)) return false;
  }
  return true;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Math.round((Number(line?.split(/\s+/)[1] ?? 0) / 1024) * 10) / 10;
}

function pidOf(node: NodeProcess): number {
  const pid = node.child?.pid;
  if (pid === undefined) throw new Error(`${node.nodeId} is not running`);
  return pid;
}

const nodeId = (i: number) => `node-${String(i + 1).padStart(2, '0')}`;

/**
 * Starts a node. The harness waits a minute for its readiness; on a loaded machine a start
 * can take longer, so the bench keeps waiting (while the process lives) up to the phase's
 * limit.
 */
async function startNode(node: NodeProcess): Promise<void> {
  try {
    await node.start();
    return;
  } catch (error) {
    if (!node.child || node.child.exitCode !== null) throw error;
    console.error(`network bench: ${node.nodeId} not ready after a minute; waiting longer`);
  }
  await until(
    `${node.nodeId} to be ready`,
    async () => {
      if (!node.child || node.child.exitCode !== null) {
        throw new Error(`${node.nodeId} exited during start:\n${node.log}`);
      }
      try {
        return (await fetch(`${node.url}/readyz`)).ok;
      } catch {
        return false;
      }
    },
    500,
  );
}

/** Fills `nodes` (the caller's, so that a failure part-way still stops those started). */
async function startNetwork(root: string, nodes: NodeProcess[]): Promise<number> {
  const t0 = performance.now();
  await step('creating the nodes', () =>
    pool(
      Array.from({ length: NODES }, (_, i) => i),
      START_POOL,
      async (i) => {
        nodes[i] = await createNodeProcess(root, nodeId(i));
      },
    ),
  );
  await step('starting the nodes', () => pool(nodes, START_POOL, startNode));
  return performance.now() - t0;
}

/** Each node publishes its duty desk, then the full mesh is peered through the API. */
async function peerMesh(nodes: NodeProcess[]): Promise<number> {
  await step('publishing the duty desks', () =>
    pool(nodes, START_POOL, async (node) => {
      await expectApi(
        node,
        'POST',
        '/api/contacts',
        {
          name: `Duty desk ${node.nodeId}`,
          kind: 'desk',
          roles: ['duty_24_7'],
          channels: [{ type: 'liaison_account', value: 'admin' }],
          languages: ['en'],
          workingHours: { days: [], start: '00:00', end: '00:00', always: true },
          timeZone: 'UTC',
          published: true,
        },
        201,
      );
    }),
  );
  const pairs: [NodeProcess, NodeProcess][] = [];
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) pairs.push([nodes[i]!, nodes[j]!]);
  }
  const t0 = performance.now();
  await step(`peering ${pairs.length} pairs`, () => pool(pairs, PEER_POOL, ([a, b]) => peer(a, b)));
  const ms = performance.now() - t0;
  await step('waiting for the mesh to settle (contacts sent, streams empty)', () =>
    until('every stream of every node to be empty', () => meshSettled(nodes), 1000),
  );
  return ms;
}

/** The first node pings every peer's desk; each desk acknowledges as soon as it sees it. */
async function broadcast(
  nodes: NodeProcess[],
  streams: Map<string, (e: StreamEvent) => void>,
): Promise<{ desksMs: number; acksMs: number; deskTimes: number[] }> {
  const [first, ...others] = nodes as [NodeProcess, ...NodeProcess[]];
  const desks = new Map<string, number>();
  const acks = new Map<string, number>();
  let t0 = 0;
  let settle: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (settle = resolve));
  for (const node of others) {
    streams.set(node.nodeId, (e) => {
      const ping = e.data.ping as { id: string; direction: string; peer: string } | undefined;
      if (e.type !== 'ping.changed' || ping?.direction !== 'in' || ping.peer !== first.nodeId)
        return;
      if (desks.has(node.nodeId)) return;
      desks.set(node.nodeId, e.at - t0);
      void node.api('POST', `/api/pings/${ping.id}/acknowledge`).then((r) => {
        if (r.status !== 200) console.error(`acknowledge on ${node.nodeId}: ${r.status}`);
      });
    });
  }
  streams.set(first.nodeId, (e) => {
    const ping = e.data.ping as { direction: string; peer: string; acknowledgedAt: string | null };
    if (e.type !== 'ping.changed' || ping?.direction !== 'out' || !ping.acknowledgedAt) return;
    if (!acks.has(ping.peer)) acks.set(ping.peer, e.at - t0);
    if (acks.size === others.length) settle();
  });
  // Login first, so that the ping's time is not an argon2 verification's.
  await first.session();
  t0 = performance.now();
  await step('pinging every peer', () =>
    Promise.all(
      others.map((node) => expectApi(first, 'POST', '/api/pings', { peer: node.nodeId }, 201)),
    ),
  );
  await step('waiting for every acknowledgement', () =>
    Promise.race([
      done,
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error(`${desks.size} desks saw the ping, ${acks.size} acknowledged`)),
          PHASE_TIMEOUT_MS,
        ),
      ),
    ]),
  );
  return {
    desksMs: Math.max(...desks.values()),
    acksMs: Math.max(...acks.values()),
    deskTimes: [...desks.values()],
  };
}

/** Every node sends one note to every other; done when each stream showed its N−1. */
async function mesh(
  nodes: NodeProcess[],
  streams: Map<string, (e: StreamEvent) => void>,
): Promise<{ ms: number; postMs: number }> {
  const seen = new Map<string, Set<string>>(nodes.map((n) => [n.nodeId, new Set<string>()]));
  let complete = 0;
  let last = 0;
  let settle: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (settle = resolve));
  for (const node of nodes) {
    const mine = seen.get(node.nodeId)!;
    streams.set(node.nodeId, (e) => {
      const note = e.data.note as { direction: string; text: string } | undefined;
      if (e.type !== 'note.created' || note?.direction !== 'in') return;
      if (!note.text.startsWith('mesh ') || mine.has(note.text)) return;
      mine.add(note.text);
      last = Math.max(last, e.at);
      if (mine.size === nodes.length - 1 && ++complete === nodes.length) settle();
    });
  }
  const t0 = performance.now();
  let posted = 0;
  await step('sending the mesh notes', () =>
    Promise.all(
      nodes.map(async (from) => {
        for (const to of nodes) {
          if (to === from) continue;
          const text = `mesh ${from.nodeId} to ${to.nodeId}`;
          await expectApi(from, 'POST', '/api/notes', { peer: to.nodeId, text }, 201);
        }
      }),
    ).then(() => (posted = performance.now())),
  );
  await step('waiting for every mesh note on every stream', () =>
    Promise.race([
      done,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`${complete} nodes complete`)), PHASE_TIMEOUT_MS),
      ),
    ]),
  );
  const ms = last - t0;
  await step('counting the mesh notes on every node', () =>
    pool(nodes, START_POOL, async (node) => {
      const texts = await receivedNotes(node, 'mesh ');
      const distinct = new Set(texts);
      if (texts.length !== nodes.length - 1 || distinct.size !== texts.length) {
        throw new Error(
          `${node.nodeId} holds ${texts.length} mesh notes (${distinct.size} distinct), not ${nodes.length - 1}`,
        );
      }
    }),
  );
  return { ms, postMs: posted - t0 };
}

/** The last node stops; the others send it MISSED notes; it starts again and catches up. */
async function catchUp(
  nodes: NodeProcess[],
): Promise<{ fromStartMs: number; fromReadyMs: number }> {
  const target = nodes[nodes.length - 1]!;
  const senders = nodes.slice(0, -1);
  await target.stop();
  const jobs = Array.from({ length: MISSED }, (_, i) => i);
  await step(`sending ${MISSED} notes to the stopped node`, () =>
    pool(jobs, 16, async (i) => {
      const from = senders[i % senders.length]!;
      const text = `missed ${i}`;
      await expectApi(from, 'POST', '/api/notes', { peer: target.nodeId, text }, 201);
    }),
  );
  const expected = new Map<string, number>();
  await step('reading the senders’ ledgers', () =>
    pool(senders, START_POOL, async (from) => {
      const r = await expectApi(
        from,
        'GET',
        `/api/federation/peers/${target.nodeId}`,
        undefined,
        200,
      );
      expected.set(from.nodeId, Number(r.ledger.lastSent));
    }),
  );
  const t0 = performance.now();
  await step('restarting the stopped node', () => startNode(target));
  const ready = performance.now();
  let done = 0;
  await step(`waiting for the restarted node to apply ${MISSED} notes`, () =>
    until(
      'the restarted node to catch up',
      async () => {
        const { peers } = await expectApi(target, 'GET', '/api/federation/peers', undefined, 200);
        const behind = (peers as { nodeId: string; ledger: { lastApplied: number } }[]).filter(
          (p) => p.ledger.lastApplied < (expected.get(p.nodeId) ?? 0),
        );
        done = performance.now();
        return behind.length === 0;
      },
      50,
    ),
  );
  await step('counting the caught-up notes', async () => {
    const texts = new Set(await receivedNotes(target, 'missed '));
    if (texts.size !== MISSED) throw new Error(`${target.nodeId} holds ${texts.size} of ${MISSED}`);
  });
  return { fromStartMs: done - t0, fromReadyMs: done - ready };
}

/** Where one node's memory goes, from its /metrics (MB): V8's heap used and held, outside it. */
async function heapOf(
  node: NodeProcess,
): Promise<{ used: number; total: number; external: number }> {
  const response = await fetch(`${node.url}/metrics`, {
    headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` },
  });
  const text = await response.text();
  const metric = (name: string) =>
    round1(Number(new RegExp(`^liaison_${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20);
  return {
    used: metric('nodejs_heap_size_used_bytes'),
    total: metric('nodejs_heap_size_total_bytes'),
    external: metric('nodejs_external_memory_bytes'),
  };
}

/** Resident memory and CPU over IDLE_SECONDS of every node, the network quiet. */
async function atRest(nodes: NodeProcess[]): Promise<{
  rss: number[];
  cpu: number[];
  mainThread: number[];
  heap: Awaited<ReturnType<typeof heapOf>>;
}> {
  const pids = nodes.map(pidOf);
  const before = pids.map((pid) => cpuTicks(pid));
  const mainBefore = pids.map((pid) => cpuTicks(pid, pid));
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  const seconds = (performance.now() - t0) / 1000;
  const percent = (ticks: number) => ((ticks / TICKS_PER_SECOND) * 100) / seconds;
  const cpu = pids.map((pid, i) => percent(cpuTicks(pid) - before[i]!));
  const mainThread = pids.map((pid, i) => percent(cpuTicks(pid, pid) - mainBefore[i]!));
  return { rss: pids.map(rssMb), cpu, mainThread, heap: await heapOf(nodes[1]!) };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

export async function run(): Promise<void> {
  const root = clusterRoot();
  const nodes: NodeProcess[] = [];
  const closers: { close: () => void }[] = [];
  try {
    const startMs = await startNetwork(root, nodes);
    const startedAt = performance.now();
    const peeringMs = await peerMesh(nodes);

    // Baseline: bare round trips to one node, every node running.
    const rtt: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t0 = performance.now();
      await (await fetch(`${nodes[0]!.url}/healthz`)).arrayBuffer();
      rtt.push(performance.now() - t0);
    }

    const handlers = new Map<string, (e: StreamEvent) => void>();
    await step('opening the live streams', () =>
      pool(nodes, START_POOL, async (node) => {
        closers.push(await watch(node, (e) => handlers.get(node.nodeId)?.(e)));
      }),
    );
    const ping = await broadcast(nodes, handlers);
    const notes = await mesh(nodes, handlers);
    handlers.clear();
    for (const c of closers.splice(0)) c.close();

    // At rest: the streams closed, the network quiet for SETTLE_SECONDS first.
    await step('waiting for the mesh to settle', () =>
      until('every stream to be empty', () => meshSettled(nodes), 1000),
    );
    const restAt = Math.max(
      performance.now() + SETTLE_SECONDS * 1000,
      startedAt + (CHECKPOINT_SECONDS + 45) * 1000,
    );
    await step(
      'waiting for the network to be at rest (checkpoint round past)',
      () => new Promise((resolve) => setTimeout(resolve, restAt - performance.now())),
    );
    const rest = await atRest(nodes);

    const caught = await catchUp(nodes);

    const results = {
      broadcast_all_desks_ms: Math.round(ping.desksMs),
      broadcast_all_acks_ms: Math.round(ping.acksMs),
      mesh_notes_all_applied_ms: Math.round(notes.ms),
      catch_up_1000_ms: Math.round(caught.fromStartMs),
      idle_cpu_percent_per_node: round2(percentile(rest.cpu, 50)),
      idle_cpu_percent_per_node_max: round2(Math.max(...rest.cpu)),
      rss_mb_per_node: round1(percentile(rest.rss, 50)),
      rss_mb_per_node_max: round1(Math.max(...rest.rss)),
    };
    const baseline = {
      http_rtt_p50_ms: percentile(rtt, 50),
      http_rtt_p99_ms: percentile(rtt, 99),
    };
    const pairs = (NODES * (NODES - 1)) / 2;
    printTable('network', [
      [
        'bare HTTP round trip p50 / p99, all nodes running (baseline)',
        `${baseline.http_rtt_p50_ms} / ${baseline.http_rtt_p99_ms} ms`,
      ],
      [
        `${NODES} nodes set up and started (${START_POOL} at a time)`,
        `${(startMs / 1000).toFixed(1)} s`,
      ],
      [
        `${pairs} peerings through the API (${PEER_POOL} at a time)`,
        `${(peeringMs / 1000).toFixed(1)} s`,
      ],
      [
        `ping 1 → ${NODES - 1}: every desk's stream shows it (target ≤ 2 s)`,
        `${results.broadcast_all_desks_ms} ms`,
      ],
      [
        '  per desk p50 / p99',
        `${percentile(ping.deskTimes, 50).toFixed(0)} / ${percentile(ping.deskTimes, 99).toFixed(0)} ms`,
      ],
      [`ping 1 → ${NODES - 1}: every acknowledgement back`, `${results.broadcast_all_acks_ms} ms`],
      [
        `${NODES * (NODES - 1)} notes, every node to every other: all applied (target ≤ 60 s)`,
        `${results.mesh_notes_all_applied_ms} ms`,
      ],
      ['  of which the POSTs themselves', `${Math.round(notes.postMs)} ms`],
      [
        `${MISSED} notes missed while stopped: restart → all applied`,
        `${results.catch_up_1000_ms} ms`,
      ],
      ['  from readiness', `${Math.round(caught.fromReadyMs)} ms`],
      [
        `idle CPU per node over ${IDLE_SECONDS} s at rest, median / max (target < 1%)`,
        `${results.idle_cpu_percent_per_node} / ${results.idle_cpu_percent_per_node_max} %`,
      ],
      [
        '  of which the main thread (the event loop), median / max',
        `${round2(percentile(rest.mainThread, 50))} / ${round2(Math.max(...rest.mainThread))} %`,
      ],
      [
        'resident memory per node at rest, median / max (target < 150 MB)',
        `${results.rss_mb_per_node} / ${results.rss_mb_per_node_max} MB`,
      ],
      [
        `  of which ${nodes[1]!.nodeId}'s JS heap: used / held, and outside it (external)`,
        `${rest.heap.used} / ${rest.heap.total} / ${rest.heap.external} MB`,
      ],
      [
        'machine load average (1 / 5 / 15 min) at the end',
        readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' / '),
      ],
    ]);
    console.log(JSON.stringify({ bench: 'network', results, baseline, machine: machine() }));
  } finally {
    for (const c of closers) c.close();
    // SIGTERM first (a profiled node writes its profile), SIGKILL after 10 s.
    await Promise.all(
      nodes
        .filter(Boolean)
        .map((n) =>
          Promise.race([n.stop(), new Promise((resolve) => setTimeout(resolve, 10_000))]).then(() =>
            n.kill(),
          ),
        ),
    );
    try {
      removeClusterRoots();
    } catch (error) {
      console.error(`network bench: cleaning up: ${String(error)}`);
    }
  }
}
