import type { Kysely } from 'kysely';

/** Tabletop scenarios: the YAML as written, and its parsed definition (issue 17). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('exercise_scenarios')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('exercise_scenarios').execute();
}
