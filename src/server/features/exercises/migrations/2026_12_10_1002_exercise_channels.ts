import type { Kysely } from 'kysely';

/**
 * Injects through the real channels (issue 17): what a fired inject became (the call's or
 * request's id) or why it could not go; what reached this node's players (the feed); and
 * what the node observed of its own side's expected actions (never sent to the peer).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('exercise_injects').addColumn('delivered', 'text').execute();
  await db.schema.alterTable('exercise_injects').addColumn('problem', 'text').execute();
  await db.schema
    .createTable('exercise_feed')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('exercise_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('inject_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('scenario_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('exercise_feed_at')
    .on('exercise_feed')
    .columns(['exercise_id', 'at', 'id'])
    .execute();
  await db.schema
    .createTable('exercise_observations')
    .addColumn('exercise_id', 'text', (c) => c.notNull())
    .addColumn('expected_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint')
    .addColumn('scenario_ms', 'bigint')
    .addColumn('timer_id', 'text')
    .addPrimaryKeyConstraint('exercise_observations_pk', ['exercise_id', 'expected_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('exercise_observations').execute();
  await db.schema.dropTable('exercise_feed').execute();
  await db.schema.alterTable('exercise_injects').dropColumn('problem').execute();
  await db.schema.alterTable('exercise_injects').dropColumn('delivered').execute();
}
