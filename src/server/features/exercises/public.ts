/** What other features may use of exercises. */
export type { ScenariosService } from './scenarios.service.js';
export type { ExerciseRunsService } from './runs.service.js';
export { exercisesWith, type ExerciseFigureRow } from './exercises.figures.js';
