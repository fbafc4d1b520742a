import type { Db } from '../../store/database.js';
import type { NoteRow } from './notes.table.js';

/** A note with whether the peer confirmed applying it (ours only). */
export type ListedNote = NoteRow & { acked_seq: number | null };

export async function insertNote(db: Db, row: NoteRow): Promise<void> {
  await db.insertInto('notes').values(row).execute();
}

export function findNote(db: Db, id: string): Promise<NoteRow | undefined> {
  return db.selectFrom('notes').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A note with `peer`, by the id its writer gave it. */
export function findNoteByOrigin(
  db: Db,
  peer: string,
  originId: string,
): Promise<NoteRow | undefined> {
  return db
    .selectFrom('notes')
    .selectAll()
    .where('peer_id', '=', peer)
    .where('origin_id', '=', originId)
    .executeTakeFirst();
}

export async function setNoteAcknowledged(
  db: Db,
  id: string,
  at: number,
  by: string,
): Promise<void> {
  await db
    .updateTable('notes')
    .set({ acknowledged_at: at, acknowledged_by: by })
    .where('id', '=', id)
    .execute();
}

/** Newest first, after the (created_at, id) of `after`; one more than `limit`, to know if more. */
export function listNotes(
  db: Db,
  options: { peer?: string; limit: number; after?: { at: number; id: string } },
): Promise<ListedNote[]> {
  let query = db
    .selectFrom('notes as n')
    .leftJoin('stream_out as s', 's.peer_id', 'n.peer_id')
    .selectAll('n')
    .select('s.acked_seq')
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id', 'desc')
    .limit(options.limit + 1);
  if (options.peer) query = query.where('n.peer_id', '=', options.peer);
  const after = options.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('n.created_at', '<', after.at),
        eb.and([eb('n.created_at', '=', after.at), eb('n.id', '<', after.id)]),
      ]),
    );
  }
  return query.execute();
}
