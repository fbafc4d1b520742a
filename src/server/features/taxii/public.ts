/** What other features may use of TAXII. */
export type { TaxiiService } from './taxii.service.js';
export type { CollectionsService } from './collections.service.js';
export type { TaxiiClient } from './taxii.client.js';
