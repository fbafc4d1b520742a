import type { Kysely } from 'kysely';

/**
 * The measures' readings (issue 18): one row each time a measure between this node and a
 * peer was read at a value other than its last reading, and one a day for every measure
 * (status-report.part.ts). Also the answering officer's time on the pings this node sent
 * (`pings.answered_at`, from the peer's acknowledgement), so that both nodes compute the
 * same time to answer from the same instants.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dialogue_measure_readings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('dialogue_measure_readings_by_key')
    .on('dialogue_measure_readings')
    .columns(['peer_id', 'key', 'at', 'id'])
    .execute();
  await db.schema.alterTable('pings').addColumn('answered_at', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('pings').dropColumn('answered_at').execute();
  await db.schema.dropTable('dialogue_measure_readings').execute();
}
