import type { Kysely } from 'kysely';
import { DEFAULT_ALLOW_LIST } from '../../../../core/reports/allow-list.js';

/** When the starter allow-list was written (the entries a node starts with). */
const SEEDED_AT = Date.UTC(2026, 11, 3);

/**
 * Reports (issue 19): each report's text and what was extracted from it (JSON), its story,
 * the analyst's review of each extraction, the story buckets (report, key) that find a new
 * report's candidates, and the node's allow-list, seeded with the core's starter entries.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text')
    .addColumn('source', 'text')
    .addColumn('published_at', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('origin_node', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('extraction', 'text', (c) => c.notNull())
    .addColumn('features', 'text', (c) => c.notNull())
    .addColumn('cluster_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('case_id', 'text')
    .addColumn('stix_id', 'text')
    .addColumn('committed_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('reports_created')
    .on('reports')
    .columns(['created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('reports_cluster')
    .on('reports')
    .columns(['cluster_id', 'id'])
    .execute();
  await db.schema.createIndex('reports_stix').on('reports').columns(['stix_id']).execute();
  await db.schema
    .createTable('report_buckets')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('report_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_buckets_pk', ['key', 'report_id'])
    .execute();
  await db.schema
    .createIndex('report_buckets_report')
    .on('report_buckets')
    .columns(['report_id'])
    .execute();
  await db.schema
    .createTable('report_reviews')
    .addColumn('report_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_reviews_pk', ['report_id', 'kind', 'idx'])
    .execute();
  await db.schema
    .createTable('report_allow_list')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('subdomains', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addUniqueConstraint('report_allow_list_value', ['type', 'value'])
    .execute();
  const seed = DEFAULT_ALLOW_LIST.map((entry, i) => ({
    id: `starter-${String(i + 1).padStart(2, '0')}`,
    type: entry.type,
    value: entry.value,
    subdomains: entry.subdomains ? 1 : 0,
    reason: entry.reason,
    created_at: SEEDED_AT,
    created_by: null,
  }));
  if (seed.length > 0) await db.insertInto('report_allow_list').values(seed).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['report_allow_list', 'report_reviews', 'report_buckets', 'reports']) {
    await db.schema.dropTable(table).execute();
  }
}
