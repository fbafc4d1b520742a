import { normalizeValue, refang, scanValues } from './values.js';

/**
 * How text is prepared for full-text search, the same for what is indexed and for what is
 * asked, on both stores. Pure.
 */

/**
 * Chinese and Japanese are written without spaces between words, and neither SQLite's
 * unicode61 tokenizer nor PostgreSQL's `simple` parser segments them: a whole sentence
 * would be one token. Spacing out every ideograph and kana makes each character a token,
 * so a word of several characters is found as a phrase of its characters (数据泄露 →
 * "数 据 泄 露"). Korean is written with spaces and is left alone.
 */
const CJK_CHARACTER =
  /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}])/gu;

export function segmentCjk(text: string): string {
  return text.replace(CJK_CHARACTER, ' $1 ');
}

/**
 * What a text becomes in the full-text index, and what each word of a query becomes before
 * it is matched: refanged (so `evil[.]example` holds the words of `evil.example`), accents
 * dropped, Chinese spaced out, and every run of letters and digits one word, all else a
 * space. The stores then only split on spaces: SQLite's unicode61 and PostgreSQL's parser
 * (which would keep `login-portal.example.com` as one "host" token) see the same words.
 */
export function indexText(text: string): string {
  // Plain ASCII (most of a feed) has no accents and no Chinese: only the split is needed.
  if (isAscii(text)) {
    return refang(text)
      .split(/[^A-Za-z0-9]+/)
      .filter((word) => word.length > 0)
      .join(' ');
  }
  return segmentCjk(
    refang(text)
      .normalize('NFD')
      .replace(/\p{Mn}/gu, ''),
  )
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)
    .join(' ');
}

/** Printable ASCII and line breaks only: nothing to unaccent, no Chinese to space out. */
const isAscii = (text: string): boolean => !/[^\u0020-\u007e\t\n\r]/.test(text);

/** At most this many words of a query go to the full-text index; the rest are ignored. */
const MAX_QUERY_WORDS = 16;
const MAX_WORD_LENGTH = 100;

/** A query split into what is looked up exactly and what is searched as words. */
export interface ParsedQuery {
  /** Normalized values (addresses, domains, hashes…) the query names. */
  values: string[];
  /**
   * The rest of the query, word by word: each must be found (AND), a word of several
   * tokens (`kit-panel`, `数据`) as a phrase. Only words with a letter or a digit are kept,
   * so operators of either store's query language (`"`, `*`, `-`, `(`, `NEAR`…) are never
   * read as such: each word is quoted as a string by the store's query builder.
   */
  words: string[];
}

export function parseQuery(q: string): ParsedQuery {
  const { refanged, found } = scanValues(q);
  const values = new Set(found.map((f) => f.value));
  // A query of one token that is no value the patterns know (a file name, a mutex) may
  // still be a value an object names exactly.
  const trimmed = q.trim();
  if (/[\p{L}\p{N}]/u.test(trimmed) && !/\s/.test(trimmed) && found.length === 0) {
    values.add(normalizeValue(refanged));
  }
  let rest = refanged;
  for (const { start, end } of found) {
    rest = `${rest.slice(0, start)}${' '.repeat(end - start)}${rest.slice(end)}`;
  }
  const words = rest
    .split(/\s+/u)
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .map((word) => word.slice(0, MAX_WORD_LENGTH))
    .slice(0, MAX_QUERY_WORDS);
  return { values: [...values], words };
}
