import type { Db } from '../../store/database.js';

/**
 * Paged listings of cases and of a case's objects for other features' background work (a
 * scan at start): plain ids and facts, no view, no reader's rights — the callers act as the
 * node itself. Keyset cursors: pass the last id of a page as `after` ('' for the first).
 */

/** The ids of the cases this node holds, in id order, after `after`. */
export async function caseIdsAfter(db: Db, after: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('cases')
    .select('id')
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** One of a case's objects, as a listing gives it. */
export interface CaseObjectItem {
  id: string;
  caseId: string;
  /** The node that wrote the object. */
  origin: string;
  revoked: boolean;
}

/**
 * A case's objects of one STIX type (those it holds now, deleted ones left out), in id
 * order, after `after`.
 */
export async function caseObjectsOfType(
  db: Db,
  caseId: string,
  type: string,
  after: string,
  limit: number,
): Promise<CaseObjectItem[]> {
  const rows = await db
    .selectFrom('case_objects as m')
    .innerJoin('stix_objects as o', 'o.id', 'm.object_id')
    .select(['o.id', 'o.origin_node', 'o.revoked'])
    .where('m.case_id', '=', caseId)
    .where('m.type', '=', type)
    .where('m.object_id', '>', after)
    .where('o.deleted', '=', 0)
    .orderBy('m.object_id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    caseId,
    origin: row.origin_node,
    revoked: Number(row.revoked) === 1,
  }));
}
