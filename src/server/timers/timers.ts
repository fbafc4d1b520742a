import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Db, Store, Trx, TxHooks } from '../store/database.js';
import type { TimerRow } from './timers.table.js';

/**
 * Durable timers: deadlines, escalations, pings and exercise injects are rows with a due
 * time. The worker fires each due timer exactly once: the handler runs in the same
 * transaction that marks the timer fired, so its changes and the "fired" mark commit
 * together or not at all. Several processes on one PostgreSQL database claim timers with
 * FOR UPDATE SKIP LOCKED; the conditional update is the guard on both dialects.
 */
export type TimerHandler<P = unknown> = (
  trx: Trx,
  payload: P,
  timer: TimerRow,
  hooks: TxHooks,
) => Promise<void>;

/**
 * A timer kind: its name, the zod schema of its payload (checked when it is scheduled and
 * again when it fires, since the row may have been written by an older version) and what
 * firing it does. Features list theirs in their module (features/<name>/index.ts).
 */
export interface TimerKind<S extends z.ZodType = z.ZodType> {
  kind: string;
  schema: S;
  handle: TimerHandler<z.infer<S>>;
}

/** Declares a timer kind with its payload type inferred from the schema. */
export function timerKind<S extends z.ZodType>(
  kind: string,
  schema: S,
  handle: TimerHandler<z.infer<S>>,
): TimerKind<S> {
  return { kind, schema, handle };
}

export interface ScheduleTimer {
  kind: string;
  dueAt: number;
  payload?: unknown;
  id?: string;
}

