import { createHash } from 'node:crypto';
import {
  chmodSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import pg from 'pg';
import { parseDocument } from 'yaml';
import { verifyAudit } from '../server/audit/audit.js';
import { CONFIG_FILE, loadConfig, parseConfig, type Config } from '../server/config.js';
import { markRestored } from '../server/federation/resume.js';
import { generateNodeKeys, KEYS_DIR } from '../server/identity/keys.js';
import { createLogger } from '../server/log.js';
import { createNode } from '../server/node.js';
import { VERSION } from '../server/version.js';
import { backupError, readHeader, run, type BackupManifest } from './backup.js';
import { dataDirOf, osUserName, printJson, wantsJson } from './common.js';

/**
 * `liaison restore --from FILE`: checks the file (a Liaison backup, every part's SHA-256, a
 * schema this Liaison knows), writes config.yaml, the keys and the database into an empty
 * data directory (and, on PostgreSQL, an empty database), verifies the audit chain and the
 * checkpoints sent to peers, and marks the restore: on start, the node resumes its streams
 * with each peer (docs/federation.md, "Resuming after a restore").
 */
export function registerRestore(program: Command): void {
  program
    .command('restore')
    .description('restore a node from a backup into an empty data directory (and database)')
    .requiredOption('--from <file>', 'the backup file (liaison backup --to)')
    .option('--database-url <url>', 'PostgreSQL: restore into this empty database instead')
    .option('--force', 'overwrite a data directory (and database) that is not empty')
    .option('--json', 'print the result as JSON')
    .action(
      async (opts: { from: string; databaseUrl?: string; force?: boolean }, command: Command) => {
        const result = await restoreBackup({
          file: path.resolve(opts.from),
          dataDir: dataDirOf(command),
          force: opts.force === true,
          ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
        });
        if (wantsJson(command)) printJson(result);
        else {
          process.stdout.write(
            `Restored ${result.nodeId} from the backup of ${result.backupCreatedAt} into ${result.dataDir}\n` +
              `audit chain intact: ${result.auditEntries} entries, ${result.checkpoints} checkpoints checked\n` +
              `On start, the node resumes its streams with: ${result.peers.join(', ') || '(no peers)'}\n`,
          );
        }
      },
    );
}

export interface RestoreResult {
  nodeId: string;
  dataDir: string;
  dialect: string;
  backupCreatedAt: string;
  auditEntries: number;
  checkpoints: number;
  peers: string[];
}

export async function restoreBackup(options: {
  file: string;
  dataDir: string;
  force: boolean;
  databaseUrl?: string;
}): Promise<RestoreResult> {
  const { manifest, offset } = readHeader(options.file);
  await checkParts(options.file, manifest, offset);
  await checkSchema(manifest);
  const dataDir = options.dataDir;
  if (!options.force && existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw backupError(
      'restore_target_not_empty',
      `${dataDir} is not empty; restore into a new data directory, or pass --force to overwrite it.`,
    );
  }
  const written: string[] = [];
  try {
    const config = await writeFiles(options, manifest, offset, written);
    await restoreDatabase(config, options, manifest, offset, written);
    return await verifyAndMark(config, options.file, manifest);
  } catch (error) {
    for (const file of written.reverse()) rmSync(file, { recursive: true, force: true });
    throw error;
  }
}

/** Where each part lies in the file. */
function partsOf(manifest: BackupManifest, offset: number) {
  let at = offset;
  return manifest.files.map((file) => {
    const part = { ...file, start: at };
    at += file.size;
    return part;
  });
}

/** The file's length, each part's SHA-256 and the whole's, as the manifest says. */
async function checkParts(file: string, manifest: BackupManifest, offset: number): Promise<void> {
  const total = manifest.files.reduce((sum, f) => sum + f.size, 0);
  const size = statSync(file).size;
  if (size !== offset + total) {
    throw backupError(
      'backup_corrupted',
      `${file} is ${size} bytes; its manifest says ${offset + total}: truncated or damaged.`,
    );
  }
  const whole = createHash('sha256');
  for (const part of partsOf(manifest, offset)) {
    const one = createHash('sha256');
    if (part.size > 0) {
      for await (const chunk of createReadStream(file, {
        start: part.start,
        end: part.start + part.size - 1,
      })) {
        one.update(chunk as Buffer);
        whole.update(chunk as Buffer);
      }
    }
    if (one.digest('hex') !== part.sha256) {
      throw backupError('backup_corrupted', `${file}: ${part.name} does not match its SHA-256.`);
    }
  }
  if (whole.digest('hex') !== manifest.sha256) {
    throw backupError('backup_corrupted', `${file} does not match its SHA-256.`);
  }
  const names = manifest.files.map((f) => f.name);
  if (!names.includes(CONFIG_FILE) || !names.some((n) => n.startsWith('database.'))) {
    throw backupError('not_a_backup', `${file} lacks its config or its database.`);
  }
}

/** Refuses a backup whose database holds migrations this Liaison does not know (newer). */
async function checkSchema(manifest: BackupManifest): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'liaison-schema-'));
  try {
    const config = parseConfig(
      { node: { id: 'schema-check', name: 'schema', country: 'US', timeZone: 'UTC' } },
      scratch,
      {},
    );
    const node = await createNode({
      config,
      keys: await generateNodeKeys(),
      log: createLogger({ level: 'silent' }),
      dispatch: false,
    });
    let known: Set<string>;
    try {
      await node.store.migrate();
      const rows = await node.store.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute();
      known = new Set((rows as { name: string }[]).map((r) => r.name));
    } finally {
      await node.close();
    }
    const unknown = manifest.migrations.filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw backupError(
        'backup_too_new',
        `The backup's schema is newer than this Liaison (${VERSION}) knows (${unknown.join(', ')}); restore it with the Liaison that made it (${manifest.liaisonVersion}) or newer.`,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function extract(
  file: string,
  part: { start: number; size: number },
  target: string,
): Promise<void> {
  if (part.size === 0) {
    writeFileSync(target, '', { mode: 0o600 });
    return;
  }
  await pipeline(
    createReadStream(file, { start: part.start, end: part.start + part.size - 1 }),
    createWriteStream(target, { mode: 0o600 }),
  );
}

/** config.yaml (with the new database URL, if given) and the keys, readable by this user only. */
async function writeFiles(
  options: { file: string; dataDir: string; force: boolean; databaseUrl?: string },
  manifest: BackupManifest,
  offset: number,
  written: string[],
): Promise<Config> {
  if (!existsSync(options.dataDir)) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o750 });
    written.push(options.dataDir);
  }
  const keysDir = path.join(options.dataDir, KEYS_DIR);
  if (options.force) rmSync(keysDir, { recursive: true, force: true });
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  written.push(keysDir);
  for (const part of partsOf(manifest, offset)) {
    if (part.name.startsWith('database.')) continue;
    const target = path.join(options.dataDir, part.name);
    written.push(target);
    await extract(options.file, part, target);
  }
  const configFile = path.join(options.dataDir, CONFIG_FILE);
  if (options.databaseUrl) {
    if (manifest.dialect !== 'postgres') {
      throw backupError('invalid_option', '--database-url is for a backup of a PostgreSQL node.');
    }
    const document = parseDocument(readFileSync(configFile, 'utf8'));
    document.setIn(['store', 'url'], options.databaseUrl);
    writeFileSync(configFile, document.toString(), { mode: 0o600 });
  }
  chmodSync(configFile, 0o600);
  const config = loadConfig(options.dataDir, {});
  if (config.node.id !== manifest.nodeId || config.store.driver !== manifest.dialect) {
    throw backupError('backup_corrupted', 'The backup’s config does not match its manifest.');
  }
  return config;
}

