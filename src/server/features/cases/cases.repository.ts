import { sql } from 'kysely';
import type { Db } from '../../store/database.js';
import type { TlpLevel } from '../../../core/tlp-rules.js';
import type {
  CaseLinksTable,
  CaseRow,
  CasesTable,
  StixFeedbackRow,
  StixObjectRow,
  StixVersionRow,
} from './cases.table.js';

export function findCase(db: Db, id: string): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertCase(db: Db, row: CaseRow): Promise<void> {
  await db.insertInto('cases').values(row).execute();
}

/** Cases, most recently changed first; a page of `limit` after `after` if given. */
export function listCaseRows(
  db: Db,
  query: {
    status?: string | undefined;
    priorityCase?: boolean | undefined;
    after?: { updatedAt: number; id: string } | undefined;
    limit?: number | undefined;
  },
): Promise<CaseRow[]> {
  let q = db.selectFrom('cases').selectAll();
  if (query.status) q = q.where('status', '=', query.status);
  if (query.priorityCase !== undefined)
    q = q.where('priority_case', '=', query.priorityCase ? 1 : 0);
  if (query.after) {
    const { updatedAt, id } = query.after;
    q = q.where(sql<boolean>`(updated_at, id) < (${updatedAt}, ${id})`);
  }
  q = q.orderBy('updated_at', 'desc').orderBy('id', 'desc');
  return query.limit !== undefined ? q.limit(query.limit).execute() : q.execute();
}

export async function updateCaseRow(
  db: Db,
  id: string,
  changes: Partial<Omit<CasesTable, 'id'>>,
): Promise<void> {
  await db.updateTable('cases').set(changes).where('id', '=', id).execute();
}

export async function participantsOf(db: Db, caseId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('case_participants')
    .select('node_id')
    .where('case_id', '=', caseId)
    .orderBy('node_id')
    .execute();
  return rows.map((row) => row.node_id);
}

/** Whether `nodeId` holds the case too: it opened it or takes part in it. */
export async function caseSharedWith(db: Db, caseId: string, nodeId: string): Promise<boolean> {
  const row = await db
    .selectFrom('cases')
    .leftJoin('case_participants as p', (join) =>
      join.onRef('p.case_id', '=', 'cases.id').on('p.node_id', '=', nodeId),
    )
    .select(['cases.owner_node', 'p.node_id'])
    .where('cases.id', '=', caseId)
    .executeTakeFirst();
  return row !== undefined && (row.owner_node === nodeId || row.node_id === nodeId);
}

export async function setParticipants(
  db: Db,
  caseId: string,
  nodes: readonly string[],
  at: number,
): Promise<void> {
  const existing = new Set(await participantsOf(db, caseId));
  for (const node of nodes) {
    if (existing.has(node)) continue;
    await db
      .insertInto('case_participants')
      .values({ case_id: caseId, node_id: node, added_at: at })
      .execute();
  }
  const keep = new Set(nodes);
  for (const node of existing) {
    if (keep.has(node)) continue;
    await db
      .deleteFrom('case_participants')
      .where('case_id', '=', caseId)
      .where('node_id', '=', node)
      .execute();
  }
}

/** Who is in the case besides its owner, and since when. */
export function participantRowsOf(db: Db, caseId: string) {
  return db.selectFrom('case_participants').selectAll().where('case_id', '=', caseId).execute();
}

/** Whether the request or hotline call a link names exists. */
export async function linkTargetExists(
  db: Db,
  link: { kind: CaseLinksTable['kind']; refId: string },
): Promise<boolean> {
  const target =
    link.kind === 'request'
      ? await db.selectFrom('requests').select('id').where('id', '=', link.refId).executeTakeFirst()
      : await db
          .selectFrom('hotline_calls')
          .select('id')
          .where('id', '=', link.refId)
          .executeTakeFirst();
  return target !== undefined;
}

export async function hasLink(
  db: Db,
  caseId: string,
  link: { kind: CaseLinksTable['kind']; refId: string },
): Promise<boolean> {
  const exists = await db
    .selectFrom('case_links')
    .select('ref_id')
    .where('case_id', '=', caseId)
    .where('kind', '=', link.kind)
    .where('ref_id', '=', link.refId)
    .executeTakeFirst();
  return exists !== undefined;
}

export async function addLink(db: Db, row: CaseLinksTable): Promise<void> {
  await db.insertInto('case_links').values(row).execute();
}

