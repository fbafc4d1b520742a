import type { Db } from '../../store/database.js';
import type { NoteRow } from './notes.table.js';

export async function insertNote(db: Db, row: NoteRow): Promise<void> {
  await db.insertInto('notes').values(row).execute();
}

export function listNotes(db: Db, options: { peer?: string; limit: number }): Promise<NoteRow[]> {
  let query = db
    .selectFrom('notes')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('seq', 'desc')
    .limit(options.limit);
  if (options.peer) query = query.where('peer_id', '=', options.peer);
  return query.execute();
}
