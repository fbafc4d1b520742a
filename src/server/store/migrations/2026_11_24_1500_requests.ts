import type { Kysely } from 'kysely';

/** Contacts, arrangements with peers, requests for assistance with their timelines. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('channels', 'text', (c) => c.notNull())
    .addColumn('languages', 'text', (c) => c.notNull())
    .addColumn('working_hours', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('published', 'integer', (c) => c.notNull())
    .addColumn('confirmed_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('contacts_node')
    .on('contacts')
    .columns(['node_id', 'name'])
    .execute();

  await db.schema
    .createTable('arrangements')
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('terms', 'text', (c) => c.notNull())
    .addColumn('terms_hash', 'text', (c) => c.notNull())
    .addColumn('proposed_by', 'text', (c) => c.notNull())
    .addColumn('proposed_at', 'bigint', (c) => c.notNull())
    .addColumn('answered_at', 'bigint')
    .addPrimaryKeyConstraint('arrangements_pk', ['peer_id', 'version'])
    .execute();

  await db.schema
    .createTable('requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('preservation', 'text')
    .addColumn('preserved_until', 'bigint')
    .addColumn('arrangement_version', 'integer')
    .addColumn('terms_hash', 'text')
    .addColumn('due_soon_percent', 'integer')
    .addColumn('requester_time_zone', 'text', (c) => c.notNull())
    .addColumn('responder_time_zone', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .addColumn('due_ack_at', 'bigint')
    .addColumn('due_respond_at', 'bigint')
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('closed_at', 'bigint')
    .addColumn('ack_alert', 'text')
    .addColumn('respond_alert', 'text')
    /** Times sending was refused because fields were missing (for the figures). */
    .addColumn('send_refusals', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('requests_peer_direction')
    .on('requests')
    .columns(['peer_id', 'direction', 'updated_at'])
    .execute();
  await db.schema
    .createIndex('requests_reference')
    .on('requests')
    .columns(['peer_id', 'reference'])
    .unique()
    .execute();

  await db.schema
    .createTable('request_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
    .addColumn('lamport', 'integer', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('fields', 'text')
    .addColumn('attachment_id', 'text')
    .addColumn('applied', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('request_events_request')
    .on('request_events')
    .columns(['request_id', 'lamport'])
    .execute();

  await db.schema
    .createTable('request_attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    /** base64: portable across both dialects; attachments are small (1.5 MiB at most). */
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('pings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('contact_name', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('acknowledged_by', 'text')
    .addColumn('scheduled', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('pings_peer_sent')
    .on('pings')
    .columns(['peer_id', 'direction', 'sent_at'])
    .execute();

  await db.schema
    .createTable('ping_schedules')
    .addColumn('peer_id', 'text', (c) => c.primaryKey())
    .addColumn('every_hours', 'integer', (c) => c.notNull())
    .addColumn('next_at', 'bigint', (c) => c.notNull())
    .addColumn('timer_id', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'ping_schedules',
    'pings',
    'request_attachments',
    'request_events',
    'requests',
    'arrangements',
    'contacts',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
