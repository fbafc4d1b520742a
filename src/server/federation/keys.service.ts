import { z } from 'zod';
import { authorize, type Actor } from '../actor.js';
import { appendAudit } from '../audit/audit.js';
import { iso, isoOrNull } from '../clock.js';
import { conflict } from '../errors.js';
import type { NodeKeys } from '../identity/keys.js';
import type { Trx, TxHooks } from '../store/database.js';
import type { FederationContext } from './federation.js';
import { DAY_MS, KEYS_KIND, signRotationProof, type KeyAnnouncement } from './key-rotation.js';
import { enqueue } from './outbox.js';
import { listPeerRows } from './peers.js';

/**
 * Rotating this node's keys (`liaison keys rotate`, POST /api/node/keys/rotate): new keys,
 * announced to every peer in its stream signed with the old key, switched in the same
 * transaction; the old keys kept for the grace period, then deleted (prune).
 */
export const DEFAULT_GRACE_DAYS = 7;

export const RotateKeysBody = z
  .object({
    /** How long the old keys still open envelopes sealed to them (days; an hour at least). */
    graceDays: z
      .number()
      .min(1 / 24)
      .max(365)
      .default(DEFAULT_GRACE_DAYS),
  })
  .strict();
export type RotateKeysBody = z.infer<typeof RotateKeysBody>;

export const NodeKeyView = z.object({
  kid: z.string(),
  use: z.enum(['sig', 'enc']),
  state: z.enum(['current', 'retired']),
  createdAt: z.string(),
  retiredAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
});
export const KeyRotationView = z.object({
  fingerprint: z.string(),
  previousFingerprint: z.string(),
  graceUntil: z.string(),
  /** The peers told, with the sequence of the announcement in each one's stream. */
  announced: z.array(z.object({ peer: z.string(), seq: z.number().int() })),
  keys: z.array(NodeKeyView),
});
export type KeyRotationView = z.infer<typeof KeyRotationView>;
export type NodeKeyView = z.infer<typeof NodeKeyView>;

export class KeysService {
  constructor(
    private readonly ctx: FederationContext,
    /** Called in this process once a rotation committed, with the new current keys. */
    private readonly onRotated: (keys: NodeKeys) => void,
  ) {}

  /** This node's keys: the current pair and the retired ones still in their grace period. */
  async list(actor: Actor): Promise<NodeKeyView[]> {
    authorize(actor, 'peers.read');
    return this.rows();
  }

  private async rows(): Promise<NodeKeyView[]> {
    const rows = await this.ctx.store.db
      .selectFrom('node_keys')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('use', 'desc')
      .execute();
    if (rows.length === 0) {
      const keys = this.ctx.keys;
      const at = iso(this.ctx.clock.now());
      return [keys.signing, keys.encryption].map((pair, i) => ({
        kid: pair.kid,
        use: i === 0 ? 'sig' : 'enc',
        state: 'current',
        createdAt: at,
        retiredAt: null,
        expiresAt: null,
      }));
    }
    return rows.map((row) => ({
      kid: row.kid,
      use: row.use,
      state: row.state,
      createdAt: iso(Number(row.created_at)),
      retiredAt: isoOrNull(row.retired_at === null ? null : Number(row.retired_at)),
      expiresAt: isoOrNull(row.expires_at === null ? null : Number(row.expires_at)),
    }));
  }

  async rotate(actor: Actor, body: RotateKeysBody): Promise<KeyRotationView> {
    authorize(actor, 'peers.manage');
    await this.prune();
    const { ctx } = this;
    // The new keys are on disk before any process can read their ids in the database.
    const fresh = await ctx.ring.generate();
    const now = ctx.clock.now();
    const graceUntil = now + Math.round(body.graceDays * DAY_MS);
    const outcome = await ctx.store.transaction((trx, hooks) =>
      this.switchKeys(trx, hooks, actor, fresh, now, graceUntil),
    );
    ctx.ring.syncCurrentFiles(fresh);
    this.onRotated(fresh);
    ctx.log.info(
      { fingerprint: fresh.fingerprint, peers: outcome.announced.length },
      'node keys rotated',
    );
    return {
      fingerprint: fresh.fingerprint,
      previousFingerprint: outcome.before.fingerprint,
      graceUntil: iso(graceUntil),
      announced: outcome.announced,
      keys: await this.rows(),
    };
  }

