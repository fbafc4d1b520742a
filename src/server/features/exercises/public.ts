/** What other features may use of exercises. */
export type { ScenariosService } from './scenarios.service.js';
