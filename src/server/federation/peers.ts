import type { JWK } from 'jose';
import type {
  AddPeerBody,
  LedgerView,
  PeerView,
  RejectionView,
} from '../../core/schemas/federation.js';
import { authorize, type Actor } from '../actor.js';
import { appendAudit } from '../audit/audit.js';
import { iso, isoOrNull } from '../clock.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { Db } from '../store/database.js';
import { fetchVerifiedDescriptor } from './descriptor.js';
import { importEncryptionKey, importSigningKey, type SigningKey } from './envelope.js';
import type { PeerRow, PeerStatus } from './federation.table.js';
import type { FederationContext } from './federation.js';

// ---- repository -------------------------------------------------------------------------

export function findPeer(db: Db, nodeId: string): Promise<PeerRow | undefined> {
  return db.selectFrom('peers').selectAll().where('node_id', '=', nodeId).executeTakeFirst();
}

export function listPeerRows(
  db: Db,
  options: { includeRemoved?: boolean } = {},
): Promise<PeerRow[]> {
  let query = db.selectFrom('peers').selectAll().orderBy('node_id');
  if (!options.includeRemoved) query = query.where('status', '!=', 'removed');
  return query.execute();
}

/** The ids of the active peers, and nothing else of them (read every few seconds). */
export async function activePeerIds(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('peers')
    .select('node_id')
    .where('status', '=', 'active')
    .orderBy('node_id')
    .execute();
  return rows.map((row) => row.node_id);
}

export async function setPeerStatus(
  db: Db,
  nodeId: string,
  status: PeerStatus,
  at: number,
): Promise<void> {
  await db
    .updateTable('peers')
    .set({ status, updated_at: at })
    .where('node_id', '=', nodeId)
    .execute();
}

// ---- pinned keys ----------------------------------------------------------------------------

/** Imported keys, cached by (peer, key id): a pinned key never changes under its kid. */
export class PeerKeyCache {
  private readonly cache = new Map<string, Promise<SigningKey>>();

  signing(peer: PeerRow): Promise<SigningKey> {
    return this.get(peer.node_id, 'sig', peer.signing_jwk, importSigningKey);
  }

  encryption(peer: PeerRow): Promise<{ key: SigningKey; kid: string }> {
    const jwk = JSON.parse(peer.encryption_jwk) as JWK;
    return this.get(peer.node_id, 'enc', peer.encryption_jwk, importEncryptionKey).then((key) => ({
      key,
      kid: jwk.kid ?? '',
    }));
  }

  private get(
    nodeId: string,
    use: string,
    jwkText: string,
    importer: (jwk: JWK) => Promise<SigningKey>,
  ): Promise<SigningKey> {
    const cacheKey = `${nodeId}\n${use}\n${jwkText}`;
    let key = this.cache.get(cacheKey);
    if (!key) {
      key = importer(JSON.parse(jwkText) as JWK);
      this.cache.set(cacheKey, key);
    }
    return key;
  }
}

// ---- ledger ---------------------------------------------------------------------------------

export async function ledgerOf(db: Db, nodeId: string, now: number): Promise<LedgerView> {
  const out = await db
    .selectFrom('stream_out')
    .selectAll()
    .where('peer_id', '=', nodeId)
    .executeTakeFirst();
  const inbound = await db
    .selectFrom('stream_in')
    .selectAll()
    .where('peer_id', '=', nodeId)
    .executeTakeFirst();
  const oldest = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.min('created_at').as('oldest'))
    .where('peer_id', '=', nodeId)
    .executeTakeFirst();
  const rejections = await db
    .selectFrom('message_rejections')
    .select((eb) => ['direction', eb.fn.countAll<number>().as('count')])
    .where('peer_id', '=', nodeId)
    .groupBy('direction')
    .execute();
  const lastSeq = Number(out?.last_seq ?? 0);
  const acked = Number(out?.acked_seq ?? 0);
  const oldestAt =
    oldest?.oldest === null || oldest?.oldest === undefined ? null : Number(oldest.oldest);
  return {
    lastSent: lastSeq,
    lastAcknowledged: acked,
    // Restored, not yet resumed: the numbers between the backup's last and resume_at are
    // skipped, not owed.
    backlog:
      out?.resume_at == null || out.resume_after == null
        ? lastSeq - acked
        : Math.max(0, Number(out.resume_after) - acked) + lastSeq - Number(out.resume_at) + 1,
    oldestUndeliveredAgeMs: oldestAt === null ? null : Math.max(0, now - oldestAt),
    peerUp: (out?.peer_up ?? 1) === 1,
    lastAttemptAt: isoOrNull(out?.last_attempt_at == null ? null : Number(out.last_attempt_at)),
    lastSuccessAt: isoOrNull(out?.last_success_at == null ? null : Number(out.last_success_at)),
    lastError:
      out?.last_error_code && out.last_error && out.last_error_at != null
        ? { code: out.last_error_code, message: out.last_error, at: iso(Number(out.last_error_at)) }
        : null,
    lastApplied: Number(inbound?.applied_seq ?? 0),
    lastReceivedAt: isoOrNull(
      inbound?.last_received_at == null ? null : Number(inbound.last_received_at),
    ),
    rejectedBySender: Number(rejections.find((r) => r.direction === 'out')?.count ?? 0),
    rejectedHere: Number(rejections.find((r) => r.direction === 'in')?.count ?? 0),
  };
}

