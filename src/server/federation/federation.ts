import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import type { LedgerView, SignedDescriptor } from '../../core/schemas/federation.js';
import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import type { NodeKeys } from '../identity/keys.js';
import { KeyRing } from '../identity/key-ring.js';
import type { Db, Store, Trx, TxHooks } from '../store/database.js';
import { signDescriptor } from './descriptor.js';
import { AppliedSignal } from './inbox.js';
import { KeyAnnouncement, KEYS_KIND, pinAnnouncedKeys } from './key-rotation.js';
import { KeysService } from './keys.service.js';
import * as keyRotationMigration from './migrations/2026_12_10_0900_key_rotation.js';
import * as streamResumeMigration from './migrations/2026_12_20_0900_stream_resume.js';
import * as resumeNoncesMigration from './migrations/2026_12_24_0900_resume_nonces.js';
import { EnvelopeOpener } from './opener.js';
import { KindRegistry, type MessageKind } from './kinds.js';
import { enqueue, StreamDispatcher } from './outbox.js';
import { pendingStreams } from './streams.repository.js';
import {
  activePeerIds,
  findPeer,
  ledgerOf,
  listPeerRows,
  PeerKeyCache,
  PeersService,
} from './peers.js';
import type { OutboundGuard } from '../outbound.js';

/** How often peers' descriptors are fetched again (kinds accepted after an upgrade). */
const DESCRIPTOR_REFRESH_MS = 5 * 60_000;
/** How often keys whose grace period ended are looked for. */
const KEY_PRUNE_MS = 5 * 60_000;

/** What the federation parts share (peers, outbox, inbox, checkpoints). */
export interface FederationContext {
  nodeId: string;
  store: Store;
  clock: Clock;
  log: Logger;
  /** The keys loaded at start (kept current in this process after a rotation). */
  keys: NodeKeys;
  /** Every key of this node by id; which are current is read from the store. */
  ring: KeyRing;
  peerKeys: PeerKeyCache;
  opener: EnvelopeOpener;
  applied: AppliedSignal;
  /** Called inside the transaction that adds or resumes a peer (features send it their state). */
  peerActivated: PeerActivatedHook[];
  kinds: KindRegistry;
  outbound: OutboundGuard;
  /** How often one read of all streams looks for messages other processes committed. */
  sweepMs: number;
  nudge(peerId: string): void;
  onPeersChanged(peerId: string): void;
  onLedgerChanged(peerId: string): void;
  onPeerRefusedKind(peerId: string): void;
}

/** `fresh`: the peer was never peered before (nothing of ours can be stale there). */
export type PeerActivatedHook = (
  trx: Trx,
  hooks: TxHooks,
  peerId: string,
  fresh: boolean,
) => Promise<void>;

export interface FederationOptions {
  nodeId: string;
  name: string;
  country: string;
  timeZone: string;
  publicUrl: string;
  store: Store;
  clock: Clock;
  log: Logger;
  keys: NodeKeys;
  bus: EventBus;
  metrics: Registry;
  /** A new peer's URL is fetched through it (src/server/outbound.ts). */
  outbound: OutboundGuard;
  /**
   * How often one read of all streams looks for messages committed by other processes (a
   * dispatcher is woken at once by its own process's commits; idle, it reads nothing).
   */
  sweepMs?: number;
}

/**
 * `liaison.diagnostic`: a payload the receiver verifies and applies without storing, to test
 * a link end to end (and to measure it: bench/federation).
 */
export const DIAGNOSTIC_KIND = 'liaison.diagnostic';
export const DiagnosticMessage = z
  .object({
    label: z.string().max(200),
    objects: z.array(z.record(z.string(), z.unknown())).max(5000),
  })
  .strict();

/**
 * Federation: peers, the per-peer outgoing streams and their dispatchers, the inbox's kind
 * registry, the node descriptor and the delivery ledger's metrics. Audit checkpoints
 * (checkpoints.ts) are built on it by the composition root; it does not know them.
 */
