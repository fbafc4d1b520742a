import { sql } from 'kysely';
import type { Db, Dialect } from '../../store/database.js';
import type { AllowListRow, ReportRow, ReviewRow } from './reports.table.js';

/** Reports, their reviews and the node's allow-list in SQL (stories: stories.repository.ts). */

export async function insertReport(db: Db, row: ReportRow): Promise<void> {
  await db.insertInto('reports').values(row).execute();
}

export function findReport(db: Db, id: string): Promise<ReportRow | undefined> {
  return db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A report received from a peer, by its STIX report's id. */
export function findReportByStix(db: Db, stixId: string): Promise<ReportRow | undefined> {
  return db.selectFrom('reports').selectAll().where('stix_id', '=', stixId).executeTakeFirst();
}

/** Which of these STIX report ids are among the reports already (ingested from a peer). */
export async function ingestedStixIds(db: Db, stixIds: readonly string[]): Promise<Set<string>> {
  if (stixIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('reports')
    .select('stix_id')
    .where('stix_id', 'in', [...stixIds])
    .execute();
  return new Set(rows.flatMap((row) => (row.stix_id ? [row.stix_id] : [])));
}

/** Holds the report's row until the transaction ends (PostgreSQL; SQLite's writer lock does). */
export async function lockReport(db: Db, dialect: Dialect, id: string): Promise<void> {
  if (dialect !== 'postgres') return;
  await db.selectFrom('reports').select('id').where('id', '=', id).forUpdate().execute();
}

export async function setCommitted(
  db: Db,
  id: string,
  values: Pick<ReportRow, 'case_id' | 'stix_id' | 'committed_at'>,
): Promise<void> {
  await db.updateTable('reports').set(values).where('id', '=', id).execute();
}

type After = { at: number; id: string } | undefined;

/** Newest first by (created_at, id); one more than `limit`, to know if there is more. */
export function listReports(
  db: Db,
  options: { clusterId?: string; limit: number; after: After },
): Promise<ReportRow[]> {
  let query = db
    .selectFrom('reports')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (options.clusterId) query = query.where('cluster_id', '=', options.clusterId);
  const after = options.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', after.at),
        eb.and([eb('created_at', '=', after.at), eb('id', '<', after.id)]),
      ]),
    );
  }
  return query.execute();
}

export function reviewsOf(db: Db, reportIds: readonly string[]): Promise<ReviewRow[]> {
  if (reportIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('report_reviews').selectAll().where('report_id', 'in', reportIds).execute();
}

export async function upsertReviews(db: Db, rows: readonly ReviewRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('report_reviews')
    .values([...rows])
    .onConflict((oc) =>
      oc.columns(['report_id', 'kind', 'idx']).doUpdateSet((eb) => ({
        state: eb.ref('excluded.state'),
        reviewed_by: eb.ref('excluded.reviewed_by'),
        reviewed_at: eb.ref('excluded.reviewed_at'),
      })),
    )
    .execute();
}

export function allAllowList(db: Db): Promise<AllowListRow[]> {
  return db.selectFrom('report_allow_list').selectAll().execute();
}

/** Oldest first by (created_at, id). */
export function listAllowList(db: Db, limit: number, after: After): Promise<AllowListRow[]> {
  let query = db
    .selectFrom('report_allow_list')
    .selectAll()
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .limit(limit + 1);
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '>', after.at),
        eb.and([eb('created_at', '=', after.at), eb('id', '>', after.id)]),
      ]),
    );
  }
  return query.execute();
}

export function findAllowEntry(
  db: Db,
  type: string,
  value: string,
): Promise<AllowListRow | undefined> {
  return db
    .selectFrom('report_allow_list')
    .selectAll()
    .where('type', '=', type)
    .where('value', '=', value)
    .executeTakeFirst();
}

export async function insertAllowEntry(db: Db, row: AllowListRow): Promise<void> {
  await db.insertInto('report_allow_list').values(row).execute();
}

export async function deleteAllowEntry(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('report_allow_list').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Serialises story updates across a node's connections (PostgreSQL; SQLite has one writer). */
export async function lockStories(db: Db, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`select pg_advisory_xact_lock(hashtext('liaison.reports.stories'))`.execute(db);
  }
}
