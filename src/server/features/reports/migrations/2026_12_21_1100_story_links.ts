import type { Kysely } from 'kysely';
import type { Db } from '../../../store/database.js';
import { rebuildStories } from '../stories.repository.js';

/**
 * Stories independent of the order of arrival past MAX_BUCKET (core/reports/cluster-features.ts):
 * the keys closed (held by more than MAX_BUCKET reports: they link no pair) and the links
 * (a < b) kept, so a key that closes can take back the links made through it. The stories
 * held are then recomputed by the new rules (rebuildStories: a page of reports at a time).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('report_closed_keys')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .execute();
  await db.schema
    .createTable('report_links')
    .addColumn('a', 'text', (c) => c.notNull())
    .addColumn('b', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_links_pk', ['a', 'b'])
    .execute();
  await rebuildStories(db as Db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('report_links').execute();
  await db.schema.dropTable('report_closed_keys').execute();
}
