import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { NodeView } from '../core/schemas/node.js';
import { buildApp } from './app.js';
import { systemClock, type Clock } from './clock.js';
import { publicUrlOf, usesTls, type Config } from './config.js';
import { EventBus } from './events.js';
import { PgEventBus } from './live/pg-bus.js';
import { createMetrics } from './http/metrics.js';
import { loadNodeKeys, type NodeKeys } from './identity/keys.js';
import { createLogger } from './log.js';
import { openStore, type Store } from './store/database.js';
import { TimerWorker } from './timers/timers.js';
import { Federation } from './federation/federation.js';
import { ensureCheckpointTimer, registerAuditCheckpoints } from './federation/checkpoints.js';
import { FEATURES } from './features/index.js';
import type { FeatureContext, FeatureModule, FeatureServices } from './features/module.js';
import { VERSION } from './version.js';
import { OutboundGuard, type OutboundRecord } from './outbound.js';
import { appendAudit } from './audit/audit.js';

/**
 * The composition root: config → store → keys → features → workers → HTTP.
 * One Node is one authority's installation; tests may run several in one process.
 */
export interface Node extends NodeBase, FeatureServices {}

/** What every node has, whatever its features; the features' services come from their modules. */
export interface NodeBase {
  readonly config: Config;
  readonly log: Logger;
  readonly clock: Clock;
  readonly store: Store;
  readonly keys: NodeKeys;
  readonly bus: EventBus;
  readonly timers: TimerWorker;
  readonly federation: Federation;
  /** The features, in the order of FEATURES; app.ts registers their routes. */
  readonly modules: readonly FeatureModule[];
  readonly metrics: Registry;
  readonly info: NodeView;
  readonly secureCookies: boolean;
  readonly publicUrl: string;
  readonly webRoot: string | undefined;
  readonly https: { cert: Buffer; key: Buffer } | undefined;
  app: FastifyInstance | undefined;
  /** Migrates the store, starts the workers and builds the HTTP app (not listening). */
  start(): Promise<FastifyInstance>;
  /** start(), then listens on the configured host and port; returns the URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface NodeOptions {
  config: Config;
  clock?: Clock;
  log?: Logger;
  keys?: NodeKeys;
  /** Where the built web app is; defaults to dist/web. */
  webRoot?: string;
  /** Timer worker's longest sleep; tests shorten it. */
  timerPollMs?: number;
  /** Start the federation dispatchers (false for one-off CLI commands). */
  dispatch?: boolean;
}

/** Every outbound fetch (each hop) in the audit log, with the address it reached. */
async function auditFetch(store: Store, clock: Clock, record: OutboundRecord): Promise<void> {
  await store.db.transaction().execute((trx) =>
    appendAudit(trx, {
      actor: { kind: 'system', reason: 'outbound' },
      at: clock.now(),
      action: 'outbound.fetch',
      entityType: 'url',
      entityId: record.url,
      details: { ...record },
    }),
  );
}

export async function createNode(options: NodeOptions): Promise<Node> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLogger({ level: config.log.level, name: config.node.id });
  const keys = options.keys ?? (await loadNodeKeys(config.dataDir));
  const store = openStore(
    config.store.driver === 'sqlite'
      ? { driver: 'sqlite', file: config.store.file }
      : { driver: 'postgres', url: config.store.url, poolSize: config.store.poolSize },
    log,
  );
  const bus = createBus(config, store, clock, log);
  const timers = new TimerWorker(store, clock, log.child({ component: 'timers' }), {
    ...(options.timerPollMs ? { pollMs: options.timerPollMs } : {}),
  });
  const metrics = createMetrics();
  const outbound = new OutboundGuard(config.outbound.allow, (record) =>
    auditFetch(store, clock, record),
  );
  const federation = new Federation({
    nodeId: config.node.id,
    name: config.node.name,
    country: config.node.country,
    timeZone: config.node.timeZone,
    publicUrl: publicUrlOf(config),
    store,
    clock,
    log: log.child({ component: 'federation' }),
    keys,
    bus,
    metrics,
    outbound,
  });
  registerAuditCheckpoints(federation, timers, config.federation.checkpointMinutes);
  const { modules, services } = createFeatures({
    config,
    log,
    clock,
    store,
    bus,
    timers,
    federation,
    metrics,
    nodeId: config.node.id,
    nodeName: config.node.name,
    timeZone: config.node.timeZone,
    publicUrl: publicUrlOf(config),
    secureCookies: usesTls(config),
    dataDir: config.dataDir,
    outbound,
  });
  const parts: NodeParts = {
    config,
    log,
    clock,
    store,
    keys,
    bus,
    timers,
    federation,
    modules,
    metrics,
    info: {
      nodeId: config.node.id,
      name: config.node.name,
      country: config.node.country,
      timeZone: config.node.timeZone,
      fingerprint: keys.fingerprint,
      version: VERSION,
    },
    secureCookies: usesTls(config),
    publicUrl: publicUrlOf(config),
    webRoot: options.webRoot,
    https: readTls(config),
  };
  return assembleNode(parts, services, options.dispatch !== false);
}

