import type { Kysely } from 'kysely';

/**
 * The preservation period the responder sets when fulfilling (or extending) a preservation
 * request, in days: the record then says what the responder wrote, not the arrangement's
 * default. Null for every event before, and whenever the terms' period stands.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('request_events').addColumn('preservation_days', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('request_events').dropColumn('preservation_days').execute();
}
