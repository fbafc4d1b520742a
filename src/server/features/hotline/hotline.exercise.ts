import type { Db, TxHooks } from '../../store/database.js';
import type { CallRow } from './hotline.table.js';

/** What happened to an EXERCISE call on this node, for the exercise that placed it. */
export interface ExerciseCallEvent {
  kind: 'received' | 'acknowledged' | 'resolved';
  exerciseId: string;
  /** The inject the call delivers (null if the caller did not say). */
  injectId: string | null;
  callId: string;
  /** The peer the call is with (an exercise only takes its own peer's calls). */
  peer: string;
  subject: string;
  /** When it happened (this node's clock). */
  at: number;
}

export type ExerciseCallListener = (
  trx: Db,
  hooks: TxHooks,
  event: ExerciseCallEvent,
) => Promise<void>;

/**
 * The exercises feature learns of its calls through this, in the transaction that changes
 * the call (so its feed and observations commit with it); the hotline never learns what an
 * exercise is. Real calls (no exercise id) are never reported.
 */
export class ExerciseCallHooks {
  private readonly listeners: ExerciseCallListener[] = [];

  on(listener: ExerciseCallListener): void {
    this.listeners.push(listener);
  }

  async emit(
    trx: Db,
    hooks: TxHooks,
    row: CallRow,
    kind: ExerciseCallEvent['kind'],
    at: number,
  ): Promise<void> {
    if (!row.exercise_id) return;
    const event: ExerciseCallEvent = {
      kind,
      exerciseId: row.exercise_id,
      injectId: row.exercise_inject_id,
      callId: row.id,
      peer: row.peer_id,
      subject: row.subject,
      at,
    };
    for (const listener of this.listeners) await listener(trx, hooks, event);
  }
}
