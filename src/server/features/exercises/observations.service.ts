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
import {
  deadlinesOf,
  findExercise,
  injectsOf,
  observationsOf,
  saveDeadline,
  saveObservation,
  waitForAuditHead,
} from './exercises.repository.js';
import type { ExerciseInjectRow, ExerciseObservationRow, ExerciseRow } from './exercises.table.js';

export const OBSERVE_TIMER = 'exercise.observe';
const MINUTE = 60_000;

/** The expected actions the node observes by itself (the others wait for an evaluator). */
export const OBSERVED_ACTIONS: readonly ExpectedActionKind[] = [
  'acknowledge_call',
  'resolve_call',
  'acknowledge_request',
  'answer_ping',
  'send_request',
  'share_object',
  'send_note',
];

/** One of this side's expected actions as the exercise keeps it (runs.service's expectationsOf). */
export type Expectation = ExpectedAction & { injectId: string };

export function expectationsOf(row: ExerciseRow): Expectation[] {
  return JSON.parse(row.expectations) as Expectation[];
}

type States = ReadonlyMap<string, ExerciseInjectRow>;

/** Scenario time (ms) the inject fired at, or is due to fire at; null if it is unknown. */
function startMs(row: ExerciseRow, states: States, injectId: string): number | null {
  const fired = states.get(injectId)?.fired_scenario_ms;
  if (fired != null) return Number(fired);
  const inject = mselOf(row).injects.find((i) => i.id === injectId);
  return inject ? inject.atMinutes * MINUTE : null;
}

/** Scenario time (ms) by which an expected action is due: its inject's time plus `within`. */
function dueMs(row: ExerciseRow, states: States, expected: Expectation): number | null {
  const start = startMs(row, states, expected.injectId);
  return start === null ? null : start + expected.within * MINUTE;
}

/** Whether the node observes it: an action it watches, of an inject not skipped. */
function watched(states: States, expected: Expectation): boolean {
  return (
    OBSERVED_ACTIONS.includes(expected.action) && states.get(expected.injectId)?.state !== 'skipped'
  );
}

/** Its inject was skipped: not applicable (shown `skipped`, never missed). */
function skippedInject(states: States, expected: Expectation): boolean {
  return states.get(expected.injectId)?.state === 'skipped';
}

async function statesOf(db: Db, exerciseId: string): Promise<States> {
  return new Map((await injectsOf(db, exerciseId)).map((s) => [s.inject_id, s]));
}

/**
 * What this node observes of its own side's expected actions (issue 17). An action that
 * answers an inject (the call acknowledged or resolved, the request acknowledged, the ping
 * answered) counts for that inject's expectations; one of the players' own (a request sent
 * with the fields, an object shared at the marking, a note sent in the exercise) counts for
 * the first pending expectation of that action it fits whose inject has fired. Met when the
 * exercise clock reads no later than the inject's time (when it fired) plus `within`, late
 * after. A durable timer at that deadline on the exercise clock (set again by every clock
 * move) marks it missed; an action after that makes it late; the end of the exercise marks
 * every one still pending missed. The expected actions of a skipped inject are not observed.
 * Observations stay on this node: no message carries them.
 */
export class ExerciseObservations {
  constructor(private readonly deps: FeatureDeps & { timers: TimerWorker }) {}

  /** This side's expected actions and what was observed (controllers). */
  async list(actor: Actor, id: string): Promise<ExerciseObservationList> {
    authorize(actor, 'exercises.manage');
    const db = this.deps.store.db;
    const row = await findExercise(db, id);
    if (!row) throw notFound('exercise_not_found', `No exercise has the id ${id}.`);
    const seen = new Map((await observationsOf(db, id)).map((o) => [o.expected_id, o]));
    const states = await statesOf(db, id);
    return {
      observations: expectationsOf(row).map((expected) => {
        const o = seen.get(expected.id);
        return {
          expectedId: expected.id,
          injectId: expected.injectId,
          action: expected.action,
          objective: expected.objective,
          text: expected.text,
          dueMinutes: Math.round((dueMs(row, states, expected) ?? 0) / MINUTE),
          observed: watched(states, expected),
          state: o?.state ?? (skippedInject(states, expected) ? 'skipped' : 'pending'),
          at: o?.at == null ? null : new Date(Number(o.at)).toISOString(),
          scenarioMinutes:
            o?.scenario_ms == null ? null : Math.floor(Number(o.scenario_ms) / 6_000) / 10,
        };
      }),
    };
  }

  /** A player answered an inject's call, request or ping (in the transaction of the action). */
  async observe(
    trx: Db,
    hooks: TxHooks,
    exerciseId: string,
    injectId: string | null,
    action: ExpectedActionKind,
    at: number,
  ): Promise<void> {
    if (!injectId) return;
    await this.decide(
      trx,
      hooks,
      exerciseId,
      action,
      at,
      (expected) => expected.injectId === injectId,
      false,
    );
  }

