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
 * them): features per report, the open buckets (key → report ids) and the closed keys, each
 * report's open keys, the links (both ways), and each report's story with each story's reports.
 */
export class StoryClusterer {
  private readonly held = new Map<string, ClusterFeatures>();
  private readonly buckets = new Map<string, Set<string>>();
  private readonly closed = new Set<string>();
  private readonly keysOf = new Map<string, Set<string>>();
  private readonly links = new Map<string, Set<string>>();
  private readonly label = new Map<string, string>();
  private readonly members = new Map<string, Set<string>>();
  private readonly options: ClusterOptions;
  private compared = 0;
  private closings = 0;

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
    const open = new Set<string>();
    const closing: string[] = [];
    for (const key of bucketKeys(features)) {
      if (this.closed.has(key)) continue;
      let bucket = this.buckets.get(key);
      if (!bucket) this.buckets.set(key, (bucket = new Set()));
      bucket.add(id);
      if (bucket.size > MAX_BUCKET) closing.push(key);
      else open.add(key);
    }
    this.held.set(id, features);
    this.keysOf.set(id, open);
    this.links.set(id, new Set());
    this.label.set(id, id);
    this.members.set(id, new Set([id]));
    // 1. Keys closing now: the links that went only through them go, their stories may split.
    const touched = new Set<string>();
    for (const key of closing) this.close(key, touched);
    for (const story of touched) this.split(story);
    // 2. The newcomer's links, through its open keys.
    const candidates = new Set<string>();
    for (const key of open) for (const other of this.buckets.get(key)!) candidates.add(other);
    candidates.delete(id);
    this.compared += candidates.size;
    const stories = new Set<string>();
    for (const other of candidates) {
      if (!linked(features, this.held.get(other)!, this.options)) continue;
      this.links.get(id)!.add(other);
      this.links.get(other)!.add(id);
      stories.add(this.label.get(other)!);
    }
    // 3. Its story: the smallest id of its own and of the stories it links.
    let target = id;
    for (const s of stories) if (s < target) target = s;
    for (const s of [...stories, id]) if (s !== target) this.relabel(s, target);
    return target;
  }

  /** The story id of a report (the smallest report id of its story), or undefined. */
  storyOf(id: string): string | undefined {
    return this.label.get(id);
  }

  /** All stories, each with its report ids sorted; stories sorted by id. */
  stories(): Story[] {
    return [...this.members.entries()]
      .map(([id, reportIds]) => ({ id, reportIds: [...reportIds].sort() }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get size(): number {
    return this.held.size;
  }

  /** How many candidate pairs the index has put up for an exact comparison, in all (for benches). */
  get comparisons(): number {
    return this.compared;
  }

  /**
   * What a store holds for these reports (for benches that fill a SQL store at once): the open
   * buckets' rows, the closed keys, the links (a < b) and each report's story.
   */
  *state(): Generator<
    | { kind: 'bucket'; key: string; reportId: string }
    | { kind: 'closed'; key: string }
    | { kind: 'link'; a: string; b: string }
    | { kind: 'story'; reportId: string; storyId: string }
  > {
    for (const [key, ids] of this.buckets)
      for (const reportId of ids) yield { kind: 'bucket', key, reportId };
    for (const key of this.closed) yield { kind: 'closed', key };
    for (const [a, others] of this.links)
      for (const b of others) if (a < b) yield { kind: 'link', a, b };
    for (const [reportId, storyId] of this.label) yield { kind: 'story', reportId, storyId };
  }

  /** How many buckets have closed (passed MAX_BUCKET), in all (for benches). */
  get closedBuckets(): number {
    return this.closings;
  }

  /**
   * A bucket passes MAX_BUCKET: its key is closed for every report, those already held too.
   * Each link between two of its reports that no other open key shares goes; the stories of
   * the links gone are to be split.
   */
  private close(key: string, touched: Set<string>): void {
    const bucket = this.buckets.get(key)!;
    this.buckets.delete(key);
    this.closed.add(key);
    this.closings++;
    for (const id of bucket) this.keysOf.get(id)!.delete(key);
    for (const a of bucket) {
      for (const b of this.links.get(a)!) {
        if (!(a < b && bucket.has(b)) || this.shareOpenKey(a, b)) continue;
        this.links.get(a)!.delete(b);
        this.links.get(b)!.delete(a);
        touched.add(this.label.get(a)!);
      }
    }
  }

  private shareOpenKey(a: string, b: string): boolean {
    const ka = this.keysOf.get(a)!;
    const kb = this.keysOf.get(b)!;
    const [small, large] = ka.size <= kb.size ? [ka, kb] : [kb, ka];
    for (const k of small) if (large.has(k)) return true;
    return false;
  }

  /** The connected components of a story's links, each named by its smallest id. */
  private split(story: string): void {
    const left = new Set(this.members.get(story));
    const parts: string[][] = [];
    while (left.size > 0) {
      const start = left.values().next().value!;
      left.delete(start);
      const component = [start];
      for (let i = 0; i < component.length; i++) {
        for (const next of this.links.get(component[i]!)!) {
          if (left.delete(next)) component.push(next);
        }
      }
      parts.push(component);
    }
    if (parts.length === 1) return;
    this.members.delete(story);
    for (const component of parts) {
      let name = component[0]!;
      for (const id of component) if (id < name) name = id;
      for (const id of component) this.label.set(id, name);
      this.members.set(name, new Set(component));
    }
  }

  private relabel(from: string, to: string): void {
    const moving = this.members.get(from)!;
    const into = this.members.get(to)!;
    for (const id of moving) {
      this.label.set(id, to);
      into.add(id);
    }
    this.members.delete(from);
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
