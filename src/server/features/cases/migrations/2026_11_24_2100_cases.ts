import type { Kysely } from 'kysely';

/** Cases, their STIX 2.1 objects (current version, history, tombstones), shares, feedback. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_node', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('priority_case', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('case_participants')
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_participants_pk', ['case_id', 'node_id'])
    .execute();

  await db.schema
    .createTable('case_links')
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_links_pk', ['case_id', 'kind', 'ref_id'])
    .execute();

  await db.schema
    .createTable('stix_objects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('origin_node', 'text', (c) => c.notNull())
    .addColumn('tlp', 'text', (c) => c.notNull())
    .addColumn('red_recipients', 'text', (c) => c.notNull())
    .addColumn('revoked', 'integer', (c) => c.notNull())
    .addColumn('deleted', 'integer', (c) => c.notNull())
    .addColumn('modified', 'text')
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('search', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('stix_objects_case')
    .on('stix_objects')
    .columns(['case_id', 'type'])
    .execute();

  // The values an object names (an address, a domain, a hash, a pattern's literals), for
  // exact lookup: "have we seen 203.0.113.7?".
  await db.schema
    .createTable('stix_values')
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('stix_values_pk', ['object_id', 'value'])
    .execute();
  await db.schema.createIndex('stix_values_value').on('stix_values').columns(['value']).execute();

  await db.schema
    .createTable('stix_versions')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('modified', 'text')
    .addColumn('tlp', 'text', (c) => c.notNull())
    .addColumn('red_recipients', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('stix_versions_pk', ['id', 'n'])
    .execute();

  await db.schema
    .createTable('stix_shares')
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('shared_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('stix_shares_pk', ['object_id', 'peer_id'])
    .execute();

  await db.schema
    .createTable('stix_feedback')
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('use', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('stix_feedback_pk', ['object_id', 'node_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'stix_feedback',
    'stix_shares',
    'stix_versions',
    'stix_values',
    'stix_objects',
    'case_links',
    'case_participants',
    'cases',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
