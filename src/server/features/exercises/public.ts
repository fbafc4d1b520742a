/** What other features may use of exercises. */
export type { ScenariosService } from './scenarios.service.js';
export type { ExerciseRunsService } from './runs.service.js';
export { exercisesWith, type ExerciseFigureRow } from './exercises.figures.js';
/** For the dialogue record: an exercise's corrective actions (the AAR's improvement plan). */
export { findExercise } from './exercises.repository.js';
export { findCorrective } from './evaluation.repository.js';
export type { ExerciseCorrectiveActionRow } from './evaluation.table.js';
