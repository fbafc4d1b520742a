import type { Db, TxHooks } from '../../store/database.js';
import type { NoteRow } from './notes.table.js';

/** What happened to an EXERCISE note on this node, for its exercise. */
export interface ExerciseNoteEvent {
  /** received from the peer, or sent by a player of this node (an answer to an exercise note). */
  kind: 'received' | 'sent';
  exerciseId: string;
  /** The inject the note delivers (null for a player's own note). */
  injectId: string | null;
  noteId: string;
  peer: string;
  text: string;
  at: number;
}

export type ExerciseNoteListener = (
  trx: Db,
  hooks: TxHooks,
  event: ExerciseNoteEvent,
) => Promise<void>;

/** An EXERCISE note an exercise sends, in its inject's transaction. */
export interface ExerciseNote {
  peer: string;
  text: string;
  author: string;
  exerciseId: string;
  injectId: string;
}

/**
 * The exercises feature learns of its notes through this, in the transaction that writes
 * the note; notes never learn what an exercise is. Real notes are never reported.
 */
export class ExerciseNoteHooks {
  private readonly listeners: ExerciseNoteListener[] = [];

  on(listener: ExerciseNoteListener): void {
    this.listeners.push(listener);
  }

  async emit(
    trx: Db,
    hooks: TxHooks,
    row: NoteRow,
    kind: ExerciseNoteEvent['kind'],
    at: number,
  ): Promise<void> {
    if (!row.exercise_id) return;
    const event: ExerciseNoteEvent = {
      kind,
      exerciseId: row.exercise_id,
      injectId: row.exercise_inject_id ?? null,
      noteId: row.id,
      peer: row.peer_id,
      text: row.text,
      at,
    };
    for (const listener of this.listeners) await listener(trx, hooks, event);
  }
}
