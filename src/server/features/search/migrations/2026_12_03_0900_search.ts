import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { indexText } from '../../../../core/search/text.js';
import { extractValues } from '../../../../core/search/values.js';

/**
 * Full-text search (issue 14): one row per item, the values items name, the cases that
 * hold them, and the words, on SQLite in a contentless FTS5 table, on PostgreSQL in a
 * tsvector column with a GIN index. Then the requests, notes and hotline calls already
 * stored are indexed, as their features index them from now on (cases and their objects are
 * indexed by their own migration). This file keeps its own copy of how those items read, so
 * that it does the same whatever the features become.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('search_docs')
    .addColumn('id', postgres ? 'bigint' : 'integer', (c) =>
      postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey(),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('snippet', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('search_docs_ref', ['kind', 'ref_id'])
    .execute();
  if (postgres) {
    await sql`alter table search_docs add column tsv tsvector not null`.execute(db);
    await sql`create index search_docs_tsv on search_docs using gin (tsv)`.execute(db);
  } else {
    await sql`create virtual table search_fts using fts5(title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`.execute(
      db,
    );
  }
  for (const [table, key] of [
    ['search_values', 'value'],
    ['search_doc_cases', 'case_id'],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn(key, 'text', (c) => c.notNull())
      .addColumn('doc', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, [key, 'doc'])
      .execute();
    await db.schema.createIndex(`${table}_doc`).on(table).column('doc').execute();
  }
  await backfill(db, postgres);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['search_doc_cases', 'search_values', 'search_docs']) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop table if exists search_fts`.execute(db);
}

interface Doc {
  kind: string;
  refId: string;
  caseId: string | null;
  title: string;
  text: string;
  updatedAt: number;
}

const PAGE = 500;

type Row = Record<string, unknown>;

/** Rows of a table in pages, by id. */
async function* pages(db: Kysely<any>, table: string): AsyncGenerator<Row[]> {
  let after = '';
  for (;;) {
    const rows: Row[] = await db
      .selectFrom(table)
      .selectAll()
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) return;
    yield rows;
    after = String(rows[rows.length - 1]?.['id']);
  }
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const lines = (...parts: unknown[]) => parts.map(text).filter(Boolean).join('\n');

async function backfill(db: Kysely<any>, postgres: boolean): Promise<void> {
  for await (const rows of pages(db, 'requests')) {
    const events: Row[] = await db
      .selectFrom('request_events')
      .select(['request_id', 'text'])
      .where(
        'request_id',
        'in',
        rows.map((r) => r['id']),
      )
      .orderBy('lamport')
      .execute();
    const docs = rows.map((r) => ({
      kind: 'request',
      refId: text(r['id']),
      caseId: null,
      title: text(r['title']),
      text: lines(
        r['reference'],
        ...Object.values(JSON.parse(text(r['fields'])) as Row),
        ...events.filter((e) => e['request_id'] === r['id']).map((e) => e['text']),
      ),
      updatedAt: Number(r['updated_at']),
    }));
    await write(db, postgres, docs);
  }
  for await (const rows of pages(db, 'notes')) {
    const docs = rows.map((r) => ({
      kind: 'note',
      refId: text(r['id']),
      caseId: null,
      title: text(r['text']).split('\n')[0]?.slice(0, 120) ?? '',
      text: lines(r['text'], r['author'], r['peer_id']),
      updatedAt: Number(r['created_at']),
    }));
    await write(db, postgres, docs);
  }
  for await (const rows of pages(db, 'hotline_calls')) {
    const docs = rows.map((r) => ({
      kind: 'call',
      refId: text(r['id']),
      caseId: text(r['case_id']) || null,
      title: text(r['subject']),
      text: lines(r['text'], r['outcome'], r['caller'], r['request_reference'], r['peer_id']),
      updatedAt: Number(r['updated_at']),
    }));
    await write(db, postgres, docs);
  }
}

async function write(db: Kysely<any>, postgres: boolean, docs: Doc[]): Promise<void> {
  if (docs.length === 0) return;
  const inserted = await db
    .insertInto('search_docs')
    .values(
      docs.map((d) => ({
        kind: d.kind,
        ref_id: d.refId,
        case_id: d.caseId,
        title: d.title,
        snippet: d.text.replace(/\s+/g, ' ').trim().slice(0, 240),
        updated_at: d.updatedAt,
        ...(postgres
          ? {
              tsv: sql`setweight(to_tsvector('simple', ${indexText(d.title)}), 'A') || to_tsvector('simple', ${indexText(d.text)})`,
            }
          : {}),
      })),
    )
    .returning(['id', 'ref_id'])
    .execute();
  const ids = new Map(
    inserted.map((row: Row) => [text(row['ref_id']), Number(row['id'])] as const),
  );
  const values = [];
  const cases = [];
  const words = [];
  for (const d of docs) {
    const doc = ids.get(d.refId) as number;
    for (const value of extractValues(`${d.title}\n${d.text}`)) values.push({ value, doc });
    if (d.caseId) cases.push({ case_id: d.caseId, doc });
    words.push({ rowid: doc, title: indexText(d.title), body: indexText(d.text) });
  }
  for (let i = 0; i < values.length; i += PAGE) {
    await db
      .insertInto('search_values')
      .values(values.slice(i, i + PAGE))
      .execute();
  }
  if (cases.length > 0) await db.insertInto('search_doc_cases').values(cases).execute();
  if (!postgres) await db.insertInto('search_fts').values(words).execute();
}
