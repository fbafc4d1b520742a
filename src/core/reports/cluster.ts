/**
 * Story clustering, incremental: each report joins the story of the reports it resembles, or
 * starts one. Two MinHash indexes with LSH banding find candidates in time that does not grow
 * with the collection (only with the number of similar reports): one over the report's anchors
 * (indicators, gazetteer entities, quantities, months), which an English and a Chinese report
 * of one event share, and one over its words. A candidate is linked when the weighted
 * similarity passes a threshold and the two reports' dates are compatible (a December 2015
 * meeting and a June 2016 meeting of the same officials are different stories). Stories are
 * the connected components of the links: a link depends only on the pair, so the result is
 * the same whatever the order of arrival. A story's id is the smallest report id in it.
 */
import { GAZETTEER_BY_ID } from './gazetteer.js';
import type { ReportExtraction } from './index.js';

export interface ClusterInput {
  id: string;
  text: string;
  extraction: Pick<ReportExtraction, 'indicators' | 'entities' | 'language'>;
}

export interface Story {
  id: string;
  reportIds: string[];
}

export interface ClusterOptions {
  /** Link two reports when their similarity is at least this (0.3: the middle of the 0.25–0.35 plateau on the corpus). */
  threshold?: number;
  /** Months apart beyond which two reports' dates are incompatible. */
  maxMonthsApart?: number;
}

interface Held {
  id: string;
  language: string;
  anchors: Map<string, number>; // feature → weight
  indicators: Set<string>; // values, with the hosts of URLs and the domains of e-mail addresses
  words: Set<string>;
  months: number[]; // months since year 0, from dates with a month
}

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
 * signature: almost every report has one, and their buckets would grow with the collection.
 * Three rows for anchors cut candidates by three or four but lose same-story pairs on the
 * corpus (B-cubed F1 0.86 instead of 0.98).
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

function minhash(features: Iterable<string>): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const f of features) {
    for (let k = 0; k < HASHES; k++) {
      const h = hash32(f, SEEDS[k]!);
      if (h < sig[k]!) sig[k] = h;
    }
  }
  return sig;
}

