import type { Kysely } from 'kysely';

/** Peers, per-peer streams (outbox, watermarks, rejections), notes, audit checkpoints. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('peers')
    .addColumn('node_id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('signing_jwk', 'text', (c) => c.notNull())
    .addColumn('encryption_jwk', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('message_kinds', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('stream_out')
    .addColumn('peer_id', 'text', (c) => c.primaryKey().references('peers.node_id'))
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .addColumn('acked_seq', 'bigint', (c) => c.notNull())
    .addColumn('last_attempt_at', 'bigint')
    .addColumn('last_success_at', 'bigint')
    .addColumn('last_error_code', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'bigint')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('peer_up', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('envelope', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('outbox_pk', ['peer_id', 'seq'])
    .execute();

  await db.schema
    .createTable('stream_in')
    .addColumn('peer_id', 'text', (c) => c.primaryKey().references('peers.node_id'))
    .addColumn('applied_seq', 'bigint', (c) => c.notNull())
    .addColumn('last_received_at', 'bigint')
    .execute();

  await db.schema
    .createTable('message_rejections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('message_rejections_peer')
    .on('message_rejections')
    .columns(['peer_id', 'direction', 'seq'])
    .execute();

  await db.schema
    .createTable('notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notes_peer')
    .on('notes')
    .columns(['peer_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('audit_checkpoints_sent')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('audit_checkpoints_received')
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_checkpoints_received_pk', ['peer_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'audit_checkpoints_received',
    'audit_checkpoints_sent',
    'notes',
    'message_rejections',
    'stream_in',
    'outbox',
    'stream_out',
    'peers',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
