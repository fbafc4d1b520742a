import { can } from '../../actor.js';
import { iso } from '../../clock.js';
import type { Db } from '../../store/database.js';
import type { AttentionService, Awaiting } from '../attention/public.js';

/** Received, not yet acknowledged: the duty officer's first click. */
function newIncoming(db: Db) {
  return db.selectFrom('requests').where('direction', '=', 'in').where('status', '=', 'sent');
}

/** Received and taken on, with the answer due soon or overdue by the deadline timers. */
function answerDue(db: Db) {
  return db
    .selectFrom('requests')
    .where('direction', '=', 'in')
    .where('status', 'in', ['acknowledged', 'in_progress'])
    .where('respond_alert', 'is not', null);
}

/** Our requests the peer asked more about: ours to answer. */
function askedForMore(db: Db) {
  return db
    .selectFrom('requests')
    .where('direction', '=', 'out')
    .where('status', '=', 'more_information_needed');
}

async function countOf(query: ReturnType<typeof newIncoming>): Promise<number> {
  const row = await query
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * What waits on the user among requests: for those who answer the peers' requests, the new
 * ones to acknowledge and the taken ones whose answer is due; for those who draft ours, the
 * questions a peer asked about them. Every new incoming request is listed, however routine.
 */
async function awaitingRequests(db: Db, actor: Parameters<typeof can>[0], now: number) {
  const handles = can(actor, 'requests.handle');
  const drafts = can(actor, 'requests.draft');
  if (!handles && !drafts) return null;
  const awaiting: Awaiting = { count: 0, overdue: 0, incoming: [] };
  if (handles) {
    awaiting.count += (await countOf(newIncoming(db))) + (await countOf(answerDue(db)));
    awaiting.overdue +=
      (await countOf(newIncoming(db).where('due_ack_at', '<', now))) +
      (await countOf(answerDue(db).where('due_respond_at', '<', now)));
    const rows = await newIncoming(db)
      .select([
        'id',
        'peer_id',
        'title',
        'reference',
        'urgency',
        'sent_at',
        'created_at',
        'due_ack_at',
        'exercise_id',
      ])
      .orderBy('due_ack_at')
      .limit(50)
      .execute();
    awaiting.incoming = rows.map((row) => ({
      area: 'requests',
      id: row.id,
      peer: row.peer_id,
      title: row.title,
      reference: row.reference,
      level: row.urgency,
      receivedAt: iso(Number(row.sent_at ?? row.created_at)),
      dueAt: row.due_ack_at === null ? null : iso(Number(row.due_ack_at)),
      exerciseId: row.exercise_id,
    }));
  }
  if (drafts) awaiting.count += await countOf(askedForMore(db));
  return awaiting;
}

export function registerRequestAttention(attention: AttentionService): void {
  attention.provide('requests', awaitingRequests);
}
