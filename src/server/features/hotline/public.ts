/** What other features may use of the hotline. */
export type { HotlineService } from './hotline.service.js';
export type { RosterService } from './hotline.roster.js';
