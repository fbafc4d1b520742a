import {
  bucketKeys,
  KEYS_VERSION,
  linked,
  MAX_BUCKET,
  type ClusterFeatures,
} from '../../src/core/reports/cluster-features.js';

/**
 * A feed of cluster features past MAX_BUCKET, for the clustering tests (core and store):
 * `count` reports in stories of 1–6, each story with its own indicators and words, every
 * report with one to three of 20 popular indicators (Zipf-drawn) and popular words, so that
 * several buckets pass the cap. Seeded: the same feed every time.
 */
export function storyFeed(count = 600, seed = 5): { id: string; f: ClusterFeatures }[] {
  let s = seed;
  const rand = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const zipf = (n: number) => Math.floor(n ** rand()) - 1;
  const features = (indicators: string[], words: string[]): ClusterFeatures => ({
    v: KEYS_VERSION,
    language: 'en',
    anchors: Object.fromEntries(indicators.map((i) => [`i:${i}`, 3])),
    indicators: [...indicators].sort(),
    words: [...words].sort(),
    months: [],
  });
  const out: { id: string; f: ClusterFeatures }[] = [];
  for (let story = 0; out.length < count; story++) {
    const size = 1 + Math.floor(rand() * 6);
    const own = Array.from({ length: 3 }, (_, k) => `s${story}-${k}.top`);
    const ownWords = Array.from({ length: 40 }, (_, k) => `story${story}word${k}`);
    for (let r = 0; r < size && out.length < count; r++) {
      const popular = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => `p${zipf(20)}.top`);
      const mine = own.filter(() => rand() < 0.5);
      const words = [
        ...ownWords.filter(() => rand() < 0.6),
        ...Array.from({ length: 30 }, () => `common${zipf(60)}`),
      ];
      out.push({
        id: `r${String(out.length).padStart(4, '0')}`,
        f: features([...new Set([...popular, ...mine])], [...new Set(words)]),
      });
    }
  }
  return out;
}

/**
 * The stories by their definition, computed whole: links between reports that share a key
 * held by at most MAX_BUCKET of them and are `linked`; each story's ids sorted, stories sorted.
 */
export function storiesByDefinition(
  all: readonly { id: string; f: ClusterFeatures }[],
): string[][] {
  const buckets = new Map<string, string[]>();
  for (const r of all)
    for (const k of bucketKeys(r.f)) buckets.set(k, [...(buckets.get(k) ?? []), r.id]);
  const parent = new Map(all.map((r) => [r.id, r.id]));
  const find = (x: string): string => (parent.get(x) === x ? x : find(parent.get(x)!));
  const f = new Map(all.map((r) => [r.id, r.f]));
  for (const ids of buckets.values()) {
    if (ids.length > MAX_BUCKET) continue;
    for (const a of ids) {
      for (const b of ids) {
        if (a < b && linked(f.get(a)!, f.get(b)!)) {
          const [ra, rb] = [find(a), find(b)];
          if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
        }
      }
    }
  }
  const groups = new Map<string, string[]>();
  for (const r of all) groups.set(find(r.id), [...(groups.get(find(r.id)) ?? []), r.id]);
  return [...groups.values()].map((g) => g.sort()).sort((x, y) => (x[0]! < y[0]! ? -1 : 1));
}