  /**
   * In one transaction: the old keys retired, the new ones current, the announcement queued
   * to every peer not removed (signed with the stream's key so far), then every stream
   * switched to the new key. A process queueing a message meanwhile waits for the stream's
   * row, and signs with the key it finds there.
   */
  private async switchKeys(
    trx: Trx,
    hooks: TxHooks,
    actor: Actor,
    fresh: NodeKeys,
    now: number,
    graceUntil: number,
  ): Promise<{ before: NodeKeys; announced: { peer: string; seq: number }[] }> {
    const { ctx } = this;
    await ctx.ring.record(trx, now);
    const before = await ctx.ring.currentKeys(trx);
    const peers = (await listPeerRows(trx)).filter((p) => p.status !== 'removed');
    const unable = peers.filter(
      (p) => !(JSON.parse(p.message_kinds) as string[]).includes(KEYS_KIND),
    );
    if (unable.length > 0) {
      throw conflict(
        'kind_not_supported',
        `${unable.map((p) => p.node_id).join(', ')} cannot learn new keys (${KEYS_KIND}: an older version); upgrade or remove ${unable.length === 1 ? 'it' : 'them'} before rotating.`,
      );
    }
    const announcement = await this.announcement(fresh, before.signing.kid, graceUntil);
    const retired = await trx
      .updateTable('node_keys')
      .set({ state: 'retired', retired_at: now, expires_at: graceUntil })
      .where('kid', 'in', [before.signing.kid, before.encryption.kid])
      .where('state', '=', 'current')
      .executeTakeFirst();
    // Another process rotated meanwhile (several API processes on PostgreSQL).
    if (Number(retired.numUpdatedRows) !== 2)
      throw conflict('conflict', 'The keys were rotated by another process meanwhile; try again.');
    for (const [use, pair] of [
      ['sig', fresh.signing],
      ['enc', fresh.encryption],
    ] as const) {
      await trx
        .insertInto('node_keys')
        .values({
          kid: pair.kid,
          use,
          public_jwk: JSON.stringify(pair.publicJwk),
          state: 'current',
          created_at: now,
        })
        .execute();
    }
    const announced: { peer: string; seq: number }[] = [];
    for (const peer of peers) {
      const { seq } = await enqueue(ctx, trx, hooks, peer.node_id, KEYS_KIND, announcement, {
        toSuspended: true,
      });
      announced.push({ peer: peer.node_id, seq });
    }
    await trx.updateTable('stream_out').set({ signing_kid: fresh.signing.kid }).execute();
    await appendAudit(trx, {
      actor,
      at: now,
      action: 'node.keys.rotate',
      entityType: 'node',
      entityId: ctx.nodeId,
      before: { signing: before.signing.kid, encryption: before.encryption.kid },
      after: { signing: fresh.signing.kid, encryption: fresh.encryption.kid },
      details: {
        fingerprint: fresh.fingerprint,
        previousFingerprint: before.fingerprint,
        graceUntil: iso(graceUntil),
        announced,
      },
    });
    return { before, announced };
  }

  private async announcement(
    fresh: NodeKeys,
    previous: string,
    graceUntil: number,
  ): Promise<KeyAnnouncement> {
    const kids = { signing: fresh.signing.kid, encryption: fresh.encryption.kid, previous };
    return {
      signing: fresh.signing.publicJwk as KeyAnnouncement['signing'],
      encryption: fresh.encryption.publicJwk as KeyAnnouncement['encryption'],
      previous,
      graceUntil: iso(graceUntil),
      proof: await signRotationProof(
        this.ctx.nodeId,
        kids,
        await this.ctx.ring.key(fresh.signing.kid),
      ),
    };
  }

  /**
   * Deletes what the grace periods no longer need: this node's retired keys (rows and
   * files, audited) and peers' retired signing keys. Returns the ids of this node's keys
   * deleted.
   */
  async prune(): Promise<string[]> {
    const { ctx } = this;
    const now = ctx.clock.now();
    const expired = await ctx.store.transaction(async (trx) => {
      const rows = await trx
        .selectFrom('node_keys')
        .select(['kid', 'use', 'expires_at'])
        .where('state', '=', 'retired')
        .where('expires_at', '<=', now)
        .execute();
      if (rows.length > 0) {
        await trx
          .deleteFrom('node_keys')
          .where(
            'kid',
            'in',
            rows.map((r) => r.kid),
          )
          .execute();
        await appendAudit(trx, {
          actor: { kind: 'system', reason: 'key grace period ended' },
          at: now,
          action: 'node.keys.delete',
          entityType: 'node',
          entityId: ctx.nodeId,
          details: { kids: rows.map((r) => r.kid) },
        });
      }
      await trx.deleteFrom('peer_retired_keys').where('expires_at', '<=', now).execute();
      return rows.map((r) => r.kid);
    });
    // The files go once the rows are gone: a key no row names is never looked up again.
    for (const kid of expired) ctx.ring.forget(kid);
    return expired;
  }
}
