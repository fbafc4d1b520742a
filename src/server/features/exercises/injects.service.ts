import { scenarioTimeAt, wallTimeOf } from '../../../core/exercises/clock.js';
import { injectChecks, type Inject } from '../../../core/exercises/scenario.js';
import {
  type AddInjectBody,
  EXERCISE_INJECT_KIND,
  type ExerciseInjectList,
  type ExerciseInjectMessage,
  type InjectView,
} from '../../../core/schemas/exercises.js';
import { authorize, type Actor } from '../../actor.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import type { Db, Trx, TxHooks } from '../../store/database.js';
import { cancelTimer, type TimerWorker } from '../../timers/timers.js';
import type { FeatureDeps } from '../feature-deps.js';
import type { ExerciseChannels } from './channels.service.js';
import { clockOf, firedHere, mselOf, presentInjects } from './exercises.present.js';
import {
  findExercise,
  findInject,
  injectsOf,
  insertInjects,
  updateExercise,
  updateInject,
} from './exercises.repository.js';
import type { ExerciseInjectRow, ExerciseRow } from './exercises.table.js';
import { expectationsOf, type ExerciseObservations } from './observations.service.js';
import { exerciseOr404, auditExercise, exerciseChanged } from './exercises.support.js';

export const INJECT_TIMER = 'exercise.inject';
const MINUTE = 60_000;
const CONTROL = { kind: 'system', reason: 'exercise' } as const;

type InjectsDeps = FeatureDeps & {
  timers: TimerWorker;
  channels: ExerciseChannels;
  observations: ExerciseObservations;
};

/**
 * The injects of a run (issue 17): each fires once, on its durable timer or when a
 * controller sends it now, through its real channel in the transaction that marks it
 * fired; a controller may skip one or add one during the run (checked like a scenario's).
 * Only the node that fires an inject sends, skips it or adds it; the peer hears of each
 * change (`liaison.exercise.inject`) and shows the inject's state, never this side's
 * expected actions, which stay here.
 */
export class ExerciseInjects {
  constructor(private readonly deps: InjectsDeps) {}

  /** The MSEL with each inject's state (the controllers' console). */
  async list(actor: Actor, id: string): Promise<ExerciseInjectList> {
    authorize(actor, 'exercises.manage');
    const row = await exerciseOr404(this.deps.store.db, id);
    return presentInjects(row, await injectsOf(this.deps.store.db, id));
  }

  /** The timer of an inject fired: it fires once, if the clock still says it is due. */
  async due(trx: Trx, hooks: TxHooks, exerciseId: string, injectId: string): Promise<void> {
    const row = await findExercise(trx, exerciseId);
    const state = await findInject(trx, exerciseId, injectId);
    if (!row || !state || state.state !== 'pending') return;
    const inject = mselOf(row).injects.find((i) => i.id === injectId);
    if (!inject) return;
    const now = this.deps.clock.now();
    const clock = clockOf(row);
    // Running, or paused once the clock had reached it (a jump past it, then a pause).
    const standsOrRuns = clock.state === 'running' || clock.state === 'paused';
    if (!standsOrRuns || scenarioTimeAt(clock, now) < inject.atMinutes * MINUTE) return;
    await this.fire(trx, hooks, row, inject, now, inject.atMinutes * MINUTE, CONTROL);
  }

  /** A controller sends one of this node's pending injects now, whatever its time. */
  async sendNow(actor: Actor, id: string, injectId: string): Promise<ExerciseInjectList> {
    authorize(actor, 'exercises.manage');
    await this.deps.store.transaction(async (trx, hooks) => {
      const { row, inject, state } = await this.ours(trx, id, injectId);
      await this.stopTimer(trx, state);
      const now = this.deps.clock.now();
      const scenarioMs = Math.round(scenarioTimeAt(clockOf(row), now));
      await this.fire(trx, hooks, row, inject, now, scenarioMs, actor);
      // Its expected actions are due from now on the exercise clock.
      await this.deps.observations.schedule(trx, hooks, row, clockOf(row), now, injectId);
    });
    return this.list(actor, id);
  }

  /** A controller skips one of this node's pending injects: it never fires. */
  async skip(actor: Actor, id: string, injectId: string): Promise<ExerciseInjectList> {
    authorize(actor, 'exercises.manage');
    await this.deps.store.transaction(async (trx, hooks) => {
      const { row, state } = await this.ours(trx, id, injectId);
      await this.stopTimer(trx, state);
      const now = this.deps.clock.now();
      await updateInject(trx, id, injectId, { state: 'skipped', timer_id: null });
      await this.deps.observations.schedule(trx, hooks, row, clockOf(row), now, injectId);
      await this.tellPeer(trx, hooks, row, { injectId, change: 'skipped', at: now });
      await auditExercise(trx, actor, now, 'exercise.inject_skip', id, { inject: injectId });
      exerciseChanged(this.deps.bus, hooks, id);
    });
    return this.list(actor, id);
  }

