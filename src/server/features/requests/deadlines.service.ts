import { z } from 'zod';
import { dueSoonAt } from '../../../core/deadlines.js';
import { ROLES } from '../../../core/roles.js';
import { appendAudit } from '../../audit/audit.js';
import type { Db, TxHooks } from '../../store/database.js';
import { cancelTimer } from '../../timers/timers.js';
import {
  type ExerciseDeadlines,
  exerciseMsAt,
  type ExerciseTime,
  wallAtExerciseMs,
} from './requests.exercise.js';
import { num } from './requests.present.js';
import {
  deadlineTimersOf,
  exerciseTimedRequests,
  findRequest,
  saveDeadlineTimer,
  unlockedRequests,
  updateRequest,
} from './requests.repository.js';
import type { RequestRow } from './requests.table.js';
import type { RequestsDeps, RequestTimeline } from './timeline.service.js';

export const DEADLINE_TIMER = 'requests.deadline';
export const PRESERVATION_TIMER = 'requests.preservation';
/** An exercise request a clock move found locked is told the clock again by this timer. */
export const EXERCISE_CLOCK_TIMER = 'requests.exercise_clock';

export const DeadlinePayload = z.object({
  requestId: z.string(),
  deadline: z.enum(['acknowledge', 'respond']),
  alert: z.enum(['due_soon', 'overdue']),
  /** An exercise request's: the exercise time (ms) the alert is due at. */
  exerciseMs: z.number().optional(),
});
export type DeadlinePayload = z.infer<typeof DeadlinePayload>;
export const PreservationPayload = z.object({ requestId: z.string() });
export const ExerciseClockPayload = z.object({ requestId: z.string() });

/** Runs in the timer's transaction when a deadline of our request passes and the terms say `hotline`. */
export type OverdueHook = (
  trx: Db,
  hooks: TxHooks,
  request: RequestRow,
  deadline: DeadlinePayload['deadline'],
) => Promise<void>;

/**
 * The clocks of a request: its deadlines (due soon, overdue) on both nodes from when it is
 * sent, and the preservation period on the responder's node. Their timer kinds are listed
 * in the module (features/requests/index.ts).
 */
export class RequestDeadlines {
  private readonly overdueHooks: OverdueHook[] = [];

  constructor(
    private readonly deps: RequestsDeps,
    private readonly timeline: RequestTimeline,
  ) {}

  /** The hotline raises overdue requests whose arrangement says so. */
  onOverdue(hook: OverdueHook): void {
    this.overdueHooks.push(hook);
  }

  /** Sets the due-soon and overdue timers of a request just sent or received. */
  async schedule(trx: Db, hooks: TxHooks, row: RequestRow): Promise<void> {
    if (row.exercise_deadlines && row.exercise_time) {
      await this.scheduleOnExerciseClock(trx, hooks, row);
      return;
    }
    const sent = num(row.sent_at);
    const percent = row.due_soon_percent ?? 75;
    if (sent === null) return;
    for (const [deadline, due] of [
      ['acknowledge', num(row.due_ack_at)],
      ['respond', num(row.due_respond_at)],
    ] as const) {
      if (due === null) continue;
      for (const [alert, at] of [
        ['due_soon', dueSoonAt(sent, due, percent)],
        ['overdue', due],
      ] as const) {
        await this.deps.timers.schedule(trx, hooks, {
          kind: DEADLINE_TIMER,
          dueAt: at,
          payload: { requestId: row.id, deadline, alert },
        });
      }
    }
  }

