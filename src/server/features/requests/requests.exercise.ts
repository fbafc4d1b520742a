import { notFound } from '../../errors.js';
import type { Db, TxHooks } from '../../store/database.js';
import type { RequestRow } from './requests.table.js';

/** What happened to an EXERCISE request on this node, for the exercise that sent it. */
export interface ExerciseRequestEvent {
  /** `sent`: a request of this node in the exercise was sent (the inject's, or a player's). */
  kind: 'received' | 'acknowledged' | 'sent';
  exerciseId: string;
  /** The inject the request delivers (null if the sender did not say). */
  injectId: string | null;
  requestId: string;
  /** The peer the request is with (an exercise only takes its own peer's requests). */
  peer: string;
  reference: string;
  title: string;
  type: RequestRow['type'];
  /** The names of the fields it carries, filled. */
  fields: string[];
  direction: 'in' | 'out';
  /** When it happened (this node's clock, or the acknowledgement's time on the timeline). */
  at: number;
}

/** Whether a player may draft a request in this exercise with this peer (throws if not). */
export type ExerciseRequestCheck = (trx: Db, exerciseId: string, peer: string) => Promise<void>;

export type ExerciseRequestListener = (
  trx: Db,
  hooks: TxHooks,
  event: ExerciseRequestEvent,
) => Promise<void>;

/** An EXERCISE request an exercise sends, in its inject's transaction. */
export interface ExerciseRequest {
  peer: string;
  type: RequestRow['type'];
  urgency: RequestRow['urgency'];
  title: string;
  /** The inject's body: every free-text field the arrangement requires is filled with it. */
  text: string;
  exerciseId: string;
  injectId: string;
}

/**
 * The exercises feature learns of its requests through this, in the transaction that
 * changes the request; requests never learn what an exercise is. Real requests (no
 * exercise id) are never reported.
 */
export class ExerciseRequestHooks {
  private readonly listeners: ExerciseRequestListener[] = [];
  private checker: ExerciseRequestCheck | undefined;
  private timeSource: ExerciseTimeSource | undefined;

  on(listener: ExerciseRequestListener): void {
    this.listeners.push(listener);
  }

  /** The exercises feature says which exercise a player's request may join. */
  checkWith(checker: ExerciseRequestCheck): void {
    this.checker = checker;
  }

  /** The exercises feature tells an exercise request's deadlines the exercise clock. */
  timeWith(source: ExerciseTimeSource): void {
    this.timeSource = source;
  }

  /** The exercise clock of an exercise (null: unknown, its deadlines run on wall time). */
  async time(trx: Db, exerciseId: string): Promise<ExerciseTime | null> {
    return this.timeSource ? this.timeSource(trx, exerciseId) : null;
  }

  async check(trx: Db, exerciseId: string, peer: string): Promise<void> {
    if (!this.checker) {
      throw notFound('exercise_not_found', `No exercise has the id ${exerciseId}.`);
    }
    await this.checker(trx, exerciseId, peer);
  }

  async emit(
    trx: Db,
    hooks: TxHooks,
    row: RequestRow,
    kind: ExerciseRequestEvent['kind'],
    at: number,
  ): Promise<void> {
    if (!row.exercise_id) return;
    const event: ExerciseRequestEvent = {
      kind,
      exerciseId: row.exercise_id,
      injectId: row.exercise_inject_id ?? null,
      requestId: row.id,
      peer: row.peer_id,
      reference: row.reference,
      title: row.title,
      type: row.type,
      fields: Object.entries(JSON.parse(row.fields) as Record<string, unknown>)
        .filter(([, value]) => value !== '' && value !== null && value !== false)
        .map(([name]) => name),
      direction: row.direction,
      at,
    };
    for (const listener of this.listeners) await listener(trx, hooks, event);
  }
}

/**
 * The exercise clock as an exercise request's deadlines need it (told by the exercises
 * feature): exercise time (ms since T+00:00) was `anchorMs` at wall time `anchorWall`, and
 * runs `speed` times as fast as the wall clock while `running`; it stands otherwise.
 */
export interface ExerciseTime {
  running: boolean;
  anchorWall: number;
  anchorMs: number;
  speed: number;
}

/** The exercise clock of an exercise, or null when this node does not know it. */
export type ExerciseTimeSource = (trx: Db, exerciseId: string) => Promise<ExerciseTime | null>;

/** Exercise time (ms) at wall time `wall`. */
export function exerciseMsAt(time: ExerciseTime, wall: number): number {
  if (!time.running) return time.anchorMs;
  return time.anchorMs + Math.max(0, wall - time.anchorWall) * time.speed;
}

/** The wall time the running clock reaches exercise time `ms` at; null while it stands. */
export function wallAtExerciseMs(time: ExerciseTime, ms: number): number | null {
  if (!time.running) return null;
  return time.anchorWall + Math.ceil(Math.max(0, ms - time.anchorMs) / time.speed);
}

/** An exercise request's deadlines in exercise time (ms), the same on both nodes. */
export interface ExerciseDeadlines {
  sentMs: number;
  acknowledgeMs: number;
  respondMs: number;
}
