import { request } from '../../app/client';
import type { SearchResults } from '../../app/types';

/**
 * The search box on every page: requests, notes, calls, cases and objects this user may
 * see, values in the query exactly first; `cursor` is the `next` of the page before.
 */
export function searchEverything(q: string, limit = 50, cursor?: string): Promise<SearchResults> {
  const query = new URLSearchParams({ q, limit: String(limit) });
  if (cursor) query.set('cursor', cursor);
  return request<SearchResults>('GET', `/api/search?${query}`);
}
