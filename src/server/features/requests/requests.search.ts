import { permitted, type SearchDoc, type SearchService } from '../search/public.js';
import { fieldsOf } from './requests.present.js';
import type { RequestEventRow, RequestRow } from './requests.table.js';

/**
 * A request as the search finds it: its title, reference and fields (the facts, the
 * identifiers, the data asked for), and what each side wrote on its timeline.
 */
export function requestDoc(row: RequestRow, events: readonly RequestEventRow[]): SearchDoc {
  const fields = Object.values(fieldsOf(row)).filter((v): v is string => typeof v === 'string');
  const written = events.map((e) => e.text).filter((t): t is string => Boolean(t));
  return {
    kind: 'request',
    refId: row.id,
    title: row.title,
    text: [row.reference, ...fields, ...written].join('\n'),
    updatedAt: Number(row.updated_at),
  };
}

/** Whoever may read requests sees every request, sent or received; its page shows it. */
export function registerRequestSearch(search: SearchService): void {
  search.provide(
    'request',
    permitted('requests.read', (item) => `/requests/${encodeURIComponent(item.refId)}`),
  );
}
