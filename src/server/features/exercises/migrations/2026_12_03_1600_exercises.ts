import type { Kysely } from 'kysely';

/**
 * Runs of a scenario between this node and a peer, and the state of each inject. `msel` is
 * the scenario as both sides may see it; `expectations` this side's expected actions only.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('exercises')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scenario_id', 'text', (c) => c.notNull())
    .addColumn('scenario_version', 'integer', (c) => c.notNull())
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('proposed_here', 'integer', (c) => c.notNull())
    .addColumn('proposed_by', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('clock', 'text', (c) => c.notNull())
    .addColumn('msel', 'text', (c) => c.notNull())
    .addColumn('expectations', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('exercises_created')
    .on('exercises')
    .columns(['created_at', 'id'])
    .execute();
  await db.schema
    .createTable('exercise_injects')
    .addColumn('exercise_id', 'text', (c) => c.notNull())
    .addColumn('inject_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('fired_at', 'bigint')
    .addColumn('fired_scenario_ms', 'bigint')
    .addColumn('timer_id', 'text')
    .addPrimaryKeyConstraint('exercise_injects_pk', ['exercise_id', 'inject_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('exercise_injects').execute();
  await db.schema.dropTable('exercises').execute();
}
