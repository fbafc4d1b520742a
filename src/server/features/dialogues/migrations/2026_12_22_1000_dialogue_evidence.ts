import type { Kysely } from 'kysely';

/**
 * Claims of reports attached as evidence to commitments (issue 19): this node's own
 * assessment, never sent to the peer. `claim` is the claim as it stood when attached (JSON
 * ClaimSnapshot), so the evidence reads the same if the report changes. One claim is attached
 * to a commitment once (the unique index: a second attach is 409 evidence_exists).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dialogue_evidence')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dialogue_id', 'text', (c) => c.notNull())
    .addColumn('commitment_id', 'text', (c) => c.notNull())
    .addColumn('report_id', 'text', (c) => c.notNull())
    .addColumn('claim_index', 'integer', (c) => c.notNull())
    .addColumn('bearing', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('claim', 'text', (c) => c.notNull())
    .addColumn('by_user', 'text')
    .addColumn('by_name', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('dialogue_evidence_by_claim')
    .on('dialogue_evidence')
    .columns(['commitment_id', 'report_id', 'claim_index'])
    .unique()
    .execute();
  await db.schema
    .createIndex('dialogue_evidence_by_commitment')
    .on('dialogue_evidence')
    .columns(['commitment_id', 'at', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dialogue_evidence').execute();
}
