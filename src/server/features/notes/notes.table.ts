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
  /** The exercise it belongs to (an EXERCISE note), and the inject it delivers; null if real. */
  exercise_id: string | null;
  exercise_inject_id: string | null;
}
type ExerciseMarker = 'exercise_id' | 'exercise_inject_id';
/** A note as read; the EXERCISE marker is optional in the type only (rows made by hand). */
export type NoteRow = Omit<Selectable<NotesTable>, ExerciseMarker> &
  Partial<Pick<Selectable<NotesTable>, ExerciseMarker>>;

/** This feature's tables, added to the node's Database type (store/database.ts). */
declare module '../../store/database.js' {
  interface Database {
    notes: NotesTable;
  }
}
