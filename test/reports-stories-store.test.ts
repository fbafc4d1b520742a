import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoryClusterer } from '../src/core/reports/cluster.js';
import type { ClusterFeatures } from '../src/core/reports/cluster-features.js';
import { placeInStory, rebuildStories } from '../src/server/features/reports/stories.repository.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { makeNode, type NodeHandle } from './harness/node.js';
import { storiesByDefinition, storyFeed } from './harness/story-feed.js';

/**
 * Issue 19, the stories kept in SQL past MAX_BUCKET, on each store: a feed whose popular keys
 * close (test/harness/story-feed.ts) placed report by report in two orders of arrival gives
 * the stories of their definition, those StoryClusterer finds, and rebuildStories (what a
 * migration runs when the rules change) gives them again.
 */
const feed = storyFeed(260);

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`stories in SQL on ${dialect}`, () => {
    let node: NodeHandle;
    const db = () => node.node.store.db;

    beforeAll(async () => {
      node = await makeNode({ dialect, nodeId: 'us-doj' });
    });
    afterAll(async () => {
      await node?.destroy();
    });

    async function clear(): Promise<void> {
      const any = db() as any;
      for (const table of ['report_links', 'report_closed_keys', 'report_buckets', 'reports'])
        await any.deleteFrom(table).execute();
    }

    async function place(order: readonly { id: string; f: ClusterFeatures }[]): Promise<void> {
      for (const r of order) {
        await node.node.store.transaction(async (trx) => {
          await trx
            .insertInto('reports')
            .values({
              id: r.id,
              title: null,
              source: null,
              published_at: null,
              language: 'en',
              origin: 'text',
              origin_node: null,
              text: r.id,
              extraction: JSON.stringify({ indicators: [], entities: [], claims: [], dropped: [] }),
              features: JSON.stringify(r.f),
              cluster_id: r.id,
              created_at: 0,
              created_by: null,
              case_id: null,
              stix_id: null,
              committed_at: null,
            })
            .execute();
          await placeInStory(trx, r.id, r.f);
        });
      }
    }

    async function stored(): Promise<string[][]> {
      const rows = await db().selectFrom('reports').select(['id', 'cluster_id']).execute();
      const by = new Map<string, string[]>();
      for (const row of rows) by.set(row.cluster_id, [...(by.get(row.cluster_id) ?? []), row.id]);
      for (const [id, ids] of by) expect(id).toBe([...ids].sort()[0]);
      return [...by.values()].map((g) => g.sort()).sort((x, y) => (x[0]! < y[0]! ? -1 : 1));
    }

    it('keeps the stories of their definition past MAX_BUCKET, in two orders, and rebuilds them', async () => {
      const expected = storiesByDefinition(feed);
      const memory = new StoryClusterer();
      for (const r of feed) memory.addFeatures(r.id, r.f);
      expect(memory.stories().map((s) => s.reportIds)).toEqual(expected);
      expect(memory.closedBuckets).toBeGreaterThan(0);
      for (const order of [feed, [...feed].reverse()]) {
        await clear();
        await place(order);
        expect(await stored()).toEqual(expected);
      }
      const closed = await (db() as any).selectFrom('report_closed_keys').select('key').execute();
      expect(closed.length).toBe(memory.closedBuckets);
      // Stale stories (as left by older rules): rebuilt, a page of 37 reports at a time.
      await db().updateTable('reports').set({ cluster_id: 'r0000' }).execute();
      await rebuildStories(db(), 37);
      expect(await stored()).toEqual(expected);
    }, 120_000);
  });
}
