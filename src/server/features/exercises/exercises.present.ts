import {
  type ExerciseClock,
  formatScenarioTime,
  scenarioTimeAt,
} from '../../../core/exercises/clock.js';
import type { Scenario } from '../../../core/exercises/scenario.js';
import type {
  ExerciseInjectList,
  ExerciseView,
  ScenarioSummary,
  ScenarioView,
} from '../../../core/schemas/exercises.js';
import type { ExerciseInjectRow, ExerciseRow, ScenarioRow } from './exercises.table.js';

const iso = (ms: number) => new Date(Number(ms)).toISOString();

export function definitionOf(row: ScenarioRow): Scenario {
  return JSON.parse(row.definition) as Scenario;
}

export function presentScenarioSummary(row: ScenarioRow): ScenarioSummary {
  const scenario = definitionOf(row);
  return {
    id: row.id,
    version: Number(row.version),
    title: scenario.title,
    summary: scenario.summary,
    origin: row.origin,
    durationMinutes: scenario.duration,
    objectives: scenario.objectives.length,
    injects: scenario.injects.length,
    updatedAt: iso(row.updated_at),
  };
}

/** The whole scenario; the expected actions only when `withExpectations` (a controller). */
export function presentScenario(row: ScenarioRow, withExpectations: boolean): ScenarioView {
  const scenario = definitionOf(row);
  const { objectives: _objectives, injects: _injects, ...summary } = presentScenarioSummary(row);
  return {
    ...summary,
    sides: scenario.sides,
    objectives: scenario.objectives,
    injects: scenario.injects.map(({ at, expect, ...inject }) => ({
      ...inject,
      atMinutes: at,
      expect: withExpectations
        ? expect.map(({ within, ...expected }) => ({ ...expected, withinMinutes: within }))
        : [],
    })),
    withExpectations,
  };
}

/** Whether this node fires an inject: its side sends it, or it is a narrative for its players. */
export function firedHere(inject: { from: string; to: { side: string } }, side: string): boolean {
  return inject.from === side || (inject.from === 'control' && inject.to.side === side);
}

export function clockOf(row: ExerciseRow): ExerciseClock {
  return JSON.parse(row.clock) as ExerciseClock;
}

export function mselOf(row: ExerciseRow): ScenarioView {
  return JSON.parse(row.msel) as ScenarioView;
}

export function presentExercise(row: ExerciseRow, now: number): ExerciseView {
  const clock = clockOf(row);
  const scenarioMs = scenarioTimeAt(clock, now);
  return {
    id: row.id,
    scenarioId: row.scenario_id,
    scenarioVersion: Number(row.scenario_version),
    title: mselOf(row).title,
    peer: row.peer_id,
    side: row.side,
    proposedHere: row.proposed_here === 1,
    proposedBy: row.proposed_by,
    status: row.status,
    clock: {
      state: clock.state,
      speed: clock.speed,
      scenarioMinutes: Math.floor(scenarioMs / 6_000) / 10,
      display: formatScenarioTime(scenarioMs),
    },
    expectations: (JSON.parse(row.expectations) as unknown[]).length,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function presentInjects(row: ExerciseRow, states: ExerciseInjectRow[]): ExerciseInjectList {
  const byId = new Map(states.map((state) => [state.inject_id, state]));
  return {
    injects: mselOf(row).injects.map((inject) => {
      const state = byId.get(inject.id);
      return {
        id: inject.id,
        atMinutes: inject.atMinutes,
        from: inject.from,
        toSide: inject.to.side,
        channel: inject.channel,
        title: inject.title,
        firedHere: firedHere(inject, row.side),
        state: state?.state ?? 'pending',
        firedAt: state?.fired_at == null ? null : iso(state.fired_at),
        firedAtMinutes:
          state?.fired_scenario_ms == null ? null : Number(state.fired_scenario_ms) / 60_000,
        delivered: state?.delivered ?? null,
        problem: state?.problem ?? null,
      };
    }),
  };
}
