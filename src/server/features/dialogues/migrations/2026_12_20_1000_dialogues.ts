import type { Kysely } from 'kysely';

/**
 * The dialogue record (issue 18): dialogues, their meetings, the versions of each meeting's
 * record (both nodes' signatures on the accepted one), the commitments of agreed records and
 * each side's attestation of them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dialogues')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('parties', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('dialogues_created')
    .on('dialogues')
    .columns(['created_at', 'id'])
    .execute();
  await db.schema
    .createTable('dialogue_meetings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dialogue_id', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('when_label', 'text', (c) => c.notNull())
    .addColumn('start_date', 'text')
    .addColumn('end_date', 'text')
    .addColumn('place', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('delegations', 'text', (c) => c.notNull())
    .addColumn('agenda', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('draft', 'text')
    .addColumn('record_status', 'text', (c) => c.notNull())
    .addUniqueConstraint('dialogue_meetings_number', ['dialogue_id', 'number'])
    .execute();
  await db.schema
    .createTable('dialogue_record_versions')
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('dialogue_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('proposed_by', 'text', (c) => c.notNull())
    .addColumn('proposed_by_name', 'text', (c) => c.notNull())
    .addColumn('proposed_at', 'bigint', (c) => c.notNull())
    .addColumn('answered_by', 'text')
    .addColumn('answered_by_name', 'text')
    .addColumn('answered_at', 'bigint')
    .addColumn('signatures', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('dialogue_record_versions_pk', ['meeting_id', 'version'])
    .execute();
  await db.schema
    .createTable('dialogue_commitments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dialogue_id', 'text', (c) => c.notNull())
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('meeting_number', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('due_date', 'text', (c) => c.notNull())
    // The combined state of both sides' statements (core/dialogues.ts foldCommitment).
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('dialogue_commitments_position')
    .on('dialogue_commitments')
    .columns(['dialogue_id', 'position', 'id'])
    .execute();
  await db.schema
    .createTable('dialogue_attestations')
    .addColumn('commitment_id', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('dialogue_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('by_name', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('dialogue_attestations_pk', ['commitment_id', 'side'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dialogue_attestations').execute();
  await db.schema.dropTable('dialogue_commitments').execute();
  await db.schema.dropTable('dialogue_record_versions').execute();
  await db.schema.dropTable('dialogue_meetings').execute();
  await db.schema.dropTable('dialogues').execute();
}
