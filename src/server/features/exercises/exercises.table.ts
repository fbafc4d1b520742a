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

/** A run of a scenario between this node and `peer_id`. */
export interface ExercisesTable {
  /** The same id on both nodes (the proposer's). */
  id: string;
  scenario_id: string;
  scenario_version: number;
  peer_id: string;
  /** The side this node plays. */
  side: 'A' | 'B';
  /** 1 when this node proposed it: its controllers drive the clock. */
  proposed_here: number;
  proposed_by: string;
  status: 'proposed' | 'accepted' | 'declined';
  /** The ExerciseClock (core/exercises/clock.ts) as JSON. */
  clock: string;
  /** Wall time of the clock's `start` move (the AAR's start); null until started. */
  started_at: number | null;
  /** The ScenarioView both sides may see (no expected actions), as JSON. */
  msel: string;
  /** This side's expected actions with their inject, as JSON; never sent to the peer. */
  expectations: string;
  created_at: number;
  updated_at: number;
}
export type ExerciseRow = Selectable<ExercisesTable>;

export interface ExerciseInjectsTable {
  exercise_id: string;
  inject_id: string;
  state: 'pending' | 'fired' | 'skipped';
  fired_at: number | null;
  fired_scenario_ms: number | null;
  /** The pending timer that fires it, while the clock runs. */
  timer_id: string | null;
  /** What it became when it fired here (a call's or request's id), or why it could not go. */
  delivered: string | null;
  problem: string | null;
}
export type ExerciseInjectRow = Selectable<ExerciseInjectsTable>;

/** What reached this node's players: narratives to its side, and what arrived from the peer. */
export interface ExerciseFeedTable {
  id: string;
  exercise_id: string;
  kind: 'narrative' | 'call' | 'request' | 'case_object' | 'note' | 'ping';
  inject_id: string | null;
  /** BilingualText as JSON. */
  title: string;
  body: string;
  ref_id: string | null;
  at: number;
  scenario_ms: number;
}
export type ExerciseFeedRow = Selectable<ExerciseFeedTable>;

/** What this node observed of one of its side's expected actions; never sent to the peer. */
export interface ExerciseObservationsTable {
  exercise_id: string;
  expected_id: string;
  state: 'pending' | 'met' | 'late' | 'missed';
  at: number | null;
  scenario_ms: number | null;
  /** Unused since exercise_deadlines holds the deadline timers (always null). */
  timer_id: string | null;
}
export type ExerciseObservationRow = Selectable<ExerciseObservationsTable>;

/** The timer at the deadline of one of this side's expected actions, while the clock runs. */
export interface ExerciseDeadlinesTable {
  exercise_id: string;
  expected_id: string;
  timer_id: string | null;
}
export type ExerciseDeadlineRow = Selectable<ExerciseDeadlinesTable>;

declare module '../../store/database.js' {
  interface Database {
    exercise_deadlines: ExerciseDeadlinesTable;
    exercises: ExercisesTable;
    exercise_injects: ExerciseInjectsTable;
    exercise_feed: ExerciseFeedTable;
    exercise_observations: ExerciseObservationsTable;
  }
}