export function presentPeer(row: PeerRow, ledger: LedgerView): PeerView {
  return {
    nodeId: row.node_id,
    name: row.name,
    url: row.url,
    country: row.country,
    timeZone: row.time_zone,
    fingerprint: row.fingerprint,
    status: row.status,
    messageKinds: JSON.parse(row.message_kinds) as string[],
    createdAt: iso(Number(row.created_at)),
    ledger,
  };
}

// ---- service -------------------------------------------------------------------------------

/** Peering: add (verify the descriptor against the fingerprint, pin keys), suspend, resume, remove. */
export class PeersService {
  constructor(private readonly ctx: FederationContext) {}

  async list(actor: Actor): Promise<PeerView[]> {
    authorize(actor, 'peers.read');
    const rows = await listPeerRows(this.ctx.store.db);
    const now = this.ctx.clock.now();
    return Promise.all(
      rows.map(async (row) =>
        presentPeer(row, await ledgerOf(this.ctx.store.db, row.node_id, now)),
      ),
    );
  }

  async get(actor: Actor, nodeId: string): Promise<PeerView> {
    authorize(actor, 'peers.read');
    const row = await findPeer(this.ctx.store.db, nodeId);
    if (!row || row.status === 'removed')
      throw notFound('peer_not_found', `No peer has the node id ${nodeId}.`);
    return presentPeer(row, await ledgerOf(this.ctx.store.db, nodeId, this.ctx.clock.now()));
  }

