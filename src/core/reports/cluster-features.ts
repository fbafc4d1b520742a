/**
 * The pure, serializable parts of story clustering, so a store (the reports feature's SQL
 * tables) and the in-memory StoryClusterer (./cluster.ts) find the same stories.
 *
 * - `clusterFeatures(input)`: what clustering needs of one report, as plain JSON (stored per
 *   report; words trimmed to a bottom-k sketch, so its size is bounded).
 * - `bucketKeys(features)`: the report's LSH band keys. Deterministic (FNV-1a with fixed seeds),
 *   so the same in every process and on every node; each key starts with `KEYS_VERSION`, so keys
 *   written by another version of the rules never meet the current ones.
 * - `linked(a, b)`: dates compatible and similarity ≥ threshold. Depends on the pair only.
 * - `MAX_BUCKET`: a key held by more reports than this is closed: it links no pair (it names
 *   something too common to tell stories apart), whenever the pair arrived.
 *
 * The stories, by definition (a function of the set of reports held, not of their order):
 * two reports are linked when they share a key held by at most MAX_BUCKET of the reports and
 * `linked(a, b)`; a story is a connected component of the links, named by its smallest report
 * id (string order, as JavaScript's `<`). A key's count only grows, so a key, once closed,
 * stays closed. How a store keeps them incrementally (StoryClusterer in memory, the reports
 * feature's SQL tables), for a new report R, in one transaction serialised per node:
 * 1. F = clusterFeatures(R), K = bucketKeys(F). Keys already closed are skipped (no row). R
 *    joins the bucket of every other key; a bucket that then holds more than MAX_BUCKET
 *    reports closes: the key is recorded as closed and its rows are deleted.
 * 2. For each key closed now: each link between two of its reports that share no other open
 *    key is removed, and each story that lost a link is split into the connected components of
 *    its remaining links (each named by its smallest id).
 * 3. Candidates = the reports in R's open buckets; for each C with linked(F, features(C)),
 *    store the link R–C. R's story = min(R.id, the story ids of its linked candidates), and
 *    every report of those stories takes it.
 * So the stories equal the definition's whatever the order of arrival: each step keeps "every
 * stored link is `linked` and goes through an open key, and every such pair is stored", and
 * the stories are the components of the stored links. Cost per report: its keys, the reports
 * of its open buckets (at most MAX_BUCKET each), and, when it closes a key, the links among
 * that bucket's reports and the stories they were in (a story's reports are read to split it).
 */
import { GAZETTEER_BY_ID } from './gazetteer.js';
import type { ReportExtraction } from './index.js';

export interface ClusterInput {
  id: string;
  text: string;
  extraction: Pick<ReportExtraction, 'indicators' | 'entities' | 'language'>;
}

export interface ClusterOptions {
  /** Link two reports when their similarity is at least this (0.3: the middle of the 0.25–0.35 plateau on the corpus). */
  threshold?: number;
  /** Months apart beyond which two reports' dates are incompatible. */
  maxMonthsApart?: number;
}

/** What clustering keeps of one report. Plain JSON; arrays sorted, so equal inputs give equal JSON. */
export interface ClusterFeatures {
  /** Version of these rules (see KEYS_VERSION). */
  v: number;
  language: string;
  /** Anchor → weight: `i:` indicators, `e:` entities and quantities, `d:` months (YYYY-MM). */
  anchors: Record<string, number>;
  /** Indicator values, with the hosts of URLs and the domains of e-mail addresses. */
  indicators: string[];
  /** The report's words (stems, Chinese words), at most WORDS_KEPT: those with the smallest hashes. */
  words: string[];
  /** Months since year 0 of the dates with a month, sorted, unique. */
  months: number[];
}

/** Prefix of every key and `v` of the features: bump when the rules change (stored rows then need recomputing). */
export const KEYS_VERSION = 2;
/**
 * A key held by more reports than this is closed: it links no pair (see above). On 10,000
 * synthetic reports (bench/reports.ts) 219 keys close; the cap keeps the candidates per report
 * bounded (without it: 73 at 1,000 held, 700 at 10,000) and the synthetic stories' B-cubed F1
 * at 0.95 (0.86 without: chance links through popular entities). Its price: a story told by
 * more than MAX_BUCKET near-identical reports, whose every shared key closes, falls apart.
 */
export const MAX_BUCKET = 50;
/** Words kept per report: a bottom-k sketch; the Jaccard of two sketches estimates that of the texts. */
export const WORDS_KEPT = 512;

/**
 * Weights of the anchors in the weighted Jaccard: an indicator says most about which story a
 * report tells; a country or a news outlet (it reports many stories) very little.
 */
