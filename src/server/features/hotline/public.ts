/** What other features may use of the hotline. */
export type { HotlineService } from './calls.service.js';
export type { RosterService } from './roster.service.js';
export type { ExerciseCall } from './calls.service.js';
export type { ExerciseCallEvent } from './hotline.exercise.js';
export { callsCreatedBetween } from './hotline.repository.js';
export type { CallRow } from './hotline.table.js';
