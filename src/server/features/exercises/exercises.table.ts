import type { Selectable } from 'kysely';

/** A tabletop scenario: `source` is the YAML as written, `definition` its parsed JSON. */
export interface ExerciseScenariosTable {
  /** The scenario's own id (its file's `id`). */
  id: string;
  version: number;
  /** `bundled` (from scenarios/, refreshed when the bundle's version rises) or `written` here. */
  origin: 'bundled' | 'written';
  source: string;
  definition: string;
  created_at: number;
  updated_at: number;
}
export type ScenarioRow = Selectable<ExerciseScenariosTable>;

/** This feature's tables, added to the node's Database type (store/database.ts). */
declare module '../../store/database.js' {
  interface Database {
    exercise_scenarios: ExerciseScenariosTable;
  }
}
