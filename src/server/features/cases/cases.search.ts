import { permitted, type SearchDoc, type SearchService } from '../search/public.js';
import { objectsByIds } from './cases.repository.js';
import type { CaseSupport } from './cases.support.js';
import type { CaseRow, StixObjectRow } from './cases.table.js';

/**
 * Cases and their objects in the search (features/search). The cases feature calls
 * `search.index(trx, [caseDoc(row)])` and `search.index(trx, objects.map(…objectDoc…))`
 * where it writes them, `search.remove(trx, 'object', ids)` where an object is deleted,
 * and `search.addToCase(trx, 'object', ids, caseId)` where held objects join a case.
 */

/** A case as the search finds it: its title and summary; it is in itself (the case filter). */
export function caseDoc(row: CaseRow): SearchDoc {
  return {
    kind: 'case',
    refId: row.id,
    caseIds: [row.id],
    title: row.title,
    text: row.summary,
    updatedAt: Number(row.updated_at),
  };
}

/**
 * An object as the search finds it: its label, and the text search matched before (names,
 * descriptions, values, patterns, notes); `values` are those it names exactly
 * (cases.stix.ts's valuesOf); `caseIds` every case that holds it, the first the one its
 * hits open by default.
 */
export function objectDoc(
  row: StixObjectRow,
  values: readonly string[],
  caseIds: readonly string[] = [row.case_id],
  object?: Record<string, unknown>,
): SearchDoc {
  return {
    kind: 'object',
    refId: row.id,
    caseIds,
    title: row.label,
    text: row.search,
    values,
    // Its patterns and observable values are `values`; its prose is scanned for more.
    ...(object ? { valueText: proseOf(object) } : {}),
    updatedAt: Number(row.updated_at),
  };
}

/** The free text of a STIX object: its names, descriptions, explanation and content. */
function proseOf(object: Record<string, unknown>): string {
  return ['name', 'description', 'explanation', 'content', 'abstract']
    .map((key) => object[key])
    .filter((value): value is string => typeof value === 'string')
    .join('\n');
}

/**
 * Who sees what in the search: every case for whoever may read cases (as the case list
 * shows them); an object only to whom its marking lets see it (the gate, cases.gate.ts),
 * opened on its case's page.
 */
export function registerCaseSearch(search: SearchService, support: CaseSupport): void {
  search.provide(
    'case',
    permitted('cases.read', (item) => `/cases/${encodeURIComponent(item.refId)}`),
  );
  search.provide('object', {
    async visible(actor, items) {
      const rows = await objectsByIds(
        support.deps.store.db,
        items.map((item) => item.refId),
      );
      const caseOf = new Map(items.map((item) => [item.refId, item.caseId]));
      return new Map(
        rows
          .filter((row) => support.readable(actor, row))
          .map((row) => {
            const caseId = caseOf.get(row.id) ?? row.case_id;
            const link = `/cases/${encodeURIComponent(caseId)}?object=${encodeURIComponent(row.id)}`;
            return [row.id, { link, tlp: row.tlp }];
          }),
      );
    },
  });
}
