import type { Kysely } from 'kysely';

/**
 * The EXERCISE marker on a case (issue 17): the exercise whose case objects it holds; null
 * for every real case. Exercise cases are left out of the case status report.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').addColumn('exercise_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').dropColumn('exercise_id').execute();
}