  /** A controller adds an inject this node fires, checked like a scenario's. */
  async add(actor: Actor, id: string, body: AddInjectBody): Promise<ExerciseInjectList> {
    authorize(actor, 'exercises.manage');
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await exerciseOr404(trx, id);
      const clock = clockOf(row);
      if (row.status !== 'accepted' || clock.state === 'ended') {
        throw conflict('exercise_not_running', 'The exercise is not accepted, or has ended.');
      }
      const now = this.deps.clock.now();
      const at = body.atMinutes ?? Math.ceil(scenarioTimeAt(clock, now) / MINUTE);
      const inject = checkedInject(row, body, at);
      const view: InjectView = { ...withoutTime(inject), atMinutes: at, expect: [] };
      const msel = mselOf(row);
      const expectations = [
        ...expectationsOf(row),
        ...inject.expect.map((expected) => ({ injectId: inject.id, ...expected })),
      ];
      const next: ExerciseRow = {
        ...row,
        msel: JSON.stringify({ ...msel, injects: [...msel.injects, view] }),
        expectations: JSON.stringify(expectations),
        updated_at: now,
      };
      await updateExercise(trx, id, {
        msel: next.msel,
        expectations: next.expectations,
        updated_at: now,
      });
      const wall = wallTimeOf(clock, at * MINUTE);
      const timerId =
        wall === null
          ? null
          : await this.deps.timers.schedule(trx, hooks, {
              kind: INJECT_TIMER,
              dueAt: Math.max(now, wall),
              payload: { exerciseId: id, injectId: inject.id },
            });
      await insertInjects(trx, [pendingInject(id, inject.id, timerId)]);
      await this.deps.observations.schedule(trx, hooks, next, clock, now, inject.id);
      await this.tellPeer(trx, hooks, row, {
        injectId: inject.id,
        change: 'added',
        at: now,
        inject: view,
      });
      await auditExercise(trx, actor, now, 'exercise.inject_add', id, {
        inject: inject.id,
        channel: inject.channel,
        scenarioMinutes: at,
      });
      exerciseChanged(this.deps.bus, hooks, id);
    });
    return this.list(actor, id);
  }

  /** The peer fired, skipped or added one of the injects it sends. */
  async changeReceived(
    trx: Trx,
    hooks: TxHooks,
    peer: string,
    body: ExerciseInjectMessage,
  ): Promise<void> {
    const row = await findExercise(trx, body.exerciseId);
    if (!row || row.peer_id !== peer || row.status !== 'accepted') return;
    const msel = mselOf(row);
    const now = this.deps.clock.now();
    if (body.change === 'added') {
      const inject = body.inject;
      const known = msel.injects.some((i) => i.id === body.injectId);
      if (!inject || inject.id !== body.injectId || known || firedHere(inject, row.side)) return;
      const view = { ...inject, expect: [] };
      const next = { ...msel, injects: [...msel.injects, view] };
      await updateExercise(trx, row.id, { msel: JSON.stringify(next), updated_at: now });
      await insertInjects(trx, [pendingInject(row.id, inject.id, null)]);
    } else {
      const inject = msel.injects.find((i) => i.id === body.injectId);
      const state = await findInject(trx, row.id, body.injectId);
      // Only what the peer fires, and only once.
      if (!inject || !state || state.state !== 'pending' || firedHere(inject, row.side)) return;
      await updateInject(
        trx,
        row.id,
        inject.id,
        body.change === 'fired'
          ? { state: 'fired', fired_at: body.at, fired_scenario_ms: body.scenarioMs ?? null }
          : { state: 'skipped' },
      );
      // This side's expected actions of the inject: due from when it fired (when not at its
      // own time: sent early or late by a controller), or not observed (skipped).
      if (body.change === 'skipped' || body.scenarioMs !== inject.atMinutes * MINUTE) {
        await this.deps.observations.schedule(trx, hooks, row, clockOf(row), now, inject.id);
      }
    }
    await auditExercise(
      trx,
      { kind: 'peer', nodeId: peer },
      now,
      `exercise.inject_${body.change}`,
      row.id,
      {
        inject: body.injectId,
      },
    );
    exerciseChanged(this.deps.bus, hooks, row.id);
  }

  /** Fires an inject through its channel, marked fired in this transaction, and tells the peer. */
  private async fire(
    trx: Db,
    hooks: TxHooks,
    row: ExerciseRow,
    inject: InjectView,
    now: number,
    scenarioMs: number,
    actor: Actor,
  ): Promise<void> {
    // Through its real channel, marked EXERCISE, in this transaction: fired once, delivered once.
    const delivery = await this.deps.channels.deliver(trx, hooks, row, inject, now);
    await updateInject(trx, row.id, inject.id, {
      state: 'fired',
      fired_at: now,
      fired_scenario_ms: scenarioMs,
      timer_id: null,
      ...delivery,
    });
    await this.tellPeer(trx, hooks, row, {
      injectId: inject.id,
      change: 'fired',
      at: now,
      scenarioMs,
    });
    await auditExercise(
      trx,
      actor,
      now,
      actor === CONTROL ? 'exercise.inject_fired' : 'exercise.inject_send',
      row.id,
      {
        inject: inject.id,
        channel: inject.channel,
        scenarioMinutes: Math.floor(scenarioMs / MINUTE),
        ...(delivery.delivered ? { delivered: delivery.delivered } : {}),
        ...(delivery.problem ? { problem: delivery.problem } : {}),
      },
    );
    exerciseChanged(this.deps.bus, hooks, row.id);
  }

  /** One of this node's pending injects, in an exercise whose clock has started. */
  private async ours(trx: Db, id: string, injectId: string) {
    const row = await exerciseOr404(trx, id);
    const inject = mselOf(row).injects.find((i) => i.id === injectId);
    const state = await findInject(trx, id, injectId);
    if (!inject || !state) {
      throw notFound('inject_not_found', `Exercise ${id} has no inject ${injectId}.`);
    }
    if (!firedHere(inject, row.side)) {
      throw conflict(
        'inject_not_ours',
        'The peer sends this inject; only its controllers send or skip it.',
      );
    }
    const clock = clockOf(row).state;
    if (row.status !== 'accepted' || (clock !== 'running' && clock !== 'paused')) {
      throw conflict(
        'exercise_not_running',
        'The exercise is not running (not started, or ended).',
      );
    }
    if (state.state !== 'pending') {
      throw conflict('inject_not_pending', `Inject ${injectId} is ${state.state} already.`);
    }
    return { row, inject, state };
  }

  /** Cancels an inject's timer; refused if it fired meanwhile (its timer got there first). */
  private async stopTimer(trx: Db, state: ExerciseInjectRow): Promise<void> {
    if (!state.timer_id) return;
    await cancelTimer(trx, state.timer_id);
    const now = await findInject(trx, state.exercise_id, state.inject_id);
    if (now?.state !== 'pending') {
      throw conflict('inject_not_pending', `Inject ${state.inject_id} is ${now?.state} already.`);
    }
  }

  private async tellPeer(
    trx: Db,
    hooks: TxHooks,
    row: ExerciseRow,
    change: Omit<ExerciseInjectMessage, 'exerciseId'>,
  ): Promise<void> {
    if (!(await this.deps.federation.peerAccepts(trx, row.peer_id, EXERCISE_INJECT_KIND))) return;
    const message: ExerciseInjectMessage = { exerciseId: row.id, ...change };
    await this.deps.federation.send(trx, hooks, row.peer_id, EXERCISE_INJECT_KIND, message);
  }
}