export class Federation {
  readonly ctx: FederationContext;
  readonly peers: PeersService;
  readonly keys: KeysService;
  private readonly dispatchers = new Map<string, StreamDispatcher>();
  private readonly owner = randomBytes(6).toString('hex');
  private running = false;
  private refresh: NodeJS.Timeout | undefined;
  private sweep: NodeJS.Timeout | undefined;
  private sweeping = false;
  private readonly descriptorTimers: NodeJS.Timeout[] = [];
  private readonly ledgerTimers = new Map<string, NodeJS.Timeout>();
  private descriptor: { kid: string; signed: Promise<SignedDescriptor> } | undefined;

  constructor(private readonly options: FederationOptions) {
    this.ctx = {
      nodeId: options.nodeId,
      store: options.store,
      clock: options.clock,
      log: options.log,
      keys: options.keys,
      ring: new KeyRing(options.keys),
      peerKeys: new PeerKeyCache(),
      applied: new AppliedSignal(),
      peerActivated: [],
      opener: new EnvelopeOpener(options.log),
      kinds: new KindRegistry(),
      outbound: options.outbound,
      sweepMs: options.sweepMs ?? 1_000,
      nudge: (peerId) => this.dispatchers.get(peerId)?.nudge(),
      onPeersChanged: (peerId) => {
        void this.syncDispatchers();
        options.bus.publish(
          'federation.peers',
          { peer: peerId },
          { roles: ['admin', 'officer', 'analyst', 'controller', 'observer'] },
        );
      },
      onLedgerChanged: (peerId) => this.publishLedger(peerId),
      onPeerRefusedKind: (peerId) =>
        options.log.warn({ peer: peerId }, 'peer refused a message kind'),
    };
    this.peers = new PeersService(this.ctx);
    this.keys = new KeysService(this.ctx, (keys) => {
      // This process's view of its keys (node.keys) follows; other processes read the store.
      Object.assign(options.keys, { ...keys, dataDir: options.keys.dataDir });
      this.descriptor = undefined;
    });
    options.store.addMigrations({
      '2026_12_10_0900_key_rotation': keyRotationMigration,
      '2026_12_20_0900_stream_resume': streamResumeMigration,
      '2026_12_24_0900_resume_nonces': resumeNoncesMigration,
    });
    this.registerKind({
      kind: DIAGNOSTIC_KIND,
      schema: DiagnosticMessage,
      handle: () => Promise.resolve(),
    });
    this.registerKind({
      kind: KEYS_KIND,
      schema: KeyAnnouncement,
      handle: async (trx, body, context) => {
        await pinAnnouncedKeys(trx, body, context, this.ctx.clock.now());
        context.hooks.afterCommit(() => this.ctx.onPeersChanged(context.peer.node_id));
      },
    });
    this.registerMetrics(options.metrics);
  }

  get kinds(): KindRegistry {
    return this.ctx.kinds;
  }

  registerKind<S extends z.ZodType>(kind: MessageKind<S>): void {
    this.ctx.kinds.register(kind);
    this.descriptor = undefined;
  }

  /**
   * The one function a service calls for a message that concerns a peer: inside the
   * service's transaction, so the change and the message commit together.
   */
  send(trx: Db, hooks: TxHooks | undefined, peerId: string, kind: string, body: unknown) {
    return enqueue(this.ctx, trx, hooks, peerId, kind, body);
  }

  /**
   * Sends a message to every active peer that accepts its kind (a peer running an older
   * version may not), in the caller's transaction. Returns the peers it went to.
   */
  async broadcast(trx: Db, hooks: TxHooks, kind: string, body: unknown): Promise<string[]> {
    const peers = (await listPeerRows(trx)).filter(
      (row) =>
        row.status === 'active' && (JSON.parse(row.message_kinds) as string[]).includes(kind),
    );
    for (const peer of peers) await enqueue(this.ctx, trx, hooks, peer.node_id, kind, body);
    return peers.map((peer) => peer.node_id);
  }

