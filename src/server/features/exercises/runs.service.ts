import { randomUUID } from 'node:crypto';
import {
  type ClockMove,
  type ExerciseClock,
  moveClock,
  READY_CLOCK,
  wallTimeOf,
} from '../../../core/exercises/clock.js';
import { expectedActionsOf, type ScenarioSide } from '../../../core/exercises/scenario.js';
import {
  type ClockMoveBody,
  EXERCISE_ANSWER_KIND,
  EXERCISE_CLOCK_KIND,
  EXERCISE_PROPOSE_KIND,
  type ExerciseAnswerMessage,
  type ExerciseClockMessage,
  type ExerciseList,
  type ExerciseProposeMessage,
  type ExerciseQuery,
  type ExerciseView,
  type ProposeExerciseBody,
} from '../../../core/schemas/exercises.js';
import { authorize, type Actor } from '../../actor.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../store/cursors.js';
import { conflict, notFound } from '../../errors.js';
import type { Db, Trx, TxHooks } from '../../store/database.js';
import { cancelTimer, type TimerWorker } from '../../timers/timers.js';
import { displayNameOf, type FeatureDeps } from '../feature-deps.js';
import {
  clockOf,
  definitionOf,
  firedHere,
  mselOf,
  presentExercise,
  presentScenario,
} from './exercises.present.js';
import {
  findExercise,
  injectsOf,
  insertExercise,
  insertInjects,
  listExercises,
  updateExercise,
  updateInject,
} from './exercises.repository.js';
import type { ExerciseRow } from './exercises.table.js';
import type { ExerciseChannels } from './channels.service.js';
import { ExerciseInjects, INJECT_TIMER } from './injects.service.js';
import type { ExerciseObservations } from './observations.service.js';
import type { FeatureServices } from '../module.js';
import { findScenario } from './scenarios.repository.js';
import { exerciseOr404, auditExercise, exerciseChanged } from './exercises.support.js';

export { INJECT_TIMER };
const MINUTE = 60_000;
/** The exercise clock as the requests' deadlines take it. */
type ExerciseTime = Parameters<FeatureServices['requests']['exerciseClockMoved']>[3];
const other = (side: ScenarioSide): ScenarioSide => (side === 'A' ? 'B' : 'A');

/**
 * Runs of a scenario with a peer (issue 17): a controller proposes, the peer's controller
 * accepts or declines; the proposer's controllers drive one exercise clock that both nodes
 * keep (each move carries its wall time); each node fires the injects its side sends on
 * durable timers, so a restart neither loses nor repeats one. Expected actions stay on the
 * node whose side they are.
 */
export class ExerciseRunsService {
  /** The injects: fired on their timers, sent now, skipped or added by a controller. */
  readonly console: ExerciseInjects;

  constructor(
    private readonly deps: FeatureDeps & {
      timers: TimerWorker;
      channels: ExerciseChannels;
      observations: ExerciseObservations;
      requests: Pick<FeatureServices['requests'], 'exerciseClockMoved'>;
    },
  ) {
    this.console = new ExerciseInjects(deps);
  }

  async list(actor: Actor, query: ExerciseQuery): Promise<ExerciseList> {
    authorize(actor, 'exercises.read');
    const after = query.cursor === undefined ? undefined : decodeTimeCursor(query.cursor);
    const rows = await listExercises(this.deps.store.db, query.limit + 1, after);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const now = this.deps.clock.now();
    return {
      exercises: page.map((row) => presentExercise(row, now)),
      next:
        rows.length > query.limit && last
          ? encodeTimeCursor(Number(last.created_at), last.id)
          : null,
    };
  }

  async get(actor: Actor, id: string): Promise<ExerciseView> {
    authorize(actor, 'exercises.read');
    return presentExercise(await exerciseOr404(this.deps.store.db, id), this.deps.clock.now());
  }

