/** What other features (TAXII) and the CLI may use of cases and their imports. */
export { caseSharedWith, findCase } from './cases.repository.js';
export type { CasesService } from './cases.service.js';
export type { ObjectsService } from './objects.service.js';
export type { ImportService, ImportSource } from './import.service.js';
export type { ExerciseCases, ExerciseObject, ExerciseObjectEvent } from './cases.exercise.js';
export { feedbackCount, sharedObjectCounts } from './cases.figures.js';
export { caseIdsAfter, caseObjectsOfType, type CaseObjectItem } from './cases.listing.js';
