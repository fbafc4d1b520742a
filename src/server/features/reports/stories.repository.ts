import type { Kysely } from 'kysely';
import {
  bucketKeys,
  clusterFeatures,
  KEYS_VERSION,
  linked,
  MAX_BUCKET,
  type ClusterFeatures,
} from '../../../core/reports/cluster-features.js';
import type { Database, Db } from '../../store/database.js';

/**
 * Stories in SQL, kept as core/reports/cluster-features.ts's header says a store must, so they
 * equal StoryClusterer's whatever the order of arrival: `report_buckets` holds the rows of the
 * open keys only (at most MAX_BUCKET + 1 per key, so counting one is bounded),
 * `report_closed_keys` the keys that passed MAX_BUCKET (they link no pair), `report_links`
 * every link (a < b) going through an open key, and `reports.cluster_id` the smallest report
 * id of each connected component. Called inside the ingest transaction, stories locked.
 */
interface StoryTables {
  report_closed_keys: { key: string };
  report_links: { a: string; b: string };
}
type StoryDb = Kysely<Database & StoryTables>;

const CHUNK = 500;
const chunks = <T>(xs: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) =>
    xs.slice(i * CHUNK, (i + 1) * CHUNK),
  );

/** Places a new report (its row written, cluster_id its own id) in its story; returns the story id. */
export async function placeInStory(
  database: Db,
  reportId: string,
  features: ClusterFeatures,
): Promise<string> {
  const db = database as unknown as StoryDb;
  const keys = [...new Set(bucketKeys(features))];
  const closed = new Set<string>();
  for (const part of chunks(keys)) {
    const rows = await db
      .selectFrom('report_closed_keys')
      .select('key')
      .where('key', 'in', part)
      .execute();
    for (const row of rows) closed.add(row.key);
  }
  const open = keys.filter((key) => !closed.has(key));
  for (const part of chunks(open)) {
    await db
      .insertInto('report_buckets')
      .values(part.map((key) => ({ key, report_id: reportId })))
      .execute();
  }
  const closing = await fullKeys(db, open);
  const touched = new Set<string>();
  for (const key of closing) await closeKey(db, key, touched);
  for (const story of touched) await splitStory(db, story);
  const usable = open.filter((key) => !closing.has(key));
  return linkNewcomer(db, reportId, features, usable);
}

/** The keys whose bucket (the newcomer in it) holds more than MAX_BUCKET reports. */
async function fullKeys(db: StoryDb, keys: readonly string[]): Promise<Set<string>> {
  const full = new Set<string>();
  for (const part of chunks(keys)) {
    const rows = await db
      .selectFrom('report_buckets')
      .select('key')
      .where('key', 'in', part)
      .groupBy('key')
      .having((eb) => eb.fn.countAll(), '>', MAX_BUCKET)
      .execute();
    for (const row of rows) full.add(row.key);
  }
  return full;
}

/**
 * A key passes MAX_BUCKET: recorded as closed, its rows deleted, and each link between two of
 * its reports that share no other open key removed (their stories noted in `touched`).
 */
async function closeKey(db: StoryDb, key: string, touched: Set<string>): Promise<void> {
  const members = (
    await db.selectFrom('report_buckets').select('report_id').where('key', '=', key).execute()
  ).map((row) => row.report_id);
  await db.insertInto('report_closed_keys').values({ key }).execute();
  await db.deleteFrom('report_buckets').where('key', '=', key).execute();
  const links = await db
    .selectFrom('report_links as l')
    .innerJoin('reports as r', 'r.id', 'l.a')
    .select(['l.a', 'l.b', 'r.cluster_id'])
    .where('l.a', 'in', members)
    .where('l.b', 'in', members)
    .execute();
  if (links.length === 0) return;
  const still = await db
    .selectFrom('report_buckets as x')
    .innerJoin('report_buckets as y', 'y.key', 'x.key')
    .select(['x.report_id as a', 'y.report_id as b'])
    .where('x.report_id', 'in', members)
    .where('y.report_id', 'in', members)
    .whereRef('x.report_id', '<', 'y.report_id')
    .distinct()
    .execute();
  const kept = new Set(still.map((p) => `${p.a}\n${p.b}`));
  for (const link of links) {
    if (kept.has(`${link.a}\n${link.b}`)) continue;
    await db.deleteFrom('report_links').where('a', '=', link.a).where('b', '=', link.b).execute();
    touched.add(link.cluster_id);
  }
}

