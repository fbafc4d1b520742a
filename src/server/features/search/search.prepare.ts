import { indexText } from '../../../core/search/text.js';
import { extractValues, normalizeValue } from '../../../core/search/values.js';
import type { SearchKind } from '../../../core/schemas/search.js';
import type { IndexedDoc } from './search.repository.js';

/** An item as a feature hands it to the search. */
export interface SearchDoc {
  kind: SearchKind;
  /** The item's own id (a request's, a STIX object's…). */
  refId: string;
  /** The cases that hold it, the first being the one its hits link into by default. */
  caseIds?: readonly string[];
  title: string;
  /** Its searchable text; the values in it (addresses, hashes…) are found by themselves. */
  text: string;
  /** Values it names besides those in its text (an observable's value, a file's hashes). */
  values?: readonly string[];
  /**
   * The free text whose values (addresses, hashes…) are found by themselves, when not all of
   * `title` and `text` is free text: an object's patterns and observable values are in
   * `values` already, so only its names and descriptions are scanned.
   */
  valueText?: string;
  /** Epoch milliseconds. */
  updatedAt: number;
}

const MAX_TITLE = 300;
const MAX_SNIPPET = 240;
/** The text indexed of one item: a long attachment's words past this are not searched. */
const MAX_TEXT = 100_000;

/**
 * An item as the index writes it: its words prepared (Chinese spaced out, defanged values
 * refanged) and the values in its text found. Pure and the costly half of indexing, so an
 * import prepares its objects' documents on its worker thread.
 */
export function prepareSearchDoc(doc: SearchDoc): IndexedDoc {
  const title = doc.title.trim().slice(0, MAX_TITLE);
  const text = doc.text.slice(0, MAX_TEXT);
  const values = new Set([
    ...(doc.values ?? []).map(normalizeValue).filter((v) => v.length > 0 && v.length <= 2000),
    ...extractValues(doc.valueText?.slice(0, MAX_TEXT) ?? `${title}\n${text}`),
  ]);
  return {
    kind: doc.kind,
    refId: doc.refId,
    caseIds: [...new Set(doc.caseIds ?? [])],
    title,
    snippet: text.replace(/\s+/g, ' ').trim().slice(0, MAX_SNIPPET),
    updatedAt: doc.updatedAt,
    titleWords: indexText(title),
    bodyWords: indexText(text),
    values: [...values],
  };
}