async function restoreDatabase(
  config: Config,
  options: { file: string; force: boolean },
  manifest: BackupManifest,
  offset: number,
  written: string[],
): Promise<void> {
  const part = partsOf(manifest, offset).find((p) => p.name.startsWith('database.'));
  if (!part) throw backupError('not_a_backup', 'The backup holds no database.');
  if (config.store.driver === 'sqlite') {
    for (const suffix of ['', '-wal', '-shm'])
      rmSync(`${config.store.file}${suffix}`, { force: true });
    mkdirSync(path.dirname(config.store.file), { recursive: true });
    written.push(config.store.file);
    await extract(options.file, part, config.store.file);
    return;
  }
  const client = new pg.Client({ connectionString: config.store.url });
  await client.connect();
  try {
    const tables = await client.query<{ count: number }>(
      "select count(*)::int as count from information_schema.tables where table_schema = 'public'",
    );
    if ((tables.rows[0]?.count ?? 0) > 0 && !options.force) {
      throw backupError(
        'restore_target_not_empty',
        'The database is not empty; restore into a new database (--database-url), or pass --force to overwrite it.',
      );
    }
  } finally {
    await client.end();
  }
  const scratch = mkdtempSync(path.join(tmpdir(), 'liaison-restore-'));
  try {
    const dump = path.join(scratch, 'database.pgdump');
    await extract(options.file, part, dump);
    await run('pg_restore', [
      '--no-owner',
      '--no-acl',
      '--exit-on-error',
      ...(options.force ? ['--clean', '--if-exists'] : []),
      `--dbname=${config.store.url}`,
      dump,
    ]);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Migrates (an older backup), verifies the audit chain and its checkpoints, marks the restore. */
async function verifyAndMark(
  config: Config,
  file: string,
  manifest: BackupManifest,
): Promise<RestoreResult> {
  const node = await createNode({
    config,
    log: createLogger({ level: 'warn', name: config.node.id }),
    dispatch: false,
  });
  try {
    await node.store.migrate();
    const audit = await verifyAudit(node.store.db);
    if (!audit.ok) {
      throw backupError(
        'backup_audit_broken',
        `The backup's audit chain is broken at entry ${audit.firstBad?.seq}: ${audit.firstBad?.reason}.`,
      );
    }
    const backupCreatedAt = Date.parse(manifest.createdAt);
    const marked = await markRestored(node.store, {
      at: Date.now(),
      backupCreatedAt,
      osUser: osUserName(),
      file: path.basename(file),
    });
    return {
      nodeId: config.node.id,
      dataDir: config.dataDir,
      dialect: config.store.driver,
      backupCreatedAt: manifest.createdAt,
      auditEntries: audit.checked,
      checkpoints: audit.checkpoints ?? 0,
      peers: marked.peers,
    };
  } finally {
    await node.close();
  }
}