/** When each request was linked to the case. */
export async function requestLinkTimes(db: Db, caseId: string): Promise<number[]> {
  const links = await db
    .selectFrom('case_links')
    .select('created_at')
    .where('case_id', '=', caseId)
    .where('kind', '=', 'request')
    .execute();
  return links.map((link) => Number(link.created_at));
}

export function linksOf(db: Db, caseId: string) {
  return db
    .selectFrom('case_links')
    .select(['kind', 'ref_id'])
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .execute();
}

export function findObject(db: Db, id: string): Promise<StixObjectRow | undefined> {
  return db.selectFrom('stix_objects').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The objects of these ids (current versions). */
export async function objectsByIds(db: Db, ids: readonly string[]): Promise<StixObjectRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('stix_objects').selectAll().where('id', 'in', ids).execute();
}

/** Whether an object of the case changed in [from, to). */
export async function caseActiveBetween(
  db: Db,
  caseId: string,
  from: number,
  to: number,
): Promise<boolean> {
  const active = await db
    .selectFrom('case_objects')
    .select('object_id')
    .where('case_id', '=', caseId)
    .where('updated_at', '>=', from)
    .where('updated_at', '<', to)
    .executeTakeFirst();
  return active !== undefined;
}

/** What an export selects: the live objects of a case (or of all) of a type (or of all). */
export interface ExportFilter {
  caseId?: string | undefined;
  type?: string | undefined;
}

/** The authors and markings of the objects an export selects, at the levels it may carry. */
export function authorsAndMarkings(
  db: Db,
  filter: ExportFilter,
  levels: readonly TlpLevel[],
): Promise<{ origin_node: string; tlp: TlpLevel }[]> {
  let q = db
    .selectFrom('stix_objects as o')
    .select(['o.origin_node', 'o.tlp'])
    .distinct()
    .where('o.deleted', '=', 0)
    .where('o.tlp', 'in', [...levels]);
  if (filter.caseId !== undefined) q = q.where(inCaseSql(filter.caseId));
  if (filter.type !== undefined) q = q.where('o.type', '=', filter.type);
  return q.execute();
}

/** The next page of the objects an export selects, in id order after `after`. */
export function exportPage(
  db: Db,
  filter: ExportFilter,
  after: string,
  limit: number,
): Promise<StixObjectRow[]> {
  if (filter.caseId !== undefined) {
    // A case's objects are read along its membership (one index), not across every object.
    let q = db
      .selectFrom('case_objects as m')
      .innerJoin('stix_objects as o', 'o.id', 'm.object_id')
      .selectAll('o')
      .where('m.case_id', '=', filter.caseId)
      .where('m.object_id', '>', after)
      .where('o.deleted', '=', 0);
    if (filter.type !== undefined) q = q.where('m.type', '=', filter.type);
    return q.orderBy('m.object_id').limit(limit).execute();
  }
  let q = db
    .selectFrom('stix_objects as o')
    .selectAll('o')
    .where('o.deleted', '=', 0)
    .where('o.id', '>', after);
  if (filter.type !== undefined) q = q.where('o.type', '=', filter.type);
  return q.orderBy('o.id').limit(limit).execute();
}

/** `o` (stix_objects) is one of the case's objects. */
function inCaseSql(caseId: string) {
  return sql<boolean>`exists (select 1 from case_objects m where m.case_id = ${caseId} and m.object_id = o.id)`;
}

/** Saves the object's current version, and the values exact lookup finds it by. */
export async function saveObject(
  db: Db,
  row: StixObjectRow,
  values: readonly string[] = [],
): Promise<void> {
  const existing = await findObject(db, row.id);
  if (existing) {
    const { id: _id, ...changes } = row;
    await db.updateTable('stix_objects').set(changes).where('id', '=', row.id).execute();
  } else {
    await db.insertInto('stix_objects').values(row).execute();
  }
  await db.deleteFrom('stix_values').where('object_id', '=', row.id).execute();
  if (row.deleted === 0 && values.length > 0) {
    await db
      .insertInto('stix_values')
      .values(values.map((value) => ({ object_id: row.id, value })))
      .execute();
  }
}