/** Cancels a timer that has not fired yet; true when there was one. */
export async function cancelTimer(db: Db, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('timers')
    .where('id', '=', id)
    .where('fired_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function findTimer(db: Db, id: string): Promise<TimerRow | undefined> {
  return db.selectFrom('timers').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The pending timer of a kind, if any (kinds that keep one chain of timers). */
export async function findPendingTimerOfKind(
  db: Db,
  kind: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('timers')
    .select('id')
    .where('kind', '=', kind)
    .where('fired_at', 'is', null)
    .executeTakeFirst();
}

/** A payload that its kind's schema refused when the timer fired: recorded, never retried. */
class BadTimerPayload extends Error {
  constructor(kind: string, issues: string) {
    super(`the payload of timer kind ${kind} is not valid: ${issues}`);
    this.name = 'BadTimerPayload';
  }
}

export interface TimerWorkerOptions {
  /** How long the worker sleeps at most before looking again (other processes add timers too). */
  pollMs?: number;
  /** Backoff cap after a handler failed. */
  maxRetryDelayMs?: number;
}

export class TimerWorker {
  private readonly kinds = new Map<string, TimerKind>();
  private running = false;
  private loopDone: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private unsubscribeClock: (() => void) | undefined;
  private readonly pollMs: number;
  private readonly maxRetryDelayMs: number;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    options: TimerWorkerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 500;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5 * 60_000;
  }

  /** Defines a timer kind: `timers.define('hotline.escalate', EscalatePayload, handler)`. */
  define<S extends z.ZodType>(kind: string, schema: S, handle: TimerHandler<z.infer<S>>): void {
    this.add({ kind, schema, handle: handle as TimerHandler });
  }

  add(timerKind: TimerKind): void {
    if (this.kinds.has(timerKind.kind))
      throw new Error(`timer kind ${timerKind.kind} is already defined`);
    this.kinds.set(timerKind.kind, timerKind);
  }

  /**
   * The one way to schedule a timer: inside the caller's transaction, its payload checked
   * against its kind's schema, and the worker woken after commit (at once without hooks).
   */
  async schedule(trx: Db, hooks: TxHooks | undefined, timer: ScheduleTimer): Promise<string> {
    const definition = this.kinds.get(timer.kind);
    if (!definition) throw new Error(`timer kind ${timer.kind} is not defined`);
    const checked = definition.schema.safeParse(timer.payload ?? null);
    if (!checked.success) throw new BadTimerPayload(timer.kind, checked.error.message);
    const id = timer.id ?? randomUUID();
    await trx
      .insertInto('timers')
      .values({
        id,
        kind: timer.kind,
        payload: JSON.stringify(timer.payload ?? null),
        due_at: timer.dueAt,
        created_at: this.clock.now(),
        fired_at: null,
        attempts: 0,
        last_error: null,
      })
      .execute();
    if (hooks) hooks.afterCommit(() => this.nudge());
    else this.nudge();
    return id;
  }

  nudge(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribeClock = this.clock.onJump(() => this.nudge());
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribeClock?.();
    this.nudge();
    await this.loopDone;
  }

  /** When the next pending timer is due, if any. */
  private async nextDueAt(): Promise<number | undefined> {
    const next = await this.store.db
      .selectFrom('timers')
      .select((eb) => eb.fn.min('due_at').as('next'))
      .where('fired_at', 'is', null)
      .executeTakeFirst();
    return next?.next === null || next?.next === undefined ? undefined : Number(next.next);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let delay = this.pollMs;
      try {
        // A pass with nothing due is one read, not a transaction (the worker wakes often).
        let next = await this.nextDueAt();
        if (next !== undefined && next <= this.clock.now()) {
          if ((await this.runDue()) > 0) continue;
          next = await this.nextDueAt();
        }
        if (next !== undefined) {
          delay = Math.max(0, Math.min(this.pollMs, next - this.clock.now()));
        }
      } catch (error) {
        if (!this.running) break;
        this.log.error({ err: error }, 'timer worker: a pass failed; retrying');
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const handle = setTimeout(() => {
          this.wake = undefined;
          resolve();
        }, delay);
        this.wake = () => {
          clearTimeout(handle);
          resolve();
        };
      });
    }
  }

  /** Fires every timer due now; returns how many fired. */
  async runDue(limit = 1000): Promise<number> {
    let fired = 0;
    while (fired < limit) {
      const outcome = await this.fireOne();
      if (outcome === 'none') break;
      if (outcome === 'fired') fired++;
    }
    return fired;
  }

  private async fireOne(): Promise<'fired' | 'failed' | 'none'> {
    const now = this.clock.now();
    let claimed: TimerRow | undefined;
    try {
      return await this.store.transaction(async (trx, hooks) => {
        let query = trx
          .selectFrom('timers')
          .selectAll()
          .where('fired_at', 'is', null)
          .where('due_at', '<=', now)
          .orderBy('due_at')
          .orderBy('id')
          .limit(1);
        if (this.store.dialect === 'postgres') query = query.forUpdate().skipLocked();
        const row = await query.executeTakeFirst();
        if (!row) return 'none';
        const claim = await trx
          .updateTable('timers')
          .set({ fired_at: now, attempts: row.attempts + 1, last_error: null })
          .where('id', '=', row.id)
          .where('fired_at', 'is', null)
          .executeTakeFirst();
        if (Number(claim.numUpdatedRows) !== 1) return 'failed';
        claimed = row;
        const definition = this.kinds.get(row.kind);
        if (!definition) throw new Error(`no handler is defined for timer kind ${row.kind}`);
        const payload = definition.schema.safeParse(parsePayload(row.payload));
        if (!payload.success) throw new BadTimerPayload(row.kind, payload.error.message);
        await definition.handle(trx, payload.data, row, hooks);
        this.log.debug(
          { timer: row.id, kind: row.kind, late_ms: now - Number(row.due_at) },
          'timer fired',
        );
        return 'fired';
      });
    } catch (error) {
      if (!claimed) throw error;
      const attempts = claimed.attempts + 1;
      if (error instanceof BadTimerPayload) {
        // Trying again cannot help: the timer is spent, with the reason kept on its row.
        this.log.error({ timer: claimed.id, kind: claimed.kind, err: error }, 'timer refused');
        await this.store.db
          .updateTable('timers')
          .set({ fired_at: now, attempts, last_error: error.message })
          .where('id', '=', claimed.id)
          .where('fired_at', 'is', null)
          .execute();
        return 'failed';
      }
      // The handler failed: its transaction rolled back. Record why and try again later.
      const delay = Math.min(this.maxRetryDelayMs, 1000 * 2 ** Math.min(attempts, 20));
      this.log.error(
        { err: error, timer: claimed.id, kind: claimed.kind, attempts },
        'timer handler failed',
      );
      await this.store.db
        .updateTable('timers')
        .set({
          attempts,
          last_error: error instanceof Error ? error.message : String(error),
          due_at: now + delay,
        })
        .where('id', '=', claimed.id)
        .where('fired_at', 'is', null)
        .execute();
      return 'failed';
    }
  }
}

/** A stored payload is JSON; a row that is not (written by hand, say) reads as its raw text. */
function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
