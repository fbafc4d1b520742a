import { type Kysely } from 'kysely';

/**
 * resume_nonces: the nonce of every resume a peer sent (docs/federation.md, "Resuming after
 * a restore"), kept while a resume is still fresh enough to be taken, so the same signed
 * resume is answered once: a replay within those minutes would set aside again the
 * checkpoints made since and rewind the stream to the peer.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('resume_nonces')
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('resume_nonces_pk', ['peer_id', 'nonce'])
    .execute();
  await db.schema
    .createIndex('resume_nonces_received')
    .on('resume_nonces')
    .column('received_at')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('resume_nonces').execute();
}
