/** What other features may use of ping tests. */
export type { PingsService } from './pings.service.js';
export type { ExercisePing, ExercisePingEvent } from './pings.exercise.js';
export { pingsBetween } from './pings.repository.js';
export type { PingRow } from './pings.table.js';
