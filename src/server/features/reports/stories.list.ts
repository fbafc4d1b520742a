import { CLUSTER_IDS_SHOWN, type ClusterList } from '../../../core/schemas/reports.js';
import { iso } from '../../clock.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../store/cursors.js';
import type { Db } from '../../store/database.js';

/** Stories, the latest active first, each with its size and first report ids. */
export async function listStories(
  db: Db,
  query: { limit: number; cursor?: string | undefined },
): Promise<ClusterList> {
  const after = query.cursor ? decodeTimeCursor(query.cursor) : undefined;
  let q = db
    .selectFrom('reports')
    .select((eb) => [
      'cluster_id',
      eb.fn.countAll<number | string | bigint>().as('size'),
      eb.fn.max('created_at').as('latest'),
    ])
    .groupBy('cluster_id')
    .orderBy('latest', 'desc')
    .orderBy('cluster_id', 'desc')
    .limit(query.limit + 1);
  if (after) {
    q = q.having((eb) =>
      eb.or([
        eb(eb.fn.max('created_at'), '<', after.at),
        eb.and([eb(eb.fn.max('created_at'), '=', after.at), eb('cluster_id', '<', after.id)]),
      ]),
    );
  }
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  const items = [];
  for (const row of page) {
    const ids = await db
      .selectFrom('reports')
      .select('id')
      .where('cluster_id', '=', row.cluster_id)
      .orderBy('id', 'asc')
      .limit(CLUSTER_IDS_SHOWN)
      .execute();
    items.push({
      id: row.cluster_id,
      size: Number(row.size),
      reportIds: ids.map((r) => r.id),
      latestAt: iso(Number(row.latest)),
    });
  }
  const last = page[page.length - 1];
  return {
    items,
    next:
      rows.length > query.limit && last
        ? encodeTimeCursor(Number(last.latest), last.cluster_id)
        : null,
  };
}

export async function storySize(db: Db, clusterId: string): Promise<number> {
  const row = await db
    .selectFrom('reports')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .where('cluster_id', '=', clusterId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
