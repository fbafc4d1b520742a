import type { Selectable } from 'kysely';

/** Short texts between nodes (`liaison.note`): the first message kind. */
export interface NotesTable {
  id: string;
  direction: 'in' | 'out';
  peer_id: string;
  /** The stream sequence it travelled with. */
  seq: number | null;
  text: string;
  /** Who wrote it, as the sending node names them. */
  author: string;
  sent_at: number;
  created_at: number;
  /** Its id on the node that wrote it (ours: `id`; theirs: as they sent it). */
  origin_id: string | null;
  /** The local id of the note it answers. */
  reply_to: string | null;
  ack_requested: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
}
export type NoteRow = Selectable<NotesTable>;

/** This feature's tables, added to the node's Database type (store/database.ts). */
declare module '../../store/database.js' {
  interface Database {
    notes: NotesTable;
  }
}
