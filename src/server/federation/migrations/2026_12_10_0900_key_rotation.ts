import { sql, type Kysely } from 'kysely';

/**
 * Key rotation (docs/federation.md, "Key rotation").
 * - node_keys: this node's keys by id, current or retired (kept until their grace ends to
 *   open envelopes peers sealed to them before they learned of the rotation). The private
 *   parts stay in DATA/keys, mode 0600; the table says which key is which.
 * - stream_out.signing_kid: the key that signs the stream's next message, switched in the
 *   transaction that queues the announcement, so every process signs with the right one.
 * - peers.signing_from_seq and peer_retired_keys: a peer's pinned signing key signs its
 *   stream from that sequence on; the keys before it, each with the last sequence it signs,
 *   until their grace ends.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('node_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('use', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema.alterTable('stream_out').addColumn('signing_kid', 'text').execute();
  await db.schema
    .alterTable('peers')
    .addColumn('signing_from_seq', 'bigint', (c) => c.notNull().defaultTo(sql`1`))
    .execute();
  await db.schema
    .createTable('peer_retired_keys')
    .addColumn('peer_id', 'text', (c) => c.notNull().references('peers.node_id'))
    .addColumn('kid', 'text', (c) => c.notNull())
    .addColumn('jwk', 'text', (c) => c.notNull())
    .addColumn('from_seq', 'bigint', (c) => c.notNull())
    .addColumn('until_seq', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('peer_retired_keys_pk', ['peer_id', 'kid'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('peer_retired_keys').execute();
  await db.schema.alterTable('peers').dropColumn('signing_from_seq').execute();
  await db.schema.alterTable('stream_out').dropColumn('signing_kid').execute();
  await db.schema.dropTable('node_keys').execute();
}
