import { sql, type Kysely } from 'kysely';

/**
 * An object in several cases, and every version kept.
 *
 * - `case_objects`: which case holds which object (an object may be in several), with what
 *   the case page filters and sorts on, so a page of a case of a million objects is read
 *   from one index. `red_here` says whether this node's users may ever see the object when
 *   it is RED (this node wrote it or is one of its recipients), fixed for a node.
 * - `case_entries`: each case's TAXII stream, one entry per version of each of its objects,
 *   on the version counter (a version's entry shares its seq; an object that joins a case
 *   later gets new places for the versions it brings).
 * - `stix_versions.earliest`: the version with the earliest `modified` (match[version]=first),
 *   as `current` marks the latest. Before this, versions arrived only in order, so the first
 *   recorded is the earliest.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('case_objects')
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('tlp', 'text', (c) => c.notNull())
    .addColumn('red_here', 'integer', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_objects_pk', ['case_id', 'object_id'])
    .execute();
  await db.schema
    .createIndex('case_objects_object')
    .on('case_objects')
    .column('object_id')
    .execute();
  await db.schema
    .createIndex('case_objects_recent')
    .on('case_objects')
    .columns(['case_id', 'updated_at', 'object_id'])
    .execute();
  await db.schema
    .createIndex('case_objects_type')
    .on('case_objects')
    .columns(['case_id', 'type', 'updated_at', 'object_id'])
    .execute();
  await db.schema
    .createIndex('case_objects_label')
    .on('case_objects')
    .columns(['case_id', 'label', 'object_id'])
    .execute();
  await db.schema
    .createIndex('case_objects_tlp')
    .on('case_objects')
    .columns(['case_id', 'tlp', 'red_here'])
    .execute();

  // How many objects each case holds per marking (and RED seen here or not): the counts a
  // reader may see are sums of a few rows, not a count of a million.
  await db.schema
    .createTable('case_object_counts')
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('tlp', 'text', (c) => c.notNull())
    .addColumn('red_here', 'integer', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_object_counts_pk', ['case_id', 'tlp', 'red_here'])
    .execute();

  await db.schema
    .createTable('case_entries')
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('added_us', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_entries_pk', ['case_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('case_entries_object')
    .on('case_entries')
    .column('object_id')
    .execute();

  await db.schema
    .alterTable('stix_versions')
    .addColumn('earliest', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.updateTable('stix_versions').set({ earliest: 1 }).where('n', '=', 1).execute();

  // Each live object is in the case that held it. Whether a RED one is visible here needs
  // this node's id, which a migration does not know: -1 until the cases feature starts.
  await sql`
    insert into case_objects (case_id, object_id, type, tlp, red_here, label, updated_at, added_at)
    select case_id, id, type, tlp, case when tlp = 'red' then -1 else 0 end, label, updated_at, updated_at
    from stix_objects where deleted = 0`.execute(db);
  await sql`
    insert into case_object_counts (case_id, tlp, red_here, n)
    select case_id, tlp, red_here, count(*) from case_objects group by case_id, tlp, red_here`.execute(
    db,
  );
  await sql`
    insert into case_entries (case_id, seq, object_id, n, added_us)
    select v.case_id, v.seq, v.id, v.n, v.added_us
    from stix_versions v join stix_objects o on o.id = v.id
    where o.deleted = 0`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('stix_versions').dropColumn('earliest').execute();
  await db.schema.dropTable('case_entries').execute();
  await db.schema.dropTable('case_object_counts').execute();
  await db.schema.dropTable('case_objects').execute();
}
