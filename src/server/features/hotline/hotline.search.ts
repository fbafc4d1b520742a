import { permitted, type SearchDoc, type SearchService } from '../search/public.js';
import type { CallRow } from './hotline.table.js';

/** A call as the search finds it: its subject, text, outcome, caller and the request it is about. */
export function callDoc(row: CallRow): SearchDoc {
  return {
    kind: 'call',
    refId: row.id,
    ...(row.case_id ? { caseIds: [row.case_id] } : {}),
    title: row.subject,
    text: [row.text, row.outcome, row.caller, row.request_reference, row.peer_id]
      .filter((part): part is string => Boolean(part))
      .join('\n'),
    updatedAt: Number(row.updated_at),
  };
}

/** Whoever may read the hotline sees every call, placed or received; its page shows it. */
export function registerCallSearch(search: SearchService): void {
  search.provide(
    'call',
    permitted('hotline.read', (item) => `/hotline/${encodeURIComponent(item.refId)}`),
  );
}
