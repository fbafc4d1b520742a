import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { ROOT } from '../test/harness/cli.js';
import {
  clusterRoot,
  createNodeProcess,
  freePort,
  removeClusterRoots,
  type NodeProcess,
} from '../test/harness/cluster.js';
import { writeIndicatorBundle } from '../test/harness/stix-feed.js';
import { machine, percentile, printTable } from './report.js';

/**
 * bench/stix (../shared/BENCH.md): one real node process (SQLite, the built product).
 * - import: `liaison import stix FILE --case ID` (the CLI, its own process) of a bundle of
 *   COUNT indicators written to disk first; objects/s over the CLI's whole run, and its peak
 *   RSS (VmHWM, sampled from /proc while it runs);
 * - TAXII: with those stored, READERS concurrent clients each fetching pages of 100 from
 *   random places of one collection (GET …/objects/?limit=100&next=…) for SECONDS; latency
 *   p50/p99 and requests/s;
 * - lookup: "have we seen 10.x.y.z?" (GET /api/cases/lookup?value=) one after another;
 * baselines, same run: raw SQLite inserts of the same rows (read back from the node's
 * database, inserted with prepared statements into the same tables and indexes, in
 * transactions of the same size, same pragmas), and a bare Fastify route answering the
 * same page bytes to the same concurrency.
 */
const COUNT = Number(process.env['BENCH_STIX_OBJECTS'] ?? 1_000_000);
const READERS = 16;
const SECONDS = Number(process.env['BENCH_STIX_SECONDS'] ?? 15);
const LOOKUPS = 2000;
const PAGE = 100;
/** BENCH_STIX_IMPORT_ONLY=1: only the import (for the flat-memory run on a file of GBs). */
const IMPORT_ONLY = process.env['BENCH_STIX_IMPORT_ONLY'] === '1';

interface Load {
  latencies: number[];
  requests: number;
  seconds: number;
}

/** READERS clients asking `next()`'s URLs for SECONDS, each waiting for its answer. */
async function load(next: () => string, headers: Record<string, string>): Promise<Load> {
  const latencies: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  const began = performance.now();
  let failures = 0;
  await Promise.all(
    Array.from({ length: READERS }, async () => {
      while (performance.now() < until) {
        const start = performance.now();
        const response = await fetch(next(), { headers });
        await response.arrayBuffer();
        if (response.status !== 200) failures++;
        latencies.push(performance.now() - start);
      }
    }),
  );
  if (failures > 0) throw new Error(`${failures} requests failed`);
  return { latencies, requests: latencies.length, seconds: (performance.now() - began) / 1000 };
}

/** Runs the CLI import in its own process; its wall time and peak RSS. */
async function importWithCli(
  node: NodeProcess,
  file: string,
  caseId: string,
): Promise<{ seconds: number; peakRssMb: number; job: Record<string, number | string> }> {
  const began = performance.now();
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'bin', 'liaison.js'),
      'import',
      'stix',
      file,
      '--case',
      caseId,
      '--data',
      node.dataDir,
      '--json',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  let peakKb = 0;
  const sample = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      // gone
    }
  };
  const timer = setInterval(sample, 100);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  const seconds = (performance.now() - began) / 1000;
  if (code !== 0) throw new Error(`import failed (${code}):\n${err}\n${out}`);
  const job = (JSON.parse(out) as { import: Record<string, number | string> }).import;
  return { seconds, peakRssMb: Math.round(peakKb / 1024), job };
}

/** The same rows, raw: prepared inserts into the same tables and indexes. */
function rawInserts(dataDir: string, into: string): number {
  const source = new SQLite(path.join(dataDir, 'liaison.db'), { readonly: true });
  const target = new SQLite(into);
  target.pragma('journal_mode = WAL');
  target.pragma('synchronous = FULL');
  const tables = ['stix_objects', 'stix_versions', 'stix_values'];
  const ddl = source
    .prepare(
      `select sql from sqlite_master where tbl_name in (${tables.map(() => '?').join(',')}) and sql is not null`,
    )
    .all(...tables) as { sql: string }[];
  for (const { sql } of ddl) target.exec(sql);
  const insert = Object.fromEntries(
    tables.map((table) => {
      const columns = (
        source.prepare(`pragma table_info(${table})`).all() as { name: string }[]
      ).map((c) => c.name);
      return [
        table,
        target.prepare(
          `insert into ${table} (${columns.join(',')}) values (${columns.map(() => '?').join(',')})`,
        ),
      ];
    }),
  );
  const read = {
    objects: source.prepare('select * from stix_objects where id > ? order by id limit 2000'),
    versions: source.prepare('select * from stix_versions where id = ?'),
    values: source.prepare('select * from stix_values where object_id = ?'),
  };
  let after = '';
  let rows = 0;
  let insertMs = 0;
  for (;;) {
    const objects = read.objects.all(after) as Record<string, unknown>[];
    if (objects.length === 0) break;
    const batch = objects.map((object) => ({
      object,
      versions: read.versions.all(object['id']) as Record<string, unknown>[],
      values: read.values.all(object['id']) as Record<string, unknown>[],
    }));
    const start = performance.now();
    target.transaction(() => {
      for (const item of batch) {
        insert['stix_objects']?.run(...Object.values(item.object));
        for (const v of item.versions) insert['stix_versions']?.run(...Object.values(v));
        for (const v of item.values) insert['stix_values']?.run(...Object.values(v));
      }
    })();
    insertMs += performance.now() - start;
    rows += objects.length;
    after = String(objects[objects.length - 1]?.['id']);
  }
  source.close();
  target.close();
  return rows / (insertMs / 1000);
}

