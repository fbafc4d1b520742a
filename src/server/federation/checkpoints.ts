import { AppError } from '../errors.js';
import { z } from 'zod';
import type { TimerWorker } from '../timers/timers.js';
import type { Federation } from './federation.js';
import { listPeerRows } from './peers.js';

/**
 * Audit checkpoints: every few minutes the node sends the head of its audit chain (sequence
 * and hash, signed as every envelope is) to each active peer and keeps a copy of what it
 * sent; peers store what they receive. A node that rewrote its history would disagree with
 * the checkpoints its peers hold, and `liaison audit verify` checks the local chain against
 * the checkpoints it sent.
 */
export const CHECKPOINT_TIMER = 'federation.audit_checkpoint';

/** An always-present kind: the signed head of a node's audit chain. */
export const AUDIT_CHECKPOINT_KIND = 'liaison.audit_checkpoint';
export const AuditCheckpointMessage = z
  .object({
    seq: z.number().int().min(1),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    at: z.string(),
  })
  .strict();

export function registerAuditCheckpoints(
  federation: Federation,
  timers: TimerWorker,
  everyMinutes: number,
): void {
  const ctx = federation.ctx;
  federation.registerKind({
    kind: AUDIT_CHECKPOINT_KIND,
    schema: AuditCheckpointMessage,
    async handle(trx, body, { peer }) {
      const existing = await trx
        .selectFrom('audit_checkpoints_received')
        .selectAll()
        .where('peer_id', '=', peer.node_id)
        .where('seq', '=', body.seq)
        .executeTakeFirst();
      if (existing) {
        if (existing.hash !== body.hash) {
          throw new AppError(
            'checkpoint_conflict',
            409,
            `${peer.node_id} sent a different hash for audit entry ${body.seq} than before: its history changed.`,
          );
        }
        return;
      }
      await trx
        .insertInto('audit_checkpoints_received')
        .values({
          peer_id: peer.node_id,
          seq: body.seq,
          hash: body.hash,
          signed_at: body.at,
          received_at: ctx.clock.now(),
        })
        .execute();
    },
  });

  timers.define(CHECKPOINT_TIMER, z.null(), async (trx, _payload, _timer, hooks) => {
    const now = ctx.clock.now();
    const head = await trx
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    const seq = Number(head.seq);
    const last = await trx
      .selectFrom('audit_checkpoints_sent')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    const peers = (await listPeerRows(trx)).filter((p) => p.status === 'active');
    if (seq > 0 && Number(last?.seq ?? 0) < seq && peers.length > 0) {
      await trx
        .insertInto('audit_checkpoints_sent')
        .values({ seq, hash: head.hash, at: now })
        .execute();
      for (const peer of peers) {
        const accepted = JSON.parse(peer.message_kinds) as string[];
        if (!accepted.includes(AUDIT_CHECKPOINT_KIND)) continue;
        await federation.send(trx, hooks, peer.node_id, AUDIT_CHECKPOINT_KIND, {
          seq,
          hash: head.hash,
          at: new Date(now).toISOString(),
        });
      }
    }
    // One chain of checkpoint timers, even if two processes each started one.
    const other = await trx
      .selectFrom('timers')
      .select('id')
      .where('kind', '=', CHECKPOINT_TIMER)
      .where('fired_at', 'is', null)
      .executeTakeFirst();
    if (!other) {
      await timers.schedule(trx, hooks, {
        kind: CHECKPOINT_TIMER,
        dueAt: now + everyMinutes * 60_000,
      });
    }
  });
}

/** Makes sure one checkpoint timer is pending (at start). */
export async function ensureCheckpointTimer(
  federation: Federation,
  timers: TimerWorker,
  everyMinutes: number,
): Promise<void> {
  const db = federation.ctx.store.db;
  const pending = await db
    .selectFrom('timers')
    .select('id')
    .where('kind', '=', CHECKPOINT_TIMER)
    .where('fired_at', 'is', null)
    .executeTakeFirst();
  if (!pending) {
    await timers.schedule(db, undefined, {
      kind: CHECKPOINT_TIMER,
      dueAt: federation.ctx.clock.now() + everyMinutes * 60_000,
    });
  }
}
