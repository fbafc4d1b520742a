import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../test/harness/cli.js';
import {
  clusterRoot,
  createNodeProcess,
  removeClusterRoots,
  type NodeProcess,
} from '../test/harness/cluster.js';
import { indicator, writeIndicatorBundle } from '../test/harness/stix-feed.js';
import { expectStatus, json, load, sequential, type Answer, type Load } from './http.js';
import { machine, percentile, printTable } from './report.js';
import {
  bareRoute,
  prepareRate,
  rawInserts,
  rawInsertsBesideBusyThread,
} from './stix.baselines.js';
import { floorRoute } from './stix.floor.js';

/**
 * bench/stix (../shared/BENCH.md): one real node process (SQLite, the built product), one
 * case filled in two steps, so that what a user reads is measured at a tenth of the size and
 * at the full size (the growth ratio says whether it scans):
 * - import: `liaison import stix FILE --case ID` (the CLI, its own process) of bundles of
 *   indicators written to disk first: COUNT/10, then the rest; objects/s over the CLI's runs,
 *   and its peak RSS (VmHWM, sampled from /proc while it runs);
 * - at each size: search (GET /api/search: an address, a rare word, a word found nowhere)
 *   and the case page (GET /api/cases/:id, GET /api/cases/:id/objects?limit=50), p99 of
 *   calls made one after another;
 * - TAXII: READERS concurrent clients each fetching pages of 100 from random places of one
 *   collection (GET …/objects/?limit=100&next=…) for SECONDS; latency p50/p99 and requests/s;
 * - lookup: "have we seen 10.x.y.z?" (GET /api/cases/lookup?value=) one after another;
 * baselines, same run: raw SQLite inserts of the rows the import wrote (stix_baselines.ts),
 * and a bare Fastify route answering the same page bytes to the same concurrency; and the
 * floor (stix.floor.ts): that bare route plus cached auth and the node's own page SQL, the
 * most TAXII could reach on this stack. TAXII, bare and floor take turns (ROUNDS).
 * BENCH_STIX_PROFILE=DIR runs the node with --cpu-prof into DIR (read it after the run).
 */
const COUNT = Number(process.env['BENCH_STIX_OBJECTS'] ?? 1_000_000);
const SMALL = Math.round(COUNT / 10);
const READERS = 16;
const SECONDS = Number(process.env['BENCH_STIX_SECONDS'] ?? 15);
/** Calls per measured read (search queries, case pages, lookups). */
const CALLS = Number(process.env['BENCH_STIX_MESSAGES'] ?? 1000);
const PAGE = 100;
/** TAXII, the bare route and the floor take turns this many times within SECONDS each. */
const ROUNDS = 3;
/** BENCH_STIX_IMPORT_ONLY=1: only the import (for the flat-memory run on a file of GBs). */
const IMPORT_ONLY = process.env['BENCH_STIX_IMPORT_ONLY'] === '1';
const PROFILE = process.env['BENCH_STIX_PROFILE'];
/** One indicator in RARE carries the rare word; no object carries the word found nowhere. */
const RARE = 10_000;
const RARE_WORD = 'quetzalcoatl';
const NOWHERE_WORD = 'zyzzyva';

const ipOf = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
const randomBelow = (n: number) => Math.floor(Math.random() * n);

/** Indicators `from` … `to - 1`, every RARE-th naming the rare word. */
function feedObject(n: number): Record<string, unknown> {
  return n % RARE === 7
    ? indicator(n, { description: `Beacon of the ${RARE_WORD} cluster, seen in the intrusion.` })
    : indicator(n);
}

interface Imported {
  seconds: number;
  /** The job's own time, from its start to its end (without the process's start-up). */
  jobSeconds: number;
  peakRssMb: number;
  job: Record<string, number | string>;
}

