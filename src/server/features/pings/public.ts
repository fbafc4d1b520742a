/** What other features may use of ping tests. */
export type { PingsService } from './pings.service.js';