/** A bare Fastify server in its own process, answering `body` to every GET. */
async function bareRoute(bodyFile: string): Promise<{ url: string; stop: () => void }> {
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

export async function run(): Promise<void> {
  const root = clusterRoot();
  const node = await createNodeProcess(root, 'us-doj');
  await node.start();
  try {
    const opened = await node.api('POST', '/api/cases', { title: 'Feed', kind: 'hacking' });
    const caseId = (opened.body as { id: string }).id;
    const file = path.join(root, 'feed.json');
    await writeIndicatorBundle(file, COUNT);
    const fileMb = Math.round(statSync(file).size / 1024 / 1024);

    const imported = await importWithCli(node, file, caseId);
    if (imported.job['imported'] !== COUNT) {
      throw new Error(`imported ${JSON.stringify(imported.job)}`);
    }
    const importRate = COUNT / imported.seconds;
    if (IMPORT_ONLY) {
      printTable(
        `bench/stix import only — ${COUNT.toLocaleString('en')} indicators (${fileMb} MB bundle)`,
        [
          [
            'import (CLI, whole run)',
            `${Math.round(importRate).toLocaleString('en')} objects/s in ${imported.seconds.toFixed(1)} s`,
          ],
          ['import peak RSS (CLI process)', `${imported.peakRssMb} MB`],
        ],
      );
      console.log(
        JSON.stringify({
          bench: 'stix',
          results: {
            import_objects_per_s: Math.round(importRate),
            import_peak_rss_mb: imported.peakRssMb,
            import_file_mb: fileMb,
          },
          baseline: {},
          machine: machine(),
        }),
      );
      return;
    }
    const rawRate = rawInserts(node.dataDir, path.join(root, 'raw.db'));

    const token = await node.api('POST', '/api/tokens', { name: 'bench', roles: ['admin'] });
    const secret = (token.body as { secret: string }).secret;
    const collection = await node.api('POST', '/api/taxii/collections', {
      title: 'Feed',
      caseId,
      maxTlp: 'amber',
      access: [],
    });
    const collectionId = (collection.body as { id: string }).id;
    const headers = {
      authorization: `Bearer ${secret}`,
      accept: 'application/taxii+json;version=2.1',
    };
    const pageUrl = (seq: number) =>
      `${node.url}/taxii2/api/collections/${collectionId}/objects/?limit=${PAGE}&next=${Buffer.from(`v1:${seq}`).toString('base64url')}`;
    const sample = await fetch(pageUrl(COUNT / 2), { headers });
    const sampleBody = Buffer.from(await sample.arrayBuffer());
    const pageObjects = (JSON.parse(sampleBody.toString()) as { objects: unknown[] }).objects
      .length;
    if (pageObjects !== PAGE) throw new Error(`a page held ${pageObjects} objects`);
    const bodyFile = path.join(root, 'page.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(bodyFile, sampleBody));
    const random = () => Math.floor(Math.random() * (COUNT - PAGE));
    const taxii = await load(() => pageUrl(random()), headers);
    const bare = await bareRoute(bodyFile);
    let bareLoad: Load;
    try {
      bareLoad = await load(() => bare.url, headers);
    } finally {
      bare.stop();
    }

    const lookups: number[] = [];
    for (let i = 0; i < LOOKUPS; i++) {
      const n = Math.floor(Math.random() * COUNT);
      const value = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
      const start = performance.now();
      const response = await fetch(`${node.url}/api/cases/lookup?value=${value}`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      const found = (await response.json()) as { results: unknown[] };
      lookups.push(performance.now() - start);
      if (found.results.length !== 1)
        throw new Error(`lookup of ${value}: ${found.results.length}`);
    }

    const results = {
      import_objects_per_s: Math.round(importRate),
      import_peak_rss_mb: imported.peakRssMb,
      taxii_page_p50_ms: percentile(taxii.latencies, 50),
      taxii_page_p99_ms: percentile(taxii.latencies, 99),
      taxii_requests_per_s: Math.round(taxii.requests / taxii.seconds),
      lookup_p99_ms: percentile(lookups, 99),
    };
    const baseline = {
      sqlite_insert_rows_per_s: Math.round(rawRate),
      bare_route_requests_per_s: Math.round(bareLoad.requests / bareLoad.seconds),
    };
    printTable(`bench/stix — ${COUNT.toLocaleString('en')} indicators (${fileMb} MB bundle)`, [
      [
        'import (CLI, whole run)',
        `${results.import_objects_per_s.toLocaleString('en')} objects/s in ${imported.seconds.toFixed(1)} s`,
      ],
      ['import peak RSS (CLI process)', `${results.import_peak_rss_mb} MB`],
      [
        'raw SQLite inserts, same rows (baseline)',
        `${baseline.sqlite_insert_rows_per_s.toLocaleString('en')} objects/s`,
      ],
      [
        `TAXII page of ${PAGE}, ${READERS} readers, p50 / p99`,
        `${results.taxii_page_p50_ms} / ${results.taxii_page_p99_ms} ms`,
      ],
      ['TAXII requests/s', `${results.taxii_requests_per_s}`],
      [
        'bare Fastify route, same bytes (baseline)',
        `${baseline.bare_route_requests_per_s} requests/s, p99 ${percentile(bareLoad.latencies, 99)} ms`,
      ],
      [
        'TAXII / bare route',
        `${Math.round((100 * results.taxii_requests_per_s) / Math.max(1, baseline.bare_route_requests_per_s))}%`,
      ],
      ['lookup p50 / p99', `${percentile(lookups, 50)} / ${results.lookup_p99_ms} ms`],
    ]);
    console.log(JSON.stringify({ bench: 'stix', results, baseline, machine: machine() }));
  } finally {
    await node.stop();
    removeClusterRoots();
  }
}
