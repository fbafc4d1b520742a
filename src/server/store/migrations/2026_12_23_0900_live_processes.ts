import { randomBytes } from 'node:crypto';
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * What the processes of one node share through the database (live/, docs/operations.md
 * "Several processes"):
 * - `live_events`: the live events of every process, by a global sequence (PostgreSQL's
 *   bus writes and replays them; SQLite keeps the table empty);
 * - `live_state`: one row: the event log's id (the `<boot>` of event ids) and the accounts'
 *   epoch, which PostgreSQL triggers move whenever a credential may have changed, so a
 *   process's credential cache is never trusted past a change made by another;
 * - `rate_counts`: request counts of the rate limits, per key and window.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('live_events')
    .addColumn('seq', postgres ? 'bigint' : 'integer', (c) =>
      postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey(),
    )
    .addColumn('type', 'text', (c) => c.notNull())
    /** JSON: `{ data, audience, process }`. */
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('live_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('boot', 'text', (c) => c.notNull())
    .addColumn('auth_epoch', 'bigint', (c) => c.notNull())
    .execute();
  await db
    .insertInto('live_state')
    .values({ id: 1, boot: randomBytes(4).toString('hex'), auth_epoch: 0 })
    .execute();
  await db.schema
    .createTable('rate_counts')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('reset_at', 'bigint', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .execute();
  if (postgres) await authTriggers(db);
}

/**
 * A change that can end a cached credential moves the epoch in the same transaction: a
 * user's password, roles, state or second factor, a token revoked, changed or deleted, a
 * session deleted (logout, revocation, expiry). A login, a session's or a token's last use
 * and a code's time step do not.
 */
async function authTriggers(db: Kysely<any>): Promise<void> {
  await sql`
    create function liaison_auth_changed() returns trigger language plpgsql as $$
    begin
      update live_state set auth_epoch = auth_epoch + 1 where id = 1;
      return null;
    end $$`.execute(db);
  const changed = (columns: string[]) =>
    sql.raw(columns.map((c) => `old.${c} is distinct from new.${c}`).join(' or '));
  const triggers: [string, string, string, ReturnType<typeof sql.raw> | null][] = [
    ['users_auth_changed', 'update', 'users', changed(USER_COLUMNS)],
    ['users_auth_deleted', 'delete', 'users', null],
    ['api_tokens_auth_changed', 'update', 'api_tokens', changed(TOKEN_COLUMNS)],
    ['api_tokens_auth_deleted', 'delete', 'api_tokens', null],
    ['sessions_auth_deleted', 'delete', 'sessions', null],
  ];
  for (const [name, event, table, when] of triggers) {
    await sql`create trigger ${sql.id(name)} after ${sql.raw(event)} on ${sql.table(table)}
      for each row ${when ? sql`when (${when})` : sql``}
      execute function liaison_auth_changed()`.execute(db);
  }
}

const USER_COLUMNS = [
  'username',
  'password_hash',
  'roles',
  'disabled',
  'must_change_password',
  'totp_secret',
  'totp_enabled_at',
];
const TOKEN_COLUMNS = ['user_id', 'secret_hash', 'roles', 'expires_at', 'revoked_at'];

export async function down(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) {
    await sql`drop function liaison_auth_changed() cascade`.execute(db);
  }
  await db.schema.dropTable('rate_counts').execute();
  await db.schema.dropTable('live_state').execute();
  await db.schema.dropTable('live_events').execute();
}
