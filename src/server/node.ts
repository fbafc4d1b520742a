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
import { AccountsService } from './features/accounts/accounts.service.js';
import { createMetrics } from './http/metrics.js';
import { loadNodeKeys, type NodeKeys } from './identity/keys.js';
import { createLogger } from './log.js';
import { openStore, type Store } from './store/database.js';
import { TimerWorker } from './timers/timers.js';
import { Federation } from './federation/federation.js';
import { ensureCheckpointTimer } from './federation/checkpoints.js';
import { registerNoteMessages } from './features/notes/notes.messages.js';
import { NotesService } from './features/notes/notes.service.js';
import { registerContactMessages } from './features/contacts/contacts.messages.js';
import { ContactsService } from './features/contacts/contacts.service.js';
import { registerArrangementMessages } from './features/arrangements/arrangements.messages.js';
import { ArrangementsService } from './features/arrangements/arrangements.service.js';
import { registerRequestMessages } from './features/requests/requests.messages.js';
import { RequestsService } from './features/requests/requests.service.js';
import { registerPingMessages } from './features/pings/pings.messages.js';
import { PingsService } from './features/pings/pings.service.js';
import { registerHotlineMessages } from './features/hotline/hotline.messages.js';
import { Notifier } from './features/hotline/hotline.notify.js';
import { RosterService } from './features/hotline/hotline.roster.js';
import { HotlineService } from './features/hotline/hotline.service.js';
import { registerCaseMessages } from './features/cases/cases.messages.js';
import { CasesService } from './features/cases/cases.service.js';
import { ImportService } from './features/cases/cases.import.js';
import { TaxiiClient } from './features/taxii/taxii.client.js';
import { TaxiiService } from './features/taxii/taxii.service.js';
import { VERSION } from './version.js';

/**
 * The composition root: config → store → keys → features → workers → HTTP.
 * One Node is one authority's installation; tests may run several in one process.
 */
export interface Node {
  readonly config: Config;
  readonly log: Logger;
  readonly clock: Clock;
  readonly store: Store;
  readonly keys: NodeKeys;
  readonly bus: EventBus;
  readonly timers: TimerWorker;
  readonly accounts: AccountsService;
  readonly federation: Federation;
  readonly notes: NotesService;
  readonly contacts: ContactsService;
  readonly arrangements: ArrangementsService;
  readonly requests: RequestsService;
  readonly pings: PingsService;
  readonly roster: RosterService;
  readonly hotline: HotlineService;
  readonly notifier: Notifier;
  readonly cases: CasesService;
  readonly imports: ImportService;
  readonly taxii: TaxiiService;
  readonly taxiiClient: TaxiiClient;
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
  const bus = new EventBus(config.events.recentLogSize, () => clock.now());
  const timers = new TimerWorker(store, clock, log.child({ component: 'timers' }), {
    ...(options.timerPollMs ? { pollMs: options.timerPollMs } : {}),
  });
  const accounts = new AccountsService({
    store,
    clock,
    bus,
    log: log.child({ component: 'accounts' }),
    sessionIdleMs: config.auth.sessionIdleMinutes * 60_000,
    sessionMaxMs: config.auth.sessionMaxHours * 3_600_000,
  });
  const metrics = createMetrics();
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
    timers,
    metrics,
    checkpointMinutes: config.federation.checkpointMinutes,
  });
  registerNoteMessages(federation, clock, bus);
  const notes = new NotesService({ store, clock, bus, federation, nodeId: config.node.id });
  const featureDeps = { store, clock, bus, federation, nodeId: config.node.id };
  const contacts = new ContactsService(featureDeps);
  registerContactMessages(federation, clock, contacts);
  const arrangements = new ArrangementsService(featureDeps);
  registerArrangementMessages(federation, clock, arrangements);
  const requests = new RequestsService({
    ...featureDeps,
    timers,
    timeZone: config.node.timeZone,
    log: log.child({ component: 'requests' }),
  });
  registerRequestMessages(federation, requests);
  const pings = new PingsService({ ...featureDeps, timers });
  registerPingMessages(federation, pings);
  const roster = new RosterService({ ...featureDeps, timers });
  // The notifier reports each e-mail or webhook post on the call's timeline.
  let republish: (callId: string) => void = () => undefined;
  const notifier = new Notifier({
    store,
    clock,
    bus,
    log: log.child({ component: 'hotline-notifier' }),
    smtp: config.hotline.smtp,
    onSent: (callId) => republish(callId),
  });
  const hotline = new HotlineService({
    ...featureDeps,
    timers,
    roster,
    nudgeNotifier: () => notifier.nudge(),
    deliveryTimeoutMs: config.hotline.deliveryTimeoutSeconds * 1000,
    publicUrl: publicUrlOf(config),
    log: log.child({ component: 'hotline' }),
  });
  republish = (callId) => void hotline.republish(callId);
  registerHotlineMessages(federation, hotline, roster);
  const cases = new CasesService({
    ...featureDeps,
    nodeName: config.node.name,
    log: log.child({ component: 'cases' }),
  });
  registerCaseMessages(federation, cases);
  const imports = new ImportService({
    ...featureDeps,
    log: log.child({ component: 'imports' }),
    uploadsDir: path.join(config.dataDir, 'imports'),
  });
  const taxii = new TaxiiService({
    ...featureDeps,
    log: log.child({ component: 'taxii' }),
    imports,
    cases,
    publicUrl: publicUrlOf(config),
    nodeName: config.node.name,
  });
  const taxiiClient = new TaxiiClient({
    ...featureDeps,
    log: log.child({ component: 'taxii-client' }),
    imports,
    timers,
  });
  requests.onOverdue((trx, hooks, request, deadline) =>
    hotline.raiseOverdue(trx, hooks, request, deadline),
  );
  const tls = config.http.tls;
  const https = tls
    ? {
        cert: readFileSync(path.resolve(config.dataDir, tls.certFile)),
        key: readFileSync(path.resolve(config.dataDir, tls.keyFile)),
      }
    : undefined;

  let started: Promise<FastifyInstance> | undefined;
  const node: Node = {
    config,
    log,
    clock,
    store,
    keys,
    bus,
    timers,
    accounts,
    federation,
    notes,
    contacts,
    arrangements,
    requests,
    pings,
    roster,
    hotline,
    notifier,
    cases,
    imports,
    taxii,
    taxiiClient,
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
    https,
    app: undefined,
    start() {
      started ??= (async () => {
        await store.migrate();
        const app = await buildApp(node);
        await app.ready();
        node.app = app;
        await ensureCheckpointTimer(federation, timers, config.federation.checkpointMinutes);
        await roster.ensureTimer();
        timers.start();
        notifier.start();
        if (options.dispatch !== false) await federation.start();
        await imports.resumeAbandoned();
        return app;
      })();
      return started;
    },
    async listen() {
      const app = await node.start();
      await app.listen({ host: config.http.host, port: config.http.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.http.port;
      const scheme = https ? 'https' : 'http';
      const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
      return `${scheme}://${host}:${port}`;
    },
    async close() {
      await imports.interruptAll();
      await imports.close();
      await federation.stop();
      await timers.stop();
      await notifier.stop();
      if (node.app) await node.app.close();
      await store.close();
    },
  };
  return node;
}
