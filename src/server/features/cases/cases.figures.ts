import { sql } from 'kysely';
import type { Db } from '../../store/database.js';

/**
 * When each object shared between this node and `peer` was last sent, by origin: `here`,
 * this node's objects it sent to the peer (stix_shares.shared_at: the latest version sent);
 * `peer`, the peer's objects held here (when this node recorded the latest version). Deleted
 * objects and exercise cases' objects are left out. For the dialogue's report and measures.
 */
export async function sharedObjectTimes(
  db: Db,
  nodeId: string,
  peer: string,
): Promise<{ here: number[]; peer: number[] }> {
  const mine = await db
    .selectFrom('stix_shares as s')
    .innerJoin('stix_objects as o', 'o.id', 's.object_id')
    .select('s.shared_at as at')
    .where('s.peer_id', '=', peer)
    .where('o.origin_node', '=', nodeId)
    .where('o.deleted', '=', 0)
    // Objects of an exercise's case never count in real figures.
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('cases as xc')
            .select('xc.id')
            .whereRef('xc.id', '=', 'o.case_id')
            .where('xc.exercise_id', 'is not', null),
        ),
      ),
    )
    .execute();
  const theirs = await db
    .selectFrom('stix_objects as o')
    .innerJoin('stix_versions as v', 'v.id', 'o.id')
    .select(sql<number>`max(v.recorded_at)`.as('at'))
    .where('o.origin_node', '=', peer)
    .where('o.deleted', '=', 0)
    // Objects of an exercise's case never count in real figures.
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('cases as xc')
            .select('xc.id')
            .whereRef('xc.id', '=', 'o.case_id')
            .where('xc.exercise_id', 'is not', null),
        ),
      ),
    )
    .groupBy('o.id')
    .execute();
  return { here: mine.map((r) => Number(r.at)), peer: theirs.map((r) => Number(r.at)) };
}

/** When `giver` gave feedback on objects `origin` shared (exercise objects left out). */
export async function feedbackTimes(db: Db, giver: string, origin: string): Promise<number[]> {
  const rows = await db
    .selectFrom('stix_feedback as f')
    .innerJoin('stix_objects as o', 'o.id', 'f.object_id')
    .select('f.at')
    .where('f.node_id', '=', giver)
    .where('o.origin_node', '=', origin)
    // Objects of an exercise's case never count in real figures.
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('cases as xc')
            .select('xc.id')
            .whereRef('xc.id', '=', 'o.case_id')
            .where('xc.exercise_id', 'is not', null),
        ),
      ),
    )
    .execute();
  return rows.map((r) => Number(r.at));
}
