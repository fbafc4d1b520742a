import type { PeriodQuery } from '../../../core/schemas/pings.js';
import type { RequestQuery } from '../../../core/schemas/requests.js';
import { CLOSED_STATUSES } from '../../../core/requests.js';
import type { Db } from '../../store/database.js';
import type {
  RequestAttachmentRow,
  RequestDeadlineTimersTable,
  RequestEventRow,
  RequestRow,
} from './requests.table.js';

export function findRequest(db: Db, id: string): Promise<RequestRow | undefined> {
  return db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listRequests(db: Db, query: RequestQuery): Promise<RequestRow[]> {
  let q = db.selectFrom('requests').selectAll();
  if (query.direction) q = q.where('direction', '=', query.direction);
  if (query.peer) q = q.where('peer_id', '=', query.peer);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.open === 'true') q = q.where('status', 'not in', [...CLOSED_STATUSES, 'draft']);
  if (query.open === 'false') q = q.where('status', 'in', [...CLOSED_STATUSES]);
  return q.orderBy('updated_at', 'desc').limit(query.limit).execute();
}

/** The sent requests of an exercise whose deadlines run on its clock, by id (one lock order). */
export function exerciseTimedRequests(db: Db, exerciseId: string): Promise<RequestRow[]> {
  return db
    .selectFrom('requests')
    .selectAll()
    .where('exercise_id', '=', exerciseId)
    .where('exercise_deadlines', 'is not', null)
    .where('sent_at', 'is not', null)
    .orderBy('id')
    .execute();
}

/** Which of these requests no transaction holds (locked now for this one; PostgreSQL). */
export async function unlockedRequests(db: Db, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('requests')
    .select('id')
    .where('id', 'in', [...ids])
    .orderBy('id')
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map((r) => r.id);
}

export function deadlineTimersOf(db: Db, requestId: string): Promise<RequestDeadlineTimersTable[]> {
  return db
    .selectFrom('request_deadline_timers')
    .selectAll()
    .where('request_id', '=', requestId)
    .execute();
}

export async function saveDeadlineTimer(db: Db, row: RequestDeadlineTimersTable): Promise<void> {
  await db
    .insertInto('request_deadline_timers')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['request_id', 'deadline', 'alert']).doUpdateSet({ timer_id: row.timer_id }),
    )
    .execute();
}

export async function insertRequest(db: Db, row: RequestRow): Promise<void> {
  await db.insertInto('requests').values(row).execute();
}

/** A draft and whatever hangs on it (a draft has no timeline yet, but nothing is left). */
export async function deleteDraft(db: Db, id: string): Promise<void> {
  await db.deleteFrom('request_attachments').where('request_id', '=', id).execute();
  await db.deleteFrom('request_events').where('request_id', '=', id).execute();
  await db.deleteFrom('requests').where('id', '=', id).where('status', '=', 'draft').execute();
}

export async function updateRequest(
  db: Db,
  id: string,
  changes: Partial<Omit<RequestRow, 'id'>>,
): Promise<void> {
  await db.updateTable('requests').set(changes).where('id', '=', id).execute();
}

export function listEvents(db: Db, requestId: string): Promise<RequestEventRow[]> {
  return db
    .selectFrom('request_events')
    .selectAll()
    .where('request_id', '=', requestId)
    .orderBy('lamport')
    .orderBy('node_id')
    .orderBy('id')
    .execute();
}

export function findEvent(db: Db, id: string): Promise<RequestEventRow | undefined> {
  return db.selectFrom('request_events').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertEvent(db: Db, row: RequestEventRow): Promise<void> {
  await db.insertInto('request_events').values(row).execute();
}

export async function setEventsApplied(
  db: Db,
  requestId: string,
  superseded: readonly string[],
): Promise<void> {
  await db
    .updateTable('request_events')
    .set({ applied: 1 })
    .where('request_id', '=', requestId)
    .execute();
  if (superseded.length > 0) {
    await db
      .updateTable('request_events')
      .set({ applied: 0 })
      .where('id', 'in', [...superseded])
      .execute();
  }
}

export async function insertAttachment(db: Db, row: RequestAttachmentRow): Promise<void> {
  await db.insertInto('request_attachments').values(row).execute();
}

export function listAttachmentMeta(
  db: Db,
  requestId: string,
): Promise<Omit<RequestAttachmentRow, 'content'>[]> {
  return db
    .selectFrom('request_attachments')
    .select(['id', 'request_id', 'event_id', 'name', 'media_type', 'size', 'sha256', 'created_at'])
    .where('request_id', '=', requestId)
    .execute();
}

export function findAttachment(
  db: Db,
  requestId: string,
  id: string,
): Promise<RequestAttachmentRow | undefined> {
  return db
    .selectFrom('request_attachments')
    .selectAll()
    .where('request_id', '=', requestId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The requests sent in a period (with one peer, when named): what the figures count. */
export function listSentIn(db: Db, query: PeriodQuery): Promise<RequestRow[]> {
  // Exercise requests are never counted in the real figures.
  let q = db
    .selectFrom('requests')
    .selectAll()
    .where('sent_at', 'is not', null)
    .where('exercise_id', 'is', null);
  if (query.peer) q = q.where('peer_id', '=', query.peer);
  if (query.from) q = q.where('sent_at', '>=', Date.parse(query.from));
  if (query.to) q = q.where('sent_at', '<', Date.parse(query.to));
  return q.execute();
}

/** Which of these requests the responder asked for more information (a move that took effect). */
export async function listAskedForMore(db: Db, requestIds: readonly string[]): Promise<string[]> {
  if (requestIds.length === 0) return [];
  const rows = await db
    .selectFrom('request_events')
    .select('request_id')
    .where('action', '=', 'request_information')
    .where('applied', '=', 1)
    .where('request_id', 'in', [...requestIds])
    .execute();
  return rows.map((e) => e.request_id);
}
