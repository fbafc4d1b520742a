import type { Kysely } from 'kysely';

/**
 * The EXERCISE marker on a request (issue 17): the exercise that sent it and the inject it
 * delivers; null for every real request. Exercise requests land in the inbox like real
 * ones but are left out of the figures.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('requests').addColumn('exercise_id', 'text').execute();
  await db.schema.alterTable('requests').addColumn('exercise_inject_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('requests').dropColumn('exercise_inject_id').execute();
  await db.schema.alterTable('requests').dropColumn('exercise_id').execute();
}
