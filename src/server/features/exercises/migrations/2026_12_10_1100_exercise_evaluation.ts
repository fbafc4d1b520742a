import type { Kysely } from 'kysely';

/**
 * The evaluation half of an exercise (issue 17), kept on this node: who takes part here and
 * in what role, the evaluators' observations and ratings, each account's hotwash, this
 * side's corrective actions, and the parts of the after-action report as shared (this
 * side's as it was sent, the peer's as it arrived).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('exercise_participants')
    .addColumn('exercise_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('assigned_by', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('exercise_participants_pk', ['exercise_id', 'user_id'])
    .execute();
  await db.schema
    .createTable('exercise_evaluator_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('exercise_id', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('objective', 'text')
    .addColumn('capability', 'text')
    .addColumn('inject_id', 'text')
    .addColumn('expected_id', 'text')
    .addColumn('share', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('scenario_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('exercise_evaluator_notes_at')
    .on('exercise_evaluator_notes')
    .columns(['exercise_id', 'at', 'id'])
    .execute();
  await db.schema
    .createTable('exercise_ratings')
    .addColumn('exercise_id', 'text', (c) => c.notNull())
    .addColumn('objective', 'text', (c) => c.notNull())
    // '' rates the objective as a whole.
    .addColumn('capability', 'text', (c) => c.notNull())
    .addColumn('rating', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('rated_by', 'text', (c) => c.notNull())
    .addColumn('rated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('exercise_ratings_pk', ['exercise_id', 'objective', 'capability'])
    .execute();
  await db.schema
    .createTable('exercise_hotwash')
    .addColumn('exercise_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('strengths', 'text', (c) => c.notNull())
    .addColumn('improvements', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('exercise_hotwash_pk', ['exercise_id', 'user_id'])
    .execute();
  await db.schema
    .createTable('exercise_corrective_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('exercise_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('capability', 'text', (c) => c.notNull())
    .addColumn('owner_side', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('due_date', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('exercise_corrective_actions_created')
    .on('exercise_corrective_actions')
    .columns(['exercise_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createTable('exercise_aar_parts')
    .addColumn('exercise_id', 'text', (c) => c.notNull())
    // 'ours': this side's part as last sent; 'theirs': the peer's as last received.
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('part', 'text', (c) => c.notNull())
    .addColumn('shared_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('exercise_aar_parts_pk', ['exercise_id', 'origin'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('exercise_aar_parts').execute();
  await db.schema.dropTable('exercise_corrective_actions').execute();
  await db.schema.dropTable('exercise_hotwash').execute();
  await db.schema.dropTable('exercise_ratings').execute();
  await db.schema.dropTable('exercise_evaluator_notes').execute();
  await db.schema.dropTable('exercise_participants').execute();
}
