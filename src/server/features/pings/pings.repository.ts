import type { PeriodQuery } from '../../../core/schemas/pings.js';
import type { Db } from '../../store/database.js';
import type { PingRow, PingScheduleRow } from './pings.table.js';

export interface PingListQuery {
  peer?: string;
  direction?: 'in' | 'out';
  pending?: 'true' | 'false';
  limit: number;
}

export function findPing(db: Db, id: string): Promise<PingRow | undefined> {
  return db.selectFrom('pings').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Pings sent and received, newest first. */
export function listPings(db: Db, query: PingListQuery): Promise<PingRow[]> {
  let q = db.selectFrom('pings').selectAll();
  if (query.peer) q = q.where('peer_id', '=', query.peer);
  if (query.direction) q = q.where('direction', '=', query.direction);
  if (query.pending === 'true') q = q.where('acknowledged_at', 'is', null);
  if (query.pending === 'false') q = q.where('acknowledged_at', 'is not', null);
  return q.orderBy('sent_at', 'desc').limit(query.limit).execute();
}

/** The pings this node sent in a period (to one peer, when named): what the report counts. */
export function listSentIn(db: Db, query: PeriodQuery): Promise<PingRow[]> {
  // Exercise pings are never counted in the report.
  let q = db
    .selectFrom('pings')
    .selectAll()
    .where('direction', '=', 'out')
    .where('exercise_id', 'is', null);
  if (query.peer) q = q.where('peer_id', '=', query.peer);
  if (query.from) q = q.where('sent_at', '>=', Date.parse(query.from));
  if (query.to) q = q.where('sent_at', '<', Date.parse(query.to));
  return q.execute();
}

/**
 * The real pings between this node and `peer`, both ways, sent in [from, to): what the
 * dialogue's status report and measures count (exercise pings never count).
 */
export function pingsBetween(db: Db, peer: string, from: number, to: number): Promise<PingRow[]> {
  return db
    .selectFrom('pings')
    .selectAll()
    .where('peer_id', '=', peer)
    .where('exercise_id', 'is', null)
    .where('sent_at', '>=', from)
    .where('sent_at', '<', to)
    .execute();
}

/** The peer's officer's time of answer, on a ping this node sent. */
export async function setAnsweredAt(db: Db, id: string, at: number): Promise<void> {
  await db.updateTable('pings').set({ answered_at: at }).where('id', '=', id).execute();
}

export async function insertPing(db: Db, row: PingRow): Promise<void> {
  await db.insertInto('pings').values(row).execute();
}

export async function setAcknowledged(db: Db, id: string, at: number, by: string): Promise<void> {
  await db
    .updateTable('pings')
    .set({ acknowledged_at: at, acknowledged_by: by })
    .where('id', '=', id)
    .execute();
}

export function findSchedule(db: Db, peerId: string): Promise<PingScheduleRow | undefined> {
  return db
    .selectFrom('ping_schedules')
    .selectAll()
    .where('peer_id', '=', peerId)
    .executeTakeFirst();
}

export async function deleteSchedule(db: Db, peerId: string): Promise<void> {
  await db.deleteFrom('ping_schedules').where('peer_id', '=', peerId).execute();
}

export async function insertSchedule(db: Db, row: PingScheduleRow): Promise<void> {
  await db.insertInto('ping_schedules').values(row).execute();
}
