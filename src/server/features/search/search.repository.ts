import { sql, type RawBuilder } from 'kysely';
import type { SearchKind } from '../../../core/schemas/search.js';
import { indexText } from '../../../core/search/text.js';
import type { Db, Dialect, Store } from '../../store/database.js';
import type { SearchDocRow } from './search.table.js';

/**
 * The search index's queries, on both stores. Full text differs by dialect: SQLite matches
 * an FTS5 query over the contentless table `search_fts` and ranks by bm25; PostgreSQL
 * matches a tsquery over `search_docs.tsv` (GIN) and ranks by ts_rank.
 */

/** Ids in one `in (…)` list: well under either store's limit on bound parameters. */
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** An item as it is written to the index: its text already prepared (core/search/text.ts). */
export interface IndexedDoc {
  kind: SearchKind;
  refId: string;
  caseIds: readonly string[];
  title: string;
  snippet: string;
  updatedAt: number;
  /** The title and text with Chinese spaced out and defanged values refanged. */
  titleWords: string;
  bodyWords: string;
  values: readonly string[];
}

export async function findDocIds(
  db: Db,
  kind: SearchKind,
  refIds: readonly string[],
): Promise<number[]> {
  const ids: number[] = [];
  for (const part of chunks(refIds)) {
    const rows = await db
      .selectFrom('search_docs')
      .select('id')
      .where('kind', '=', kind)
      .where('ref_id', 'in', part)
      .execute();
    ids.push(...rows.map((row) => Number(row.id)));
  }
  return ids;
}

/** Removes items (by doc id) with their words, values and cases. */
export async function deleteDocs(db: Db, dialect: Dialect, ids: readonly number[]): Promise<void> {
  for (const part of chunks(ids)) {
    await db.deleteFrom('search_values').where('doc', 'in', part).execute();
    await db.deleteFrom('search_doc_cases').where('doc', 'in', part).execute();
    if (dialect === 'sqlite')
      await db.deleteFrom('search_fts').where('rowid', 'in', part).execute();
    await db.deleteFrom('search_docs').where('id', 'in', part).execute();
  }
}

/**
 * Writes new items in bulk. SQLite: ids follow the highest (writers hold the database's
 * write lock, so none races), rows go through the store's prepared bulk insert; PostgreSQL:
 * multi-row inserts that compute the tsvector and return the ids the identity gave.
 */
export async function insertDocs(
  store: Store,
  trx: Db,
  docs: readonly IndexedDoc[],
): Promise<void> {
  if (docs.length === 0) return;
  const ids =
    store.dialect === 'sqlite' ? await sqliteDocs(store, trx, docs) : await postgresDocs(trx, docs);
  const values: { value: string; doc: number }[] = [];
  const cases: { case_id: string; doc: number }[] = [];
  docs.forEach((doc, i) => {
    const id = ids[i] as number;
    for (const value of doc.values) values.push({ value, doc: id });
    for (const caseId of doc.caseIds) cases.push({ case_id: caseId, doc: id });
  });
  await store.insertMany(trx, 'search_values', values);
  await store.insertMany(trx, 'search_doc_cases', cases);
}

const docRow = (doc: IndexedDoc) => ({
  kind: doc.kind,
  ref_id: doc.refId,
  case_id: doc.caseIds[0] ?? null,
  title: doc.title,
  snippet: doc.snippet,
  updated_at: doc.updatedAt,
});

async function sqliteDocs(store: Store, trx: Db, docs: readonly IndexedDoc[]): Promise<number[]> {
  const { last } = await trx
    .selectFrom('search_docs')
    .select((eb) => eb.fn.coalesce(eb.fn.max('id'), sql<number>`0`).as('last'))
    .executeTakeFirstOrThrow();
  const ids = docs.map((_, i) => Number(last) + i + 1);
  await store.insertMany(
    trx,
    'search_docs',
    docs.map((doc, i) => ({ id: ids[i] as number, ...docRow(doc) })),
  );
  await store.insertMany(
    trx,
    'search_fts',
    docs.map((doc, i) => ({ rowid: ids[i] as number, title: doc.titleWords, body: doc.bodyWords })),
  );
  return ids;
}

async function postgresDocs(trx: Db, docs: readonly IndexedDoc[]): Promise<number[]> {
  const ids: number[] = [];
  for (const part of chunks(docs)) {
    const rows = await trx
      .insertInto('search_docs')
      .values(
        part.map((doc) => ({
          ...docRow(doc),
          tsv: sql<string>`setweight(to_tsvector('simple', ${doc.titleWords}), 'A') || to_tsvector('simple', ${doc.bodyWords})`,
        })),
      )
      .returning(['id', 'ref_id'])
      .execute();
    const byRef = new Map(rows.map((row) => [row.ref_id, Number(row.id)]));
    ids.push(...part.map((doc) => byRef.get(doc.refId) as number));
  }
  return ids;
}

