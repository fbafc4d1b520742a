import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Dialect, StoreConfig } from '../../src/server/store/database.js';

/**
 * Store tests run on every dialect: SQLite always, PostgreSQL when LIAISON_TEST_PG gives a
 * connection string (CI sets it). Each test database is new and dropped afterwards.
 */
export const PG_URL = process.env['LIAISON_TEST_PG'];
export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

export function dialectAvailable(dialect: Dialect): boolean {
  return dialect === 'sqlite' || Boolean(PG_URL);
}

export interface TestDatabase {
  store: StoreConfig;
  dataDir: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `liaison-test-${dialect}-`));
  if (dialect === 'sqlite') {
    return {
      store: { driver: 'sqlite', file: path.join(dataDir, 'liaison.db') },
      dataDir,
      drop: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })),
    };
  }
  if (!PG_URL) throw new Error('LIAISON_TEST_PG is not set');
  const name = `liaison_t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    store: { driver: 'postgres', url: url.toString(), poolSize: 5 },
    dataDir,
    async drop() {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
