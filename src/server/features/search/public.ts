/** What other features use of the search: indexing their items and saying who sees them. */
export type { SearchDoc, SearchService } from './search.service.js';
export { permitted } from './search.providers.js';
export type { SearchCandidate, SearchPlace, SearchProvider } from './search.providers.js';
