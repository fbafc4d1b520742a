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
}
export type NoteRow = Selectable<NotesTable>;

/** This feature's tables, added to the node's Database type (store/database.ts). */
declare module '../../store/database.js' {
  interface Database {
    notes: NotesTable;
  }
}
