import type { NoteView } from '../../../core/schemas/notes.js';
import { iso, isoOrNull } from '../../clock.js';
import type { NoteRow } from './notes.table.js';

/** A note as the API shows it; `ackedSeq` is how far the peer confirmed our stream. */
export function presentNote(row: NoteRow, ackedSeq?: number | null): NoteView {
  const seq = row.seq === null ? null : Number(row.seq);
  return {
    id: row.id,
    direction: row.direction,
    peer: row.peer_id,
    seq,
    text: row.text,
    author: row.author,
    sentAt: iso(Number(row.sent_at)),
    createdAt: iso(Number(row.created_at)),
    replyTo: row.reply_to,
    ackRequested: row.ack_requested === 1,
    acknowledgedAt: isoOrNull(row.acknowledged_at === null ? null : Number(row.acknowledged_at)),
    acknowledgedBy: row.acknowledged_by,
    delivered:
      row.direction === 'in'
        ? null
        : seq !== null && ackedSeq !== undefined && ackedSeq !== null && Number(ackedSeq) >= seq,
    exerciseId: row.exercise_id ?? null,
  };
}
