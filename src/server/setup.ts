import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Role } from '../core/roles.js';
import { CONFIG_FILE, parseConfig, type Config, type ConfigInput } from './config.js';
import { createLogger } from './log.js';
import { generateNodeKeys, nodeKeysExist, writeNodeKeys } from './identity/keys.js';
import { createNode } from './node.js';
import { conflict } from './errors.js';

export interface InitOptions {
  dataDir: string;
  nodeId: string;
  name: string;
  country: string;
  timeZone: string;
  host?: string;
  port?: number;
  publicUrl?: string;
  databaseUrl?: string;
  adminUsername?: string;
  /** A chosen admin password (sandbox); otherwise a one-time password is generated. */
  adminPassword?: string;
  /** Hosts or ranges outbound fetches may reach though not public (the sandbox's peers). */
  outboundAllow?: string[];
  osUser: string;
}

export interface InitResult {
  config: Config;
  fingerprint: string;
  admin: { username: string; password: string; mustChangePassword: boolean };
}

/**
 * `liaison init`: the data directory, config.yaml, the node's keys and the first admin.
 * Validates everything before writing anything, and refuses to touch an existing node.
 */
export async function initializeNode(options: InitOptions): Promise<InitResult> {
  const dataDir = path.resolve(options.dataDir);
  const configFile = path.join(dataDir, CONFIG_FILE);
  if (existsSync(configFile) || nodeKeysExist(dataDir)) {
    throw conflict('node_exists', `${dataDir} already holds a node; refusing to overwrite it.`);
  }
  const input: ConfigInput = {
    node: {
      id: options.nodeId,
      name: options.name,
      country: options.country,
      timeZone: options.timeZone,
    },
    http: {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 8080,
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    },
    store: options.databaseUrl
      ? { driver: 'postgres', url: options.databaseUrl }
      : { driver: 'sqlite', file: 'liaison.db' },
    log: { level: 'info' },
    ...(options.outboundAllow ? { outbound: { allow: options.outboundAllow } } : {}),
  };
  // Fails with ConfigError (naming the key) before anything is written.
  parseConfig(input, dataDir, {}, 'the options given');

  mkdirSync(dataDir, { recursive: true, mode: 0o750 });
  try {
    return await writeNode(options, dataDir, configFile, input);
  } catch (error) {
    // Nothing half-written: a failed init leaves no node behind.
    rmSync(configFile, { force: true });
    rmSync(path.join(dataDir, 'keys'), { recursive: true, force: true });
    if (!options.databaseUrl) {
      for (const suffix of ['', '-wal', '-shm'])
        rmSync(path.join(dataDir, `liaison.db${suffix}`), { force: true });
    }
    throw error;
  }
}

async function writeNode(
  options: InitOptions,
  dataDir: string,
  configFile: string,
  input: ConfigInput,
): Promise<InitResult> {
  writeFileSync(
    configFile,
    `# Liaison node configuration (see README: Configuration).\n${stringify(input)}`,
    { mode: 0o640, flag: 'wx' },
  );
  const keys = await generateNodeKeys();
  writeNodeKeys(dataDir, keys);

  const config = parseConfig(input, dataDir, {}, configFile);
  const node = await createNode({ config, keys, log: createLogger({ level: 'warn' }) });
  try {
    await node.store.migrate();
    const roles: Role[] = ['admin'];
    const username = options.adminUsername ?? 'admin';
    const created = await node.accounts.createUser(
      { kind: 'cli', osUser: options.osUser },
      {
        username,
        displayName: 'Node administrator',
        roles,
        ...(options.adminPassword ? { password: options.adminPassword } : {}),
      },
      { mustChangePassword: options.adminPassword === undefined },
    );
    return {
      config,
      fingerprint: keys.fingerprint,
      admin: {
        username,
        password: options.adminPassword ?? (created.password as string),
        mustChangePassword: options.adminPassword === undefined,
      },
    };
  } finally {
    await node.close();
  }
}
