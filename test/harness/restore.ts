import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/server/config.js';
import { openStore } from '../../src/server/store/database.js';
import { initializeNode } from '../../src/server/setup.js';
import type {} from '../../src/server/features/notes/notes.table.js';
import { ADMIN_PASSWORD, freePort, servedProcess, type NodeProcess } from './cluster.js';
import { PG_URL } from './databases.js';

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

export async function initServedNode(
  root: string,
  nodeId: string,
  databaseUrl?: string,
): Promise<NodeProcess> {
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
  return servedProcess({
    nodeId,
    dataDir,
    url: `http://127.0.0.1:${port}`,
    fingerprint: init.fingerprint,
    startTimeoutMs: 180_000,
  });
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
