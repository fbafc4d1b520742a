import type { NoteView } from '../../../core/schemas/notes.js';
import { iso } from '../../clock.js';
import type { NoteRow } from './notes.table.js';

export function presentNote(row: NoteRow): NoteView {
  return {
    id: row.id,
    direction: row.direction,
    peer: row.peer_id,
    seq: row.seq === null ? null : Number(row.seq),
    text: row.text,
    author: row.author,
    sentAt: iso(Number(row.sent_at)),
    createdAt: iso(Number(row.created_at)),
  };
}
