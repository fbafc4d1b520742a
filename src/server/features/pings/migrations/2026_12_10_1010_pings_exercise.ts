import type { Kysely } from 'kysely';

/**
 * The EXERCISE marker on a ping (issue 17): the exercise that sent it and the inject it
 * delivers; null for every real ping. Exercise pings are answered like real ones but are
 * left out of the ping report.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('pings').addColumn('exercise_id', 'text').execute();
  await db.schema.alterTable('pings').addColumn('exercise_inject_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('pings').dropColumn('exercise_inject_id').execute();
  await db.schema.alterTable('pings').dropColumn('exercise_id').execute();
}
