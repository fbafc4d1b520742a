import type { Selectable } from 'kysely';

/** An account of this node taking part in an exercise, and its part (never sent to the peer). */
export interface ExerciseParticipantsTable {
  exercise_id: string;
  user_id: string;
  role: 'controller' | 'evaluator' | 'player';
  /** Display name of who assigned it. */
  assigned_by: string;
  assigned_at: number;
}
export type ExerciseParticipantRow = Selectable<ExerciseParticipantsTable>;

/** An evaluator's observation; `share` 1: goes to the peer with this side's AAR part. */
export interface ExerciseEvaluatorNotesTable {
  id: string;
  exercise_id: string;
  author_id: string;
  author: string;
  kind: 'strength' | 'improvement' | 'note';
  text: string;
  objective: string | null;
  capability: string | null;
  inject_id: string | null;
  expected_id: string | null;
  share: number;
  at: number;
  scenario_ms: number;
}
export type ExerciseEvaluatorNoteRow = Selectable<ExerciseEvaluatorNotesTable>;

/** This side's rating of an objective (capability '') or of one of its capabilities. */
export interface ExerciseRatingsTable {
  exercise_id: string;
  objective: string;
  capability: string;
  rating: 'P' | 'S' | 'M' | 'U';
  note: string;
  rated_by: string;
  rated_at: number;
}
export type ExerciseRatingRow = Selectable<ExerciseRatingsTable>;

/** One account's hotwash (one per account, editable until the AAR is shared). */
export interface ExerciseHotwashTable {
  exercise_id: string;
  user_id: string;
  author: string;
  strengths: string;
  improvements: string;
  text: string;
  updated_at: number;
}
export type ExerciseHotwashRow = Selectable<ExerciseHotwashTable>;

/** This side's corrective actions (the improvement plan); the peer's come in its AAR part. */
export interface ExerciseCorrectiveActionsTable {
  id: string;
  exercise_id: string;
  title: string;
  capability: string;
  owner_side: 'A' | 'B';
  owner: string;
  start_date: string;
  due_date: string;
  status: 'open' | 'in_progress' | 'done' | 'cancelled';
  created_at: number;
  updated_at: number;
}
export type ExerciseCorrectiveActionRow = Selectable<ExerciseCorrectiveActionsTable>;

/** A side's part of the AAR as shared: `ours` as last sent, `theirs` as last received. */
export interface ExerciseAarPartsTable {
  exercise_id: string;
  origin: 'ours' | 'theirs';
  /** AarPart (core/schemas/exercise-evaluation.ts) as JSON. */
  part: string;
  shared_at: number;
}
export type ExerciseAarPartRow = Selectable<ExerciseAarPartsTable>;

declare module '../../store/database.js' {
  interface Database {
    exercise_participants: ExerciseParticipantsTable;
    exercise_evaluator_notes: ExerciseEvaluatorNotesTable;
    exercise_ratings: ExerciseRatingsTable;
    exercise_hotwash: ExerciseHotwashTable;
    exercise_corrective_actions: ExerciseCorrectiveActionsTable;
    exercise_aar_parts: ExerciseAarPartsTable;
  }
}