/** A story that lost links: its reports take the smallest id of their connected component. */
async function splitStory(db: StoryDb, story: string): Promise<void> {
  const ids = (
    await db.selectFrom('reports').select('id').where('cluster_id', '=', story).execute()
  ).map((row) => row.id);
  const next = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const part of chunks(ids)) {
    const rows = await db
      .selectFrom('report_links')
      .select(['a', 'b'])
      .where('a', 'in', part)
      .execute();
    for (const { a, b } of rows) {
      next.get(a)?.push(b);
      next.get(b)?.push(a);
    }
  }
  const left = new Set(ids);
  for (const start of ids) {
    if (!left.delete(start)) continue;
    const component = [start];
    for (let i = 0; i < component.length; i++) {
      for (const id of next.get(component[i]!) ?? []) if (left.delete(id)) component.push(id);
    }
    const name = component.reduce((m, id) => (id < m ? id : m));
    if (name === story) continue;
    for (const part of chunks(component)) {
      await db.updateTable('reports').set({ cluster_id: name }).where('id', 'in', part).execute();
    }
  }
}

/** Links the newcomer to its candidates (the reports of its open buckets) and merges their stories. */
async function linkNewcomer(
  db: StoryDb,
  reportId: string,
  features: ClusterFeatures,
  keys: readonly string[],
): Promise<string> {
  // A candidate under several keys comes once per key (no DISTINCT: it would compare the
  // features' text); the Map keeps one.
  const seen = new Map<string, { id: string; cluster_id: string; features: string }>();
  for (const part of chunks(keys)) {
    const rows = await db
      .selectFrom('report_buckets as b')
      .innerJoin('reports as r', 'r.id', 'b.report_id')
      .select(['r.id', 'r.cluster_id', 'r.features'])
      .where('b.key', 'in', part)
      .where('r.id', '!=', reportId)
      .execute();
    for (const row of rows) seen.set(row.id, row);
  }
  const stories = new Set<string>();
  const links: { a: string; b: string }[] = [];
  for (const candidate of seen.values()) {
    if (!linked(features, JSON.parse(candidate.features) as ClusterFeatures)) continue;
    stories.add(candidate.cluster_id);
    const [a, b] = candidate.id < reportId ? [candidate.id, reportId] : [reportId, candidate.id];
    links.push({ a, b });
  }
  for (const part of chunks(links)) await db.insertInto('report_links').values(part).execute();
  let storyId = reportId;
  for (const id of stories) if (id < storyId) storyId = id;
  const merged = [...stories, reportId].filter((id) => id !== storyId);
  for (const part of chunks(merged)) {
    await db
      .updateTable('reports')
      .set({ cluster_id: storyId })
      .where('cluster_id', 'in', part)
      .execute();
  }
  return storyId;
}

/**
 * Recomputes every story from the stored reports (a migration calls it when the rules change:
 * a new KEYS_VERSION or a new way of linking): buckets, closed keys and links emptied, each
 * report's features recomputed from its text and extraction when their version is not
 * KEYS_VERSION, then the reports placed again one by one, by id, in pages. The result does not
 * depend on that order (see placeInStory).
 */
export async function rebuildStories(database: Db, page = 200): Promise<void> {
  const db = database as unknown as StoryDb;
  await db.deleteFrom('report_links').execute();
  await db.deleteFrom('report_closed_keys').execute();
  await db.deleteFrom('report_buckets').execute();
  await db
    .updateTable('reports')
    .set((eb) => ({ cluster_id: eb.ref('id') }))
    .execute();
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('reports')
      .select(['id', 'text', 'language', 'extraction', 'features'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(page)
      .execute();
    for (const row of rows) {
      let features = JSON.parse(row.features) as ClusterFeatures;
      if (features.v !== KEYS_VERSION) {
        const x = JSON.parse(row.extraction) as Parameters<typeof clusterFeatures>[0]['extraction'];
        features = clusterFeatures({
          id: row.id,
          text: row.text,
          extraction: { indicators: x.indicators, entities: x.entities, language: row.language },
        });
      }
      await db
        .updateTable('reports')
        .set({ features: JSON.stringify(features) })
        .where('id', '=', row.id)
        .execute();
      await placeInStory(database, row.id, features);
    }
    if (rows.length < page) return;
    after = rows[rows.length - 1]!.id;
  }
}
