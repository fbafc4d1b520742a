import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../../store/database.js';
import type { Db } from '../../store/database.js';

/** The object `o` is not in an exercise's case (exercise objects never count in real figures). */
function notExercise(eb: ExpressionBuilder<Database & { o: Database['stix_objects'] }, 'o'>) {
  return eb.not(
    eb.exists(
      eb
        .selectFrom('cases as xc')
        .select('xc.id')
        .whereRef('xc.id', '=', 'o.case_id')
        .where('xc.exercise_id', 'is not', null),
    ),
  );
}

/**
 * How many objects were shared between this node and `peer` in [from, to), by origin:
 * `here`, this node's objects whose latest version it sent to the peer in the period
 * (stix_shares.shared_at); `peer`, the peer's objects held here whose latest version this
 * node recorded in the period. Deleted objects and exercise cases' objects are left out.
 * For the dialogue's status report and measures.
 */
export async function sharedObjectCounts(
  db: Db,
  nodeId: string,
  peer: string,
  period: { from: number; to: number },
): Promise<{ here: number; peer: number }> {
  const mine = await db
    .selectFrom('stix_shares as s')
    .innerJoin('stix_objects as o', 'o.id', 's.object_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('s.peer_id', '=', peer)
    .where('o.origin_node', '=', nodeId)
    .where('o.deleted', '=', 0)
    .where('s.shared_at', '>=', period.from)
    .where('s.shared_at', '<', period.to)
    .where(notExercise)
    .executeTakeFirst();
  const theirs = await db
    .selectFrom('stix_objects as o')
    .innerJoin('stix_versions as v', 'v.id', 'o.id')
    .select('o.id')
    .where('o.origin_node', '=', peer)
    .where('o.deleted', '=', 0)
    .where(notExercise)
    .groupBy('o.id')
    .having((eb) => eb.fn.max('v.recorded_at'), '>=', period.from)
    .having((eb) => eb.fn.max('v.recorded_at'), '<', period.to)
    .execute();
  return { here: Number(mine?.n ?? 0), peer: theirs.length };
}

/** How much feedback `giver` gave in [from, to) on objects `origin` shared (exercise objects left out). */
export async function feedbackCount(
  db: Db,
  giver: string,
  origin: string,
  period: { from: number; to: number },
): Promise<number> {
  const row = await db
    .selectFrom('stix_feedback as f')
    .innerJoin('stix_objects as o', 'o.id', 'f.object_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('f.node_id', '=', giver)
    .where('o.origin_node', '=', origin)
    .where('f.at', '>=', period.from)
    .where('f.at', '<', period.to)
    .where(notExercise)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
