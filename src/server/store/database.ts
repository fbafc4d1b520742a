import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  Migrator,
  PostgresDialect,
  sql,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type Migration,
  type SqliteDatabase,
  type SqliteDialectConfig,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { AuditTables } from '../audit/audit.table.js';
import type { TimersTables } from '../timers/timers.table.js';
import type { FederationTables } from '../federation/federation.table.js';
import { MIGRATIONS } from './migrations/index.js';

/**
 * Every table of the node: the infrastructure's here; each feature adds its own from its
 * `<name>.table.ts` (`declare module '../../store/database.js' { interface Database {…} }`),
 * so this file never names a feature.
 */
export interface Database extends AuditTables, TimersTables, FederationTables {}

/** The database or a transaction: repositories take either. */
export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
export type Dialect = 'sqlite' | 'postgres';

export type StoreConfig =
  { driver: 'sqlite'; file: string } | { driver: 'postgres'; url: string; poolSize?: number };

// PostgreSQL's bigint (int8) and count(*) come back as strings by default; our times are
// epoch milliseconds, well inside Number's safe range.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

/**
 * SQLite transactions start with BEGIN IMMEDIATE: a writer takes the write lock up front and
 * waits (busy_timeout) for another process's writer instead of failing half-way through when
 * its read snapshot turns stale. Several processes may share a node's file (CLI, serve).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}

/**
 * better-sqlite3 compiles a statement on every `prepare`, and Kysely prepares each query it
 * runs; the node runs the same few hundred statements over and over, so compiled statements
 * are kept, most recently used last, up to a bound.
 */
const STATEMENT_CACHE_SIZE = 500;

function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      }
      statements.set(sql, statement);
      return statement;
    },
    close() {
      statements.clear();
      sqlite.close();
    },
  };
}

/** Rows of one table, as plain column → value records (numbers, strings, nulls). */
export type BulkRows = readonly Readonly<Record<string, string | number | null>>[];

export interface Store {
  readonly db: Db;
  readonly dialect: Dialect;
  /**
   * Inserts many rows of one table inside the transaction `trx` (a bulk import's batch).
   * SQLite: one prepared single-row statement run per row on the node's one connection,
   * which skips building a query per batch; PostgreSQL: multi-row inserts.
   */
  insertMany(this: void, trx: Db, table: keyof Database, rows: BulkRows): Promise<void>;
  /**
   * Runs fn in one transaction; callbacks given to afterCommit run once it committed.
   * `durable: false` lets the commit return before it reaches the disk (SQLite's
   * synchronous = NORMAL, PostgreSQL's synchronous_commit = off, for this transaction only):
   * a power cut may lose it whole, never half of it, and the next durable commit carries it
   * to the disk. Only for what the node can learn again, never for what it acknowledges to
   * anyone: a peer's acknowledgement, which the peer repeats if it is lost.
   */
  transaction<T>(
    fn: (trx: Trx, tx: TxHooks) => Promise<T>,
    options?: { durable?: boolean },
  ): Promise<T>;
  ping(): Promise<void>;
  /**
   * Adds a feature's own migrations (features/<name>/migrations) to the store's, before
   * migrate(). Names are global and sort by date, so they interleave with the store's.
   */
  addMigrations(migrations: Record<string, Migration>): void;
  migrate(): Promise<void>;
  migrated(): Promise<boolean>;
  close(): Promise<void>;
}

export interface TxHooks {
  afterCommit(callback: () => void): void;
}

export function openStore(config: StoreConfig, log?: Logger): Store {
  const { db, dialect, insertMany } =
    config.driver === 'sqlite' ? openSqlite(config.file) : openPostgres(config, log);

  const migrations: Record<string, Migration> = { ...MIGRATIONS };
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  });

  return {
    db,
    dialect,
    insertMany,
    async transaction<T>(
      fn: (trx: Trx, tx: TxHooks) => Promise<T>,
      options: { durable?: boolean } = {},
    ): Promise<T> {
      let callbacks: (() => void)[] = [];
      const hooks: TxHooks = { afterCommit: (callback) => callbacks.push(callback) };
      const result = await retryOnDeadlock(log, () => {
        callbacks = [];
        return runTransaction(db, dialect, options.durable ?? true, (trx) => fn(trx, hooks));
      });
      for (const callback of callbacks) {
        try {
          callback();
        } catch (error) {
          log?.error({ err: error }, 'after-commit callback failed');
        }
      }
      return result;
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    addMigrations(more) {
      for (const [name, migration] of Object.entries(more)) {
        if (migrations[name]) throw new Error(`migration ${name} is defined twice`);
        migrations[name] = migration;
      }
    },
    async migrate() {
      const { error, results } = await migrator.migrateToLatest();
      for (const result of results ?? []) {
        if (result.status === 'Success')
          log?.info({ migration: result.migrationName }, 'migration applied');
        if (result.status === 'Error')
          log?.error({ migration: result.migrationName }, 'migration failed');
      }
      if (error)
        throw error instanceof Error
          ? error
          : new Error(`migration failed: ${JSON.stringify(error)}`);
    },
    async migrated() {
      const migrations = await migrator.getMigrations();
      return migrations.every((m) => m.executedAt !== undefined);
    },
    async close() {
      await db.destroy();
    },
  };
}