function bandKeys(prefix: string, features: Iterable<string>, rows: number): string[] {
  const sig = minhash(features);
  const keys: string[] = [];
  for (let b = 0; b + rows <= HASHES; b += rows)
    keys.push(`${prefix}${b}:${sig.slice(b, b + rows).join(',')}`);
  return keys;
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

function monthsOf(e: ClusterInput['extraction']['entities']): number[] {
  const out: number[] = [];
  for (const d of e) {
    const m = d.kind === 'date' ? /^(\d{4})-(\d{2})/.exec(d.id) : null;
    if (m) out.push(Number(m[1]) * 12 + Number(m[2]) - 1);
  }
  return out;
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

function anchorsOf(x: ClusterInput['extraction'], indicators: Set<string>): Map<string, number> {
  const a = new Map<string, number>();
  for (const v of indicators) a.set(`i:${v}`, WEIGHT.indicator);
  for (const e of x.entities) {
    if (e.kind !== 'date') a.set(`e:${e.id}`, entityWeight(e));
    else if (e.id.length >= 7) a.set(`d:${e.id.slice(0, 7)}`, WEIGHT.month);
  }
  return a;
}

function weightedJaccard(a: Map<string, number>, b: Map<string, number>): number {
  let shared = 0;
  let union = 0;
  for (const [k, w] of a) {
    union += w;
    if (b.has(k)) shared += w;
  }
  for (const [k, w] of b) if (!a.has(k)) union += w;
  return union === 0 ? 0 : shared / union;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

/**
 * Similarity of two held reports: 1 when they share two indicators or more; else the weighted
 * Jaccard of their anchors, or, when both are in one language and it is higher, its mean with
 * the Jaccard of their words.
 */
function similarity(a: Held, b: Held): number {
  let sharedIndicators = 0;
  for (const v of a.indicators) if (b.indicators.has(v)) sharedIndicators++;
  if (sharedIndicators >= 2) return 1;
  const anchors = weightedJaccard(a.anchors, b.anchors);
  if (a.language !== b.language) return anchors;
  return Math.max(anchors, 0.5 * anchors + 0.5 * jaccard(a.words, b.words));
}

function datesCompatible(a: Held, b: Held, maxApart: number): boolean {
  if (a.months.length === 0 || b.months.length === 0) return true;
  for (const x of a.months) for (const y of b.months) if (Math.abs(x - y) <= maxApart) return true;
  return false;
}

export class StoryClusterer {
  private readonly held = new Map<string, Held>();
  private readonly buckets = new Map<string, string[]>();
  private readonly parent = new Map<string, string>();
  private readonly threshold: number;
  private readonly maxApart: number;
  private compared = 0;

  constructor(options: ClusterOptions = {}) {
    this.threshold = options.threshold ?? 0.3;
    this.maxApart = options.maxMonthsApart ?? 2;
  }

  /** Adds a report and returns the id of its story. Adding an id twice is refused. */
  add(input: ClusterInput): string {
    if (this.held.has(input.id)) throw new Error(`report ${input.id} is already clustered`);
    const indicators = indicatorsOf(input.extraction);
    const h: Held = {
      id: input.id,
      language: input.extraction.language,
      indicators,
      anchors: anchorsOf(input.extraction, indicators),
      words: words(input.text),
      months: monthsOf(input.extraction.entities),
    };
    const strong = [...h.anchors]
      .filter(([k, w]) => w >= WEIGHT.nlp && !k.startsWith('d:'))
      .map(([k]) => k);
    const keys = [
      ...(strong.length > 0 ? bandKeys('a', strong, ANCHOR_ROWS) : []),
      ...(h.words.size > 0 ? bandKeys('w', h.words, WORD_ROWS) : []),
    ];
    const candidates = new Set<string>();
    for (const key of keys) {
      const bucket = this.buckets.get(key);
      if (bucket) for (const id of bucket) candidates.add(id);
      else this.buckets.set(key, []);
      this.buckets.get(key)!.push(h.id);
    }
    this.held.set(h.id, h);
    this.parent.set(h.id, h.id);
    this.compared += candidates.size;
    for (const id of candidates) {
      const other = this.held.get(id)!;
      if (datesCompatible(h, other, this.maxApart) && similarity(h, other) >= this.threshold)
        this.union(h.id, id);
    }
    return this.storyOf(h.id)!;
  }

  /** The story id of a report (the smallest report id of its story), or undefined. */
  storyOf(id: string): string | undefined {
    if (!this.parent.has(id)) return undefined;
    return this.find(id);
  }

  /** All stories, each with its report ids sorted; stories sorted by id. */
  stories(): Story[] {
    const by = new Map<string, string[]>();
    for (const id of this.held.keys()) {
      const root = this.find(id);
      const list = by.get(root) ?? [];
      list.push(id);
      by.set(root, list);
    }
    return [...by.entries()]
      .map(([id, reportIds]) => ({ id, reportIds: reportIds.sort() }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get size(): number {
    return this.held.size;
  }

  /** How many candidate pairs the index has put up for an exact comparison, in all (for benches). */
  get comparisons(): number {
    return this.compared;
  }

  private find(id: string): string {
    let root = id;
    while (this.parent.get(root) !== root) root = this.parent.get(root)!;
    let at = id;
    while (at !== root) {
      const next = this.parent.get(at)!;
      this.parent.set(at, root);
      at = next;
    }
    return root;
  }

  /** The smaller id becomes the root, so a story's id does not depend on arrival order. */
  private union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    if (ra < rb) this.parent.set(rb, ra);
    else this.parent.set(ra, rb);
  }
}

/** B-cubed and pairwise precision, recall and F1 of a clustering against gold story labels. */
export function clusteringScores(
  predicted: ReadonlyMap<string, string>,
  gold: ReadonlyMap<string, string>,
) {
  const ids = [...gold.keys()];
  const members = (labels: ReadonlyMap<string, string>) => {
    const m = new Map<string, Set<string>>();
    for (const id of ids) {
      const l = labels.get(id)!;
      if (!m.has(l)) m.set(l, new Set());
      m.get(l)!.add(id);
    }
    return m;
  };
  const P = members(predicted);
  const G = members(gold);
  let bp = 0;
  let br = 0;
  for (const id of ids) {
    const p = P.get(predicted.get(id)!)!;
    const g = G.get(gold.get(id)!)!;
    let both = 0;
    for (const x of p) if (g.has(x)) both++;
    bp += both / p.size;
    br += both / g.size;
  }
  bp /= ids.length;
  br /= ids.length;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const sp = predicted.get(ids[i]!) === predicted.get(ids[j]!);
      const sg = gold.get(ids[i]!) === gold.get(ids[j]!);
      if (sp && sg) tp++;
      else if (sp) fp++;
      else if (sg) fn++;
    }
  }
  const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
  const pp = tp + fp === 0 ? 1 : tp / (tp + fp);
  const pr = tp + fn === 0 ? 1 : tp / (tp + fn);
  return {
    bcubed: { precision: bp, recall: br, f1: f1(bp, br) },
    pairwise: { precision: pp, recall: pr, f1: f1(pp, pr) },
  };
}
