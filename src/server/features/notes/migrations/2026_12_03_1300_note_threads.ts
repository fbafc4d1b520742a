import { sql, type Kysely } from 'kysely';

/**
 * Notes answer notes and may ask for an acknowledgement. `origin_id` is the note's id on
 * the node that wrote it (the same as `id` for ours), the one both sides name it by;
 * `reply_to` is the local id of the note it answers.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, type] of [
    ['origin_id', 'text'],
    ['reply_to', 'text'],
    ['acknowledged_at', 'bigint'],
    ['acknowledged_by', 'text'],
  ] as const) {
    await db.schema.alterTable('notes').addColumn(name, type).execute();
  }
  await db.schema
    .alterTable('notes')
    .addColumn('ack_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update notes set origin_id = id where direction = 'out'`.execute(db);
  await db.schema
    .createIndex('notes_origin')
    .on('notes')
    .columns(['peer_id', 'origin_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('notes_origin').execute();
  for (const name of [
    'origin_id',
    'reply_to',
    'acknowledged_at',
    'acknowledged_by',
    'ack_requested',
  ]) {
    await db.schema.alterTable('notes').dropColumn(name).execute();
  }
}
