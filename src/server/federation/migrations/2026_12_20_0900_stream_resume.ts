import { type Kysely } from 'kysely';

/**
 * Resuming the streams after a restore (docs/federation.md, "Resuming after a restore").
 * - outbox_sent: messages the peer acknowledged, kept RESEND_RETENTION_MS so a peer restored
 *   from a backup can be sent again what it lost since.
 * - stream_out.resume_after / resume_at: set by `liaison restore`: the stream to the peer
 *   ended at resume_after in the backup and continues at resume_at, once the peer agreed
 *   (the numbers between were perhaps used after the backup and must never be used again).
 * - node_restores: each restore of this node, with the head of its audit chain in the backup.
 * - audit_checkpoints_superseded: a peer's checkpoints beyond the head its restore went back
 *   to, kept as the record of the history it lost.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outbox_sent')
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('envelope', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('outbox_sent_pk', ['peer_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('outbox_sent_created')
    .on('outbox_sent')
    .columns(['peer_id', 'created_at'])
    .execute();
  await db.schema.alterTable('stream_out').addColumn('resume_after', 'bigint').execute();
  await db.schema.alterTable('stream_out').addColumn('resume_at', 'bigint').execute();
  await db.schema
    .createTable('node_restores')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('restored_at', 'bigint', (c) => c.notNull())
    .addColumn('backup_created_at', 'bigint', (c) => c.notNull())
    .addColumn('audit_seq', 'bigint', (c) => c.notNull())
    .addColumn('audit_hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('audit_checkpoints_superseded')
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('superseded_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_checkpoints_superseded').execute();
  await db.schema.dropTable('node_restores').execute();
  await db.schema.alterTable('stream_out').dropColumn('resume_at').execute();
  await db.schema.alterTable('stream_out').dropColumn('resume_after').execute();
  await db.schema.dropTable('outbox_sent').execute();
}
