import type { Kysely } from 'kysely';

/**
 * Bulk intelligence: every recorded STIX version gets a place on one monotonic counter (the
 * TAXII cursor) and a strictly increasing date_added; import jobs and their error reports;
 * TAXII collections, their access rights, add statuses; subscriptions to remote collections.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('stix_versions').addColumn('seq', 'bigint').execute();
  await db.schema.alterTable('stix_versions').addColumn('added_us', 'bigint').execute();
  await db.schema.alterTable('stix_versions').addColumn('case_id', 'text').execute();
  await db.schema.alterTable('stix_versions').addColumn('type', 'text').execute();
  await db.schema
    .alterTable('stix_versions')
    .addColumn('current', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  // Versions recorded before this migration take their places in the order they were recorded.
  const rows = (await db
    .selectFrom('stix_versions as v')
    .innerJoin('stix_objects as o', 'o.id', 'v.id')
    .select(['v.id', 'v.n', 'v.recorded_at', 'o.case_id', 'o.type'])
    .orderBy('v.recorded_at')
    .orderBy('v.id')
    .orderBy('v.n')
    .execute()) as {
    id: string;
    n: number;
    recorded_at: number;
    case_id: string;
    type: string;
  }[];
  const last = new Map<string, number>();
  for (const row of rows) last.set(row.id, Math.max(last.get(row.id) ?? 0, Number(row.n)));
  let seq = 0;
  let addedUs = 0;
  for (const row of rows) {
    seq++;
    addedUs = Math.max(addedUs + 1, Number(row.recorded_at) * 1000);
    await db
      .updateTable('stix_versions')
      .set({
        seq,
        added_us: addedUs,
        case_id: row.case_id,
        type: row.type,
        current: last.get(row.id) === Number(row.n) ? 1 : 0,
      })
      .where('id', '=', row.id)
      .where('n', '=', row.n)
      .execute();
  }
  await db.schema
    .createTable('stix_counter')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('added_us', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('stix_counter').values({ name: 'stix', seq, added_us: addedUs }).execute();
  await db.schema
    .createIndex('stix_versions_seq')
    .unique()
    .on('stix_versions')
    .column('seq')
    .execute();
  await db.schema
    .createIndex('stix_versions_case_seq')
    .on('stix_versions')
    .columns(['case_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('stix_versions_added')
    .on('stix_versions')
    .column('added_us')
    .execute();

  await db.schema
    .createTable('import_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('tlp', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('runner', 'text')
    .addColumn('resume_offset', 'bigint', (c) => c.notNull())
    .addColumn('resume_index', 'bigint', (c) => c.notNull())
    .addColumn('resume_depth', 'integer', (c) => c.notNull())
    .addColumn('bytes_total', 'bigint')
    .addColumn('read', 'bigint', (c) => c.notNull())
    .addColumn('imported', 'bigint', (c) => c.notNull())
    .addColumn('updated', 'bigint', (c) => c.notNull())
    .addColumn('unchanged', 'bigint', (c) => c.notNull())
    .addColumn('elsewhere', 'bigint', (c) => c.notNull())
    .addColumn('failed', 'bigint', (c) => c.notNull())
    .addColumn('message', 'text')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('import_jobs_source')
    .on('import_jobs')
    .columns(['case_id', 'fingerprint'])
    .execute();
  await db.schema
    .createTable('import_errors')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addColumn('position', 'bigint')
    .addColumn('object_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_errors_pk', ['job_id', 'n'])
    .execute();

  await db.schema
    .createTable('taxii_collections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text')
    .addColumn('max_tlp', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('taxii_access')
    .addColumn('collection_id', 'text', (c) => c.notNull())
    .addColumn('principal', 'text', (c) => c.notNull())
    .addColumn('can_read', 'integer', (c) => c.notNull())
    .addColumn('can_write', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('taxii_access_pk', ['collection_id', 'principal'])
    .execute();
  await db.schema
    .createTable('taxii_status')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('collection_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('success', 'integer', (c) => c.notNull())
    .addColumn('failure', 'integer', (c) => c.notNull())
    .addColumn('pending', 'integer', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('taxii_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('auth', 'text', (c) => c.notNull())
    .addColumn('tlp', 'text', (c) => c.notNull())
    .addColumn('interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('added_after', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('last_polled_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('received', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'taxii_subscriptions',
    'taxii_status',
    'taxii_access',
    'taxii_collections',
    'import_errors',
    'import_jobs',
    'stix_counter',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  for (const index of ['stix_versions_seq', 'stix_versions_case_seq', 'stix_versions_added']) {
    await db.schema.dropIndex(index).execute();
  }
  for (const column of ['seq', 'added_us', 'case_id', 'type', 'current']) {
    await db.schema.alterTable('stix_versions').dropColumn(column).execute();
  }
}
