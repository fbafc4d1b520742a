import type { Db } from '../../store/database.js';
import type { ArrangementRow } from './arrangements.table.js';

export function listArrangements(db: Db, peerId: string): Promise<ArrangementRow[]> {
  return db
    .selectFrom('arrangements')
    .selectAll()
    .where('peer_id', '=', peerId)
    .orderBy('version', 'desc')
    .execute();
}

export function findArrangement(
  db: Db,
  peerId: string,
  version: number,
): Promise<ArrangementRow | undefined> {
  return db
    .selectFrom('arrangements')
    .selectAll()
    .where('peer_id', '=', peerId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export function latestAccepted(db: Db, peerId: string): Promise<ArrangementRow | undefined> {
  return db
    .selectFrom('arrangements')
    .selectAll()
    .where('peer_id', '=', peerId)
    .where('status', '=', 'accepted')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertArrangement(db: Db, row: ArrangementRow): Promise<void> {
  await db.insertInto('arrangements').values(row).execute();
}

/** Marks a proposal accepted or declined; an acceptance supersedes the version before it. */
export async function answerArrangement(
  db: Db,
  peerId: string,
  version: number,
  answer: 'accepted' | 'declined',
  at: number,
): Promise<void> {
  if (answer === 'accepted') {
    await db
      .updateTable('arrangements')
      .set({ status: 'superseded' })
      .where('peer_id', '=', peerId)
      .where('status', '=', 'accepted')
      .execute();
  }
  await db
    .updateTable('arrangements')
    .set({ status: answer, answered_at: at })
    .where('peer_id', '=', peerId)
    .where('version', '=', version)
    .execute();
}