const WEIGHT = {
  indicator: 3,
  entity: 1,
  nlp: 0.5,
  press: 0.25,
  country: 0.1,
  quantity: 1,
  month: 0.5,
};
const HASHES = 64;
/**
 * LSH banding: anchors in 32 bands of 2 rows (pairs whose anchors have a Jaccard of 0.2 meet
 * in a bucket with a probability of 0.73, of 0.4 with 0.996); words in 16 bands of 4 rows
 * (unrelated texts, a Jaccard of 0.05, meet with a probability of 0.0001; texts with a
 * Jaccard of 0.5, with 0.65). Countries, news outlets and months are left out of the anchors'
 * signature: almost every report has one. A band of anchors whose two rows both took their
 * minimum from one anchor (most bands of a report with few anchors) says only "has this
 * anchor": it is keyed by the anchor alone, one key for all such bands, so a popular entity
 * (the FBI, APT28) makes one bucket, which MAX_BUCKET then closes, instead of 32 that grow.
 * Dropping those bands instead loses same-story pairs on the corpus (B-cubed F1 0.88); three
 * rows for anchors too (0.86 instead of 0.98).
 */
const ANCHOR_ROWS = 2;
const WORD_ROWS = 4;
const STOP = new Set(
  'the and for that with from this have has had was were are been its their they them said says will would about into over after before than more most also which who what when where while other some such only over under again there here been being does did not but all any can could may might our out per via new one two three on in of to a an as at by or be is it he she we you i'.split(
    ' ',
  ),
);
const WORDS_ZH = new Intl.Segmenter('zh', { granularity: 'word' });

