import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { DEFAULT_JSON_DEPTH, DEFAULT_STIX_OBJECT_BYTES } from '../src/core/json-limits.js';
import { indexText } from '../src/core/search/text.js';
import { IMPORT_BATCH } from '../src/server/features/cases/import.batch.js';
import { prepareElement } from '../src/server/features/cases/import.prepare.js';
import { indicator } from '../test/harness/stix-feed.js';
import { ROOT } from '../test/harness/cli.js';
import { freePort } from '../test/harness/cluster.js';

/**
 * The same-run baselines of bench/stix (../shared/BENCH.md): raw SQLite inserts of the rows
 * an import wrote, and a bare Fastify route answering a TAXII page's bytes.
 */

/** Rows that belong to one object, read back by a column naming it. */
interface ObjectRows {
  table: string;
  /** The column that names the object (stix_objects.id, case_entries.object_id …). */
  key: string;
}

/**
 * Every table an import writes, each read back per object: the object, its versions and
 * values, its membership of the case and the case's TAXII stream (and the search index's
 * rows, searchRows).
 */
const IMPORTED: readonly ObjectRows[] = [
  { table: 'stix_objects', key: 'id' },
  { table: 'stix_versions', key: 'id' },
  { table: 'stix_values', key: 'object_id' },
  { table: 'case_objects', key: 'object_id' },
  { table: 'case_entries', key: 'object_id' },
];

/** The search feature's index, when the node has it: what an import writes of each object. */
const SEARCH_TABLES = ['search_docs', 'search_values', 'search_doc_cases', 'search_fts'];

interface Table {
  read: SQLite.Statement;
  insert: SQLite.Statement;
}

/**
 * The search index's rows of each object, read back: its document, values and cases by the
 * document's id; its words (the FTS table is contentless, so they cannot be read back) made
 * again from the document's title and text as the index prepares them, outside the clock.
 */
function searchRows(source: SQLite.Database, target: SQLite.Database) {
  const present = source
    .prepare(
      `select count(*) from sqlite_master where name in (${SEARCH_TABLES.map(() => '?').join(',')})`,
    )
    .pluck()
    .get(...SEARCH_TABLES) as number;
  if (present !== SEARCH_TABLES.length) return undefined;
  copySchema(source, target, SEARCH_TABLES);
  const table = (name: string, key: string): Table => {
    const columns = columnsOf(source, name);
    return {
      read: source.prepare(`select ${columns.join(',')} from ${name} where ${key} = ?`).raw(),
      insert: target.prepare(
        `insert into ${name} (${columns.join(',')}) values (${columns.map(() => '?').join(',')})`,
      ),
    };
  };
  const doc = source
    .prepare(`select id, title, snippet from search_docs where kind = 'object' and ref_id = ?`)
    .raw();
  const docs = table('search_docs', 'id');
  const values = table('search_values', 'doc');
  const cases = table('search_doc_cases', 'doc');
  const words = target.prepare('insert into search_fts (rowid, title, body) values (?, ?, ?)');
  return {
    read(objectId: string): (() => void)[] {
      const found = doc.get(objectId) as [number, string, string] | undefined;
      if (!found) return [];
      const [id, title, text] = found;
      const rows = [docs, values, cases].flatMap((t) =>
        (t.read.all(id) as unknown[][]).map((row) => () => t.insert.run(...row)),
      );
      const prepared = [id, indexText(title), indexText(text)];
      return [...rows, () => words.run(...prepared)];
    },
  };
}

/** Creates `tables` (and their indexes) in `target` as they are in `source`. */
function copySchema(source: SQLite.Database, target: SQLite.Database, tables: string[]): void {
  const ddl = source
    .prepare(
      `select sql from sqlite_master
       where tbl_name in (${tables.map(() => '?').join(',')}) and sql is not null
       order by type desc`,
    )
    .all(...tables) as { sql: string }[];
  for (const { sql } of ddl) target.exec(sql);
}

function columnsOf(db: SQLite.Database, table: string): string[] {
  return (db.prepare(`pragma table_info(${table})`).all() as { name: string }[]).map(
    (column) => column.name,
  );
}

/**
 * The rows an import wrote, inserted again raw: read back from the node's database (outside
 * the clock), then inserted with prepared statements into the same tables and indexes, in
 * the order the import stored them, in transactions of the import's batch size, with the
 * node's pragmas. Objects per second.
 */
