import { sql, type Expression, type SqlBool } from 'kysely';
import type { TlpLevel } from '../../../core/tlp-rules.js';
import type { Db } from '../../store/database.js';
import type { Selectable } from 'kysely';
import type { CaseObjectsTable, StixObjectRow } from './cases.table.js';

/**
 * What a reader may see of a case's objects, as SQL can ask it: the markings below RED the
 * reader is cleared for, and whether RED objects this node's users may see are in (see
 * CaseObjectsTable.red_here). `all`: the node itself (CLI, system) sees everything.
 */
export interface Sight {
  all: boolean;
  levels: readonly TlpLevel[];
  red: boolean;
}

export type ObjectSort = 'recent' | 'oldest' | 'type' | 'label';

export interface ObjectFilter {
  type?: string | undefined;
  tlp?: TlpLevel | undefined;
  /** Words the object's names, descriptions, values, patterns or notes all hold. */
  q?: string | undefined;
  /** Objects this node sent to a peer (yes) or to none (no). */
  shared?: 'yes' | 'no' | undefined;
}

/** The sort keys of each order and their direction; the object id breaks ties. */
const ORDERS: Record<ObjectSort, { keys: ('updated_at' | 'type' | 'label')[]; desc: boolean }> = {
  recent: { keys: ['updated_at'], desc: true },
  oldest: { keys: ['updated_at'], desc: false },
  type: { keys: ['type', 'updated_at'], desc: false },
  label: { keys: ['label'], desc: false },
};

/** Where a page ended: the last row's sort keys and id. */
export type ObjectCursor = (string | number)[];

function visibleTo(sight: Sight): Expression<SqlBool> {
  if (sight.all) return sql<SqlBool>`1 = 1`;
  const below = sight.levels.filter((level) => level !== 'red');
  const plain =
    below.length > 0 ? sql<SqlBool>`m.tlp in (${sql.join(below)})` : sql<SqlBool>`1 = 0`;
  return sight.red ? sql<SqlBool>`(${plain} or (m.tlp = 'red' and m.red_here = 1))` : plain;
}

/**
 * One page of a case's objects the reader may see, filtered and sorted along one index of
 * `case_objects`, after `cursor`; `limit + 1` rows are asked so the caller knows if more
 * follow. Each row is the object's current version.
 */
export async function objectsPage(
  db: Db,
  caseId: string,
  sight: Sight,
  query: { filter: ObjectFilter; sort: ObjectSort; cursor: ObjectCursor | null; limit: number },
): Promise<{ rows: StixObjectRow[]; cursors: ObjectCursor[] }> {
  const order = ORDERS[query.sort];
  const columns = [...order.keys, 'object_id'] as const;
  let q = db
    .selectFrom('case_objects as m')
    .innerJoin('stix_objects as o', 'o.id', 'm.object_id')
    .selectAll('o')
    .select(['m.updated_at as m_updated_at', 'm.type as m_type', 'm.label as m_label'])
    .where('m.case_id', '=', caseId)
    .where(visibleTo(sight));
  const { filter } = query;
  if (filter.type !== undefined) q = q.where('m.type', '=', filter.type);
  if (filter.tlp !== undefined) q = q.where('m.tlp', '=', filter.tlp);
  if (filter.shared !== undefined) {
    const exists = sql<SqlBool>`exists (select 1 from stix_shares s where s.object_id = m.object_id)`;
    q = q.where(filter.shared === 'yes' ? exists : sql<SqlBool>`not ${exists}`);
  }
  for (const word of wordsOf(filter.q ?? '')) {
    q = q.where(sql<SqlBool>`o.search like ${containing(word)} escape '\\'`);
  }
  if (query.cursor !== null) {
    const left = sql.join(columns.map((column) => sql.ref(`m.${column}`)));
    const right = sql.join(query.cursor.map((value) => sql`${value}`));
    q = q.where(
      order.desc ? sql<SqlBool>`(${left}) < (${right})` : sql<SqlBool>`(${left}) > (${right})`,
    );
  }
  for (const column of columns) q = q.orderBy(`m.${column}`, order.desc ? 'desc' : 'asc');
  const rows = await q.limit(query.limit + 1).execute();
  return {
    rows: rows.map(({ m_updated_at: _u, m_type: _t, m_label: _l, ...row }) => row),
    cursors: rows.map((row) =>
      columns.map((column) =>
        column === 'object_id'
          ? row.id
          : column === 'updated_at'
            ? Number(row.m_updated_at)
            : column === 'type'
              ? row.m_type
              : row.m_label,
      ),
    ),
  };
}

/** How many objects of each case the reader may see: sums of the kept counts. */
export async function visibleCounts(
  db: Db,
  caseIds: readonly string[],
  sight: Sight,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (caseIds.length === 0) return counts;
  const rows = await db
    .selectFrom('case_object_counts as m')
    .select(['m.case_id', (eb) => eb.fn.sum<number>('m.n').as('n')])
    .where('m.case_id', 'in', [...caseIds])
    .where(visibleTo(sight))
    .groupBy('m.case_id')
    .execute();
  for (const row of rows) counts.set(row.case_id, Number(row.n));
  return counts;
}

/** A change to the counts: memberships of (case, marking, RED seen here) added or removed. */
export type CountDeltas = Map<
  string,
  { case_id: string; tlp: TlpLevel; red_here: number; n: number }
>;