/** FNV-1a, 32 bits. */
function hash32(s: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const SEEDS = Array.from({ length: HASHES }, (_, i) => hash32(`seed${i}`, 0x9e3779b9));

/** MinHash signature, with for each row the index of the feature that gave its minimum. */
function minhash(features: readonly string[]): { sig: Uint32Array; arg: Int32Array } {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  const arg = new Int32Array(HASHES).fill(-1);
  for (let f = 0; f < features.length; f++) {
    for (let k = 0; k < HASHES; k++) {
      const h = hash32(features[f]!, SEEDS[k]!);
      if (h < sig[k]!) {
        sig[k] = h;
        arg[k] = f;
      }
    }
  }
  return { sig, arg };
}

/**
 * LSH band keys `<version><prefix><band>:<minima>`. With `single`, a band whose rows all took
 * their minimum from one feature is keyed by that feature alone, `<version><prefix>:<feature>`
 * (the same key whatever the band): such a band says only "this report has that feature".
 */
function bandKeys(
  prefix: string,
  features: readonly string[],
  rows: number,
  single: boolean,
): string[] {
  const { sig, arg } = minhash(features);
  const keys = new Set<string>();
  for (let b = 0; b + rows <= HASHES; b += rows) {
    const from = arg.slice(b, b + rows);
    if (single && from.every((f) => f === from[0]))
      keys.add(`${KEYS_VERSION}${prefix}:${features[from[0]!]}`);
    else keys.add(`${KEYS_VERSION}${prefix}${b}:${sig.slice(b, b + rows).join(',')}`);
  }
  return [...keys];
}

export function words(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of text.toLowerCase().match(/[a-z][a-z'-]{2,}/g) ?? []) {
    const stem = w.replace(/(?:'s|ing|ed|es|s)$/, '');
    if (!STOP.has(w) && stem.length >= 3) out.add(stem);
  }
  if (/[\u3400-\u9fff]/.test(text)) {
    for (const s of WORDS_ZH.segment(text)) {
      if (s.isWordLike && /^[\u3400-\u9fff]{2,}$/.test(s.segment)) out.add(s.segment);
    }
  }
  return out;
}

const WORD_SEED = 0x5bd1e995;
const wordHash = (w: string) => hash32(w, WORD_SEED);

/** The WORDS_KEPT words with the smallest hashes, sorted by string. */
function wordSketch(all: Set<string>): string[] {
  const list = [...all];
  if (list.length > WORDS_KEPT) {
    const h = new Map(list.map((w) => [w, wordHash(w)]));
    list.sort((a, b) => h.get(a)! - h.get(b)! || (a < b ? -1 : 1));
    list.length = WORDS_KEPT;
  }
  return list.sort();
}

function monthsOf(e: ClusterInput['extraction']['entities']): number[] {
  const out = new Set<number>();
  for (const d of e) {
    const m = d.kind === 'date' ? /^(\d{4})-(\d{2})/.exec(d.id) : null;
    if (m) out.add(Number(m[1]) * 12 + Number(m[2]) - 1);
  }
  return [...out].sort((a, b) => a - b);
}

function indicatorsOf(x: ClusterInput['extraction']): Set<string> {
  const out = new Set<string>();
  for (const i of x.indicators) {
    out.add(i.value);
    const host =
      i.type === 'url' ? /^[a-z]+:\/\/(?:[^@/]*@)?\[?([^/:\]?#]+)/.exec(i.value)?.[1] : undefined;
    if (host) out.add(host);
    if (i.type === 'email') out.add(i.value.slice(i.value.indexOf('@') + 1));
  }
  return out;
}

function entityWeight(e: ClusterInput['extraction']['entities'][number]): number {
  if (e.kind === 'country') return WEIGHT.country;
  if (e.kind === 'quantity') return WEIGHT.quantity;
  if (e.via !== 'gazetteer') return WEIGHT.nlp;
  return GAZETTEER_BY_ID.get(e.id)?.press ? WEIGHT.press : WEIGHT.entity;
}

function sortedRecord(m: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...m.keys()].sort()) out[k] = m.get(k)!;
  return out;
}

/** What clustering keeps of a report: JSON-serializable, bounded in its words. */
export function clusterFeatures(input: ClusterInput): ClusterFeatures {
  const x = input.extraction;
  const indicators = indicatorsOf(x);
  const anchors = new Map<string, number>();
  for (const v of indicators) anchors.set(`i:${v}`, WEIGHT.indicator);
  for (const e of x.entities) {
    if (e.kind !== 'date') anchors.set(`e:${e.id}`, entityWeight(e));
    else if (e.id.length >= 7) anchors.set(`d:${e.id.slice(0, 7)}`, WEIGHT.month);
  }
  return {
    v: KEYS_VERSION,
    language: x.language,
    anchors: sortedRecord(anchors),
    indicators: [...indicators].sort(),
    words: wordSketch(words(input.text)),
    months: monthsOf(x.entities),
  };
}

/**
 * The report's LSH keys, unique: `<version>a<band>:<minima>` and `<version>a:<anchor>` over its
 * strong anchors (weight ≥ 0.5, months left out), `<version>w<band>:<minima>` over its words.
 */
export function bucketKeys(f: ClusterFeatures): string[] {
  const strong = Object.entries(f.anchors)
    .filter(([k, w]) => w >= WEIGHT.nlp && !k.startsWith('d:'))
    .map(([k]) => k);
  return [
    ...(strong.length > 0 ? bandKeys('a', strong, ANCHOR_ROWS, true) : []),
    ...(f.words.length > 0 ? bandKeys('w', f.words, WORD_ROWS, false) : []),
  ];
}

function weightedJaccard(a: Record<string, number>, b: Record<string, number>): number {
  let shared = 0;
  let union = 0;
  for (const k in a) {
    union += a[k]!;
    if (k in b) shared += a[k]!;
  }
  for (const k in b) if (!(k in a)) union += b[k]!;
  return union === 0 ? 0 : shared / union;
}

/**
 * The Set of a features' list, made once per list object (a held report is compared with many
 * newcomers: no Set built per comparison; features are never changed once made). Lists parsed
 * afresh from JSON just get a new one.
 */
const SETS = new WeakMap<readonly string[], Set<string>>();
function asSet(xs: readonly string[]): Set<string> {
  let s = SETS.get(xs);
  if (!s) SETS.set(xs, (s = new Set(xs)));
  return s;
}

function sharedCount(a: readonly string[], b: readonly string[]): number {
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  const inLarge = asSet(large);
  let shared = 0;
  for (const x of small) if (inLarge.has(x)) shared++;
  return shared;
}

/**
 * Jaccard of two word lists: exact when neither was trimmed; else the bottom-k estimate (of the
 * WORDS_KEPT smallest hashes of the union, the share found in both).
 */
function wordsJaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length < WORDS_KEPT && b.length < WORDS_KEPT) {
    const shared = sharedCount(a, b);
    const union = a.length + b.length - shared;
    return union === 0 ? 0 : shared / union;
  }
  const inA = asSet(a);
  const inB = asSet(b);
  const union = [...new Set([...a, ...b])].map((w) => [wordHash(w), w] as const);
  union.sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : 1));
  const top = union.slice(0, WORDS_KEPT);
  let both = 0;
  for (const [, w] of top) if (inA.has(w) && inB.has(w)) both++;
  return top.length === 0 ? 0 : both / top.length;
}

/**
 * Similarity of two reports: 1 when they share two indicators or more; else the weighted
 * Jaccard of their anchors, or, when both are in one language and it is higher, its mean with
 * the Jaccard of their words.
 */
export function similarity(a: ClusterFeatures, b: ClusterFeatures): number {
  if (sharedCount(a.indicators, b.indicators) >= 2) return 1;
  const anchors = weightedJaccard(a.anchors, b.anchors);
  if (a.language !== b.language) return anchors;
  return Math.max(anchors, 0.5 * anchors + 0.5 * wordsJaccard(a.words, b.words));
}

function datesCompatible(a: ClusterFeatures, b: ClusterFeatures, maxApart: number): boolean {
  if (a.months.length === 0 || b.months.length === 0) return true;
  for (const x of a.months) for (const y of b.months) if (Math.abs(x - y) <= maxApart) return true;
  return false;
}

/** Whether two reports tell one story: dates compatible and similarity ≥ threshold. */
export function linked(
  a: ClusterFeatures,
  b: ClusterFeatures,
  options: ClusterOptions = {},
): boolean {
  return (
    datesCompatible(a, b, options.maxMonthsApart ?? 2) &&
    similarity(a, b) >= (options.threshold ?? 0.3)
  );
}
