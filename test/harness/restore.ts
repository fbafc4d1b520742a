import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/server/config.js';
import { openStore } from '../../src/server/store/database.js';
import { initializeNode } from '../../src/server/setup.js';
import type {} from '../../src/server/features/notes/notes.table.js';
import { CLI_MAIN, ROOT } from './cli.js';
import { ADMIN_PASSWORD, freePort } from './cluster.js';
import { PG_URL } from './databases.js';
import { TEST_METRICS_TOKEN } from './node.js';

/**
 * The backup test's node processes: like cluster.ts's, on either store, and started from any
 * data directory (a restored one serves on the port of its config, the node's own URL).
 */

/** A new, empty PostgreSQL database of a unique name; `drop` removes it. */
export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!PG_URL) throw new Error('LIAISON_TEST_PG is not set');
  const name = `liaison_bk_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface ServedNode {
  nodeId: string;
  url: string;
  fingerprint: string;
  dataDir: string;
  log: string;
  /** Starts `liaison serve` on a data directory (default: the one it was made in). */
  start(dataDir?: string): Promise<void>;
  stop(): Promise<void>;
  api(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }>;
}

export async function initServedNode(
  root: string,
  nodeId: string,
  databaseUrl?: string,
): Promise<ServedNode> {
  const port = await freePort();
  const dataDir = path.join(root, nodeId);
  const init = await initializeNode({
    dataDir,
    nodeId,
    name: `Node ${nodeId}`,
    country: 'US',
    timeZone: 'UTC',
    port,
    adminPassword: ADMIN_PASSWORD,
    osUser: 'test',
    ...(databaseUrl ? { databaseUrl } : {}),
  });
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let session: { cookie: string; csrf: string } | undefined;
  const handle: ServedNode = {
    nodeId,
    url,
    fingerprint: init.fingerprint,
    dataDir,
    log: '',
    async start(from = dataDir) {
      handle.dataDir = from;
      session = undefined;
      const started = spawn(
        process.execPath,
        [
          ...(process.env['LIAISON_CLUSTER_BUILT'] === '1'
            ? [path.join(ROOT, 'bin', 'liaison.js')]
            : ['--import', 'tsx', CLI_MAIN]),
          'serve',
          '--data',
          from,
        ],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            LIAISON_LOG_LEVEL: 'warn',
            LIAISON_OUTBOUND_ALLOW: '127.0.0.0/8,::1',
            LIAISON_METRICS_TOKEN: TEST_METRICS_TOKEN,
            LIAISON_RATE_EXEMPT: '127.0.0.1,::1,::ffff:127.0.0.1',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const keep = (d: Buffer) => (handle.log = (handle.log + d.toString()).slice(-20_000));
      started.stdout.on('data', keep);
      started.stderr.on('data', keep);
      child = started;
      const deadline = Date.now() + 180_000;
      for (;;) {
        if (started.exitCode !== null) throw new Error(`${nodeId} exited:\n${handle.log}`);
        if (Date.now() > deadline) throw new Error(`${nodeId} not ready:\n${handle.log}`);
        const ready = await fetch(`${url}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ready) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
      child = undefined;
    },
    async api(method, route, body) {
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
      const response = await fetch(`${url}${route}`, {
        method,
        headers: {
          cookie: session.cookie,
          'x-csrf-token': session.csrf,
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

/** The texts of a node's notes with a peer, in one direction (read from its store directly). */
export async function noteTexts(
  dataDir: string,
  peerId: string,
  direction: 'in' | 'out',
): Promise<string[]> {
  const config = loadConfig(dataDir, {});
  const store = openStore(
    config.store.driver === 'sqlite' ? config.store : { ...config.store, poolSize: 1 },
  );
  try {
    const rows = await store.db
      .selectFrom('notes')
      .select('text')
      .where('peer_id', '=', peerId)
      .where('direction', '=', direction)
      .execute();
    return rows.map((r) => r.text);
  } finally {
    await store.close();
  }
}
