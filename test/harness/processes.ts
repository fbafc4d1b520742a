import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { CONFIG_FILE } from '../../src/server/config.js';
import { initializeNode } from '../../src/server/setup.js';
import { ADMIN_PASSWORD, freePort, servedProcess, type NodeProcess } from './cluster.js';
import { createTestDatabase, type TestDatabase } from './databases.js';

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
    servedProcess({
      nodeId,
      dataDir,
      url: `http://127.0.0.1:${port}`,
      fingerprint: init.fingerprint,
      env: { LIAISON_HTTP_PORT: String(port) },
      startTimeoutMs: 150_000,
    }),
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
