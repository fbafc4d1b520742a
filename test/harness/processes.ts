import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { CONFIG_FILE } from '../../src/server/config.js';
import { initializeNode } from '../../src/server/setup.js';
import { CLI_MAIN, ROOT } from './cli.js';
import { ADMIN_PASSWORD, freePort, type NodeProcess } from './cluster.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { TEST_METRICS_TOKEN } from './node.js';

/**
 * One node served by several `liaison serve` processes: one data directory (config.yaml,
 * keys) and one PostgreSQL database, each process on its own loopback port
 * (LIAISON_HTTP_PORT), as deploy/systemd/liaison@.service runs them. Each process is a
 * `NodeProcess` (cluster.ts), so the seed helpers work on any of them; a session opened
 * on one is good on all (sessions are rows).
 */
export interface SharedNode {
  nodeId: string;
  dataDir: string;
  fingerprint: string;
  database: TestDatabase;
  processes: NodeProcess[];
  /** SIGKILLs every process and drops the database. */
  destroy(): Promise<void>;
}

export interface SharedNodeOptions {
  /** The ports the processes listen on (allocate them first: nginx needs them). */
  ports: number[];
  /** The URL browsers and peers use (nginx's). */
  publicUrl: string;
  /** Keys merged into config.yaml's top-level sections, e.g. `{ http: { trustProxy: true } }`. */
  config?: Record<string, Record<string, unknown>>;
  country?: string;
  timeZone?: string;
}

export function freePorts(count: number): Promise<number[]> {
  return Promise.all(Array.from({ length: count }, () => freePort()));
}

export async function createSharedNode(
  root: string,
  nodeId: string,
  options: SharedNodeOptions,
): Promise<SharedNode> {
  const database = await createTestDatabase('postgres');
  if (database.store.driver !== 'postgres') throw new Error('a shared node needs PostgreSQL');
  const dataDir = path.join(root, nodeId);
  const init = await initializeNode({
    dataDir,
    nodeId,
    name: `Node ${nodeId}`,
    country: options.country ?? 'US',
    timeZone: options.timeZone ?? 'UTC',
    port: options.ports[0] ?? 0,
    publicUrl: options.publicUrl,
    databaseUrl: database.store.url,
    adminPassword: ADMIN_PASSWORD,
    osUser: 'test',
  });
  const file = path.join(dataDir, CONFIG_FILE);
  const config = parseYaml(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
  for (const [section, values] of Object.entries(options.config ?? {})) {
    config[section] = { ...config[section], ...values };
  }
  writeFileSync(file, stringify(config));
  const processes = options.ports.map((port) =>
    nodeProcessOn(nodeId, dataDir, init.fingerprint, port),
  );
  return {
    nodeId,
    dataDir,
    fingerprint: init.fingerprint,
    database,
    processes,
    async destroy() {
      await Promise.all(processes.map((p) => p.kill()));
      await database.drop();
    },
  };
}

async function waitReady(handle: NodeProcess, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const child = handle.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${handle.url} exited during start:\n${handle.log}`);
    }
    try {
      if ((await fetch(`${handle.url}/readyz`)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${handle.url} not ready:\n${handle.log}`);
}

/** A `liaison serve` process of the node in `dataDir`, on `port`. */
function nodeProcessOn(
  nodeId: string,
  dataDir: string,
  fingerprint: string,
  port: number,
): NodeProcess {
  const url = `http://127.0.0.1:${port}`;
  let session: { cookie: string; csrf: string } | undefined;
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
    dataDir,
    url,
    fingerprint,
    child: undefined,
    log: '',
    async start() {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', CLI_MAIN, 'serve', '--data', dataDir],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            LIAISON_HTTP_PORT: String(port),
            LIAISON_LOG_LEVEL: 'warn',
            LIAISON_OUTBOUND_ALLOW: '127.0.0.0/8,::1',
            LIAISON_METRICS_TOKEN: TEST_METRICS_TOKEN,
            // Not 127.0.0.2: the forwarded-address test logs in from there.
            LIAISON_RATE_EXEMPT: '127.0.0.1,::1,::ffff:127.0.0.1',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const keep = (d: Buffer) => (handle.log = (handle.log + d.toString()).slice(-20_000));
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      handle.child = child;
      await waitReady(handle);
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
        if (login.status !== 200) throw new Error(`login to ${url} failed: ${login.status}`);
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
