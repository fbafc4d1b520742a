import type { Db, TxHooks } from '../../store/database.js';
import type { PingRow } from './pings.table.js';

/** What happened to an EXERCISE ping on this node, for the exercise that sent it. */
export interface ExercisePingEvent {
  kind: 'received' | 'acknowledged';
  exerciseId: string;
  /** The inject the ping delivers (null if the sender did not say). */
  injectId: string | null;
  pingId: string;
  /** The peer the ping is with (an exercise only takes its own peer's pings). */
  peer: string;
  direction: PingRow['direction'];
  contactName: string;
  at: number;
}

export type ExercisePingListener = (
  trx: Db,
  hooks: TxHooks,
  event: ExercisePingEvent,
) => Promise<void>;

/** An EXERCISE ping an exercise sends to the peer's contacts, in its inject's transaction. */
export interface ExercisePing {
  peer: string;
  exerciseId: string;
  injectId: string;
}

/**
 * The exercises feature learns of its pings through this, in the transaction that changes
 * the ping; pings never learn what an exercise is. Real pings are never reported.
 */
export class ExercisePingHooks {
  private readonly listeners: ExercisePingListener[] = [];

  on(listener: ExercisePingListener): void {
    this.listeners.push(listener);
  }

  async emit(
    trx: Db,
    hooks: TxHooks,
    row: PingRow,
    kind: ExercisePingEvent['kind'],
    at: number,
  ): Promise<void> {
    if (!row.exercise_id) return;
    const event: ExercisePingEvent = {
      kind,
      exerciseId: row.exercise_id,
      injectId: row.exercise_inject_id ?? null,
      pingId: row.id,
      peer: row.peer_id,
      direction: row.direction,
      contactName: row.contact_name,
      at,
    };
    for (const listener of this.listeners) await listener(trx, hooks, event);
  }
}
