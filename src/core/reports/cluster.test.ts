import { describe, expect, it } from 'vitest';
import {
  bucketKeys,
  clusterFeatures,
  clusteringScores,
  KEYS_VERSION,
  linked,
  MAX_BUCKET,
  type ClusterFeatures,
  StoryClusterer,
  WORDS_KEPT,
} from './cluster.js';
import { analyseReport } from './index.js';
import { storiesByDefinition, storyFeed } from '../../../test/harness/story-feed.js';

const input = (id: string, text: string) => ({ id, text, extraction: analyseReport(text) });

describe('StoryClusterer', () => {
  it('joins reports that share two indicators, whatever their language', () => {
    const c = new StoryClusterer();
    c.add(input('b', 'The loader beacons to evil-c2[.]top and 203.0.113[.]9 every minute.'));
    c.add(input('a', '样本连接evil-c2[.]top和203.0.113.9。'));
    c.add(input('c', 'An unrelated note about the weather in Canberra on 3 March 2026.'));
    expect(c.stories()).toEqual([
      { id: 'a', reportIds: ['a', 'b'] },
      { id: 'c', reportIds: ['c'] },
    ]);
    expect(c.storyOf('b')).toBe('a');
    expect(c.storyOf('nope')).toBeUndefined();
  });

  it('keeps apart reports whose dates are far apart, even with the same people', () => {
    const c = new StoryClusterer();
    c.add(
      input(
        'x',
        'Loretta Lynch, Jeh Johnson and Guo Shengkun met in Washington on December 1, 2015.',
      ),
    );
    c.add(
      input('y', 'Loretta Lynch, Jeh Johnson and Guo Shengkun met in Beijing on June 14, 2016.'),
    );
    expect(c.stories().length).toBe(2);
  });

  it('refuses a report id it already holds', () => {
    const c = new StoryClusterer();
    c.add(input('a', 'text'));
    expect(() => c.add(input('a', 'text'))).toThrow(/already/);
  });
});

describe('cluster features', () => {
  it('survive a JSON round trip with the same keys and links', () => {
    const a = clusterFeatures(
      input('a', 'The loader beacons to evil-c2[.]top and 203.0.113[.]9 on 2 May 2024.'),
    );
    const b = clusterFeatures(input('b', '样本连接evil-c2[.]top和203.0.113.9。'));
    const a2 = JSON.parse(JSON.stringify(a)) as typeof a;
    expect(a2).toEqual(a);
    expect(bucketKeys(a2)).toEqual(bucketKeys(a));
    expect(bucketKeys(a).every((k) => k.startsWith(String(KEYS_VERSION)))).toBe(true);
    expect(bucketKeys(a)).toContain(`${KEYS_VERSION}a:i:evil-c2.top`);
    expect(linked(a2, b)).toBe(true);
    expect(a.months).toEqual([2024 * 12 + 4]);
  });

  it('keep at most WORDS_KEPT words, the same ones whatever the order of the text', () => {
    const many = Array.from(
      { length: 2000 },
      (_, i) =>
        `word${String.fromCharCode(97 + (i % 26))}${i.toString(36).replace(/\d/g, (d) => 'abcdefghij'[+d]!)}`,
    );
    const f = clusterFeatures(input('x', many.join(' ')));
    const g = clusterFeatures(input('y', [...many].reverse().join(' ')));
    expect(f.words.length).toBe(WORDS_KEPT);
    expect(g.words).toEqual(f.words);
    expect(linked(f, g)).toBe(true);
  });
});

describe('MAX_BUCKET', () => {
  const features = (indicators: string[], words: string[] = []): ClusterFeatures => ({
    v: KEYS_VERSION,
    language: 'en',
    anchors: Object.fromEntries(indicators.map((i) => [`i:${i}`, 3])),
    indicators: [...indicators].sort(),
    words: [...words].sort(),
    months: [],
  });
  const id = (i: number) => `r${String(i).padStart(4, '0')}`;

  it('closes a key for every report once its bucket holds more than MAX_BUCKET', () => {
    const c = new StoryClusterer();
    const shared = features(['evil.top', '203.0.113.9']);
    for (let i = 0; i < MAX_BUCKET; i++) c.addFeatures(id(i), shared);
    expect(c.stories()).toHaveLength(1);
    // The next report closes every key they share: the links made through them go too, so the
    // result is the one of any order (each report alone, as if the keys had always been closed).
    expect(c.addFeatures('s', shared)).toBe('s');
    expect(c.stories()).toHaveLength(MAX_BUCKET + 1);
    expect(c.closedBuckets).toBeGreaterThan(0);
  });

  it('keeps a link that another open key still carries, and splits a story where none does', () => {
    const c = new StoryClusterer();
    // a–b share a rare indicator besides the popular one; b–x only the popular one.
    c.addFeatures('a', features(['popular.top', 'rare-ab.top']));
    c.addFeatures('b', features(['popular.top', 'rare-ab.top', 'rare-bx.top']));
    c.addFeatures('x', features(['popular.top', 'rare-bx.top']));
    expect(c.stories()).toEqual([{ id: 'a', reportIds: ['a', 'b', 'x'] }]);
    for (let i = 0; i < MAX_BUCKET; i++)
      c.addFeatures(id(i), features(['popular.top', `own${i}.top`]));
    // popular.top closed: a–b and b–x still share a rare indicator, the others no open key.
    expect(c.storyOf('x')).toBe('a');
    expect(c.storyOf(id(0))).toBe(id(0));
  });

  it('gives the same stories in any order of arrival on a feed past the cap, those of the definition', () => {
    const all = storyFeed();
    const run = (order: typeof all) => {
      const c = new StoryClusterer();
      for (const r of order) c.addFeatures(r.id, r.f);
      return c;
    };
    const reference = run(all);
    expect(reference.closedBuckets).toBeGreaterThanOrEqual(5);
    const stories = reference.stories();
    expect(stories.length).toBeGreaterThan(50);
    expect(stories.length).toBeLessThan(all.length);
    expect(stories.map((s) => s.reportIds)).toEqual(storiesByDefinition(all));
    for (const seed of [1, 2, 3]) {
      const order = [...all];
      let a = seed;
      for (let i = order.length - 1; i > 0; i--) {
        a = (Math.imul(a, 1103515245) + 12345) >>> 0;
        const j = a % (i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      expect(run(order).stories()).toEqual(stories);
    }
    expect(run([...all].reverse()).stories()).toEqual(stories);
  });
});

describe('clusteringScores', () => {
  it('scores a perfect and a lumped clustering', () => {
    const gold = new Map([
      ['1', 'A'],
      ['2', 'A'],
      ['3', 'B'],
    ]);
    expect(clusteringScores(gold, gold).bcubed.f1).toBe(1);
    const lumped = clusteringScores(
      new Map([
        ['1', 'X'],
        ['2', 'X'],
        ['3', 'X'],
      ]),
      gold,
    );
    expect(lumped.bcubed.recall).toBe(1);
    expect(lumped.bcubed.precision).toBeCloseTo((2 / 3 + 2 / 3 + 1 / 3) / 3);
    expect(lumped.pairwise).toMatchObject({ precision: 1 / 3, recall: 1 });
  });
});
