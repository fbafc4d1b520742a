import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NOTE_KIND } from '../../src/core/schemas/notes.js';
import { loadConfig } from '../../src/server/config.js';
import { createLogger } from '../../src/server/log.js';
import { createNode, type Node } from '../../src/server/node.js';
import { initializeNode } from '../../src/server/setup.js';
import { CLI_MAIN, ROOT } from './cli.js';
import { appliedNotesIn } from './notes.js';
import { TEST_METRICS_TOKEN } from './node.js';

/**
 * Real node processes on loopback, each with its own data directory and SQLite file:
 * the federation tests and benchmarks start, kill (SIGKILL) and restart them.
 */
export const ADMIN_PASSWORD = 'federation test password';

/** Ports handed out by this process: the kernel may offer a closed one again. */
const handedOut = new Set<number>();

/**
 * A port free now, never one given before in this process: nodes are created (ports
 * chosen) before they start, and two nodes given one port would have the second's
 * readiness check answered by the first.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const given = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(given));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

export interface NodeProcess {
  nodeId: string;
  dataDir: string;
  url: string;
  fingerprint: string;
  child: ChildProcess | undefined;
  log: string;
  /** Starts `liaison serve` on its data directory, or on another one (a restored backup). */
  start(dataDir?: string): Promise<void>;
  /** SIGKILL: no chance to clean up, as in a crash. */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** The admin's session (cookie + CSRF), logged in once; `api` calls with it. */
  session(): Promise<{ cookie: string; csrf: string }>;
  /** Logged-in admin session (cookie + CSRF) for API calls. */
  api(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }>;
}

async function waitReady(
  url: string,
  child: ChildProcess,
  log: () => string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`node at ${url} exited during start:\n${log()}`);
    }
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`node at ${url} not ready:\n${log()}`);
}

export async function createNodeProcess(
  root: string,
  nodeId: string,
  options: {
    country?: string;
    timeZone?: string;
    env?: NodeJS.ProcessEnv;
    nodeArgs?: string[];
    /** How long `start()` waits for /readyz (60 s; longer for tests that start many). */
    startTimeoutMs?: number;
  } = {},
): Promise<NodeProcess> {
  const port = await freePort();
  const dataDir = path.join(root, nodeId);
  const init = await initializeNode({
    dataDir,
    nodeId,
    name: `Node ${nodeId}`,
    country: options.country ?? 'US',
    timeZone: options.timeZone ?? 'UTC',
    port,
    adminPassword: ADMIN_PASSWORD,
    osUser: 'test',
  });
  return servedProcess({
    nodeId,
    dataDir,
    url: `http://127.0.0.1:${port}`,
    fingerprint: init.fingerprint,
    ...options,
  });
}

/**
 * A `liaison serve` process of the node in `dataDir` that answers at `url` (its config's
 * port, or LIAISON_HTTP_PORT in `env`): not started yet. `start(other)` serves another
 * data directory (a restored one) at the same URL.
 */
