import type { Scenario } from '../../../core/exercises/scenario.js';
import type { ScenarioSummary, ScenarioView } from '../../../core/schemas/exercises.js';
import type { ScenarioRow } from './exercises.table.js';

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
