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
import { syntheticReports, type SyntheticReport } from './reports.data.js';
import { machine, printTable } from './report.js';
import { serverIngest } from './reports.server.js';
import { loadCorpus } from '../test/corpus/reports/corpus.js';
import { words } from '../src/core/reports/cluster.js';

/**
 * bench/reports (../shared/BENCH.md), in process, the pure pipeline (no node, no database):
 * - ingest: COUNT synthetic reports (bench/reports.data.ts: stories in English and Chinese with
 *   shared entities and indicators, many told once) written to files, then each read,
 *   analysed (analyseReport), reduced to its cluster features and added to an in-memory
 *   bucket index (StoryClusterer): reports/s;
 * - growth: PROBES more reports each added to a clusterer holding 1,000 reports and, right
 *   after, to one holding COUNT (10,000): the median time per report (the whole pipeline, and
 *   the clustering part alone: features, keys, candidates, links) and the candidates compared
 *   per report, at each size;
 * - order: the COUNT reports clustered again in the reverse order; how many change story
 *   (only buckets past MAX_BUCKET can make any: cluster-features.ts);
 * - quality: the corpus (test/corpus/reports): B-cubed and pairwise precision/recall/F1 of the
 *   stories, micro precision/recall of the indicators; the synthetic stories' B-cubed too;
 * baseline, same run: reading and tokenizing the same texts only (the clustering's tokenizer).
 * - through the node: SERVER_COUNT of the same reports POSTed to an in-process node on SQLite
 *   (reports.server.ts): reports/s, ms per report at 1,000 held and at the end.
 * BENCH_REPORTS_COUNT changes COUNT (default 10,000), BENCH_REPORTS_SERVER SERVER_COUNT
 * (default 3,000; 0 skips it).
 */
const COUNT = Number(process.env['BENCH_REPORTS_COUNT'] ?? 10_000);
const SMALL = Math.min(1_000, Math.round(COUNT / 10));
const PROBES = 300;
/** Reports POSTed through an in-process node on SQLite (0: skip). */
const SERVER_COUNT = Number(process.env['BENCH_REPORTS_SERVER'] ?? 3_000);

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

type Probe = { ms: number; clusterMs: number; candidates: number };

/**
 * Each probe added to a clusterer holding SMALL reports and, right after, to one holding all
 * (the same moment of the shared machine's load for both); per size, the median ms per report
 * (the whole pipeline, and the clustering part: features, keys, candidates, links) and the
 * mean candidates compared.
 */
function probeGrowth(
  ids: string[],
  features: ClusterFeatures[],
  probes: SyntheticReport[],
): { small: Probe; large: Probe } {
  const sizes = [SMALL, ids.length].map((held) => {
    const c = new StoryClusterer();
    for (let i = 0; i < held; i++) c.addFeatures(ids[i]!, features[i]!);
    return { c, before: c.comparisons, all: [] as number[], clustering: [] as number[] };
  });
  for (const p of probes) {
    for (const size of sizes) {
      const t0 = performance.now();
      const extraction = analyseReport(p.text, { allowList: DEFAULT_ALLOW_LIST });
      const t1 = performance.now();
      size.c.addFeatures(`${p.id}-probe`, clusterFeatures({ id: p.id, text: p.text, extraction }));
      const t2 = performance.now();
      size.all.push(t2 - t0);
      size.clustering.push(t2 - t1);
    }
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const [small, large] = sizes.map((size) => ({
    ms: median(size.all),
    clusterMs: median(size.clustering),
    candidates: (size.c.comparisons - size.before) / probes.length,
  }));
  return { small: small!, large: large! };
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
    console.log('  probing growth');
    const { small, large } = probeGrowth(ids, features, probes);
    const reverse = new StoryClusterer();
    for (let i = COUNT - 1; i >= 0; i--) reverse.addFeatures(ids[i]!, features[i]!);
    let changed = 0;
    for (const id of ids) if (reverse.storyOf(id) !== c.storyOf(id)) changed++;
    const synthetic = clusteringScores(
      new Map(ids.map((id) => [id, c.storyOf(id)!])),
      new Map(reports.map((r) => [r.id, r.story])),
    );
    const q = corpusQuality();
    let server: Awaited<ReturnType<typeof serverIngest>> | undefined;
    if (SERVER_COUNT > 0 && SERVER_COUNT <= COUNT) {
      console.log(`  through the node (SQLite): ${SERVER_COUNT} reports`);
      server = await serverIngest(reports.slice(0, SERVER_COUNT));
    }

    const results = {
      ingest_per_s: round(COUNT / seconds, 1),
      ms_per_report_1k: round(small.ms),
      ms_per_report_10k: round(large.ms),
      growth_1k_10k: round(large.ms / small.ms),
      cluster_ms_per_report_1k: round(small.clusterMs),
      cluster_ms_per_report_10k: round(large.clusterMs),
      cluster_growth_1k_10k: round(large.clusterMs / small.clusterMs),
      candidates_per_report_1k: round(small.candidates, 1),
      candidates_per_report_10k: round(large.candidates, 1),
      order_changed_reports: changed,
      stories: c.stories().length,
      synthetic_bcubed_f1: round(synthetic.bcubed.f1),
      bcubed_f1: round(q.s.bcubed.f1),
      bcubed_precision: round(q.s.bcubed.precision),
      bcubed_recall: round(q.s.bcubed.recall),
      pairwise_precision: round(q.s.pairwise.precision),
      pairwise_recall: round(q.s.pairwise.recall),
      ioc_precision: round(q.ioc.precision),
      ioc_recall: round(q.ioc.recall),
      ...(server
        ? {
            server_ingest_per_s: round(server.perSecond, 1),
            server_ms_per_report_1k: round(server.msAtMark),
            server_ms_per_report_end: round(server.msAtEnd),
            server_growth: round(server.msAtEnd / server.msAtMark),
          }
        : {}),
    };
    const base = { tokenize_only_per_s: round(COUNT / baseline, 1) };
    printTable(
      `reports: ${COUNT} synthetic reports (${SMALL} / ${COUNT} held), corpus of ${q.reports}`,
      [
        ['ingest (read, analyse, cluster)', `${results.ingest_per_s} reports/s`],
        ['baseline: read + tokenize only', `${base.tokenize_only_per_s} reports/s`],
        [
          `ms per report at ${SMALL} held`,
          `${results.ms_per_report_1k} (clustering ${results.cluster_ms_per_report_1k})`,
        ],
        [
          `ms per report at ${COUNT} held`,
          `${results.ms_per_report_10k} (clustering ${results.cluster_ms_per_report_10k})`,
        ],
        [
          'growth (target ≤ 1.5×)',
          `${results.growth_1k_10k}× (clustering alone ${results.cluster_growth_1k_10k}×)`,
        ],
        [
          'candidates compared per report',
          `${results.candidates_per_report_1k} → ${results.candidates_per_report_10k}`,
        ],
        ['reports changing story, reverse order', `${changed} of ${COUNT}`],
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
      ],
    );
    console.log(JSON.stringify({ bench: 'reports', results, baseline: base, machine: machine() }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
