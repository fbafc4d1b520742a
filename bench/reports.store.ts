import { sql, type Kysely } from 'kysely';
import { StoryClusterer } from '../src/core/reports/cluster.js';
import type { ClusterFeatures } from '../src/core/reports/index.js';
import { placeInStory } from '../src/server/features/reports/stories.repository.js';
import type { Db, Dialect } from '../src/server/store/database.js';
import { makeNode, type NodeHandle } from '../test/harness/node.js';

/**
 * bench/reports, the stories kept in SQL (src/server/features/reports/stories.repository.ts)
 * without HTTP or extraction: two stores of one dialect holding SMALL and all the reports
 * (their rows and the buckets, links and stories of their definition, written at once), then each probe report placed in both,
 * alternately, each inside a transaction rolled back (so the stores keep holding exactly SMALL
 * and all), with a same-moment baseline: a primary-key read of one report row. Also the query
 * plans (EXPLAIN) of the story queries on the large store.
 */
export interface Held {
  id: string;
  f: ClusterFeatures;
}

const ROLLBACK = new Error('rollback');

function row(id: string, f: ClusterFeatures) {
  return {
    id,
    title: null,
    source: null,
    published_at: null,
    language: 'en' as const,
    origin: 'text' as const,
    origin_node: null,
    text: id,
    extraction: '{}',
    features: JSON.stringify(f),
    cluster_id: id,
    created_at: 0,
    created_by: null,
    case_id: null,
    stix_id: null,
    committed_at: null,
  };
}

/**
 * Writes what a store holds for these reports at once: their rows, and the buckets, closed
 * keys, links and stories StoryClusterer finds (the same as placeInStory's one by one, in any
 * order: test/reports-stories-store.test.ts), in transactions of BATCH rows.
 */
async function fill(node: NodeHandle, held: readonly Held[]): Promise<void> {
  const BATCH = 500;
  const c = new StoryClusterer();
  for (const r of held) c.addFeatures(r.id, r.f);
  const story = new Map<string, string>();
  const rows: Record<string, Record<string, unknown>[]> = {
    report_buckets: [],
    report_closed_keys: [],
    report_links: [],
  };
  for (const x of c.state()) {
    if (x.kind === 'bucket') rows['report_buckets']!.push({ key: x.key, report_id: x.reportId });
    else if (x.kind === 'closed') rows['report_closed_keys']!.push({ key: x.key });
    else if (x.kind === 'link') rows['report_links']!.push({ a: x.a, b: x.b });
    else story.set(x.reportId, x.storyId);
  }
  rows['reports'] = held.map((r) => ({ ...row(r.id, r.f), cluster_id: story.get(r.id)! }));
  const db = node.node.store.db as unknown as Kysely<any>;
  for (const [table, list] of Object.entries(rows)) {
    for (let i = 0; i < list.length; i += BATCH) {
      await db.transaction().execute(async (trx) => {
        for (let j = i; j < Math.min(list.length, i + BATCH); j += 50)
          await trx
            .insertInto(table)
            .values(list.slice(j, Math.min(j + 50, i + BATCH)))
            .execute();
      });
    }
  }
}

/** ms of placing one probe (row written, story placed), rolled back. */
async function probe(node: NodeHandle, p: Held): Promise<number> {
  let ms = 0;
  try {
    await node.node.store.transaction(async (trx) => {
      const t = performance.now();
      await trx.insertInto('reports').values(row(p.id, p.f)).execute();
      await placeInStory(trx, p.id, p.f);
      ms = performance.now() - t;
      throw ROLLBACK;
    });
  } catch (e) {
    if (e !== ROLLBACK) throw e;
  }
  return ms;
}

async function baseline(db: Db, id: string): Promise<number> {
  const t = performance.now();
  await db.selectFrom('reports').select(['id', 'features']).where('id', '=', id).execute();
  return performance.now() - t;
}

async function plans(db: Db, dialect: Dialect, key: string, ids: string[]): Promise<string[]> {
  const list = (xs: string[]) => sql.join(xs.map((x) => sql.lit(x)));
  const queries = {
    count: sql`select key from report_buckets where key in (${sql.lit(key)}) group by key having count(*) > 50`,
    candidates: sql`select r.id, r.cluster_id, r.features from report_buckets b join reports r on r.id = b.report_id where b.key in (${sql.lit(key)}) and r.id <> ${sql.lit(ids[0]!)}`,
    links: sql`select a, b from report_links where a in (${list(ids)}) and b in (${list(ids)})`,
    shared: sql`select distinct x.report_id, y.report_id from report_buckets x join report_buckets y on y.key = x.key where x.report_id in (${list(ids)}) and y.report_id in (${list(ids)}) and x.report_id < y.report_id`,
    story: sql`select id from reports where cluster_id = ${sql.lit(ids[0]!)}`,
  };
  const out: string[] = [];
  for (const [name, q] of Object.entries(queries)) {
    const explain = dialect === 'sqlite' ? sql`explain query plan ${q}` : sql`explain ${q}`;
    const rows = (await explain.execute(db)).rows as Record<string, unknown>[];
    const text = rows.map((r) => {
      const line = r['detail'] ?? r['QUERY PLAN'];
      return typeof line === 'string' ? line : JSON.stringify(r);
    });
    out.push(`${name}: ${text.map((t) => t.trim()).join(' | ')}`);
  }
  return out;
}

export async function storeGrowth(
  dialect: Dialect,
  held: readonly Held[],
  small: number,
  probes: readonly Held[],
) {
  const nodes = [await makeNode({ dialect }), await makeNode({ dialect })];
  try {
    const [a, b] = nodes as [NodeHandle, NodeHandle];
    await fill(b, held);
    await fill(a, held.slice(0, small));
    const ms = { small: [] as number[], large: [] as number[], base: [] as number[] };
    for (const [i, p] of probes.entries()) {
      // Alternate which size goes first, so neither always follows the other.
      const first = i % 2 === 0 ? 'small' : 'large';
      ms.base.push(await baseline(b.node.store.db, held[i % held.length]!.id));
      ms[first].push(await probe(first === 'small' ? a : b, p));
      const second = first === 'small' ? 'large' : 'small';
      ms[second].push(await probe(second === 'small' ? a : b, p));
    }
    const top = await b.node.store.db
      .selectFrom('report_buckets')
      .select(['key', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('key')
      .orderBy('n', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const members = await b.node.store.db
      .selectFrom('report_buckets')
      .select('report_id')
      .where('key', '=', top.key)
      .execute();
    const explain = await plans(
      b.node.store.db,
      dialect,
      top.key,
      members.map((m) => m.report_id),
    );
    return { ms, explain };
  } finally {
    for (const n of nodes) await n.destroy();
  }
}
