import { SETTLED_CALL_STATES, type CallEventKind } from '../../../core/hotline.js';
import type { Db } from '../../store/database.js';
import type {
  CallEventRow,
  CallRow,
  HotlineCallsTable,
  HotlineNotificationsTable,
  NotificationRow,
} from './hotline.table.js';

export function findCall(db: Db, id: string): Promise<CallRow | undefined> {
  return db.selectFrom('hotline_calls').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listCalls(
  db: Db,
  query: { direction?: 'in' | 'out'; open?: boolean; peer?: string; limit: number },
): Promise<CallRow[]> {
  let q = db.selectFrom('hotline_calls').selectAll();
  if (query.direction) q = q.where('direction', '=', query.direction);
  if (query.peer) q = q.where('peer_id', '=', query.peer);
  if (query.open === true) q = q.where('state', 'not in', SETTLED_CALL_STATES);
  if (query.open === false) q = q.where('state', 'in', SETTLED_CALL_STATES);
  return q.orderBy('created_at', 'desc').orderBy('id').limit(query.limit).execute();
}

/** Our open call about a request, if any (one is enough). */
export function findOpenCallOfRequest(
  db: Db,
  requestId: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('hotline_calls')
    .select('id')
    .where('request_id', '=', requestId)
    .where('direction', '=', 'out')
    .where('state', 'not in', SETTLED_CALL_STATES)
    .executeTakeFirst();
}

/** The real calls placed in a period (never an exercise's): what the usage review counts. */
export function callsCreatedBetween(
  db: Db,
  query: { peer?: string | undefined; from?: number | undefined; to?: number | undefined },
): Promise<CallRow[]> {
  // Exercise calls are never counted in the real figures.
  let q = db.selectFrom('hotline_calls').selectAll().where('exercise_id', 'is', null);
  if (query.peer) q = q.where('peer_id', '=', query.peer);
  if (query.from !== undefined) q = q.where('created_at', '>=', query.from);
  if (query.to !== undefined) q = q.where('created_at', '<', query.to);
  return q.orderBy('created_at').execute();
}

export async function insertCall(db: Db, row: CallRow): Promise<void> {
  await db.insertInto('hotline_calls').values(row).execute();
}

export async function updateCall(
  db: Db,
  id: string,
  changes: Partial<Omit<HotlineCallsTable, 'id'>>,
): Promise<void> {
  await db.updateTable('hotline_calls').set(changes).where('id', '=', id).execute();
}

export function listCallEvents(db: Db, callId: string): Promise<CallEventRow[]> {
  return db
    .selectFrom('hotline_call_events')
    .selectAll()
    .where('call_id', '=', callId)
    .orderBy('n')
    .execute();
}

/** A line of a call's timeline, as the services write it. */
export interface NewCallEvent {
  callId: string;
  at: number;
  kind: CallEventKind;
  rung?: number | null;
  by?: string | null;
  detail?: string | null;
}

export async function appendCallEvent(db: Db, event: NewCallEvent): Promise<void> {
  const last = await db
    .selectFrom('hotline_call_events')
    .select((eb) => eb.fn.max('n').as('n'))
    .where('call_id', '=', event.callId)
    .executeTakeFirst();
  await db
    .insertInto('hotline_call_events')
    .values({
      call_id: event.callId,
      n: Number(last?.n ?? 0) + 1,
      at: event.at,
      kind: event.kind,
      rung: event.rung ?? null,
      actor: event.by ?? null,
      detail: event.detail ?? null,
    })
    .execute();
}

// ---- notifications -----------------------------------------------------------------------

export async function insertNotification(db: Db, row: NotificationRow): Promise<void> {
  await db.insertInto('hotline_notifications').values(row).execute();
}

/** Due notifications, and ones whose sender vanished mid-send (claimed long ago). */
export function dueNotifications(
  db: Db,
  now: number,
  staleBefore: number,
  limit: number,
  lock: boolean,
): Promise<NotificationRow[]> {
  let query = db
    .selectFrom('hotline_notifications')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_at', '<=', now)]),
        eb.and([eb('status', '=', 'sending'), eb('claimed_at', '<', staleBefore)]),
      ]),
    )
    .orderBy('next_at')
    .limit(limit);
  // Several processes on one PostgreSQL database: each claims its own rows.
  if (lock) query = query.forUpdate().skipLocked();
  return query.execute();
}

/** Claims notifications for sending (the claim goes stale if the sender vanishes). */
export async function claimNotifications(db: Db, ids: string[], at: number): Promise<void> {
  for (const id of ids) {
    await db
      .updateTable('hotline_notifications')
      .set({ status: 'sending', claimed_at: at })
      .where('id', '=', id)
      .execute();
  }
}

export async function updateNotification(
  db: Db,
  id: string,
  changes: Partial<Omit<HotlineNotificationsTable, 'id'>>,
): Promise<void> {
  await db.updateTable('hotline_notifications').set(changes).where('id', '=', id).execute();
}