  async propose(actor: Actor, body: ProposeExerciseBody): Promise<ExerciseView> {
    authorize(actor, 'exercises.manage');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const scenarioRow = await findScenario(trx, body.scenarioId);
      if (!scenarioRow) {
        throw notFound('scenario_not_found', `No scenario has the id ${body.scenarioId}.`);
      }
      if (!(await this.deps.federation.peerAccepts(trx, body.peer, EXERCISE_PROPOSE_KIND))) {
        throw conflict(
          'peer_cannot_exercise',
          `${body.peer} is not an active peer that runs exercises (it may run an older version).`,
        );
      }
      const scenario = definitionOf(scenarioRow);
      const proposedBy = await displayNameOf(trx, actor, `${this.deps.nodeId} controller`);
      const row: ExerciseRow = {
        id: randomUUID(),
        scenario_id: scenario.id,
        scenario_version: scenario.version,
        peer_id: body.peer,
        side: body.side,
        proposed_here: 1,
        proposed_by: proposedBy,
        status: 'proposed',
        clock: JSON.stringify(READY_CLOCK),
        started_at: null,
        msel: JSON.stringify(presentScenario(scenarioRow, false)),
        expectations: JSON.stringify(expectationsOf(scenario, body.side)),
        created_at: now,
        updated_at: now,
      };
      await this.create(trx, row);
      const message: ExerciseProposeMessage = {
        exerciseId: row.id,
        scenario: mselOf(row),
        proposerSide: body.side,
        proposedBy,
      };
      await this.deps.federation.send(trx, hooks, body.peer, EXERCISE_PROPOSE_KIND, message);
      await auditExercise(trx, actor, now, 'exercise.propose', row.id, {
        peer: body.peer,
        scenario: scenario.id,
        side: body.side,
      });
      exerciseChanged(this.deps.bus, hooks, row.id);
      return row;
    });
    return presentExercise(row, now);
  }

  /** The peer's controller answers a proposal. */
  async answer(actor: Actor, id: string, accepted: boolean): Promise<ExerciseView> {
    authorize(actor, 'exercises.manage');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const row = await exerciseOr404(trx, id);
      if (row.proposed_here === 1 || row.status !== 'proposed') {
        throw conflict(
          'exercise_not_proposed',
          'Only a proposal from the peer that is not answered yet can be accepted or declined.',
        );
      }
      const status = accepted ? ('accepted' as const) : ('declined' as const);
      await updateExercise(trx, id, { status, updated_at: now });
      const by = await displayNameOf(trx, actor, `${this.deps.nodeId} controller`);
      const message: ExerciseAnswerMessage = { exerciseId: id, accepted, by };
      await this.deps.federation.send(trx, hooks, row.peer_id, EXERCISE_ANSWER_KIND, message);
      await auditExercise(trx, actor, now, `exercise.${status}`, id, { peer: row.peer_id });
      exerciseChanged(this.deps.bus, hooks, id);
      return { ...row, status, updated_at: now };
    });
    return presentExercise(row, now);
  }

  /** A move of the exercise clock by one of the proposer's controllers; the peer follows. */
  async move(actor: Actor, id: string, body: ClockMoveBody): Promise<ExerciseView> {
    authorize(actor, 'exercises.manage');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const row = await exerciseOr404(trx, id);
      if (row.proposed_here !== 1) {
        throw conflict(
          'clock_not_ours',
          'The clock is driven by the controllers of the node that proposed the exercise.',
        );
      }
      if (row.status !== 'accepted') {
        throw conflict('exercise_not_accepted', 'The peer has not accepted this exercise yet.');
      }
      const move = wireMove(body, now);
      const result = moveClock(clockOf(row), move);
      if (!result.ok) throw conflict(result.refusal.code, result.refusal.message);
      await this.applyClock(trx, hooks, row, result.clock, now);
      const message: ExerciseClockMessage = { exerciseId: id, move };
      await this.deps.federation.send(trx, hooks, row.peer_id, EXERCISE_CLOCK_KIND, message);
      await auditExercise(trx, actor, now, 'exercise.clock', id, { move });
      return { ...row, clock: JSON.stringify(result.clock), updated_at: now };
    });
    return presentExercise(row, now);
  }

  // ---- from the peer --------------------------------------------------------------------

  async proposalReceived(
    trx: Trx,
    hooks: TxHooks,
    peer: string,
    body: ExerciseProposeMessage,
  ): Promise<void> {
    if (await findExercise(trx, body.exerciseId)) return;
    const now = this.deps.clock.now();
    const side = other(body.proposerSide);
    // This side's expected actions come from this node's own copy of the scenario, if it
    // holds the same version: the proposer never sends its own.
    const local = await findScenario(trx, body.scenario.id);
    const expectations =
      local && Number(local.version) === body.scenario.version
        ? expectationsOf(definitionOf(local), side)
        : [];
    const scenario = {
      ...body.scenario,
      withExpectations: false,
      injects: body.scenario.injects.map((i) => ({ ...i, expect: [] })),
    };
    const row: ExerciseRow = {
      id: body.exerciseId,
      scenario_id: scenario.id,
      scenario_version: scenario.version,
      peer_id: peer,
      side,
      proposed_here: 0,
      proposed_by: body.proposedBy,
      status: 'proposed',
      clock: JSON.stringify(READY_CLOCK),
      started_at: null,
      msel: JSON.stringify(scenario),
      expectations: JSON.stringify(expectations),
      created_at: now,
      updated_at: now,
    };
    await this.create(trx, row);
    await auditExercise(
      trx,
      { kind: 'peer', nodeId: peer },
      now,
      'exercise.proposed_by_peer',
      row.id,
      {
        scenario: scenario.id,
        side,
      },
    );
    exerciseChanged(this.deps.bus, hooks, row.id);
  }

  async answerReceived(
    trx: Trx,
    hooks: TxHooks,
    peer: string,
    body: ExerciseAnswerMessage,
  ): Promise<void> {
    const row = await findExercise(trx, body.exerciseId);
    if (!row || row.peer_id !== peer || row.proposed_here !== 1 || row.status !== 'proposed')
      return;
    const now = this.deps.clock.now();
    const status = body.accepted ? ('accepted' as const) : ('declined' as const);
    await updateExercise(trx, row.id, { status, updated_at: now });
    await auditExercise(trx, { kind: 'peer', nodeId: peer }, now, `exercise.${status}`, row.id, {
      by: body.by,
    });
    exerciseChanged(this.deps.bus, hooks, row.id);
  }

  async clockReceived(
    trx: Trx,
    hooks: TxHooks,
    peer: string,
    body: ExerciseClockMessage,
  ): Promise<void> {
    const row = await findExercise(trx, body.exerciseId);
    if (!row || row.peer_id !== peer || row.proposed_here === 1 || row.status !== 'accepted')
      return;
    const result = moveClock(clockOf(row), body.move);
    // Both nodes fold the same moves: one refused here was refused there too.
    if (!result.ok) return;
    const now = this.deps.clock.now();
    await this.applyClock(trx, hooks, row, result.clock, now);
    await auditExercise(trx, { kind: 'peer', nodeId: peer }, now, 'exercise.clock', row.id, {
      move: body.move,
    });
  }

  /** The exercise clock of an exercise, as its requests' deadlines need it (null: unknown). */
  async exerciseTime(trx: Db, exerciseId: string): Promise<ExerciseTime | null> {
    const row = await findExercise(trx, exerciseId);
    return row ? exerciseTimeOf(clockOf(row)) : null;
  }

  // ---- the injects ----------------------------------------------------------------------

  /** The timer of an inject fired: it fires once, if the clock still says it is due. */
  fire(trx: Trx, hooks: TxHooks, exerciseId: string, injectId: string): Promise<void> {
    return this.console.due(trx, hooks, exerciseId, injectId);
  }

  /** A new clock: stored, and the timers of this node's pending injects set to it. */
  private async applyClock(
    trx: Trx,
    hooks: TxHooks,
    row: ExerciseRow,
    clock: ExerciseClock,
    now: number,
  ): Promise<void> {
    // The start (from ready) is kept for the AAR: the wall time of the move, on both nodes.
    const started = clockOf(row).state === 'ready' && clock.state === 'running';
    await updateExercise(trx, row.id, {
      clock: JSON.stringify(clock),
      ...(started ? { started_at: clock.anchorWall } : {}),
      updated_at: now,
    });
    const states = new Map((await injectsOf(trx, row.id)).map((s) => [s.inject_id, s]));
    for (const inject of mselOf(row).injects) {
      const state = states.get(inject.id);
      if (!state || state.state !== 'pending' || !firedHere(inject, row.side)) continue;
      if (state.timer_id) await cancelTimer(trx, state.timer_id);
      // An inject the clock has reached fires even if it stands now (a jump past it, then a
      // pause before its timer fired): what the clock passed has come.
      const reached = clock.state === 'paused' && inject.atMinutes * MINUTE <= clock.anchorScenario;
      const due = reached ? now : wallTimeOf(clock, inject.atMinutes * MINUTE);
      const timerId =
        due === null
          ? null
          : await this.deps.timers.schedule(trx, hooks, {
              kind: INJECT_TIMER,
              dueAt: Math.max(now, due),
              payload: { exerciseId: row.id, injectId: inject.id },
            });
      await updateInject(trx, row.id, inject.id, { timer_id: timerId });
    }
    // So do the deadlines of the exercise's requests (before the observations below: one
    // lock order with a player's acknowledgement, request then observation then audit).
    await this.deps.requests.exerciseClockMoved(trx, hooks, row.id, exerciseTimeOf(clock));
    // The deadlines of this side's expected actions follow the same clock.
    await this.deps.observations.schedule(trx, hooks, row, clock, now);
    exerciseChanged(this.deps.bus, hooks, row.id);
  }

  private async create(trx: Db, row: ExerciseRow): Promise<void> {
    await insertExercise(trx, row);
    await insertInjects(
      trx,
      mselOf(row).injects.map((inject) => ({
        exercise_id: row.id,
        inject_id: inject.id,
        state: 'pending' as const,
        fired_at: null,
        fired_scenario_ms: null,
        timer_id: null,
        delivered: null,
        problem: null,
      })),
    );
  }
}

/** This side's expected actions, each with the inject it follows (kept on this node only). */
function expectationsOf(scenario: Parameters<typeof expectedActionsOf>[0], side: ScenarioSide) {
  return expectedActionsOf(scenario, side).map(({ inject, expected }) => ({
    injectId: inject.id,
    ...expected,
  }));
}

function exerciseTimeOf(clock: ExerciseClock): ExerciseTime {
  return {
    running: clock.state === 'running',
    anchorWall: clock.anchorWall,
    anchorMs: clock.anchorScenario,
    speed: clock.speed,
  };
}

function wireMove(body: ClockMoveBody, at: number): ClockMove {
  switch (body.kind) {
    case 'start':
    case 'speed':
      return { kind: body.kind, at, speed: body.speed };
    case 'jump':
      return { kind: 'jump', at, to: body.toMinutes * MINUTE };
    default:
      return { kind: body.kind, at };
  }
}
