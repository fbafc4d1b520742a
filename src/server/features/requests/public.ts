/** What other features may use of requests for assistance. */
export { findRequest } from './requests.repository.js';
export type { RequestRow } from './requests.table.js';
export type { ExerciseRequest, ExerciseRequestEvent } from './requests.exercise.js';
export { listSentIn as requestsSentIn } from './requests.repository.js';
export { timeliness } from './requests.figures.js';
