import type { CallEventKind } from '../../../core/hotline.js';
import type { Db } from '../../store/database.js';
import type {
  CallEventRow,
  CallRow,
  HotlineCallsTable,
  NotificationRow,
  ShiftRow,
  WebhookRow,
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
  if (query.open === true) q = q.where('state', 'not in', ['acknowledged', 'resolved']);
  if (query.open === false) q = q.where('state', 'in', ['acknowledged', 'resolved']);
  return q.orderBy('created_at', 'desc').orderBy('id').limit(query.limit).execute();
}

export function callsCreatedBetween(
  db: Db,
  query: { peer?: string | undefined; from?: number | undefined; to?: number | undefined },
): Promise<CallRow[]> {
  let q = db.selectFrom('hotline_calls').selectAll();
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

export async function appendCallEvent(
  db: Db,
  event: {
    callId: string;
    at: number;
    kind: CallEventKind;
    rung?: number | null;
    by?: string | null;
    detail?: string | null;
  },
): Promise<void> {
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

// ---- roster, settings, webhooks ---------------------------------------------------------

export function listShifts(db: Db): Promise<ShiftRow[]> {
  return db
    .selectFrom('hotline_shifts')
    .selectAll()
    .orderBy('tier')
    .orderBy('start_time')
    .orderBy('id')
    .execute();
}

export function findShift(db: Db, id: string): Promise<ShiftRow | undefined> {
  return db.selectFrom('hotline_shifts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function readSetting(db: Db, key: string): Promise<unknown> {
  const row = await db
    .selectFrom('hotline_settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  return row ? (JSON.parse(row.value) as unknown) : undefined;
}

export async function writeSetting(db: Db, key: string, value: unknown, at: number): Promise<void> {
  await db.deleteFrom('hotline_settings').where('key', '=', key).execute();
  await db
    .insertInto('hotline_settings')
    .values({ key, value: JSON.stringify(value), updated_at: at })
    .execute();
}

export function listWebhooks(db: Db): Promise<WebhookRow[]> {
  return db.selectFrom('hotline_webhooks').selectAll().orderBy('name').orderBy('id').execute();
}

export function findWebhook(db: Db, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('hotline_webhooks').selectAll().where('id', '=', id).executeTakeFirst();
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