  /**
   * The exercise clock of `exerciseId` moved (told by the exercises feature, in the move's
   * transaction): each of its requests keeps the clock as now told, the wall instants its
   * deadlines now map to (unchanged while the clock stands), and its timers set again.
   */
  async exerciseClockMoved(
    trx: Db,
    hooks: TxHooks,
    exerciseId: string,
    time: ExerciseTime,
  ): Promise<void> {
    const rows = await exerciseTimedRequests(trx, exerciseId);
    // A request someone is changing right now (its row locked, PostgreSQL) is not waited
    // for: that change may be waiting for the audit log's head, which a peer's batch
    // applying this move may hold. A timer tells it the clock once that change is done.
    const free =
      this.deps.store.dialect === 'postgres'
        ? new Set(
            await unlockedRequests(
              trx,
              rows.map((r) => r.id),
            ),
          )
        : null;
    for (const row of rows) {
      if (free && !free.has(row.id)) {
        await this.deps.timers.schedule(trx, hooks, {
          kind: EXERCISE_CLOCK_TIMER,
          dueAt: this.deps.clock.now(),
          payload: { requestId: row.id },
        });
        continue;
      }
      await this.retell(trx, hooks, row, time);
    }
  }

  /** The retry of a request a clock move found locked: told the exercise clock as it is now. */
  async exerciseClockRetold(trx: Db, hooks: TxHooks, requestId: string): Promise<void> {
    const row = await findRequest(trx, requestId);
    if (!row?.exercise_id || !row.exercise_deadlines) return;
    const time = await this.deps.exercise.time(trx, row.exercise_id);
    if (time) await this.retell(trx, hooks, row, time);
  }

  /** An exercise request told a new exercise clock: its wall instants and timers. */
  private async retell(trx: Db, hooks: TxHooks, row: RequestRow, time: ExerciseTime) {
    const deadlines = JSON.parse(row.exercise_deadlines ?? '{}') as ExerciseDeadlines;
    const told = JSON.parse(row.exercise_time ?? 'null') as ExerciseTime | null;
    // A deadline the clock had passed keeps the instant it passed at.
    const passed = (ms: number) => told !== null && exerciseMsAt(told, time.anchorWall) >= ms;
    const wallOf = (ms: number, stored: number | null) =>
      passed(ms) ? stored : (wallAtExerciseMs(time, ms) ?? stored);
    const changes: Partial<RequestRow> = {
      exercise_time: JSON.stringify(time),
      due_ack_at: wallOf(deadlines.acknowledgeMs, num(row.due_ack_at)),
      due_respond_at: wallOf(deadlines.respondMs, num(row.due_respond_at)),
    };
    await updateRequest(trx, row.id, changes);
    await this.scheduleOnExerciseClock(trx, hooks, { ...row, ...changes });
  }

  /**
   * An exercise request's timers, at the wall instants its deadlines (in exercise time) map
   * to on the clock as last told; none while it stands, nor for an alert already raised or
   * a deadline met. The timers set before are cancelled, so none fires twice.
   */
  private async scheduleOnExerciseClock(trx: Db, hooks: TxHooks, row: RequestRow): Promise<void> {
    const deadlines = JSON.parse(row.exercise_deadlines ?? '{}') as ExerciseDeadlines;
    const time = JSON.parse(row.exercise_time ?? '{}') as ExerciseTime;
    const before = new Map(
      (await deadlineTimersOf(trx, row.id)).map((t) => [`${t.deadline}:${t.alert}`, t.timer_id]),
    );
    const now = this.deps.clock.now();
    for (const [deadline, due] of [
      ['acknowledge', deadlines.acknowledgeMs],
      ['respond', deadlines.respondMs],
    ] as const) {
      const raised = row[deadline === 'acknowledge' ? 'ack_alert' : 'respond_alert'];
      for (const [alert, at] of [
        ['due_soon', dueSoonAt(deadlines.sentMs, due, row.due_soon_percent ?? 75)],
        ['overdue', due],
      ] as const) {
        const previous = before.get(`${deadline}:${alert}`);
        if (previous) await cancelTimer(trx, previous);
        const wall = wallAtExerciseMs(time, at);
        const open = !metDeadline(row, deadline) && raised !== 'overdue' && raised !== alert;
        const timerId =
          wall === null || !open
            ? null
            : await this.deps.timers.schedule(trx, hooks, {
                kind: DEADLINE_TIMER,
                dueAt: Math.max(now, wall),
                payload: { requestId: row.id, deadline, alert, exerciseMs: at },
              });
        if (previous || timerId) {
          await saveDeadlineTimer(trx, { request_id: row.id, deadline, alert, timer_id: timerId });
        }
      }
    }
  }