  /** Whether an active peer accepts messages of `kind`. */
  async peerAccepts(db: Db, peerId: string, kind: string): Promise<boolean> {
    const peer = await findPeer(db, peerId);
    return peer?.status === 'active' && (JSON.parse(peer.message_kinds) as string[]).includes(kind);
  }

  /** `hook` runs inside the transaction that adds or resumes a peer. */
  onPeerActivated(hook: PeerActivatedHook): void {
    this.ctx.peerActivated.push(hook);
  }

  /** The fingerprint of this node's current keys (whichever process rotated them last). */
  async currentFingerprint(): Promise<string> {
    return (await this.ctx.ring.currentKeys(this.ctx.store.db)).fingerprint;
  }

  /**
   * This node's signed descriptor with its current keys (cached; re-signed when the kinds
   * or the keys change, whichever process rotated them).
   */
  async signedDescriptor(): Promise<SignedDescriptor> {
    const keys = await this.ctx.ring.currentKeys(this.ctx.store.db);
    if (this.descriptor?.kid !== keys.signing.kid) {
      const signed = (async () =>
        signDescriptor(
          {
            nodeId: this.options.nodeId,
            name: this.options.name,
            country: this.options.country,
            timeZone: this.options.timeZone,
            url: this.options.publicUrl,
            keys,
            messageKinds: this.ctx.kinds.names(),
            issuedAt: new Date(this.options.clock.now()).toISOString(),
          },
          await this.ctx.ring.key(keys.signing.kid),
        ))();
      this.descriptor = { kid: keys.signing.kid, signed };
    }
    return this.descriptor.signed;
  }

