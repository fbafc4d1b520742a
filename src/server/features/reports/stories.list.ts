import {
  CLUSTER_IDS_SHOWN,
  STORY_ENTITY_SAMPLE,
  STORY_TOP_ENTITIES,
  type ClusterList,
  type ClusterSummary,
} from '../../../core/schemas/reports.js';
import { iso } from '../../clock.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../store/cursors.js';
import { GAZETTEER_BY_ID } from '../../../core/reports/gazetteer.js';
import type { Db } from '../../store/database.js';
import type { StoredExtraction } from './reports.present.js';

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
  const items: ClusterSummary[] = [];
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
      ...(await storyFacts(db, row.cluster_id)),
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

type StoryFacts = Pick<
  ClusterSummary,
  'lead' | 'firstPublished' | 'lastPublished' | 'languages' | 'topEntities'
>;

/**
 * What the stories' list shows of a story besides its size: its lead report, its reports'
 * first and last publication dates, their languages, and the entities most of them name,
 * counted over its latest STORY_ENTITY_SAMPLE reports only (a story may hold thousands).
 */
async function storyFacts(db: Db, clusterId: string): Promise<StoryFacts> {
  const dates = await db
    .selectFrom('reports')
    .select((eb) => [eb.fn.min('published_at').as('first'), eb.fn.max('published_at').as('last')])
    .where('cluster_id', '=', clusterId)
    .executeTakeFirst();
  const languages = await db
    .selectFrom('reports')
    .select('language')
    .distinct()
    .where('cluster_id', '=', clusterId)
    .orderBy('language')
    .execute();
  const lead = await db
    .selectFrom('reports')
    .select(['id', 'title', 'source'])
    .where('id', '=', clusterId)
    .executeTakeFirst();
  const sample = await db
    .selectFrom('reports')
    .select('extraction')
    .where('cluster_id', '=', clusterId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(STORY_ENTITY_SAMPLE)
    .execute();
  return {
    lead: lead ?? { id: clusterId, title: null, source: null },
    firstPublished: dates?.first ?? null,
    lastPublished: dates?.last ?? null,
    languages: languages.map((l) => l.language),
    topEntities: topEntities(sample.map((r) => JSON.parse(r.extraction) as StoredExtraction)),
  };
}

/**
 * The named entities (not dates, quantities or news outlets) most reports name, each counted
 * once a report.
 */
function topEntities(extractions: readonly StoredExtraction[]): ClusterSummary['topEntities'] {
  type Named = ClusterSummary['topEntities'][number];
  const counts = new Map<string, Named>();
  for (const x of extractions) {
    const seen = new Set<string>();
    for (const e of x.entities) {
      if (e.kind !== 'country' && e.kind !== 'organisation' && e.kind !== 'person') continue;
      const known = GAZETTEER_BY_ID.get(e.id);
      // An outlet names many stories: it says little about this one.
      if (seen.has(e.id) || known?.press) continue;
      seen.add(e.id);
      const held = counts.get(e.id);
      if (held) held.reports += 1;
      else {
        const text = known?.en[0] ?? e.text;
        counts.set(e.id, { id: e.id, kind: e.kind, text, zh: known?.zh[0] ?? null, reports: 1 });
      }
    }
  }
  return [...counts.values()]
    .sort((a, b) => b.reports - a.reports || a.id.localeCompare(b.id))
    .slice(0, STORY_TOP_ENTITIES);
}
