import type { Kysely } from 'kysely';

/**
 * The EXERCISE marker on a note (issue 17): the exercise it belongs to and the inject it
 * delivers (none for a player's answer); null for every real note.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notes').addColumn('exercise_id', 'text').execute();
  await db.schema.alterTable('notes').addColumn('exercise_inject_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notes').dropColumn('exercise_inject_id').execute();
  await db.schema.alterTable('notes').dropColumn('exercise_id').execute();
}