  async start(): Promise<void> {
    this.running = true;
    // A rotation that committed but crashed before replacing the key files: finish it.
    this.ctx.ring.syncCurrentFiles(await this.ctx.ring.currentKeys(this.ctx.store.db));
    await this.syncDispatchers();
    // Peers added or resumed by another process (CLI, a second API process) are picked up.
    this.refresh = setInterval(() => void this.syncDispatchers(), 2_000);
    // Messages committed by another process wake their dispatcher: one read for all streams.
    this.sweep = setInterval(() => void this.pokePending(), this.ctx.sweepMs);
    // Peers' descriptors are fetched again soon after start and then every few minutes, so
    // a peer that was upgraded (new message kinds) is known as such without re-peering.
    const refreshDescriptors = () =>
      void this.peers
        .refreshDescriptors()
        .catch((error: unknown) => this.ctx.log.warn({ err: error }, 'descriptor refresh failed'));
    this.descriptorTimers.push(setTimeout(refreshDescriptors, 3_000));
    this.descriptorTimers.push(setInterval(refreshDescriptors, DESCRIPTOR_REFRESH_MS));
    // Keys whose grace period ended are deleted (at start, then every few minutes).
    const prune = () =>
      void this.keys
        .prune()
        .catch((error: unknown) => this.ctx.log.warn({ err: error }, 'key prune failed'));
    prune();
    this.descriptorTimers.push(setInterval(prune, KEY_PRUNE_MS));
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.refresh) clearInterval(this.refresh);
    if (this.sweep) clearInterval(this.sweep);
    for (const timer of this.descriptorTimers.splice(0)) clearInterval(timer);
    for (const timer of this.ledgerTimers.values()) clearTimeout(timer);
    const all = [...this.dispatchers.values()];
    this.dispatchers.clear();
    await Promise.all(all.map((d) => d.stop()));
    await Promise.all(all.map((d) => d.releaseLease().catch(() => undefined)));
    await this.ctx.opener.close();
  }

  private async pokePending(): Promise<void> {
    if (!this.running || this.sweeping) return;
    this.sweeping = true;
    try {
      for (const peerId of await pendingStreams(this.ctx.store.db)) {
        this.dispatchers.get(peerId)?.poke();
      }
    } catch (error) {
      this.ctx.log.warn({ err: error }, 'cannot read the pending streams');
    } finally {
      this.sweeping = false;
    }
  }

  private async syncDispatchers(): Promise<void> {
    if (!this.running) return;
    let active;
    try {
      active = new Set(await activePeerIds(this.ctx.store.db));
    } catch (error) {
      this.ctx.log.warn({ err: error }, 'cannot list peers');
      return;
    }
    if (!this.running) return;
    for (const [peerId, dispatcher] of this.dispatchers) {
      if (!active.has(peerId)) {
        this.dispatchers.delete(peerId);
        void dispatcher.stop().then(() => dispatcher.releaseLease().catch(() => undefined));
      }
    }
    for (const peerId of active) {
      if (!this.dispatchers.has(peerId)) {
        const dispatcher = new StreamDispatcher(this.ctx, peerId, this.owner);
        this.dispatchers.set(peerId, dispatcher);
        dispatcher.start();
      }
    }
  }

  /** Tells admins' browsers the ledger moved (at most every 250 ms per peer). */
  private publishLedger(peerId: string): void {
    if (this.ledgerTimers.has(peerId) || !this.running) return;
    this.ledgerTimers.set(
      peerId,
      setTimeout(() => {
        this.ledgerTimers.delete(peerId);
        ledgerOf(this.ctx.store.db, peerId, this.ctx.clock.now())
          .then((ledger) =>
            this.options.bus.publish(
              'federation.ledger',
              { peer: peerId, ledger },
              { roles: ['admin'] },
            ),
          )
          .catch((error: unknown) => this.ctx.log.warn({ err: error }, 'ledger event failed'));
      }, 250),
    );
  }

  private registerMetrics(registry: Registry): void {
    const store = this.ctx.store;
    const clock = this.ctx.clock;
    const labelNames = ['peer'] as const;
    // One read of the ledgers per scrape, shared by every gauge (prom-client collects them
    // concurrently).
    let snapshot:
      { at: number; ledgers: Promise<{ peer: string; ledger: LedgerView }[]> } | undefined;
    const ledgers = () => {
      const now = Date.now();
      if (!snapshot || now - snapshot.at > 200) {
        snapshot = {
          at: now,
          ledgers: listPeerRows(store.db)
            .then((rows) =>
              Promise.all(
                rows.map(async (row) => ({
                  peer: row.node_id,
                  ledger: await ledgerOf(store.db, row.node_id, clock.now()),
                })),
              ),
            )
            .catch(() => []),
        };
      }
      return snapshot.ledgers;
    };
    const gauge = (name: string, help: string, value: (ledger: LedgerView) => number) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        async collect() {
          this.reset();
          for (const { peer, ledger } of await ledgers()) this.set({ peer }, value(ledger));
        },
      });
    gauge(
      'liaison_federation_backlog',
      'Messages not yet acknowledged by the peer.',
      (l) => l.backlog,
    );
    gauge(
      'liaison_federation_last_sent_seq',
      'Last sequence number given to a message for the peer.',
      (l) => l.lastSent,
    );
    gauge(
      'liaison_federation_last_acked_seq',
      'Last sequence number the peer acknowledged.',
      (l) => l.lastAcknowledged,
    );
    gauge(
      'liaison_federation_oldest_undelivered_seconds',
      'Age of the oldest message not yet delivered.',
      (l) => (l.oldestUndeliveredAgeMs ?? 0) / 1000,
    );
    gauge('liaison_federation_peer_up', '1 when the peer answered the last attempt.', (l) =>
      l.peerUp ? 1 : 0,
    );
    gauge(
      'liaison_federation_last_applied_seq',
      'Last sequence number applied from the peer.',
      (l) => l.lastApplied,
    );
  }
}