  /** A deadline timer fired: the alert is raised unless the deadline was met meanwhile. */
  async deadlineFired(trx: Db, hooks: TxHooks, payload: DeadlinePayload): Promise<void> {
    const row = await findRequest(trx, payload.requestId);
    if (!row) return;
    if (metDeadline(row, payload.deadline)) return;
    const column = payload.deadline === 'acknowledge' ? 'ack_alert' : 'respond_alert';
    if (row[column] === 'overdue' || row[column] === payload.alert) return;
    if (payload.exerciseMs !== undefined) {
      // On the exercise clock: only if it has reached the alert (a timer set before a move
      // the clock since made is cancelled; this guards one that raced it).
      const time = row.exercise_time ? (JSON.parse(row.exercise_time) as ExerciseTime) : null;
      if (!time || exerciseMsAt(time, this.deps.clock.now()) < payload.exerciseMs) return;
    }
    await updateRequest(trx, row.id, { [column]: payload.alert });
    if (payload.alert === 'overdue' && row.direction === 'out') {
      const terms = await this.timeline.termsOf(trx, row);
      if (terms.requestTypes[row.type]?.whenOverdue === 'hotline') {
        for (const hook of this.overdueHooks) await hook(trx, hooks, row, payload.deadline);
      }
    }
    await appendAudit(trx, {
      actor: { kind: 'system', reason: 'deadline' },
      at: this.deps.clock.now(),
      action: `request.${payload.deadline}_${payload.alert}`,
      entityType: 'request',
      entityId: row.id,
      details: { reference: row.reference },
    });
    hooks.afterCommit(() =>
      this.deps.bus.publish(
        'request.deadline',
        {
          requestId: row.id,
          reference: row.reference,
          deadline: payload.deadline,
          alert: payload.alert,
        },
        { roles: ROLES },
      ),
    );
    this.timeline.publish(hooks, row.id);
  }

  /** The preservation timer fired: preservation expires, unless it was extended meanwhile. */
  async preservationFired(trx: Db, hooks: TxHooks, requestId: string): Promise<void> {
    const row = await findRequest(trx, requestId);
    if (!row || row.direction !== 'in') return;
    if (row.preservation !== 'active' && row.preservation !== 'extended') return;
    const until = num(row.preserved_until);
    const now = this.deps.clock.now();
    if (until === null) return;
    if (until > now) {
      // Extended since this timer was set: look again when the new period ends.
      await this.deps.timers.schedule(trx, hooks, {
        kind: PRESERVATION_TIMER,
        dueAt: until,
        payload: { requestId },
      });
      return;
    }
    const event = await this.timeline.newEvent(
      trx,
      { kind: 'system', reason: 'preservation period ended' },
      row,
      'expire_preservation',
      now,
      null,
      null,
    );
    await this.timeline.apply(trx, hooks, row, event, null, undefined);
    await appendAudit(trx, {
      actor: { kind: 'system', reason: 'preservation' },
      at: now,
      action: 'request.expire_preservation',
      entityType: 'request',
      entityId: row.id,
      details: { event: event.id, preservedUntil: until },
    });
  }
}

/** Whether a deadline of a request was met: acknowledged (or closed), or closed. */
function metDeadline(row: RequestRow, deadline: DeadlinePayload['deadline']): boolean {
  return deadline === 'acknowledge'
    ? row.acknowledged_at !== null || row.closed_at !== null
    : row.closed_at !== null;
}