/** Runs the CLI import in its own process; its wall time and peak RSS. */
async function importWithCli(node: NodeProcess, file: string, caseId: string): Promise<Imported> {
  const began = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}/cli`] : []),
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
      // the process has exited between two samples
    }
  };
  const timer = setInterval(sample, 100);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  const seconds = (performance.now() - began) / 1000;
  if (code !== 0) throw new Error(`import of ${file} failed (${code}):\n${err}\n${out}`);
  const job = (JSON.parse(out) as { import: Record<string, number | string> }).import;
  const jobSeconds =
    (Date.parse(String(job['finishedAt'])) - Date.parse(String(job['startedAt']))) / 1000;
  return { seconds, jobSeconds, peakRssMb: Math.round(peakKb / 1024), job };
}

/** Writes indicators `from` … `to - 1` as a bundle and imports it into the case. */
async function importRange(
  node: NodeProcess,
  root: string,
  caseId: string,
  from: number,
  to: number,
): Promise<Imported & { fileMb: number }> {
  const file = path.join(root, `feed-${from}.json`);
  await writeIndicatorBundle(file, to - from, (i) => feedObject(from + i));
  const fileMb = statSync(file).size / 1024 / 1024;
  const imported = await importWithCli(node, file, caseId);
  if (imported.job['imported'] !== to - from) {
    throw new Error(`import of ${from}…${to}: ${JSON.stringify(imported.job)}`);
  }
  return { ...imported, fileMb };
}

interface Reads {
  search: number[];
  casePage: number[];
}

/**
 * What a user reads at the case's size `held`: search (an address held, a rare word, a word
 * found nowhere, in turn) and the case's first page (the case, and its objects' first page).
 */
async function userReads(
  url: string,
  headers: Record<string, string>,
  caseId: string,
  held: number,
): Promise<Reads> {
  // An address and the rare word must be found, the other word must not.
  const queries = [
    () => ({ q: ipOf(randomBelow(held)), found: true }),
    () => ({ q: RARE_WORD, found: true }),
    () => ({ q: NOWHERE_WORD, found: false }),
  ];
  const expected = new Map<string, boolean>();
  const search = await sequential(
    `search at ${held} objects`,
    CALLS,
    (i) => {
      const { q, found } = (queries[i % queries.length] as (typeof queries)[number])();
      const target = `${url}/api/search?q=${encodeURIComponent(q)}&limit=50`;
      expected.set(target, found);
      return target;
    },
    headers,
    (answer: Answer, target: string) => {
      const hits = json<{ hits: unknown[] }>(answer).hits.length;
      if (hits > 0 !== expected.get(target)) throw new Error(`search ${target}: ${hits} hits`);
    },
  );
  const pages = [`${url}/api/cases/${caseId}`, `${url}/api/cases/${caseId}/objects?limit=50`];
  const casePage = await sequential(
    `case page at ${held} objects`,
    CALLS,
    (i) => pages[i % pages.length] as string,
    headers,
  );
  return { search, casePage };
}

const emptyLoad = (): Load => ({ latencies: [], requests: 0, seconds: 0 });

function add(total: Load, part: Load): void {
  for (const latency of part.latencies) total.latencies.push(latency);
  total.requests += part.requests;
  total.seconds += part.seconds;
}

export async function run(): Promise<void> {
  const root = clusterRoot();
  const node = await createNodeProcess(root, 'us-doj', {
    ...(PROFILE ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] } : {}),
  });
  await node.start();
  try {
    // Everything the bench needs of the API is made before the long import.
    const opened = await node.api('POST', '/api/cases', { title: 'Feed', kind: 'hacking' });
    const caseId = (opened.body as { id: string }).id;
    const token = await node.api('POST', '/api/tokens', { name: 'bench', roles: ['admin'] });
    const secret = (token.body as { secret: string }).secret;
    const collection = await node.api('POST', '/api/taxii/collections', {
      title: 'Feed',
      caseId,
      maxTlp: 'amber',
      access: [],
    });
    const collectionId = (collection.body as { id: string }).id;
    if (!caseId || !secret || !collectionId) {
      throw new Error(`setup: ${JSON.stringify({ opened, token, collection })}`);
    }
    const bearer = { authorization: `Bearer ${secret}` };

    const first = await importRange(node, root, caseId, 0, SMALL);
    const small = IMPORT_ONLY ? undefined : await userReads(node.url, bearer, caseId, SMALL);
    const rest = await importRange(node, root, caseId, SMALL, COUNT);
    const importRate = COUNT / (first.seconds + rest.seconds);
    const peakRssMb = Math.max(first.peakRssMb, rest.peakRssMb);
    const fileMb = Math.round(first.fileMb + rest.fileMb);
    if (IMPORT_ONLY || !small) {
      printImportOnly(importRate, first.seconds + rest.seconds, peakRssMb, fileMb);
      return;
    }
    const full = await userReads(node.url, bearer, caseId, COUNT);
    const rawRate = rawInserts(node.dataDir, path.join(root, 'raw.db'));
    const rawBesideRate = await rawInsertsBesideBusyThread(
      node.dataDir,
      path.join(root, 'raw-beside.db'),
    );
    const prepared = prepareRate(Math.min(COUNT, 20_000));

    const headers = { ...bearer, accept: 'application/taxii+json;version=2.1' };
    const pageUrl = (seq: number) =>
      `${node.url}/taxii2/api/collections/${collectionId}/objects/?limit=${PAGE}&next=${Buffer.from(`v1:${seq}`).toString('base64url')}`;
    const sample = await expectStatus('a TAXII page', 200, pageUrl(COUNT / 2), { headers });
    const pageObjects = json<{ objects: unknown[] }>(sample).objects.length;
    if (pageObjects !== PAGE) throw new Error(`a TAXII page held ${pageObjects} objects`);
    const bodyFile = path.join(root, 'page.json');
    writeFileSync(bodyFile, sample.body);
    const bare = await bareRoute(bodyFile);
    const floor = await floorRoute({
      dataDir: node.dataDir,
      nodeId: node.nodeId,
      caseId,
      pageSize: PAGE,
      authorization: bearer.authorization,
    });
    const floorSample = await expectStatus('the floor route', 200, floor.url(COUNT / 2), {
      headers,
    });
    if (json<{ objects: unknown[] }>(floorSample).objects.length !== PAGE) {
      throw new Error('the floor route did not answer a page');
    }
    // The three take turns, so that a shared machine's load weighs on each alike.
    const taxii = emptyLoad();
    const bareLoad = emptyLoad();
    const floorLoad = emptyLoad();
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const slice = SECONDS / ROUNDS;
        const random = () => randomBelow(COUNT - PAGE);
        add(taxii, await load('TAXII pages', READERS, slice, () => pageUrl(random()), headers));
        add(bareLoad, await load('bare route', READERS, slice, () => bare.url, headers));
        add(
          floorLoad,
          await load('floor route', READERS, slice, () => floor.url(random()), headers),
        );
      }
    } finally {
      bare.stop();
      floor.stop();
    }

    const lookups = await sequential(
      'lookup',
      CALLS,
      () => `${node.url}/api/cases/lookup?value=${ipOf(randomBelow(COUNT))}`,
      bearer,
      (answer, target) => {
        const found = json<{ results: unknown[] }>(answer).results.length;
        if (found !== 1) throw new Error(`lookup ${target}: ${found} results`);
      },
    );

    const results = {
      import_objects_per_s: Math.round(importRate),
      import_job_objects_per_s: Math.round(COUNT / (first.jobSeconds + rest.jobSeconds)),
      import_peak_rss_mb: peakRssMb,
      taxii_page_p50_ms: percentile(taxii.latencies, 50),
      taxii_page_p99_ms: percentile(taxii.latencies, 99),
      taxii_requests_per_s: Math.round(taxii.requests / taxii.seconds),
      lookup_p99_ms: percentile(lookups, 99),
      search_p99_ms_100k: percentile(small.search, 99),
      search_p99_ms_1m: percentile(full.search, 99),
      case_page_p99_ms_100k: percentile(small.casePage, 99),
      case_page_p99_ms_1m: percentile(full.casePage, 99),
    };
    const baseline = {
      sqlite_insert_rows_per_s: Math.round(rawRate),
      sqlite_insert_rows_beside_busy_thread_per_s: Math.round(rawBesideRate),
      prepare_objects_per_s: Math.round(prepared),
      bare_route_requests_per_s: Math.round(bareLoad.requests / bareLoad.seconds),
      bare_route_p99_ms: percentile(bareLoad.latencies, 99),
      floor_route_requests_per_s: Math.round(floorLoad.requests / floorLoad.seconds),
      floor_route_p99_ms: percentile(floorLoad.latencies, 99),
    };
    printFigures(results, baseline, {
      importSeconds: first.seconds + rest.seconds,
      fileMb,
      taxiiP50: results.taxii_page_p50_ms,
      lookupP50: percentile(lookups, 50),
    });
    console.log(JSON.stringify({ bench: 'stix', results, baseline, machine: machine() }));
  } finally {
    await node.stop();
    removeClusterRoots();
  }
}

function printImportOnly(rate: number, seconds: number, peakRssMb: number, fileMb: number): void {
  printTable(`bench/stix import only — ${COUNT.toLocaleString('en')} indicators (${fileMb} MB)`, [
    [
      'import (CLI, whole run)',
      `${Math.round(rate).toLocaleString('en')} objects/s in ${seconds.toFixed(1)} s`,
    ],
    ['import peak RSS (CLI process)', `${peakRssMb} MB`],
  ]);
  console.log(
    JSON.stringify({
      bench: 'stix',
      results: {
        import_objects_per_s: Math.round(rate),
        import_peak_rss_mb: peakRssMb,
        import_file_mb: fileMb,
      },
      baseline: {},
      machine: machine(),
    }),
  );
}

const verdict = (ok: boolean) => (ok ? 'pass' : 'FAIL');

/** The human table: each figure, its baseline, and pass or fail against its target. */
function printFigures(
  r: Record<string, number>,
  b: Record<string, number>,
  extra: { importSeconds: number; fileMb: number; taxiiP50: number; lookupP50: number },
): void {
  const num = (key: string, source = r) => source[key] ?? 0;
  const importRatio = num('import_objects_per_s') / Math.max(1, num('sqlite_insert_rows_per_s', b));
  // One worker prepares while the main thread inserts: the import cannot outrun the worker,
  // nor the inserts as fast as they go beside a thread busy on the other core.
  const raw = Math.max(1, num('sqlite_insert_rows_per_s', b));
  const besideShare = num('sqlite_insert_rows_beside_busy_thread_per_s', b) / raw;
  const importCeiling = Math.min(1, num('prepare_objects_per_s', b) / raw, besideShare);
  const taxiiRatio = num('taxii_requests_per_s') / Math.max(1, num('bare_route_requests_per_s', b));
  const p99Ratio = num('taxii_page_p99_ms') / Math.max(0.01, num('bare_route_p99_ms', b));
  const floorRatio =
    num('floor_route_requests_per_s', b) / Math.max(1, num('bare_route_requests_per_s', b));
  const taxiiFloor =
    num('taxii_requests_per_s') / Math.max(1, num('floor_route_requests_per_s', b));
  const small = `${(SMALL / 1000).toLocaleString('en')}k`;
  const full = `${(COUNT / 1000).toLocaleString('en')}k`;
  const growth = (key: string) => num(`${key}_1m`) / Math.max(0.01, num(`${key}_100k`));
  const atScale = (key: string, label: string): [string, string] => [
    `${label} p99, ${small} → ${full}`,
    `${num(`${key}_100k`)} → ${num(`${key}_1m`)} ms, growth ${growth(key).toFixed(2)}× — ${verdict(
      num(`${key}_1m`) <= 50 && growth(key) <= 1.5,
    )} (≤ 50 ms, ≤ 1.5×)`,
  ];
  printTable(
    `bench/stix — ${COUNT.toLocaleString('en')} indicators (${extra.fileMb} MB of bundles)`,
    [
      [
        'import (CLI, two runs)',
        `${num('import_objects_per_s').toLocaleString('en')} objects/s in ${extra.importSeconds.toFixed(1)} s`,
      ],
      [
        "import, the jobs' own time (without the CLI's start-up)",
        `${num('import_job_objects_per_s').toLocaleString('en')} objects/s — ${Math.round(
          (100 * num('import_job_objects_per_s')) / Math.max(1, num('sqlite_insert_rows_per_s', b)),
        )}% of raw`,
      ],
      [
        'raw SQLite inserts, same rows (baseline)',
        `${num('sqlite_insert_rows_per_s', b).toLocaleString('en')} objects/s`,
      ],
      [
        'import / raw',
        `${Math.round(100 * importRatio)}% — ${verdict(importRatio >= 0.9)} (≥ 90%)`,
      ],
      [
        'prepare on one thread (parse, validate, derive, search document)',
        `${num('prepare_objects_per_s', b).toLocaleString('en')} objects/s`,
      ],
      [
        'raw inserts beside a thread busy on the other core',
        `${num('sqlite_insert_rows_beside_busy_thread_per_s', b).toLocaleString('en')} objects/s — ${Math.round(100 * besideShare)}% of raw`,
      ],
      [
        'import ceiling on 2 cores: min(1, prepare / raw, beside / raw)',
        `${Math.round(100 * importCeiling)}% of raw — import at ${Math.round((100 * importRatio) / Math.max(0.01, importCeiling))}% of its ceiling`,
      ],
      [
        'import peak RSS (CLI process)',
        `${num('import_peak_rss_mb')} MB — ${verdict(num('import_peak_rss_mb') <= 600)} (≤ 600 MB)`,
      ],
      [
        `TAXII page of ${PAGE}, ${READERS} readers, p50 / p99`,
        `${extra.taxiiP50} / ${num('taxii_page_p99_ms')} ms`,
      ],
      ['TAXII requests/s', `${num('taxii_requests_per_s')}`],
      [
        'bare Fastify route, same bytes (baseline)',
        `${num('bare_route_requests_per_s', b)} requests/s, p99 ${num('bare_route_p99_ms', b)} ms`,
      ],
      [
        'TAXII / bare route, requests/s',
        `${Math.round(100 * taxiiRatio)}% — ${verdict(taxiiRatio >= 0.5)} (≥ 50%)`,
      ],
      ['TAXII / bare route, p99', `${p99Ratio.toFixed(2)}× — ${verdict(p99Ratio <= 2)} (≤ 2×)`],
      [
        'floor: bare route + cached auth + the page SQL',
        `${num('floor_route_requests_per_s', b)} requests/s (${Math.round(100 * floorRatio)}% of bare), p99 ${num('floor_route_p99_ms', b)} ms`,
      ],
      ['TAXII / floor, requests/s', `${Math.round(100 * taxiiFloor)}%`],
      atScale('search_p99_ms', 'search (address, rare word, no word)'),
      atScale('case_page_p99_ms', 'case page (case, first 50 objects)'),
      ['lookup p50 / p99', `${extra.lookupP50} / ${num('lookup_p99_ms')} ms`],
    ],
  );
}