/** The live objects that name `value` exactly (lowercased). */
export function objectsWithValue(db: Db, value: string, limit: number): Promise<StixObjectRow[]> {
  return db
    .selectFrom('stix_values')
    .innerJoin('stix_objects', 'stix_objects.id', 'stix_values.object_id')
    .selectAll('stix_objects')
    .where('stix_values.value', '=', value)
    .where('stix_objects.deleted', '=', 0)
    .orderBy('stix_objects.updated_at', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Takes `count` places on the version counter: the first seq and the first date_added (µs),
 * each strictly above every earlier one and date_added never behind the clock. The counter
 * row stays locked until the transaction commits (PostgreSQL; SQLite has one writer), so
 * places become visible in counter order: a TAXII cursor never skips a version.
 */
export async function takePlaces(
  db: Db,
  count: number,
  nowMs: number,
): Promise<{ seq: number; addedUs: number }> {
  const floor = nowMs * 1000 + count - 1;
  const row = await db
    .updateTable('stix_counter')
    .set({
      seq: sql<number>`seq + cast(${count} as bigint)`,
      added_us: sql<number>`case when added_us + cast(${count} as bigint) > cast(${floor} as bigint) then added_us + cast(${count} as bigint) else cast(${floor} as bigint) end`,
    })
    .where('name', '=', 'stix')
    .returning(['seq', 'added_us'])
    .executeTakeFirstOrThrow();
  return { seq: Number(row.seq) - count + 1, addedUs: Number(row.added_us) - count + 1 };
}

/** An object's versions, earliest `modified` first (the order they arrived in is `n`). */
export function versionsOf(db: Db, id: string): Promise<StixVersionRow[]> {
  return db
    .selectFrom('stix_versions')
    .selectAll()
    .where('id', '=', id)
    .orderBy('modified')
    .orderBy('n')
    .execute();
}

/** The object went to `peer` at `at` (later versions follow it). */
export async function recordShare(
  db: Db,
  objectId: string,
  peer: string,
  at: number,
): Promise<void> {
  await removeShare(db, objectId, peer);
  await db
    .insertInto('stix_shares')
    .values({ object_id: objectId, peer_id: peer, shared_at: at })
    .execute();
}

export async function removeShare(db: Db, objectId: string, peer: string): Promise<void> {
  await db
    .deleteFrom('stix_shares')
    .where('object_id', '=', objectId)
    .where('peer_id', '=', peer)
    .execute();
}

export async function sharesOf(db: Db, objectId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('stix_shares')
    .select('peer_id')
    .where('object_id', '=', objectId)
    .orderBy('peer_id')
    .execute();
  return rows.map((row) => row.peer_id);
}

/** The peers each object went to. */
export async function sharesOfMany(
  db: Db,
  objectIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (objectIds.length === 0) return out;
  const rows = await db
    .selectFrom('stix_shares')
    .select(['object_id', 'peer_id'])
    .where('object_id', 'in', [...objectIds])
    .orderBy('peer_id')
    .execute();
  for (const row of rows) out.set(row.object_id, [...(out.get(row.object_id) ?? []), row.peer_id]);
  return out;
}

/** Each object's feedback, oldest first. */
export async function feedbackOfMany(
  db: Db,
  objectIds: readonly string[],
): Promise<Map<string, StixFeedbackRow[]>> {
  const out = new Map<string, StixFeedbackRow[]>();
  if (objectIds.length === 0) return out;
  const rows = await db
    .selectFrom('stix_feedback')
    .selectAll()
    .where('object_id', 'in', [...objectIds])
    .orderBy('at')
    .execute();
  for (const row of rows) out.set(row.object_id, [...(out.get(row.object_id) ?? []), row]);
  return out;
}

export function feedbackOf(db: Db, objectId: string): Promise<StixFeedbackRow[]> {
  return db
    .selectFrom('stix_feedback')
    .selectAll()
    .where('object_id', '=', objectId)
    .orderBy('at')
    .execute();
}

/** When `node` gave feedback, on any object. */
export async function feedbackTimesOf(db: Db, node: string): Promise<number[]> {
  const rows = await db
    .selectFrom('stix_feedback')
    .select('at')
    .where('node_id', '=', node)
    // Feedback on an exercise's objects is never counted in the real report.
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('stix_objects as o')
            .innerJoin('cases as c', 'c.id', 'o.case_id')
            .select('o.id')
            .whereRef('o.id', '=', 'stix_feedback.object_id')
            .where('c.exercise_id', 'is not', null),
        ),
      ),
    )
    .execute();
  return rows.map((row) => Number(row.at));
}

export async function saveFeedback(db: Db, row: StixFeedbackRow): Promise<void> {
  await db
    .deleteFrom('stix_feedback')
    .where('object_id', '=', row.object_id)
    .where('node_id', '=', row.node_id)
    .execute();
  await db.insertInto('stix_feedback').values(row).execute();
}