export function rawInserts(dataDir: string, into: string, batch = IMPORT_BATCH): number {
  const source = new SQLite(path.join(dataDir, 'liaison.db'), { readonly: true });
  const target = new SQLite(into);
  target.pragma('journal_mode = WAL');
  target.pragma('synchronous = FULL');
  copySchema(
    source,
    target,
    IMPORTED.map((rows) => rows.table),
  );
  const tables = IMPORTED.map(({ table, key }) => {
    const columns = columnsOf(source, table);
    return {
      read: source.prepare(`select ${columns.join(',')} from ${table} where ${key} = ?`).raw(),
      insert: target.prepare(
        `insert into ${table} (${columns.join(',')}) values (${columns.map(() => '?').join(',')})`,
      ),
    };
  });
  const search = searchRows(source, target);
  // In the order the import stored them (its rowids), in batches of its size: the same
  // inserts, the same B-tree paths, so what is left between the two is the import's own.
  const ids = source
    .prepare('select rowid, id from stix_objects where rowid > ? order by rowid limit ?')
    .raw();
  const store = target.transaction((rows: unknown[][][], indexed: (() => void)[]) => {
    for (const [index, table] of tables.entries()) {
      for (const row of rows[index] ?? []) table.insert.run(...row);
    }
    for (const write of indexed) write();
  });
  let after = 0;
  let objects = 0;
  let insertMs = 0;
  for (;;) {
    const found = ids.all(after, batch) as [number, string][];
    const page = found.map(([, id]) => id);
    if (page.length === 0) break;
    const rows = tables.map((table) => page.flatMap((id) => table.read.all(id) as unknown[][]));
    const indexed = search ? page.flatMap((id) => search.read(id)) : [];
    const start = performance.now();
    store(rows, indexed);
    insertMs += performance.now() - start;
    objects += page.length;
    after = (found[found.length - 1] as [number, string])[0];
  }
  source.close();
  target.close();
  return objects / (insertMs / 1000);
}

/**
 * The raw inserts again, with a second thread busy on the other core the whole time
 * (allocating and dropping small objects, as a preparing thread does). On a machine of two
 * cores the import's inserts always run beside its preparing thread, sharing the caches,
 * the memory bus and the collector's helpers; this is the most the raw inserts reach so.
 */
export async function rawInsertsBesideBusyThread(dataDir: string, into: string): Promise<number> {
  const busy = new Worker(
    `const { parentPort } = require('node:worker_threads');
     let stop = false;
     parentPort.on('message', () => (stop = true));
     const kept = [];
     let n = 0;
     const spin = () => {
       const end = Date.now() + 50;
       while (Date.now() < end) {
         kept.push({ id: 'indicator--' + n++, values: [String(n)] });
         if (kept.length > 100000) kept.length = 0;
       }
       if (!stop) setImmediate(spin);
     };
     spin();`,
    { eval: true },
  );
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    return rawInserts(dataDir, into);
  } finally {
    await busy.terminate();
  }
}

/** A bare Fastify server in its own process, answering `bodyFile`'s bytes to every GET. */
export async function bareRoute(bodyFile: string): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const script = `
    import Fastify from 'fastify';
    import { readFileSync } from 'node:fs';
    const body = readFileSync(${JSON.stringify(bodyFile)});
    const app = Fastify();
    app.get('/page', (_request, reply) => {
      reply.header('content-type', 'application/taxii+json;version=2.1').send(body);
    });
    await app.listen({ host: '127.0.0.1', port: ${port} });
    process.stdout.write('ready\\n');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  return { url: `http://127.0.0.1:${port}/page`, stop: () => child.kill('SIGTERM') };
}

/**
 * The import's other half alone: how many objects one thread prepares per second (parse,
 * validate, derive the stored row, its lookup values and its search document), on the
 * same indicators as the bundle. An import prepares on one worker thread while the main
 * thread inserts; on a machine of two cores there is no third, so the import cannot go
 * faster than this, whatever its inserts cost: `min(1, prepare / raw)` is its ceiling
 * as a share of the raw inserts.
 */
export function prepareRate(count: number): number {
  const context = {
    caseId: 'bench',
    tlp: 'amber' as const,
    nodeId: 'bench',
    limits: { stixObjectBytes: DEFAULT_STIX_OBJECT_BYTES, jsonDepth: DEFAULT_JSON_DEPTH },
  };
  const elements = Array.from({ length: count }, (_, n) => {
    const text = JSON.stringify(indicator(n));
    return { kind: 'object' as const, index: n, start: 0, end: text.length, text };
  });
  // Warm up: what the worker's first batches pay (compilation) is not its rate.
  for (const element of elements.slice(0, Math.min(2000, count))) prepareElement(element, context);
  const start = performance.now();
  for (const element of elements) prepareElement(element, context);
  return count / ((performance.now() - start) / 1000);
}