/** One attempt at a transaction, waiting for the disk at its commit or not (`durable`). */
function runTransaction<T>(
  db: Db,
  dialect: Dialect,
  durable: boolean,
  fn: (trx: Trx) => Promise<T>,
): Promise<T> {
  if (durable) return db.transaction().execute(fn);
  if (dialect === 'postgres') {
    return db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx);
      return fn(trx);
    });
  }
  // SQLite: the setting is the connection's; the node's one connection is held throughout,
  // so no other transaction commits under it.
  return db.connection().execute(async (connection) => {
    await sql`pragma synchronous = NORMAL`.execute(connection);
    try {
      return await connection.transaction().execute(fn);
    } finally {
      await sql`pragma synchronous = FULL`.execute(connection);
    }
  });
}

/** Attempts at a transaction PostgreSQL aborted to break a deadlock or a serialization conflict. */
const TRANSACTION_ATTEMPTS = 4;

/**
 * Runs a transaction again when PostgreSQL aborted it to break a deadlock (40P01) or a
 * serialization conflict (40001): the whole attempt was rolled back, so running it again
 * from the start is safe, and the other transaction has gone through. Several processes
 * (and one process's pool) take row locks in orders no single rule can fix everywhere
 * (a feature's row, then the audit head; a peer's message, then the same row).
 */
async function retryOnDeadlock<T>(log: Logger | undefined, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if ((code !== '40P01' && code !== '40001') || n >= TRANSACTION_ATTEMPTS) throw error;
      log?.warn({ code, attempt: n }, 'transaction aborted by PostgreSQL; running it again');
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * n));
    }
  }
}

/** How a store reaches its database: the Kysely instance, its dialect and its bulk insert. */
interface Connection {
  db: Db;
  dialect: Dialect;
  insertMany: Store['insertMany'];
}

function openSqlite(file: string): Connection {
  mkdirSync(path.dirname(file), { recursive: true });
  // The file holds password hashes: readable by the node's user only (SQLite gives its
  // -wal and -shm files the same mode).
  closeSync(openSync(file, 'a', 0o600));
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // FULL: an acknowledged write survives a power cut, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }),
  });
  return { db, dialect: 'sqlite', insertMany: sqliteInsertMany(sqlite) };
}

function openPostgres(
  config: Extract<StoreConfig, { driver: 'postgres' }>,
  log: Logger | undefined,
): Connection {
  const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize ?? 10 });
  pool.on('error', (error) => log?.error({ err: error }, 'idle PostgreSQL connection failed'));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', insertMany: postgresInsertMany };
}

/**
 * SQLite: one prepared single-row statement per table and column list, run per row. The
 * parameters of each row are bound from one array, filled again for every row (a bulk
 * import inserts millions: an array per row is garbage the collector pays for).
 */
function sqliteInsertMany(sqlite: SQLite.Database): Store['insertMany'] {
  const statements = new Map<string, SQLite.Statement>();
  return (_trx, table, rows) => {
    const first = rows[0];
    if (!first) return Promise.resolve();
    const columns = Object.keys(first);
    const text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`;
    const statement = statements.get(text) ?? sqlite.prepare(text);
    statements.set(text, statement);
    const args: unknown[] = new Array<unknown>(columns.length);
    for (const row of rows) {
      for (let i = 0; i < columns.length; i++) args[i] = row[columns[i] as string] ?? null;
      statement.run(args);
    }
    return Promise.resolve();
  };
}

/** PostgreSQL: multi-row inserts of 500 rows. */
const postgresInsertMany: Store['insertMany'] = async (trx, table, rows) => {
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + 500))
      .execute();
  }
};
