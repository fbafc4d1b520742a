import type { Kysely } from 'kysely';

/**
 * A second factor (TOTP, RFC 6238) per account, and its single-use recovery codes.
 * `totp_secret` is set when enrolment begins and the factor is active only once
 * `totp_enabled_at` is set (confirmed with a code); `totp_last_step` is the time step of the
 * last code accepted, so that no code is taken twice. Recovery codes are kept as SHA-256
 * hashes (they are random, ~50 bits, and throttled like passwords).
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, type] of [
    ['totp_secret', 'text'],
    ['totp_enabled_at', 'bigint'],
    ['totp_last_step', 'bigint'],
  ] as const) {
    await db.schema.alterTable('users').addColumn(name, type).execute();
  }
  await db.schema
    .createTable('recovery_codes')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'code_hash'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('recovery_codes').execute();
  for (const name of ['totp_secret', 'totp_enabled_at', 'totp_last_step']) {
    await db.schema.alterTable('users').dropColumn(name).execute();
  }
}