  /** Messages refused by a handler: here ('in') or, as reported back, at the peer ('out'). */
  async rejections(actor: Actor, limit: number): Promise<RejectionView[]> {
    authorize(actor, 'peers.read');
    const rows = await this.ctx.store.db
      .selectFrom('message_rejections')
      .selectAll()
      .orderBy('at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      direction: row.direction,
      peer: row.peer_id,
      seq: Number(row.seq),
      id: row.message_id,
      kind: row.kind,
      code: row.code,
      reason: row.reason,
      at: iso(Number(row.at)),
    }));
  }

  async add(actor: Actor, body: AddPeerBody): Promise<PeerView> {
    authorize(actor, 'peers.manage');
    // A URL an admin typed: fetched through the guard like any other (src/server/outbound.ts).
    const descriptor = await this.descriptorAt(body.url, body.fingerprint);
    if (descriptor.nodeId === this.ctx.nodeId) {
      throw badRequest('cannot_peer_self', 'That URL is this node itself.');
    }
    const now = this.ctx.clock.now();
    await this.ctx.store.transaction(async (trx, hooks) => {
      const existing = await findPeer(trx, descriptor.nodeId);
      if (existing && existing.status !== 'removed') {
        throw conflict(
          'peer_exists',
          `${descriptor.nodeId} is already a peer (${existing.status}); remove it first to pin new keys.`,
        );
      }
      const row = {
        url: body.url.replace(/\/+$/, ''),
        name: descriptor.name,
        country: descriptor.country,
        time_zone: descriptor.timeZone,
        signing_jwk: JSON.stringify(descriptor.keys.signing),
        encryption_jwk: JSON.stringify(descriptor.keys.encryption),
        fingerprint: descriptor.fingerprint,
        message_kinds: JSON.stringify(descriptor.messageKinds),
        status: 'active' as const,
        updated_at: now,
        // Keys pinned by people sign whatever comes next; earlier rotations are forgotten.
        signing_from_seq: 1,
      };
      const signingKid = (await this.ctx.ring.current(trx)).signing;
      if (existing) {
        await trx.updateTable('peers').set(row).where('node_id', '=', descriptor.nodeId).execute();
        await trx
          .deleteFrom('peer_retired_keys')
          .where('peer_id', '=', descriptor.nodeId)
          .execute();
      } else {
        await trx
          .insertInto('peers')
          .values({ ...row, node_id: descriptor.nodeId, created_at: now })
          .execute();
        await trx
          .insertInto('stream_out')
          .values({
            peer_id: descriptor.nodeId,
            last_seq: 0,
            acked_seq: 0,
            failures: 0,
            peer_up: 1,
            signing_kid: signingKid,
          })
          .execute();
        await trx
          .insertInto('stream_in')
          .values({ peer_id: descriptor.nodeId, applied_seq: 0 })
          .execute();
      }
      await appendAudit(trx, {
        actor,
        at: now,
        action: existing ? 'peer.readd' : 'peer.add',
        entityType: 'peer',
        entityId: descriptor.nodeId,
        after: row,
        details: { url: row.url, fingerprint: descriptor.fingerprint, name: descriptor.name },
      });
      for (const hook of this.ctx.peerActivated) {
        await hook(trx, hooks, descriptor.nodeId, !existing);
      }
      hooks.afterCommit(() => this.ctx.onPeersChanged(descriptor.nodeId));
    });
    return this.get(actor, descriptor.nodeId);
  }

  /**
   * Fetches each active peer's descriptor again. If it still carries the pinned keys (the
   * same fingerprint), what may change without new keys is taken over: the message kinds
   * it accepts (after an upgrade), its name, country and time zone. Different keys are
   * never taken: they need a new peering, compared by people. Returns the peers updated.
   */
  /**
   * A node's descriptor, through the outbound guard like every fetch an admin aims (the
   * peer's URL), its size capped: a descriptor is a few kB.
   */
  private descriptorAt(url: string, fingerprint: string) {
    return fetchVerifiedDescriptor(url, fingerprint, (target) =>
      this.ctx.outbound.fetch(target, { timeoutMs: 10_000, maxBytes: 256 * 1024 }),
    );
  }

  async refreshDescriptors(): Promise<string[]> {
    const updated: string[] = [];
    for (const peer of await listPeerRows(this.ctx.store.db)) {
      if (peer.status !== 'active') continue;
      let descriptor;
      try {
        descriptor = await this.descriptorAt(peer.url, peer.fingerprint);
      } catch (error) {
        this.ctx.log.debug({ err: error, peer: peer.node_id }, 'peer descriptor not refreshed');
        continue;
      }
      if (descriptor.nodeId !== peer.node_id) continue;
      const changes = {
        name: descriptor.name,
        country: descriptor.country,
        time_zone: descriptor.timeZone,
        message_kinds: JSON.stringify(descriptor.messageKinds),
      };
      if (
        changes.name === peer.name &&
        changes.country === peer.country &&
        changes.time_zone === peer.time_zone &&
        changes.message_kinds === peer.message_kinds
      ) {
        continue;
      }
      const now = this.ctx.clock.now();
      await this.ctx.store.transaction(async (trx, hooks) => {
        await trx
          .updateTable('peers')
          .set({ ...changes, updated_at: now })
          .where('node_id', '=', peer.node_id)
          .execute();
        await appendAudit(trx, {
          actor: { kind: 'system', reason: 'peer descriptor refresh' },
          at: now,
          action: 'peer.refresh',
          entityType: 'peer',
          entityId: peer.node_id,
          before: {
            name: peer.name,
            country: peer.country,
            time_zone: peer.time_zone,
            message_kinds: peer.message_kinds,
          },
          after: changes,
        });
        hooks.afterCommit(() => this.ctx.onPeersChanged(peer.node_id));
      });
      updated.push(peer.node_id);
    }
    return updated;
  }

  async setStatus(actor: Actor, nodeId: string, status: PeerStatus): Promise<PeerView | undefined> {
    authorize(actor, 'peers.manage');
    const now = this.ctx.clock.now();
    await this.ctx.store.transaction(async (trx, hooks) => {
      const row = await findPeer(trx, nodeId);
      if (!row || row.status === 'removed')
        throw notFound('peer_not_found', `No peer has the node id ${nodeId}.`);
      if (row.status === status) return;
      await setPeerStatus(trx, nodeId, status, now);
      const action =
        status === 'active'
          ? 'peer.resume'
          : status === 'suspended'
            ? 'peer.suspend'
            : 'peer.remove';
      await appendAudit(trx, {
        actor,
        at: now,
        action,
        entityType: 'peer',
        entityId: nodeId,
        before: { status: row.status },
        after: { status },
      });
      if (status === 'active') {
        for (const hook of this.ctx.peerActivated) await hook(trx, hooks, nodeId, false);
      }
      hooks.afterCommit(() => this.ctx.onPeersChanged(nodeId));
    });
    return status === 'removed' ? undefined : this.get(actor, nodeId);
  }
}
