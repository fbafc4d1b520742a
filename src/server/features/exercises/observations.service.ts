import { type ExerciseClock, scenarioTimeAt, wallTimeOf } from '../../../core/exercises/clock.js';
import type { ExpectedAction, ExpectedActionKind } from '../../../core/exercises/scenario.js';
import { ROLES } from '../../../core/roles.js';
import type { ExerciseObservationList, ObservationState } from '../../../core/schemas/exercises.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { notFound } from '../../errors.js';
import type { Db, TxHooks } from '../../store/database.js';
import { cancelTimer, type TimerWorker } from '../../timers/timers.js';
import type { FeatureDeps } from '../feature-deps.js';
import { clockOf, mselOf } from './exercises.present.js';
import { findExercise, observationsOf, saveObservation } from './exercises.repository.js';
import type { ExerciseObservationRow, ExerciseRow } from './exercises.table.js';

export const OBSERVE_TIMER = 'exercise.observe';
const MINUTE = 60_000;

/** The expected actions the node observes by itself today (the others wait for an evaluator). */
export const OBSERVED_ACTIONS: readonly ExpectedActionKind[] = [
  'acknowledge_call',
  'acknowledge_request',
];

/** One of this side's expected actions as the exercise keeps it (runs.service's expectationsOf). */
type Expectation = ExpectedAction & { injectId: string };

export function expectationsOf(row: ExerciseRow): Expectation[] {
  return JSON.parse(row.expectations) as Expectation[];
}

/** Scenario time (ms) by which an expected action is due: its inject's time plus `within`. */
function dueMs(row: ExerciseRow, expected: Expectation): number | null {
  const inject = mselOf(row).injects.find((i) => i.id === expected.injectId);
  return inject ? (inject.atMinutes + expected.within) * MINUTE : null;
}

/**
 * What this node observes of its own side's expected actions (issue 17): an acknowledgement
 * of the inject's call or request is met when the exercise clock reads no later than the
 * inject's time plus `within`, late after. A durable timer at that deadline on the exercise
 * clock (set again by every clock move, like the injects') marks it missed; an action after
 * that makes it late; the end of the exercise marks every one still pending missed.
 * Observations stay on this node: no message carries them.
 */
export class ExerciseObservations {
  constructor(private readonly deps: FeatureDeps & { timers: TimerWorker }) {}

  /** This side's expected actions and what was observed (controllers). */
  async list(actor: Actor, id: string): Promise<ExerciseObservationList> {
    authorize(actor, 'exercises.manage');
    const row = await findExercise(this.deps.store.db, id);
    if (!row) throw notFound('exercise_not_found', `No exercise has the id ${id}.`);
    const seen = new Map(
      (await observationsOf(this.deps.store.db, id)).map((o) => [o.expected_id, o]),
    );
    return {
      observations: expectationsOf(row).map((expected) => {
        const o = seen.get(expected.id);
        return {
          expectedId: expected.id,
          injectId: expected.injectId,
          action: expected.action,
          objective: expected.objective,
          text: expected.text,
          dueMinutes: Math.round((dueMs(row, expected) ?? 0) / MINUTE),
          observed: OBSERVED_ACTIONS.includes(expected.action),
          state: o?.state ?? 'pending',
          at: o?.at == null ? null : new Date(Number(o.at)).toISOString(),
          scenarioMinutes:
            o?.scenario_ms == null ? null : Math.floor(Number(o.scenario_ms) / 6_000) / 10,
        };
      }),
    };
  }

  /** A player acted on an inject's call or request (in the transaction of the action). */
  async observe(
    trx: Db,
    hooks: TxHooks,
    exerciseId: string,
    injectId: string | null,
    action: ExpectedActionKind,
    at: number,
  ): Promise<void> {
    const row = await findExercise(trx, exerciseId);
    if (!row || row.status !== 'accepted' || !injectId) return;
    const scenarioMs = scenarioTimeAt(clockOf(row), at);
    const seen = new Map((await observationsOf(trx, exerciseId)).map((o) => [o.expected_id, o]));
    for (const expected of expectationsOf(row)) {
      if (expected.injectId !== injectId || expected.action !== action) continue;
      const due = dueMs(row, expected);
      const before = seen.get(expected.id);
      if (due === null || before?.state === 'met' || before?.state === 'late') continue;
      if (before?.timer_id) await cancelTimer(trx, before.timer_id);
      const state = scenarioMs <= due ? 'met' : 'late';
      await this.record(trx, hooks, row, expected.id, state, at, scenarioMs);
    }
  }

