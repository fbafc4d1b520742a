/** What other features use of the search: indexing their items and saying who sees them. */
export type { SearchService } from './search.service.js';
export { prepareSearchDoc, type SearchDoc } from './search.prepare.js';
export type { IndexedDoc } from './search.repository.js';
export { permitted } from './search.providers.js';
export type { SearchCandidate, SearchPlace, SearchProvider } from './search.providers.js';
