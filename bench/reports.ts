import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  analyseReport,
  clusterFeatures,
  clusteringScores,
  DEFAULT_ALLOW_LIST,
  StoryClusterer,
  type ClusterFeatures,
  INDICATOR_TYPES,
} from '../src/core/reports/index.js';
import { rng, syntheticReports, type SyntheticReport } from './reports.data.js';
import { machine, printTable } from './report.js';
import { serverIngest } from './reports.server.js';
import { storeGrowth } from './reports.store.js';
import { loadCorpus } from '../test/corpus/reports/corpus.js';
import { words } from '../src/core/reports/cluster.js';

/**
 * bench/reports (../shared/BENCH.md):
 * - ingest: COUNT synthetic reports (bench/reports.data.ts: stories in English and Chinese with
 *   shared entities and indicators, many told once) written to files, then each read,
 *   analysed (analyseReport), reduced to its cluster features and added to an in-memory
 *   StoryClusterer: reports/s; baseline, same run: reading and tokenizing the same files only.
 * - growth, in memory: PROBES more reports (after WARMUP), each taken through three timed
 *   steps one right after the other, so all three see the same moment of the shared machine:
 *   the baseline (tokenizing its text, the clustering's tokenizer), its clustering step
 *   (features, keys, candidates, links) in a clusterer holding SMALL reports and in one
 *   holding COUNT (the two sizes in alternating order). The small clusterer is rebuilt every
 *   REBUILD probes, so it holds at most SMALL + REBUILD; the large one grows by PROBES (against
 *   us). Medians per size, the ratio of each to its baseline, and the whole pipeline per report
 *   (analysis, timed once per probe, + clustering) at each size.
 * - growth, in SQL (reports.store.ts): the same reports' rows and stories written by the
 *   reports feature's placeInStory in SQLite stores holding SMALL and COUNT, then STORE_PROBES
 *   reports placed in both alternately, each in a transaction rolled back, beside a
 *   primary-key read as the baseline; the query plans on the large store.
 * - order: the COUNT reports clustered again in the reverse order and in a shuffled one: how
 *   many change story (none: cluster-features.ts).
 * - quality: the corpus (test/corpus/reports): B-cubed and pairwise precision/recall/F1 of the
 *   stories, micro precision/recall of the indicators; the synthetic stories' B-cubed too.
 * - through the node: SERVER_COUNT of the same reports POSTed to an in-process node on SQLite
 *   (reports.server.ts): reports/s.
 * BENCH_REPORTS_COUNT changes COUNT (default 10,000), BENCH_REPORTS_SERVER SERVER_COUNT
 * (default 500; 0 skips it), BENCH_REPORTS_STORE=0 skips the SQL growth,
 * BENCH_REPORTS_PG=N (with LIAISON_TEST_PG) runs the SQL growth on PostgreSQL too, N held.
 */
const COUNT = Number(process.env['BENCH_REPORTS_COUNT'] ?? 10_000);
const SMALL = Math.min(1_000, Math.round(COUNT / 10));
const WARMUP = 50;
const PROBES = 600;
const REBUILD = 50;
const STORE_PROBES = 200;
/** Reports POSTed through an in-process node on SQLite (0: skip). */
const SERVER_COUNT = Number(process.env['BENCH_REPORTS_SERVER'] ?? 500);
const STORE = process.env['BENCH_REPORTS_STORE'] !== '0';
const PG_COUNT = process.env['LIAISON_TEST_PG'] ? Number(process.env['BENCH_REPORTS_PG'] ?? 0) : 0;

const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

function corpusQuality() {
  const corpus = loadCorpus();
  const c = new StoryClusterer();
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const r of corpus) {
    const x = analyseReport(r.text, { allowList: DEFAULT_ALLOW_LIST });
    c.add({ id: r.name, text: r.text, extraction: x });
    for (const type of INDICATOR_TYPES) {
      const want = new Set(r.expected.indicators[type] ?? []);
      const got = new Set(x.indicators.filter((i) => i.type === type).map((i) => i.value));
      for (const v of got)
        if (want.has(v)) tp++;
        else fp++;
      for (const v of want) if (!got.has(v)) fn++;
    }
  }
  const gold = new Map(corpus.map((r) => [r.name, r.expected.story]));
  const s = clusteringScores(new Map(corpus.map((r) => [r.name, c.storyOf(r.name)!])), gold);
  return { s, ioc: { precision: tp / (tp + fp), recall: tp / (tp + fn) }, reports: corpus.length };
}

