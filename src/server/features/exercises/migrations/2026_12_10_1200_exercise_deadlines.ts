import type { Kysely } from 'kysely';

/**
 * The durable timers at the deadlines of this side's expected actions (issue 17), kept
 * apart from what was observed: a clock move sets the timers again without writing the
 * observations a player's action writes, so the two never wait on each other.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('exercise_deadlines')
    .addColumn('exercise_id', 'text', (c) => c.notNull())
    .addColumn('expected_id', 'text', (c) => c.notNull())
    .addColumn('timer_id', 'text')
    .addPrimaryKeyConstraint('exercise_deadlines_pk', ['exercise_id', 'expected_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('exercise_deadlines').execute();
}