/** Adds items (by kind and ref id) to a case, without writing their words again. */
export async function addDocsToCase(
  store: Store,
  trx: Db,
  kind: SearchKind,
  refIds: readonly string[],
  caseId: string,
): Promise<void> {
  const ids = await findDocIds(trx, kind, refIds);
  for (const part of chunks(ids)) {
    const held = await trx
      .selectFrom('search_doc_cases')
      .select('doc')
      .where('case_id', '=', caseId)
      .where('doc', 'in', part)
      .execute();
    const already = new Set(held.map((row) => Number(row.doc)));
    const rows = part.filter((id) => !already.has(id)).map((doc) => ({ case_id: caseId, doc }));
    await store.insertMany(trx, 'search_doc_cases', rows);
  }
}

/** What narrows a search: kinds, a case. */
export interface SearchScope {
  kinds?: readonly SearchKind[];
  caseId?: string;
}

/** A page of candidates: a position in a list, and how many from there. */
export interface Page {
  offset: number;
  limit: number;
}

const DOC_COLUMNS = sql`d.id, d.kind, d.ref_id, d.case_id, d.title, d.snippet, d.updated_at`;

function scopeSql(scope: SearchScope): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (scope.kinds && scope.kinds.length > 0) {
    parts.push(sql`and d.kind in (${sql.join(scope.kinds)})`);
  }
  if (scope.caseId !== undefined) {
    // A probe per candidate (the key is (case_id, doc)), not the case's whole list: a case
    // may hold a million objects.
    parts.push(
      sql`and exists (select 1 from search_doc_cases c where c.case_id = ${scope.caseId} and c.doc = d.id)`,
    );
  }
  return sql.join(parts, sql` `);
}

/** The items that name one of `values`, newest first. */
export async function exactPage(
  db: Db,
  values: readonly string[],
  scope: SearchScope,
  page: Page,
): Promise<SearchDocRow[]> {
  // Driven from the values' index: the few items naming a value, never a walk of all items.
  const { rows } = await sql<SearchDocRow>`
    select ${DOC_COLUMNS}
    from (select distinct doc from search_values where value in (${sql.join(values)})) v
    join search_docs d on d.id = v.doc
    where 1 = 1 ${scopeSql(scope)}
    order by d.id desc limit ${page.limit} offset ${page.offset}`.execute(db);
  return rows;
}

/**
 * The full-text query: every word must be found, a word of several tokens (`kit-panel`,
 * `数据`) as a phrase. Each word, prepared as the index's text is, is passed as a quoted
 * string (FTS5) or through phraseto_tsquery (PostgreSQL), so nothing a user types is read
 * as an operator.
 */
function matchSql(dialect: Dialect, words: readonly string[]): RawBuilder<unknown> {
  if (dialect === 'sqlite') {
    const query = words.map((w) => `"${indexText(w).replaceAll('"', '""')}"`).join(' ');
    return sql`search_fts match ${query}`;
  }
  return sql`d.tsv @@ (${tsquery(words)})`;
}

function tsquery(words: readonly string[]): RawBuilder<unknown> {
  return sql.join(
    words.map((w) => sql`phraseto_tsquery('simple', ${indexText(w)})`),
    sql` && `,
  );
}

/** How many items hold the words, counted up to `cap` (to choose ranking or recency). */
export async function countWords(
  db: Db,
  dialect: Dialect,
  words: readonly string[],
  cap: number,
): Promise<number> {
  const from = dialect === 'sqlite' ? sql`search_fts` : sql`search_docs d`;
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from (select 1 from ${from} where ${matchSql(dialect, words)} limit ${cap}) m`.execute(
    db,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * The items that hold the words, but not those that name one of `exceptValues` (already
 * shown as exact hits): best first (bm25 weighing the title 4:1; ts_rank), or, when too
 * many match to rank them quickly, newest first.
 */
export async function wordsPage(
  db: Db,
  dialect: Dialect,
  query: { words: readonly string[]; exceptValues: readonly string[]; ranked: boolean },
  scope: SearchScope,
  page: Page,
): Promise<SearchDocRow[]> {
  const except =
    query.exceptValues.length > 0
      ? sql`and d.id not in (select doc from search_values where value in (${sql.join(query.exceptValues)}))`
      : sql``;
  const match = matchSql(dialect, query.words);
  const sqlite = dialect === 'sqlite';
  // Newest first follows the index's own order (FTS5 walks rowids backwards and stops).
  const order = !query.ranked
    ? sqlite
      ? sql`search_fts.rowid desc`
      : sql`d.id desc`
    : sqlite
      ? sql`bm25(search_fts, 4.0, 1.0), d.id desc`
      : sql`ts_rank(d.tsv, ${tsquery(query.words)}) desc, d.id desc`;
  const from = sqlite
    ? sql`search_fts join search_docs d on d.id = search_fts.rowid`
    : sql`search_docs d`;
  const { rows } = await sql<SearchDocRow>`
    select ${DOC_COLUMNS} from ${from}
    where ${match} ${except} ${scopeSql(scope)}
    order by ${order} limit ${page.limit} offset ${page.offset}`.execute(db);
  return rows;
}