function ingest(files: string[], reports: SyntheticReport[]) {
  const c = new StoryClusterer();
  const features: ClusterFeatures[] = [];
  const t0 = performance.now();
  for (let i = 0; i < files.length; i++) {
    const text = readFileSync(files[i]!, 'utf8');
    const extraction = analyseReport(text, { allowList: DEFAULT_ALLOW_LIST });
    const f = clusterFeatures({ id: reports[i]!.id, text, extraction });
    c.addFeatures(reports[i]!.id, f);
    features.push(f);
    if ((i + 1) % 2_000 === 0) console.log(`  ingested ${i + 1}/${files.length}`);
  }
  return { c, features, seconds: (performance.now() - t0) / 1000 };
}

function tokenizeOnly(files: string[]): number {
  const t0 = performance.now();
  let n = 0;
  for (const f of files) n += words(readFileSync(f, 'utf8')).size;
  if (n === 0) throw new Error('baseline: no words read');
  return (performance.now() - t0) / 1000;
}

const median = (xs: readonly number[]) =>
  [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;

/** Per size: the median ms of the clustering step, of the whole pipeline, the candidates per probe. */
interface Growth {
  base: number;
  sizes: { held: number; cluster: number; whole: number; ratio: number; candidates: number }[];
}

/** The in-memory growth probes (see the header). */
function probeGrowth(
  ids: string[],
  features: ClusterFeatures[],
  probes: SyntheticReport[],
): Growth {
  const build = (held: number) => {
    const c = new StoryClusterer();
    for (let i = 0; i < held; i++) c.addFeatures(ids[i]!, features[i]!);
    return c;
  };
  const sizes = [SMALL, ids.length].map((held) => ({
    held,
    c: build(held),
    cluster: [] as number[],
    whole: [] as number[],
    ratio: [] as number[],
    candidates: 0,
  }));
  const base: number[] = [];
  for (const [i, p] of probes.entries()) {
    if (i > WARMUP && (i - WARMUP) % REBUILD === 0) sizes[0]!.c = build(SMALL);
    const t0 = performance.now();
    if (words(p.text).size === 0) throw new Error(`probe ${p.id}: no words`);
    const t1 = performance.now();
    const extraction = analyseReport(p.text, { allowList: DEFAULT_ALLOW_LIST });
    const analysis = performance.now() - t1;
    for (const size of i % 2 === 0 ? sizes : [...sizes].reverse()) {
      const before = size.c.comparisons;
      const t = performance.now();
      size.c.addFeatures(`${p.id}-probe`, clusterFeatures({ id: p.id, text: p.text, extraction }));
      const ms = performance.now() - t;
      if (i < WARMUP) continue;
      size.cluster.push(ms);
      size.whole.push(analysis + ms);
      size.ratio.push(ms / (t1 - t0));
      size.candidates += size.c.comparisons - before;
    }
    if (i >= WARMUP) base.push(t1 - t0);
  }
  const n = probes.length - WARMUP;
  return {
    base: median(base),
    sizes: sizes.map((s) => ({
      held: s.held,
      cluster: median(s.cluster),
      whole: median(s.whole),
      ratio: median(s.ratio),
      candidates: s.candidates / n,
    })),
  };
}

/** How many reports are in another story when the same reports arrive in another order. */
function orderChanges(c: StoryClusterer, ids: string[], features: ClusterFeatures[]) {
  const again = (order: number[]) => {
    const d = new StoryClusterer();
    for (const i of order) d.addFeatures(ids[i]!, features[i]!);
    return ids.filter((id) => d.storyOf(id) !== c.storyOf(id)).length;
  };
  const indexes = ids.map((_, i) => i);
  const r = rng(7);
  const shuffled = [...indexes];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return { reverse: again([...indexes].reverse()), shuffled: again(shuffled) };
}

type StoreResult = Awaited<ReturnType<typeof storeGrowth>>;

/** The SQL growth figures of one store: medians, each beside the same moments' baseline. */
function storeFigures(r: StoreResult) {
  const base = median(r.ms.base);
  return {
    small: median(r.ms.small),
    large: median(r.ms.large),
    base,
    growth: median(r.ms.large) / median(r.ms.small),
  };
}

async function sqlGrowth(
  dialect: 'sqlite' | 'postgres',
  count: number,
  ids: string[],
  features: ClusterFeatures[],
  probes: SyntheticReport[],
) {
  console.log(`  stories in SQL (${dialect}): stores of ${count / 10} and ${count} reports`);
  const held = ids.slice(0, count).map((id, i) => ({ id, f: features[i]! }));
  const probeFeatures = probes.slice(0, STORE_PROBES).map((p) => ({
    id: `${p.id}-probe`,
    f: clusterFeatures({
      id: p.id,
      text: p.text,
      extraction: analyseReport(p.text, { allowList: DEFAULT_ALLOW_LIST }),
    }),
  }));
  const r = await storeGrowth(dialect, held, Math.round(count / 10), probeFeatures);
  console.log(`  query plans (${dialect}, ${count} held, the largest open bucket):`);
  for (const line of r.explain) console.log(`    ${line}`);
  return storeFigures(r);
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'liaison-bench-reports-'));
  try {
    const generated = syntheticReports(COUNT + PROBES);
    const reports = generated.slice(0, COUNT);
    const probes = generated.slice(COUNT);
    const files = reports.map((r, i) => {
      const f = path.join(dir, `${i}.txt`);
      writeFileSync(f, r.text);
      return f;
    });
    console.log(`reports bench: ${COUNT} synthetic reports written to ${dir}`);
    const baseline = tokenizeOnly(files);
    const { c, features, seconds } = ingest(files, reports);
    const ids = reports.map((r) => r.id);
    console.log('  probing growth (in memory)');
    const g = probeGrowth(ids, features, probes);
    const [small, large] = g.sizes as [Growth['sizes'][0], Growth['sizes'][0]];
    console.log('  clustering again in two other orders');
    const order = orderChanges(c, ids, features);
    const synthetic = clusteringScores(
      new Map(ids.map((id) => [id, c.storyOf(id)!])),
      new Map(reports.map((r) => [r.id, r.story])),
    );
    const q = corpusQuality();
    const sqlite = STORE ? await sqlGrowth('sqlite', COUNT, ids, features, probes) : undefined;
    const pg =
      PG_COUNT > 0 ? await sqlGrowth('postgres', PG_COUNT, ids, features, probes) : undefined;
    let server: Awaited<ReturnType<typeof serverIngest>> | undefined;
    if (SERVER_COUNT > 0 && SERVER_COUNT <= COUNT) {
      console.log(`  through the node (SQLite): ${SERVER_COUNT} reports`);
      server = await serverIngest(reports.slice(0, SERVER_COUNT));
    }

    const results = {
      ingest_per_s: round(COUNT / seconds, 1),
      ms_per_report_1k: round(small.whole),
      ms_per_report_10k: round(large.whole),
      growth_1k_10k: round(large.whole / small.whole),
      cluster_ms_per_report_1k: round(small.cluster),
      cluster_ms_per_report_10k: round(large.cluster),
      cluster_growth_1k_10k: round(large.cluster / small.cluster),
      cluster_to_baseline_1k: round(small.ratio),
      cluster_to_baseline_10k: round(large.ratio),
      cluster_growth_normalised: round(large.ratio / small.ratio),
      candidates_per_report_1k: round(small.candidates, 1),
      candidates_per_report_10k: round(large.candidates, 1),
      closed_keys: c.closedBuckets,
      order_changed_reports_reverse: order.reverse,
      order_changed_reports_shuffled: order.shuffled,
      stories: c.stories().length,
      synthetic_bcubed_f1: round(synthetic.bcubed.f1),
      bcubed_f1: round(q.s.bcubed.f1),
      bcubed_precision: round(q.s.bcubed.precision),
      bcubed_recall: round(q.s.bcubed.recall),
      pairwise_precision: round(q.s.pairwise.precision),
      pairwise_recall: round(q.s.pairwise.recall),
      ioc_precision: round(q.ioc.precision),
      ioc_recall: round(q.ioc.recall),
      ...(sqlite
        ? {
            sqlite_story_ms_1k: round(sqlite.small),
            sqlite_story_ms_10k: round(sqlite.large),
            sqlite_story_growth_1k_10k: round(sqlite.growth),
          }
        : {}),
      ...(pg
        ? {
            pg_held: PG_COUNT,
            pg_story_ms_small: round(pg.small),
            pg_story_ms_large: round(pg.large),
            pg_story_growth: round(pg.growth),
          }
        : {}),
      ...(server ? { server_ingest_per_s: round(server.perSecond, 1) } : {}),
    };
    const base = {
      tokenize_only_per_s: round(COUNT / baseline, 1),
      tokenize_probe_ms: round(g.base, 4),
      ...(sqlite ? { sqlite_pk_read_ms: round(sqlite.base, 4) } : {}),
      ...(pg ? { pg_pk_read_ms: round(pg.base, 4) } : {}),
    };
    const rows: [string, string][] = [
      ['ingest (read, analyse, cluster)', `${results.ingest_per_s} reports/s`],
      ['baseline: read + tokenize only', `${base.tokenize_only_per_s} reports/s`],
      [
        `ms per report at ${SMALL} / ${COUNT} held`,
        `${results.ms_per_report_1k} / ${results.ms_per_report_10k} (${results.growth_1k_10k}×; target ≤ 1.5×)`,
      ],
      [
        'of which clustering (features, keys, links)',
        `${results.cluster_ms_per_report_1k} / ${results.cluster_ms_per_report_10k} (${results.cluster_growth_1k_10k}×)`,
      ],
      [
        'clustering ÷ tokenizing the probe (baseline)',
        `${results.cluster_to_baseline_1k} / ${results.cluster_to_baseline_10k} (${results.cluster_growth_normalised}×; baseline ${base.tokenize_probe_ms} ms)`,
      ],
      [
        'candidates compared per report',
        `${results.candidates_per_report_1k} → ${results.candidates_per_report_10k}`,
      ],
      [
        'reports changing story, reverse / shuffled',
        `${order.reverse} / ${order.shuffled} of ${COUNT} (${results.closed_keys} keys closed)`,
      ],
      [
        'stories found (synthetic)',
        `${results.stories}, B-cubed F1 ${results.synthetic_bcubed_f1}`,
      ],
      [
        'corpus B-cubed P / R / F1',
        `${results.bcubed_precision} / ${results.bcubed_recall} / ${results.bcubed_f1} (target F1 ≥ 0.9)`,
      ],
      ['corpus pairwise P / R', `${results.pairwise_precision} / ${results.pairwise_recall}`],
      [
        'corpus indicators P / R',
        `${results.ioc_precision} / ${results.ioc_recall} (target ≥ 0.95)`,
      ],
    ];
    if (sqlite)
      rows.push([
        `SQLite story step, ms at ${SMALL} / ${COUNT} held`,
        `${results.sqlite_story_ms_1k} / ${results.sqlite_story_ms_10k} (${results.sqlite_story_growth_1k_10k}×; PK read ${base.sqlite_pk_read_ms} ms)`,
      ]);
    if (pg)
      rows.push([
        `PostgreSQL story step, ms at ${PG_COUNT / 10} / ${PG_COUNT} held`,
        `${results.pg_story_ms_small} / ${results.pg_story_ms_large} (${results.pg_story_growth}×; PK read ${base.pg_pk_read_ms} ms)`,
      ]);
    if (server)
      rows.push(['through the node (SQLite, HTTP)', `${results.server_ingest_per_s} reports/s`]);
    printTable(
      `reports: ${COUNT} synthetic reports (${SMALL} / ${COUNT} held), corpus of ${q.reports}`,
      rows,
    );
    console.log(JSON.stringify({ bench: 'reports', results, baseline: base, machine: machine() }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