  /** The clock moved: each pending observed action's deadline timer is set to it again. */
  async schedule(
    trx: Db,
    hooks: TxHooks,
    row: ExerciseRow,
    clock: ExerciseClock,
    now: number,
  ): Promise<void> {
    if (row.status !== 'accepted') return;
    const seen = new Map((await observationsOf(trx, row.id)).map((o) => [o.expected_id, o]));
    for (const expected of expectationsOf(row)) {
      const before = seen.get(expected.id);
      const due = dueMs(row, expected);
      if (!OBSERVED_ACTIONS.includes(expected.action) || due === null) continue;
      if (before && before.state !== 'pending') continue;
      if (before?.timer_id) await cancelTimer(trx, before.timer_id);
      if (clock.state === 'ended') {
        await this.record(trx, hooks, row, expected.id, 'missed', now, scenarioTimeAt(clock, now));
        continue;
      }
      const wall = wallTimeOf(clock, due);
      const timerId =
        wall === null
          ? null
          : await this.deps.timers.schedule(trx, hooks, {
              kind: OBSERVE_TIMER,
              dueAt: Math.max(now, wall),
              payload: { exerciseId: row.id, expectedId: expected.id },
            });
      await saveObservation(trx, pending(row.id, expected.id, timerId), ['pending']);
    }
  }

  /** The deadline's timer: missed, if the clock has reached it and nothing was observed. */
  async deadlinePassed(
    trx: Db,
    hooks: TxHooks,
    exerciseId: string,
    expectedId: string,
  ): Promise<void> {
    const row = await findExercise(trx, exerciseId);
    const expected = row && expectationsOf(row).find((e) => e.id === expectedId);
    if (!row || !expected) return;
    const before = (await observationsOf(trx, exerciseId)).find(
      (o) => o.expected_id === expectedId,
    );
    if (before && before.state !== 'pending') return;
    const clock = clockOf(row);
    const now = this.deps.clock.now();
    const scenarioMs = scenarioTimeAt(clock, now);
    const due = dueMs(row, expected);
    if (clock.state !== 'running' || due === null || scenarioMs < due) return;
    await this.record(trx, hooks, row, expectedId, 'missed', now, scenarioMs);
  }

  private async record(
    trx: Db,
    hooks: TxHooks,
    row: ExerciseRow,
    expectedId: string,
    state: Exclude<ObservationState, 'pending'>,
    at: number,
    scenarioMs: number,
  ): Promise<void> {
    // An action counts over a deadline that passed (late); a deadline only over nothing yet.
    const over: ExerciseObservationRow['state'][] =
      state === 'missed' ? ['pending'] : ['pending', 'missed'];
    await saveObservation(
      trx,
      {
        exercise_id: row.id,
        expected_id: expectedId,
        state,
        at,
        scenario_ms: Math.round(scenarioMs),
        timer_id: null,
      },
      over,
    );
    await appendAudit(trx, {
      actor: { kind: 'system', reason: 'exercise' },
      at,
      action: 'exercise.observed',
      entityType: 'exercise',
      entityId: row.id,
      details: { expected: expectedId, state, scenarioMinutes: Math.floor(scenarioMs / MINUTE) },
    });
    hooks.afterCommit(() =>
      this.deps.bus.publish('exercise.changed', { exerciseId: row.id }, { roles: ROLES }),
    );
  }
}

function pending(
  exerciseId: string,
  expectedId: string,
  timerId: string | null,
): ExerciseObservationRow {
  return {
    exercise_id: exerciseId,
    expected_id: expectedId,
    state: 'pending',
    at: null,
    scenario_ms: null,
    timer_id: timerId,
  };
}
