import type { Kysely } from 'kysely';

/**
 * The EXERCISE marker on a call (issue 17): the exercise that placed it and the inject it
 * delivers; null for every real call. Exercise calls ring like real ones but are left out
 * of the usage review and the figures.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('hotline_calls').addColumn('exercise_id', 'text').execute();
  await db.schema.alterTable('hotline_calls').addColumn('exercise_inject_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('hotline_calls').dropColumn('exercise_inject_id').execute();
  await db.schema.alterTable('hotline_calls').dropColumn('exercise_id').execute();
}