/** On PostgreSQL every process of the node shares the live events (live/pg-bus.ts). */
function createBus(config: Config, store: Store, clock: Clock, log: Logger): EventBus {
  return config.store.driver === 'postgres'
    ? new PgEventBus(config.events.recentLogSize, () => clock.now(), {
        store,
        url: config.store.url,
        log: log.child({ component: 'events' }),
      })
    : new EventBus(config.events.recentLogSize, () => clock.now());
}

/** The certificate and key to serve HTTPS with, when the config names them. */
function readTls(config: Config): NodeBase['https'] {
  const tls = config.http.tls;
  return tls
    ? {
        cert: readFileSync(path.resolve(config.dataDir, tls.certFile)),
        key: readFileSync(path.resolve(config.dataDir, tls.keyFile)),
      }
    : undefined;
}

/**
 * Closes the HTTP app: requests in flight are answered, and each connection is closed as
 * soon as it is idle. Node closes the idle ones once, when the server closes; one busy at
 * that moment would otherwise be kept alive for Fastify's keepAliveTimeout (72 s) after its
 * answer, holding the stop past the service unit's TimeoutStopSec (a peer's, a proxy's
 * kept-alive connection).
 */
async function closeApp(app: FastifyInstance): Promise<void> {
  const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
  }
}

/** What a node is made of, before it is given its life cycle. */
type NodeParts = Omit<NodeBase, 'app' | 'start' | 'listen' | 'close'>;

/** The node: its parts, the features' services, and start, listen and close over them. */
function assembleNode(parts: NodeParts, services: FeatureServices, dispatch: boolean): Node {
  const { config, store, timers, federation, modules } = parts;
  let started: Promise<FastifyInstance> | undefined;
  const base: NodeBase = {
    ...parts,
    app: undefined,
    start() {
      started ??= (async () => {
        await store.migrate();
        await parts.bus.start();
        const app = await buildApp(node);
        await app.ready();
        node.app = app;
        await ensureCheckpointTimer(federation, timers, config.federation.checkpointMinutes);
        for (const module of modules) await module.start?.();
        timers.start();
        if (dispatch) await federation.start();
        return app;
      })();
      return started;
    },
    async listen() {
      const app = await node.start();
      await app.listen({ host: config.http.host, port: config.http.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.http.port;
      const scheme = parts.https ? 'https' : 'http';
      const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
      return `${scheme}://${host}:${port}`;
    },
    async close() {
      // Features stop first (imports are interrupted, so they resume at the next start).
      for (const module of [...modules].reverse()) await module.stop?.();
      await federation.stop();
      await timers.stop();
      if (node.app) await closeApp(node.app);
      await parts.bus.stop();
      await store.close();
    },
  };
  const node: Node = Object.assign(base, services);
  return node;
}

/**
 * Creates every feature of FEATURES in order: each module's message kinds, timer kinds
 * and migrations are registered as it is created, and its services are offered to the
 * modules after it.
 */
function createFeatures(context: Omit<FeatureContext, 'use'>): {
  modules: FeatureModule[];
  services: FeatureServices;
} {
  const services: Partial<FeatureServices> = {};
  const ctx: FeatureContext = {
    ...context,
    use(name) {
      const service = services[name];
      if (!service) throw new Error(`feature service ${name} is used before it is created`);
      return service;
    },
  };
  const modules: FeatureModule[] = [];
  for (const factory of FEATURES) {
    const module = factory(ctx);
    for (const kind of module.kinds ?? []) context.federation.registerKind(kind);
    for (const kind of module.timers ?? []) context.timers.add(kind);
    if (module.migrations) context.store.addMigrations(module.migrations);
    Object.assign(services, module.services);
    modules.push(module);
  }
  return { modules, services: services as FeatureServices };
}
