/**
 * Story clustering, incremental: each report joins the story of the reports it resembles, or
 * starts one. The rules are pure and serializable, in ./cluster-features.ts (features per
 * report, LSH band keys, `linked`, MAX_BUCKET), with how a persistent store must use them to
 * find the same stories; StoryClusterer is their in-memory store. Candidates come from MinHash
 * LSH buckets over the report's anchors (indicators, gazetteer entities, quantities), which an
 * English and a Chinese report of one event share, and over its words. A candidate is linked
 * when the weighted similarity passes a threshold and the two reports' dates are compatible (a
 * December 2015 meeting and a June 2016 meeting of the same officials are different stories).
 * Stories are the connected components of the links, each named by its smallest report id.
 */
import {
  bucketKeys,
  clusterFeatures,
  linked,
  MAX_BUCKET,
  type ClusterFeatures,
  type ClusterInput,
  type ClusterOptions,
} from './cluster-features.js';

export {
  bucketKeys,
  clusterFeatures,
  KEYS_VERSION,
  linked,
  MAX_BUCKET,
  similarity,
  words,
  WORDS_KEPT,
  type ClusterFeatures,
  type ClusterInput,
  type ClusterOptions,
} from './cluster-features.js';

export interface Story {
  id: string;
  reportIds: string[];
}

/**
 * The in-memory store of ./cluster-features.ts's rules (its header says how a store uses
 * them): features per report, buckets of report ids per band key, union-find for stories.
 */
export class StoryClusterer {
  private readonly held = new Map<string, ClusterFeatures>();
  private readonly buckets = new Map<string, string[]>();
  private readonly parent = new Map<string, string>();
  private readonly options: ClusterOptions;
  private compared = 0;

  constructor(options: ClusterOptions = {}) {
    this.options = options;
  }

  /** Adds a report and returns the id of its story. Adding an id twice is refused. */
  add(input: ClusterInput): string {
    return this.addFeatures(input.id, clusterFeatures(input));
  }

  /** Adds a report by its features (from clusterFeatures) and returns the id of its story. */
  addFeatures(id: string, features: ClusterFeatures): string {
    if (this.held.has(id)) throw new Error(`report ${id} is already clustered`);
    const candidates = new Set<string>();
    for (const key of bucketKeys(features)) {
      let bucket = this.buckets.get(key);
      if (!bucket) this.buckets.set(key, (bucket = []));
      else if (bucket.length <= MAX_BUCKET) for (const other of bucket) candidates.add(other);
      bucket.push(id);
    }
    this.held.set(id, features);
    this.parent.set(id, id);
    this.compared += candidates.size;
    for (const other of candidates) {
      if (linked(features, this.held.get(other)!, this.options)) this.union(id, other);
    }
    return this.find(id);
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
