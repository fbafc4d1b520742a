import type { Insertable } from 'kysely';
import type { Db } from '../store/database.js';
import type {
  MessageRejectionsTable,
  OutboxRow,
  OutboxTable,
  StreamOutRow,
} from './federation.table.js';

/**
 * Queries of the per-peer streams: stream_out and the outbox (the sending side), stream_in
 * (the receiver's watermark) and message_rejections (both sides). Functions take the
 * database or the caller's transaction first.
 */

// ---- sending ----------------------------------------------------------------------------

/**
 * Takes the stream's next sequence number and the key that signs it (the row stays locked
 * until the caller commits, so a rotation switches the key between two sequences).
 */
export async function nextOutgoingSeq(
  trx: Db,
  peerId: string,
): Promise<{ seq: number; signingKid: string | null }> {
  const stream = await trx
    .updateTable('stream_out')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
    .where('peer_id', '=', peerId)
    .returning(['last_seq', 'signing_kid'])
    .executeTakeFirstOrThrow();
  return { seq: Number(stream.last_seq), signingKid: stream.signing_kid };
}

export async function insertOutboxRow(trx: Db, row: Insertable<OutboxTable>): Promise<void> {
  await trx.insertInto('outbox').values(row).execute();
}

export function findStreamOut(db: Db, peerId: string): Promise<StreamOutRow | undefined> {
  return db.selectFrom('stream_out').selectAll().where('peer_id', '=', peerId).executeTakeFirst();
}

/**
 * The peers whose stream has messages not yet acknowledged or a resume pending: one read
 * for every stream, so an idle node does not ask each stream in turn.
 */
export async function pendingStreams(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('stream_out')
    .select('peer_id')
    .where((eb) =>
      eb.or([eb('last_seq', '>', eb.ref('acked_seq')), eb('resume_at', 'is not', null)]),
    )
    .execute();
  return rows.map((row) => row.peer_id);
}

/** Takes or renews the lease on the stream for `owner` when it is free, its own or expired. */
export async function takeStreamLease(
  db: Db,
  peerId: string,
  owner: string,
  now: number,
  until: number,
): Promise<boolean> {
  const result = await db
    .updateTable('stream_out')
    .set({ lease_owner: owner, lease_until: until })
    .where('peer_id', '=', peerId)
    .where((eb) =>
      eb.or([
        eb('lease_owner', 'is', null),
        eb('lease_owner', '=', owner),
        eb('lease_until', '<', now),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseStreamLease(db: Db, peerId: string, owner: string): Promise<void> {
  await db
    .updateTable('stream_out')
    .set({ lease_owner: null, lease_until: null })
    .where('peer_id', '=', peerId)
    .where('lease_owner', '=', owner)
    .execute();
}

/** Sequence numbers and sizes of the first `limit` messages after `after`. */
export function outboxSizesAfter(
  db: Db,
  peerId: string,
  after: number,
  limit: number,
): Promise<Pick<OutboxRow, 'seq' | 'size'>[]> {
  return db
    .selectFrom('outbox')
    .select(['seq', 'size'])
    .where('peer_id', '=', peerId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** The envelopes after `after` up to `through`, in sequence order. */
export function outboxEnvelopes(
  db: Db,
  peerId: string,
  after: number,
  through: number,
): Promise<Pick<OutboxRow, 'seq' | 'envelope'>[]> {
  return db
    .selectFrom('outbox')
    .select(['seq', 'envelope'])
    .where('peer_id', '=', peerId)
    .where('seq', '>', after)
    .where('seq', '<=', through)
    .orderBy('seq')
    .execute();
}

/**
 * The peer confirmed everything up to `applied`: the stream is healthy again and those
 * messages leave the outbox. A watermark never moves back.
 */
export async function acknowledgeStream(
  trx: Db,
  peerId: string,
  applied: number,
  now: number,
): Promise<void> {
  await trx
    .updateTable('stream_out')
    .set({
      acked_seq: applied,
      last_attempt_at: now,
      last_success_at: now,
      failures: 0,
      peer_up: 1,
      last_error_code: null,
      last_error: null,
      last_error_at: null,
    })
    .where('peer_id', '=', peerId)
    .where('acked_seq', '<=', applied)
    .execute();
  // Kept RESEND_RETENTION_MS: a peer restored from an older backup is sent them again.
  await trx
    .insertInto('outbox_sent')
    .columns(['peer_id', 'seq', 'message_id', 'kind', 'envelope', 'size', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('outbox')
        .select(['peer_id', 'seq', 'message_id', 'kind', 'envelope', 'size', 'created_at'])
        .where('peer_id', '=', peerId)
        .where('seq', '<=', applied),
    )
    .execute();
  await trx
    .deleteFrom('outbox')
    .where('peer_id', '=', peerId)
    .where('seq', '<=', applied)
    .execute();
}

/** Forgets the acknowledged messages older than `before` (their retention ended). */
export async function pruneSent(db: Db, peerId: string, before: number): Promise<void> {
  await db
    .deleteFrom('outbox_sent')
    .where('peer_id', '=', peerId)
    .where('created_at', '<', before)
    .execute();
}

/** A delivery attempt failed: counted, with its reason, and whether the peer answered. */
export async function recordStreamFailure(
  db: Db,
  peerId: string,
  failure: { code: string; message: string; peerUp: boolean; at: number },
): Promise<void> {
  await db
    .updateTable('stream_out')
    .set((eb) => ({
      last_attempt_at: failure.at,
      last_error_code: failure.code,
      last_error: failure.message,
      last_error_at: failure.at,
      failures: eb('failures', '+', 1),
      peer_up: failure.peerUp ? 1 : 0,
    }))
    .where('peer_id', '=', peerId)
    .execute();
}

// ---- receiving ------------------------------------------------------------------------------

/** The last sequence applied from the peer; locked until commit when `lock` (PostgreSQL). */
export async function readWatermark(trx: Db, peerId: string, lock: boolean): Promise<number> {
  let query = trx.selectFrom('stream_in').select('applied_seq').where('peer_id', '=', peerId);
  if (lock) query = query.forUpdate();
  return Number((await query.executeTakeFirst())?.applied_seq ?? 0);
}

export async function advanceWatermark(
  trx: Db,
  peerId: string,
  applied: number,
  now: number,
): Promise<void> {
  await trx
    .updateTable('stream_in')
    .set({ applied_seq: applied, last_received_at: now })
    .where('peer_id', '=', peerId)
    .execute();
}

// ---- both sides -------------------------------------------------------------------------------

export async function insertRejection(
  trx: Db,
  row: Insertable<MessageRejectionsTable>,
): Promise<void> {
  await trx.insertInto('message_rejections').values(row).execute();
}
