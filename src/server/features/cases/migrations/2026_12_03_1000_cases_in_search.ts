import type { Kysely } from 'kysely';

/**
 * The cases and objects held before the search existed are indexed by the cases feature
 * once it starts (CaseSupport.backfillSearch), a page per transaction, in the background:
 * this row says where it is (the last object id indexed), so a restart goes on from there,
 * and it is deleted when everything is in. A new node has nothing to index.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cases_search_backfill')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('after', 'text', (c) => c.notNull())
    .execute();
  const any = await db.selectFrom('cases').select('id').limit(1).executeTakeFirst();
  if (any)
    await db.insertInto('cases_search_backfill').values({ name: 'objects', after: '' }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('cases_search_backfill').execute();
}
