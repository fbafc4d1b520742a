import type { Kysely } from 'kysely';

/**
 * The outbox records each envelope's size when it is written: the dispatcher chooses a
 * batch by size without reading (or measuring) the envelopes themselves, which for large
 * messages meant reading every candidate envelope's pages on each pass.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('size', 'integer').execute();
  await db
    .updateTable('outbox')
    .set((eb) => ({ size: eb.fn('length', ['envelope']) }))
    .execute();
  // Answers the batch-size query from the index alone: reading a column stored after a
  // large envelope would walk the envelope's overflow pages.
  await db.schema
    .createIndex('outbox_sizes')
    .on('outbox')
    .columns(['peer_id', 'seq', 'size'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_sizes').execute();
  await db.schema.alterTable('outbox').dropColumn('size').execute();
}
