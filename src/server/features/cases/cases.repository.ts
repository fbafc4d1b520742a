import { sql } from 'kysely';
import type { Db, Store } from '../../store/database.js';
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

export function listCaseRows(
  db: Db,
  query: { status?: string | undefined; priorityCase?: boolean | undefined },
): Promise<CaseRow[]> {
  let q = db.selectFrom('cases').selectAll();
  if (query.status) q = q.where('status', '=', query.status);
  if (query.priorityCase !== undefined)
    q = q.where('priority_case', '=', query.priorityCase ? 1 : 0);
  return q.orderBy('updated_at', 'desc').orderBy('id').execute();
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

/** The live (not deleted) objects of a case. */
export function objectsOfCase(db: Db, caseId: string): Promise<StixObjectRow[]> {
  return db
    .selectFrom('stix_objects')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('deleted', '=', 0)
    .orderBy('type')
    .orderBy('id')
    .execute();
}

/** Whether an object of the case changed in [from, to). */
export async function caseActiveBetween(
  db: Db,
  caseId: string,
  from: number,
  to: number,
): Promise<boolean> {
  const active = await db
    .selectFrom('stix_objects')
    .select('id')
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
    .selectFrom('stix_objects')
    .select(['origin_node', 'tlp'])
    .distinct()
    .where('deleted', '=', 0)
    .where('tlp', 'in', [...levels]);
  if (filter.caseId !== undefined) q = q.where('case_id', '=', filter.caseId);
  if (filter.type !== undefined) q = q.where('type', '=', filter.type);
  return q.execute();
}

/** The next page of the objects an export selects, in id order after `after`. */
export function exportPage(
  db: Db,
  filter: ExportFilter,
  after: string,
  limit: number,
): Promise<StixObjectRow[]> {
  let q = db
    .selectFrom('stix_objects')
    .selectAll()
    .where('deleted', '=', 0)
    .where('id', '>', after);
  if (filter.caseId !== undefined) q = q.where('case_id', '=', filter.caseId);
  if (filter.type !== undefined) q = q.where('type', '=', filter.type);
  return q.orderBy('id').limit(limit).execute();
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

/** A version as the service records it; its place on the counter is taken here. */
export type NewVersion = Omit<StixVersionRow, 'n' | 'seq' | 'added_us' | 'current'>;

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

export async function addVersion(db: Db, version: NewVersion): Promise<void> {
  const last = await db
    .selectFrom('stix_versions')
    .select((eb) => eb.fn.max('n').as('n'))
    .where('id', '=', version.id)
    .executeTakeFirst();
  await db
    .updateTable('stix_versions')
    .set({ current: 0 })
    .where('id', '=', version.id)
    .where('current', '=', 1)
    .execute();
  const place = await takePlaces(db, 1, version.recorded_at);
  await db
    .insertInto('stix_versions')
    .values({
      ...version,
      n: Number(last?.n ?? 0) + 1,
      seq: place.seq,
      added_us: place.addedUs,
      current: 1,
    })
    .execute();
}

/** What an import needs to know of objects already held. */
export function heldObjects(db: Db, ids: readonly string[]) {
  return db
    .selectFrom('stix_objects')
    .select(['id', 'case_id', 'modified', 'deleted'])
    .where('id', 'in', ids)
    .execute();
}

/**
 * Inserts new objects with their first versions and lookup values, in statements of many
 * rows (an import's batch); each object is new, checked by the caller.
 */
export async function insertNewObjects(
  db: Db,
  rows: readonly { row: StixObjectRow; values: readonly string[] }[],
  nowMs: number,
  insertMany: Store['insertMany'],
): Promise<void> {
  if (rows.length === 0) return;
  const place = await takePlaces(db, rows.length, nowMs);
  await insertMany(
    db,
    'stix_objects',
    rows.map((r) => r.row),
  );
  await insertMany(
    db,
    'stix_versions',
    rows.map(({ row }, i) => ({
      id: row.id,
      n: 1,
      seq: place.seq + i,
      added_us: place.addedUs + i,
      case_id: row.case_id,
      type: row.type,
      current: 1,
      modified: row.modified,
      tlp: row.tlp,
      red_recipients: row.red_recipients,
      body: row.body ?? '{}',
      recorded_at: row.updated_at,
    })),
  );
  await insertMany(
    db,
    'stix_values',
    rows.flatMap(({ row, values }) =>
      [...new Set(values)].map((value) => ({ object_id: row.id, value })),
    ),
  );
}

export function versionsOf(db: Db, id: string): Promise<StixVersionRow[]> {
  return db.selectFrom('stix_versions').selectAll().where('id', '=', id).orderBy('n').execute();
}

/** A deleted object keeps no versions and is no longer followed to any peer. */
export async function forgetHistory(db: Db, objectId: string): Promise<void> {
  await db.deleteFrom('stix_versions').where('id', '=', objectId).execute();
  await db.deleteFrom('stix_shares').where('object_id', '=', objectId).execute();
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

/** `%word%` for LIKE, its wildcards escaped. */
function containing(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The words of a search, lowercased; each must appear. */
export function wordsOf(needle: string): string[] {
  return [
    ...new Set(
      needle
        .toLowerCase()
        .split(/\s+/)
        .filter((word) => word.length > 0),
    ),
  ].slice(0, 10);
}

/** Objects whose searchable text holds every word of `needle`, newest first. */
export function searchObjects(
  db: Db,
  needle: string,
  type: string | undefined,
  limit: number,
): Promise<StixObjectRow[]> {
  let q = db.selectFrom('stix_objects').selectAll().where('deleted', '=', 0);
  for (const word of wordsOf(needle)) {
    q = q.where(sql<boolean>`search like ${containing(word)} escape '\\'`);
  }
  if (type) q = q.where('type', '=', type);
  return q.orderBy('updated_at', 'desc').limit(limit).execute();
}

/** Cases whose title or summary holds every word of `needle`. */
export function searchCases(db: Db, needle: string, limit: number): Promise<CaseRow[]> {
  let q = db.selectFrom('cases').selectAll();
  for (const word of wordsOf(needle)) {
    q = q.where(sql<boolean>`lower(title || ' ' || summary) like ${containing(word)} escape '\\'`);
  }
  return q.orderBy('updated_at', 'desc').limit(limit).execute();
}