  /**
   * A player of this node did something of their own in the exercise (sent a request,
   * shared an object, sent a note): the first pending expectation of `action` it fits,
   * whose inject has fired, is met or late.
   */
  async observeOwn(
    trx: Db,
    hooks: TxHooks,
    exerciseId: string,
    action: ExpectedActionKind,
    at: number,
    fits: (expected: Expectation) => boolean,
  ): Promise<void> {
    await this.decide(trx, hooks, exerciseId, action, at, fits, true);
  }

  private async decide(
    trx: Db,
    hooks: TxHooks,
    exerciseId: string,
    action: ExpectedActionKind,
    at: number,
    fits: (expected: Expectation) => boolean,
    firstOnly: boolean,
  ): Promise<void> {
    const row = await findExercise(trx, exerciseId);
    if (!row || row.status !== 'accepted') return;
    const scenarioMs = scenarioTimeAt(clockOf(row), at);
    const seen = new Map((await observationsOf(trx, exerciseId)).map((o) => [o.expected_id, o]));
    const states = await statesOf(trx, exerciseId);
    const candidates = expectationsOf(row)
      .filter((expected) => expected.action === action && watched(states, expected))
      .filter((expected) => !['met', 'late'].includes(seen.get(expected.id)?.state ?? ''))
      .filter(
        (expected) =>
          !firstOnly || (startMs(row, states, expected.injectId) ?? Infinity) <= scenarioMs,
      )
      .filter(fits)
      .map((expected) => ({ expected, due: dueMs(row, states, expected) }))
      .sort((a, b) => (a.due ?? 0) - (b.due ?? 0));
    for (const { expected, due } of firstOnly ? candidates.slice(0, 1) : candidates) {
      if (due === null) continue;
      // Its deadline's timer is left to fire and find it decided: cancelling it here would
      // take the timer's row, which a clock move or the timer itself may hold first.
      const state = scenarioMs <= due ? 'met' : 'late';
      await this.record(trx, hooks, row, expected.id, state, at, scenarioMs);
    }
  }

  /**
   * The clock moved: each pending deadline is set again; or one inject fired at another
   * time than its own, or was skipped: those of its expectations (`injectId`) only, so that
   * only the rows it changes are written (a player acting on another meanwhile is not
   * waited for on PostgreSQL).
   */
  async schedule(
    trx: Db,
    hooks: TxHooks,
    row: ExerciseRow,
    clock: ExerciseClock,
    now: number,
    injectId?: string,
  ): Promise<void> {
    if (row.status !== 'accepted') return;
    const seen = new Map((await observationsOf(trx, row.id)).map((o) => [o.expected_id, o]));
    const timers = new Map((await deadlinesOf(trx, row.id)).map((d) => [d.expected_id, d]));
    const states = await statesOf(trx, row.id);
    const concerned = expectationsOf(row).filter(
      (expected) => injectId === undefined || expected.injectId === injectId,
    );
    for (const expected of concerned) {
      const due = dueMs(row, states, expected);
      if (!OBSERVED_ACTIONS.includes(expected.action) || due === null) continue;
      if ((seen.get(expected.id)?.state ?? 'pending') !== 'pending') continue;
      const before = timers.get(expected.id)?.timer_id;
      if (before) await cancelTimer(trx, before);
      if (clock.state === 'ended' && watched(states, expected)) {
        await this.record(trx, hooks, row, expected.id, 'missed', now, scenarioTimeAt(clock, now));
        continue;
      }
      // Not while the clock stands, nor for a skipped inject (nothing to observe).
      const wall = watched(states, expected) ? wallTimeOf(clock, due) : null;
      const timerId =
        wall === null
          ? null
          : await this.deps.timers.schedule(trx, hooks, {
              kind: OBSERVE_TIMER,
              dueAt: Math.max(now, wall),
              payload: { exerciseId: row.id, expectedId: expected.id },
            });
      if (before || timerId) {
        await saveDeadline(trx, {
          exercise_id: row.id,
          expected_id: expected.id,
          timer_id: timerId,
        });
      }
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
    const states = await statesOf(trx, exerciseId);
    const clock = clockOf(row);
    const now = this.deps.clock.now();
    const scenarioMs = scenarioTimeAt(clock, now);
    const due = dueMs(row, states, expected);
    if (!watched(states, expected)) return;
    if (clock.state !== 'running' || due === null || scenarioMs < due) return;
    await this.record(trx, hooks, row, expectedId, 'missed', now, scenarioMs);
  }

  private async record(
    trx: Db,
    hooks: TxHooks,
    row: ExerciseRow,
    expectedId: string,
    state: Exclude<ObservationState, 'pending' | 'skipped'>,
    at: number,
    scenarioMs: number,
  ): Promise<void> {
    // An action counts over a deadline that passed (late); a deadline only over nothing yet.
    const over: ExerciseObservationRow['state'][] =
      state === 'missed' ? ['pending'] : ['pending', 'missed'];
    // One lock order: the audit head, then the observation (see waitForAuditHead).
    await waitForAuditHead(trx, this.deps.store.dialect);
    const written = await saveObservation(
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
    // Decided meanwhile by another transaction (its state is not one this may replace).
    if (!written) return;
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