export function servedProcess(options: {
  nodeId: string;
  dataDir: string;
  url: string;
  fingerprint: string;
  env?: NodeJS.ProcessEnv;
  nodeArgs?: string[];
  startTimeoutMs?: number;
}): NodeProcess {
  const { nodeId, url } = options;
  let session: { cookie: string; csrf: string } | undefined;
  /** Sends `signal` to the running process, if any, and waits for it to exit. */
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    const child = handle.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    handle.child = undefined;
  };
  const handle: NodeProcess = {
    nodeId,
    dataDir: options.dataDir,
    url,
    fingerprint: options.fingerprint,
    child: undefined,
    log: '',
    async start(dataDir = handle.dataDir) {
      // Another data directory (a restored backup) may not hold the session opened before.
      if (dataDir !== handle.dataDir) session = undefined;
      handle.dataDir = dataDir;
      const child = spawn(
        process.execPath,
        [
          ...(options.nodeArgs ?? []),
          // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a bench's nodes.
          ...(process.env['LIAISON_CLUSTER_NODE_ARGS'] ?? '').split(' ').filter(Boolean),
          ...(process.env['LIAISON_CLUSTER_BUILT'] === '1'
            ? [path.join(ROOT, 'bin', 'liaison.js')]
            : ['--import', 'tsx', CLI_MAIN]),
          'serve',
          '--data',
          dataDir,
        ],
        {
          cwd: ROOT,
          // The tests' feeds, TAXII servers and webhook receivers run on this machine.
          env: {
            ...process.env,
            LIAISON_LOG_LEVEL: 'warn',
            LIAISON_OUTBOUND_ALLOW: '127.0.0.0/8,::1',
            LIAISON_METRICS_TOKEN: TEST_METRICS_TOKEN,
            // Not 127.0.0.2: the forwarded-address test logs in from there.
            LIAISON_RATE_EXEMPT: '127.0.0.1,::1,::ffff:127.0.0.1',
            ...options.env,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const keep = (d: Buffer) => (handle.log = (handle.log + d.toString()).slice(-20_000));
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      handle.child = child;
      await waitReady(url, child, () => handle.log, options.startTimeoutMs);
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
    async session() {
      if (!session) {
        const login = await fetch(`${url}/api/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
        });
        if (login.status !== 200) throw new Error(`login to ${nodeId} failed: ${login.status}`);
        const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
        session = { cookie, csrf: ((await login.json()) as { csrfToken: string }).csrfToken };
      }
      return session;
    },
    async api(method, route, body) {
      const { cookie, csrf } = await handle.session();
      const response = await fetch(`${url}${route}`, {
        method,
        headers: {
          cookie,
          'x-csrf-token': csrf,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
  };
  return handle;
}

const roots: string[] = [];

export function clusterRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'liaison-cluster-'));
  roots.push(root);
  return root;
}

/** Deletes the data directories this process created (call after the nodes are stopped). */
export function removeClusterRoots(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** Peers a with b, each adding the other through its admin API (the fingerprints are known here). */
export async function peer(a: NodeProcess, b: NodeProcess): Promise<void> {
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    const r = await from.api('POST', '/api/federation/peers', {
      url: to.url,
      fingerprint: to.fingerprint,
    });
    if (r.status !== 201)
      throw new Error(`peering ${from.nodeId} → ${to.nodeId} failed: ${JSON.stringify(r.body)}`);
  }
}

/** Opens a node's store from this (test) process, as a second process of the node would. */
export async function openLocal(dataDir: string): Promise<Node> {
  const config = loadConfig(dataDir, {});
  return createNode({ config, log: createLogger({ level: 'warn' }), dispatch: false });
}

/**
 * Commits notes for `peerId` into the sender's stream from this process, `chunk` per
 * transaction, through the same function services use. Returns the texts in stream order.
 */
export async function enqueueNotes(
  dataDir: string,
  peerId: string,
  count: number,
  label: string,
  chunk = 500,
): Promise<string[]> {
  const node = await openLocal(dataDir);
  const texts: string[] = [];
  try {
    for (let start = 0; start < count; start += chunk) {
      const batch = Array.from(
        { length: Math.min(chunk, count - start) },
        (_, i) => `${label} ${start + i + 1}`,
      );
      await node.store.transaction(async (trx) => {
        for (const text of batch) {
          await node.federation.send(trx, undefined, peerId, NOTE_KIND, {
            noteId: text,
            text,
            author: 'test',
          });
        }
      });
      texts.push(...batch);
    }
  } finally {
    await node.close();
  }
  return texts;
}

/** The notes a node applied from a peer, in stream order. */
export async function appliedNotes(
  dataDir: string,
  peerId: string,
): Promise<{ seq: number; text: string }[]> {
  const node = await openLocal(dataDir);
  try {
    return await appliedNotesIn(node.store.db, peerId);
  } finally {
    await node.close();
  }
}

export async function watermark(dataDir: string, peerId: string): Promise<number> {
  const node = await openLocal(dataDir);
  try {
    const row = await node.store.db
      .selectFrom('stream_in')
      .select('applied_seq')
      .where('peer_id', '=', peerId)
      .executeTakeFirst();
    return Number(row?.applied_seq ?? 0);
  } finally {
    await node.close();
  }
}