function pendingInject(
  exerciseId: string,
  injectId: string,
  timerId: string | null,
): ExerciseInjectRow {
  return {
    exercise_id: exerciseId,
    inject_id: injectId,
    state: 'pending',
    fired_at: null,
    fired_scenario_ms: null,
    timer_id: timerId,
    delivered: null,
    problem: null,
  };
}

function withoutTime({ at: _at, expect: _expect, ...inject }: Inject) {
  return inject;
}

/**
 * An ad-hoc inject as the scenario format has it, checked like a scenario's inject (ids
 * unique in the run, within the duration, the channel's fields, expected actions) and as
 * this node may add it: from its side, or a narrative to its own players; expected actions
 * of its own side only. 400 invalid_inject with each problem.
 */
function checkedInject(row: ExerciseRow, body: AddInjectBody, at: number): Inject {
  const msel = mselOf(row);
  const { atMinutes: _at, expect, ...rest } = body;
  const inject: Inject = {
    ...rest,
    at,
    expect: expect.map(({ withinMinutes, ...expected }) => ({
      ...expected,
      within: withinMinutes,
    })),
  };
  const ids = new Set([...msel.injects.map((i) => i.id), ...expectationsOf(row).map((e) => e.id)]);
  const context = {
    duration: msel.durationMinutes,
    objectives: new Set(msel.objectives.map((o) => o.id)),
    ids,
  };
  const problems = injectChecks(inject, context, []).map((issue) => ({
    field: issue.path.join('.'),
    message: issue.message,
  }));
  if (!firedHere(inject, row.side)) {
    problems.push({
      field: 'from',
      message: `this node plays side ${row.side}: it adds injects from ${row.side}, or narratives for its own players`,
    });
  }
  inject.expect.forEach((expected, j) => {
    if (expected.side !== row.side) {
      problems.push({
        field: `expect.${j}.side`,
        message: `only side ${row.side}'s expected actions are kept here`,
      });
    }
  });
  if (problems.length > 0) {
    throw badRequest(
      'invalid_inject',
      `The inject has ${problems.length === 1 ? 'a mistake' : `${problems.length} mistakes`}: ${problems
        .map((p) => `${p.field}: ${p.message}`)
        .join('; ')}`,
      { extra: { problems } },
    );
  }
  return inject;
}
