import type { Kysely } from 'kysely';

/** The hotline: calls and their timelines, the ladder, the duty roster, webhooks, notifications. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('hotline_calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('request_reference', 'text')
    .addColumn('case_id', 'text')
    .addColumn('caller', 'text', (c) => c.notNull())
    .addColumn('caller_user_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('acknowledge_within_ms', 'bigint', (c) => c.notNull())
    .addColumn('not_delivered_at', 'bigint')
    .addColumn('delivered_at', 'bigint')
    .addColumn('seen_at', 'bigint')
    .addColumn('seen_by', 'text')
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('acknowledged_by', 'text')
    .addColumn('resolved_at', 'bigint')
    .addColumn('resolved_by', 'text')
    .addColumn('outcome', 'text')
    .addColumn('rung', 'integer')
    .addColumn('rungs', 'integer')
    .addColumn('rung_deadline_at', 'bigint')
    .addColumn('reminders', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('timer_id', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('hotline_calls_created')
    .on('hotline_calls')
    .columns(['created_at'])
    .execute();
  await db.schema
    .createIndex('hotline_calls_state')
    .on('hotline_calls')
    .columns(['direction', 'state'])
    .execute();

  await db.schema
    .createTable('hotline_call_events')
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('rung', 'integer')
    .addColumn('actor', 'text')
    .addColumn('detail', 'text')
    .addPrimaryKeyConstraint('hotline_call_events_pk', ['call_id', 'n'])
    .execute();

  await db.schema
    .createTable('hotline_shifts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('days', 'text', (c) => c.notNull())
    .addColumn('start_time', 'text', (c) => c.notNull())
    .addColumn('end_time', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('from_date', 'text')
    .addColumn('until_date', 'text')
    .addColumn('rotation', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('hotline_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('hotline_webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('hotline_notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('hotline_notifications_due')
    .on('hotline_notifications')
    .columns(['status', 'next_at'])
    .execute();

  await db.schema
    .createTable('hotline_peer_coverage')
    .addColumn('peer_id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'hotline_peer_coverage',
    'hotline_notifications',
    'hotline_webhooks',
    'hotline_settings',
    'hotline_shifts',
    'hotline_call_events',
    'hotline_calls',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