export function countDelta(
  deltas: CountDeltas,
  member: { case_id: string; tlp: TlpLevel; red_here: number },
  n: number,
): void {
  const key = `${member.case_id}\u0000${member.tlp}\u0000${member.red_here}`;
  const entry = deltas.get(key) ?? { ...member, n: 0 };
  entry.n += n;
  deltas.set(key, entry);
}

/** Applies count changes, in the caller's transaction (one upsert per key). */
export async function applyCounts(db: Db, deltas: CountDeltas): Promise<void> {
  for (const delta of deltas.values()) {
    if (delta.n === 0) continue;
    await db
      .insertInto('case_object_counts')
      .values({ case_id: delta.case_id, tlp: delta.tlp, red_here: delta.red_here, n: delta.n })
      .onConflict((oc) =>
        oc
          .columns(['case_id', 'tlp', 'red_here'])
          .doUpdateSet({ n: sql<number>`case_object_counts.n + ${delta.n}` }),
      )
      .execute();
  }
}

/** The object's memberships as the counts see them. */
function membershipsOf(db: Db, objectId: string) {
  return db
    .selectFrom('case_objects')
    .select(['case_id', 'tlp', 'red_here'])
    .where('object_id', '=', objectId)
    .execute();
}

/**
 * What every case page holding the object filters and sorts it by, after a new current
 * version; the counts follow a new marking.
 */
export async function restateMemberships(db: Db, row: StixObjectRow, self: string): Promise<void> {
  const deltas: CountDeltas = new Map();
  const after = { tlp: row.tlp, red_here: redHere(row, self) };
  for (const member of await membershipsOf(db, row.id)) {
    countDelta(deltas, member, -1);
    countDelta(deltas, { ...member, ...after }, 1);
  }
  await db
    .updateTable('case_objects')
    .set({ type: row.type, ...after, label: row.label, updated_at: row.updated_at })
    .where('object_id', '=', row.id)
    .execute();
  await applyCounts(db, deltas);
}

/** The object leaves every case it is in (it is deleted). */
export async function leaveEveryCase(db: Db, objectId: string): Promise<void> {
  const deltas: CountDeltas = new Map();
  for (const member of await membershipsOf(db, objectId)) countDelta(deltas, member, -1);
  await db.deleteFrom('case_objects').where('object_id', '=', objectId).execute();
  await db.deleteFrom('case_entries').where('object_id', '=', objectId).execute();
  await applyCounts(db, deltas);
}

/** The objects of a case in id order after `after` (sharing a whole case goes page by page). */
export function caseObjectsAfter(
  db: Db,
  caseId: string,
  after: string,
  limit: number,
): Promise<StixObjectRow[]> {
  return db
    .selectFrom('case_objects as m')
    .innerJoin('stix_objects as o', 'o.id', 'm.object_id')
    .selectAll('o')
    .where('m.case_id', '=', caseId)
    .where('m.object_id', '>', after)
    .orderBy('m.object_id')
    .limit(limit)
    .execute();
}

/** `%word%` for LIKE, its wildcards escaped. */
export function containing(word: string): string {
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

/** Whether this node's users may see the object when it is RED (see CaseObjectsTable). */
export function redHere(row: StixObjectRow, self: string): number {
  if (row.tlp !== 'red') return 0;
  const recipients = JSON.parse(row.red_recipients) as string[];
  return row.origin_node === self || recipients.includes(self) ? 1 : 0;
}

/** The case page's copy of what it filters and sorts an object by. */
export function membershipOf(
  caseId: string,
  row: StixObjectRow,
  self: string,
  at: number,
): Selectable<CaseObjectsTable> {
  return {
    case_id: caseId,
    object_id: row.id,
    type: row.type,
    tlp: row.tlp,
    red_here: redHere(row, self),
    label: row.label,
    updated_at: row.updated_at,
    added_at: at,
  };
}

/** Whether the case holds the object. */
export async function inCase(db: Db, caseId: string, objectId: string): Promise<boolean> {
  const row = await db
    .selectFrom('case_objects')
    .select('object_id')
    .where('case_id', '=', caseId)
    .where('object_id', '=', objectId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The cases that hold the object. */
export async function casesOf(db: Db, objectId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('case_objects')
    .select('case_id')
    .where('object_id', '=', objectId)
    .orderBy('case_id')
    .execute();
  return rows.map((row) => row.case_id);
}

/** The object leaves one case: its place there and its entries in the case's stream. */
export async function leaveCase(db: Db, caseId: string, objectId: string): Promise<void> {
  const deltas: CountDeltas = new Map();
  for (const member of await membershipsOf(db, objectId)) {
    if (member.case_id === caseId) countDelta(deltas, member, -1);
  }
  await applyCounts(db, deltas);
  await db
    .deleteFrom('case_objects')
    .where('case_id', '=', caseId)
    .where('object_id', '=', objectId)
    .execute();
  await db
    .deleteFrom('case_entries')
    .where('case_id', '=', caseId)
    .where('object_id', '=', objectId)
    .execute();
}

/** Fixes `red_here` of the rows the migration could not judge (it did not know this node). */
export async function judgeRedHere(db: Db, self: string): Promise<void> {
  const rows = await db
    .selectFrom('case_objects as m')
    .innerJoin('stix_objects as o', 'o.id', 'm.object_id')
    .selectAll('o')
    .where('m.red_here', '=', -1)
    .execute();
  for (const row of rows) await restateMemberships(db, row, self);
}
