import { z } from 'zod';
import { Tlp } from './cases.js';

/** What the search box finds: the kinds of items, each shown on its own page. */
export const SEARCH_KINDS = ['object', 'request', 'note', 'call', 'case'] as const;
export const SearchKind = z.enum(SEARCH_KINDS);
export type SearchKind = z.infer<typeof SearchKind>;

/** GET /api/search. */
export const SearchQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1, 'type what to search for: words, an address, a domain, a hash')
    .max(500, 'at most 500 characters'),
  /** Only these kinds, separated by commas: `request,note`. */
  kind: z
    .string()
    .regex(
      new RegExp(`^(${SEARCH_KINDS.join('|')})(,(${SEARCH_KINDS.join('|')}))*$`),
      `one or more of ${SEARCH_KINDS.join(', ')}, separated by commas`,
    )
    .optional(),
  /** Only what this case holds (its objects, its calls, the case itself). */
  case: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `next` of the previous page. */
  cursor: z.string().max(200).optional(),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

export const SearchHit = z.object({
  kind: SearchKind,
  /** The item's own id (a request's, a call's, a STIX object's…). */
  id: z.string(),
  title: z.string(),
  /** The beginning of the item's text. */
  snippet: z.string(),
  /** The case it is in (an object, a call about a case, the case itself). */
  caseId: z.string().nullable(),
  /** Where the web app shows the item: `/requests/<id>`, `/cases/<case>?object=<id>`… */
  link: z.string(),
  /**
   * exact: it names a value of the query (an address, a hash…); words: it holds the query's
   * words, best first; recent: it holds them, but so many items do that they are shown
   * newest first rather than ranked.
   */
  match: z.enum(['exact', 'words', 'recent']),
  /** An object's marking. */
  tlp: Tlp.optional(),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchResults = z.object({
  q: z.string(),
  hits: z.array(SearchHit),
  /** More may follow: pass it as `cursor` (a page may hold fewer hits than the limit). */
  next: z.string().nullable(),
});
export type SearchResults = z.infer<typeof SearchResults>;
