import type { ColumnType, Selectable } from 'kysely';
import type { SearchKind } from '../../../core/schemas/search.js';

/**
 * One row per item the search finds (a request, a note, a call, a case, a STIX object),
 * keyed by its kind and its own id. Its words are in the full-text index under the same
 * id: on SQLite the FTS5 table `search_fts` (its rowid), on PostgreSQL the `tsv` column.
 */
export interface SearchDocsTable {
  /** SQLite: given by the writer; PostgreSQL: an identity. */
  id: ColumnType<number, number | undefined, never>;
  kind: SearchKind;
  ref_id: string;
  /** The case a hit links into when the search names none (the item's first case). */
  case_id: string | null;
  title: string;
  /** The beginning of the item's text, shown under the title. */
  snippet: string;
  updated_at: number;
  /** PostgreSQL only: the title (weight A) and text as a `simple` tsvector; never read. */
  tsv: ColumnType<never, string | undefined, never>;
}
export type SearchDocRow = Omit<Selectable<SearchDocsTable>, 'tsv'>;

/** Every case that holds an item (an object may be in several): the `case` filter. */
export interface SearchDocCasesTable {
  case_id: string;
  doc: number;
}

/** The values an item names (normalized, core/search/values.ts), for exact lookup. */
export interface SearchValuesTable {
  value: string;
  doc: number;
}

/**
 * SQLite only: the contentless FTS5 index (`contentless_delete=1`), so the text is not
 * stored a second time; rowid is `search_docs.id`. Only written and matched, never read.
 */
export interface SearchFtsTable {
  rowid: number;
  title: string;
  body: string;
}

/** This feature's tables, added to the node's Database type (store/database.ts). */
declare module '../../store/database.js' {
  interface Database {
    search_docs: SearchDocsTable;
    search_doc_cases: SearchDocCasesTable;
    search_values: SearchValuesTable;
    search_fts: SearchFtsTable;
  }
}
