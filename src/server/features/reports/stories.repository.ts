import {
  bucketKeys,
  linked,
  MAX_BUCKET,
  type ClusterFeatures,
} from '../../../core/reports/cluster-features.js';
import type { Db } from '../../store/database.js';

/**
 * Stories in SQL, as core/reports/cluster-features.ts says a store must keep them so they
 * equal StoryClusterer's whatever the order of arrival: candidates from the buckets a new
 * report shares (buckets already over MAX_BUCKET not used), a link when `linked`, and a
 * story id per report = the smallest report id of its connected component (stories merged
 * when a new report links two). Called inside the ingest transaction, stories locked.
 */
export async function placeInStory(
  db: Db,
  reportId: string,
  features: ClusterFeatures,
): Promise<string> {
  const keys = [...new Set(bucketKeys(features))];
  const usable = await usableKeys(db, keys);
  const candidates = await candidatesOf(db, usable, reportId);
  const stories = new Set<string>();
  for (const candidate of candidates) {
    const theirs = JSON.parse(candidate.features) as ClusterFeatures;
    if (linked(features, theirs)) stories.add(candidate.cluster_id);
  }
  let storyId = reportId;
  for (const id of stories) if (id < storyId) storyId = id;
  const merged = [...stories].filter((id) => id !== storyId);
  for (let i = 0; i < merged.length; i += 500) {
    await db
      .updateTable('reports')
      .set({ cluster_id: storyId })
      .where('cluster_id', 'in', merged.slice(i, i + 500))
      .execute();
  }
  for (let i = 0; i < keys.length; i += 500) {
    await db
      .insertInto('report_buckets')
      .values(keys.slice(i, i + 500).map((key) => ({ key, report_id: reportId })))
      .execute();
  }
  return storyId;
}

/** The keys whose bucket holds at most MAX_BUCKET reports (before this report joins). */
async function usableKeys(db: Db, keys: readonly string[]): Promise<string[]> {
  const full = new Set<string>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .selectFrom('report_buckets')
      .select('key')
      .where('key', 'in', keys.slice(i, i + 500))
      .groupBy('key')
      .having((eb) => eb.fn.countAll(), '>', MAX_BUCKET)
      .execute();
    for (const row of rows) full.add(row.key);
  }
  return keys.filter((key) => !full.has(key));
}

async function candidatesOf(
  db: Db,
  keys: readonly string[],
  reportId: string,
): Promise<{ id: string; cluster_id: string; features: string }[]> {
  const seen = new Map<string, { id: string; cluster_id: string; features: string }>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .selectFrom('report_buckets as b')
      .innerJoin('reports as r', 'r.id', 'b.report_id')
      .select(['r.id', 'r.cluster_id', 'r.features'])
      .where('b.key', 'in', keys.slice(i, i + 500))
      .where('r.id', '!=', reportId)
      .distinct()
      .execute();
    for (const row of rows) seen.set(row.id, row);
  }
  return [...seen.values()];
}
