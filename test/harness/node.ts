import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Role } from '../../src/core/roles.js';
import type { Clock } from '../../src/server/clock.js';
import { parseConfig, type ConfigInput } from '../../src/server/config.js';
import { generateNodeKeys, type NodeKeys } from '../../src/server/identity/keys.js';
import { createLogger } from '../../src/server/log.js';
import { createNode, type Node } from '../../src/server/node.js';
import type { Dialect } from '../../src/server/store/database.js';
import { createTestDatabase, type TestDatabase } from './databases.js';

export const ADMIN_PASSWORD = 'correct horse battery staple';
const CLI = { kind: 'cli', osUser: 'test' } as const;

export interface NodeHandle {
  node: Node;
  app: FastifyInstance;
  database: TestDatabase;
  admin: { username: string; password: string };
  createUser(
    username: string,
    roles: Role[],
    opts?: { disabled?: boolean; mustChangePassword?: boolean },
  ): Promise<{ id: string; username: string; password: string }>;
  /** Stops the node; keeps the database (restart with `restartNode`). */
  stop(): Promise<void>;
  /** Stops the node and drops its database. */
  destroy(): Promise<void>;
}

export interface MakeNodeOptions {
  dialect?: Dialect;
  nodeId?: string;
  clock?: Clock;
  log?: DestinationStream;
  logLevel?: string;
  timerPollMs?: number;
  heartbeatSeconds?: number;
  port?: number;
  /** Re-use a database (and keys) of an earlier node: a restart. */
  database?: TestDatabase;
  keys?: NodeKeys;
  /** Skip creating the admin (restart). */
  noAdmin?: boolean;
  /** The hotline's settings (delivery timeout, SMTP server). */
  hotline?: ConfigInput['hotline'];
  /** What URL imports, subscriptions and webhooks may reach; default: this machine (the tests' servers). */
  outboundAllow?: string[];
  limits?: ConfigInput['limits'];
  /** Accounts' settings, e.g. `{ requireSecondFactor: 'admins' }`. */
  auth?: ConfigInput['auth'];
  /** Runs before the node starts its workers: register timer kinds and message kinds here. */
  beforeStart?: (node: Node) => void;
}

/** The sandbox's two authorities by their ids; any other id gets a neutral identity. */
function identityOf(id: string): { id: string; name: string; country: string; timeZone: string } {
  if (id === 'us-doj') {
    return {
      id,
      name: 'United States — Department of Justice',
      country: 'US',
      timeZone: 'America/New_York',
    };
  }
  if (id === 'cn-mps') {
    return {
      id,
      name: 'China — Ministry of Public Security',
      country: 'CN',
      timeZone: 'Asia/Shanghai',
    };
  }
  return { id, name: `Test node ${id}`, country: 'GB', timeZone: 'Europe/London' };
}

/** What the tests' scrapers send to /metrics. */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789';

export async function makeNode(options: MakeNodeOptions = {}): Promise<NodeHandle> {
  const database = options.database ?? (await createTestDatabase(options.dialect ?? 'sqlite'));
  const config = parseConfig(
    {
      node: identityOf(options.nodeId ?? 'us-doj'),
      http: { host: '127.0.0.1', port: options.port ?? 0 },
      store: database.store,
      log: { level: options.logLevel ?? (options.log ? 'info' : 'silent') },
      events: { heartbeatSeconds: options.heartbeatSeconds ?? 15, recentLogSize: 100 },
      ...(options.hotline ? { hotline: options.hotline } : {}),
      ...(options.auth ? { auth: options.auth } : {}),
      outbound: { allow: options.outboundAllow ?? ['127.0.0.0/8', '::1'] },
      metrics: { token: TEST_METRICS_TOKEN },
      // The tests log in and peer from this machine many times a minute.
      limits: { rateExempt: ['127.0.0.1', '::1', '::ffff:127.0.0.1'], ...options.limits },
    },
    database.dataDir,
  );
  const keys = options.keys ?? (await generateNodeKeys());
  const node = await createNode({
    config,
    keys,
    log: createLogger({ level: config.log.level, name: config.node.id }, options.log),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.timerPollMs ? { timerPollMs: options.timerPollMs } : {}),
  });
  options.beforeStart?.(node);
  const app = await node.start();
  const admin = { username: 'admin', password: ADMIN_PASSWORD };
  if (!options.noAdmin) {
    await node.accounts.createUser(
      CLI,
      {
        username: admin.username,
        displayName: 'Ada Admin',
        roles: ['admin'],
        password: admin.password,
      },
      { mustChangePassword: false },
    );
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await node.close();
  };
  return {
    node,
    app,
    database,
    admin,
    async createUser(username, roles, opts = {}) {
      const password = `${username} password 123`;
      const { user } = await node.accounts.createUser(
        CLI,
        { username, displayName: username, roles, password },
        { mustChangePassword: opts.mustChangePassword ?? false },
      );
      if (opts.disabled) await node.accounts.updateUser(CLI, user.id, { disabled: true });
      return { id: user.id, username, password };
    },
    stop,
    async destroy() {
      await stop();
      await database.drop();
    },
  };
}

/** A real node listening on a loopback port, serving the built web app (browser tests). */
export interface TestNode {
  url: string;
  admin: { username: string; password: string };
  handle: NodeHandle;
  createUser(
    username: string,
    roles: string[],
    opts?: { disabled?: boolean },
  ): Promise<{ username: string; password: string }>;
  stop(): Promise<void>;
}

export async function startTestNode(
  options: { nodeId?: string; dialect?: Dialect; auth?: ConfigInput['auth'] } = {},
): Promise<TestNode> {
  const handle = await makeNode({ ...options });
  const url = await handle.node.listen();
  return {
    url,
    admin: handle.admin,
    handle,
    createUser: (username, roles, opts) => handle.createUser(username, roles as Role[], opts),
    stop: () => handle.destroy(),
  };
}

/** A logged-in browser-like session for app.inject: cookie + CSRF token. */
export interface Session {
  cookie: string;
  csrf: string;
}

export async function login(
  app: FastifyInstance,
  username: string,
  password: string,
  remoteAddress?: string,
): Promise<Session> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username, password },
    ...(remoteAddress ? { remoteAddress } : {}),
  });
  if (response.statusCode !== 200)
    throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const setCookie = response.headers['set-cookie'];
  const cookieLine = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  const cookie = (cookieLine ?? '').split(';')[0] ?? '';
  return { cookie, csrf: response.json<{ csrfToken: string }>().csrfToken };
}

/** Sends a request as a session (with its CSRF token) or as a bearer token. */
export function call(
  app: FastifyInstance,
  as: Session | { token: string } | undefined,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {};
  if (as && 'token' in as) headers['authorization'] = `Bearer ${as.token}`;
  if (as && 'cookie' in as) {
    headers['cookie'] = as.cookie;
    if (method !== 'GET') headers['x-csrf-token'] = as.csrf;
  }
  return app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}
