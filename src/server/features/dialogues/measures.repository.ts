import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../../store/database.js';

/** A reading of a measure between this node and a peer (status-report.part.ts). */
export interface DialogueMeasureReadingsTable {
  id: string;
  peer_id: string;
  key: string;
  value: number | null;
  at: number;
  /** `daily`: the daily reading; `change`: read at a value other than the last reading. */
  reason: 'daily' | 'change';
}
export type MeasureReadingRow = Selectable<DialogueMeasureReadingsTable>;

declare module '../../store/database.js' {
  interface Database {
    dialogue_measure_readings: DialogueMeasureReadingsTable;
  }
}

let sequence = 0;

/**
 * A reading's id, in the order readings were taken: its time, then a counter of this
 * process, then randomness; so readings of the same millisecond keep their order (the last
 * reading is the last one taken) and the history pages by (at, id).
 */
export function readingId(at: number): string {
  sequence = (sequence + 1) % 1e9;
  const time = Math.max(0, Math.floor(at)).toString(36).padStart(10, '0');
  return `${time}-${String(sequence).padStart(9, '0')}-${randomUUID()}`;
}

export async function insertReading(db: Db, row: MeasureReadingRow): Promise<void> {
  await db.insertInto('dialogue_measure_readings').values(row).execute();
}

/** The latest reading of a measure with a peer. */
export function lastReading(
  db: Db,
  peer: string,
  key: string,
): Promise<MeasureReadingRow | undefined> {
  return db
    .selectFrom('dialogue_measure_readings')
    .selectAll()
    .where('peer_id', '=', peer)
    .where('key', '=', key)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Readings newest first, after the position (at, id) when given; `limit` of them. */
export function readingsPage(
  db: Db,
  query: { peer: string; key: string; after?: { at: number; id: string }; limit: number },
): Promise<MeasureReadingRow[]> {
  let q = db
    .selectFrom('dialogue_measure_readings')
    .selectAll()
    .where('peer_id', '=', query.peer)
    .where('key', '=', query.key);
  const after = query.after;
  if (after) {
    q = q.where((eb) =>
      eb.or([eb('at', '<', after.at), eb.and([eb('at', '=', after.at), eb('id', '<', after.id)])]),
    );
  }
  return q.orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
}
