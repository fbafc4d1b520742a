import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { Command } from 'commander';
import pg from 'pg';
import { z } from 'zod';
import { CONFIG_FILE, loadConfig, type Config } from '../server/config.js';
import { AppError } from '../server/errors.js';
import { KEYS_DIR } from '../server/identity/keys.js';
import { VERSION } from '../server/version.js';
import { dataDirOf, printJson, wantsJson } from './common.js';

/**
 * `liaison backup --to FILE`, while the node serves: a consistent copy of its database
 * (SQLite's VACUUM INTO, one read transaction; PostgreSQL's pg_dump, one snapshot), its
 * config.yaml and its keys, in one file readable by the node's user only (it holds the
 * private keys). The file: a first line `LIAISON-BACKUP 1`, a line of JSON (the manifest:
 * node, dialect, schema, time, and the size and SHA-256 of each part and of them all), then
 * the parts one after the other. `liaison restore` (restore.ts) reads it.
 */
export const BACKUP_MAGIC = 'LIAISON-BACKUP';
export const BACKUP_FORMAT = 1;
/** The manifest line is read whole: a bound well above what it holds. */
const MAX_HEADER_BYTES = 256 * 1024;

export const BackupManifest = z.object({
  format: z.literal('liaison-backup'),
  formatVersion: z.number().int().min(1),
  liaisonVersion: z.string(),
  nodeId: z.string(),
  dialect: z.enum(['sqlite', 'postgres']),
  /** Every migration applied in the backed-up database, oldest first. */
  migrations: z.array(z.string()),
  createdAt: z.iso.datetime(),
  auditHead: z.object({ seq: z.number().int(), hash: z.string() }),
  files: z.array(
    z.object({
      /** config.yaml, keys/<name>, database.sqlite or database.pgdump */
      name: z.string().regex(/^(config\.yaml|keys\/[A-Za-z0-9._-]+|database\.(sqlite|pgdump))$/),
      size: z.number().int().min(0),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
  /** SHA-256 of every part, one after the other. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type BackupManifest = z.infer<typeof BackupManifest>;

export const backupError = (code: string, message: string) => new AppError(code, 400, message);

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('copy the node (database, config, keys) to one file, while it serves')
    .requiredOption('--to <file>', 'the backup file to write (it holds the private keys: 0600)')
    .option('--force', 'overwrite the file if it exists')
    .option('--json', 'print the manifest as JSON')
    .action(async (opts: { to: string; force?: boolean }, command: Command) => {
      const config = loadConfig(dataDirOf(command));
      const manifest = await writeBackup(config, path.resolve(opts.to), opts.force === true);
      if (wantsJson(command)) printJson(manifest);
      else {
        const bytes = manifest.files.reduce((sum, f) => sum + f.size, 0);
        process.stdout.write(
          `Backup of ${manifest.nodeId} (${manifest.dialect}) written to ${path.resolve(opts.to)}\n` +
            `  ${bytes} bytes, audit head ${manifest.auditHead.seq}, sha-256 ${manifest.sha256}\n` +
            'It holds the node’s private keys: keep it as safe as the node itself.\n',
        );
      }
    });
}

/** Writes the backup next to `target`, then renames it: a failure leaves no half file. */
export async function writeBackup(
  config: Config,
  target: string,
  force: boolean,
): Promise<BackupManifest> {
  if (existsSync(target) && !force) {
    throw backupError('backup_exists', `${target} exists; pass --force to overwrite it.`);
  }
  const work = mkdtempSync(path.join(tmpdir(), 'liaison-backup-'));
  try {
    const database = await dumpDatabase(config, work);
    const parts: { name: string; file: string }[] = [
      { name: CONFIG_FILE, file: path.join(config.dataDir, CONFIG_FILE) },
      ...readdirSync(path.join(config.dataDir, KEYS_DIR))
        .filter((name) => /^[A-Za-z0-9._-]+$/.test(name) && !name.startsWith('.'))
        .map((name) => ({
          name: `${KEYS_DIR}/${name}`,
          file: path.join(config.dataDir, KEYS_DIR, name),
        })),
      { name: database.name, file: database.file },
    ];
    const whole = createHash('sha256');
    const files: BackupManifest['files'] = [];
    for (const part of parts) {
      const one = createHash('sha256');
      for await (const chunk of createReadStream(part.file)) {
        one.update(chunk as Buffer);
        whole.update(chunk as Buffer);
      }
      files.push({ name: part.name, size: statSync(part.file).size, sha256: one.digest('hex') });
    }
    const manifest: BackupManifest = {
      format: 'liaison-backup',
      formatVersion: BACKUP_FORMAT,
      liaisonVersion: VERSION,
      nodeId: config.node.id,
      dialect: config.store.driver,
      migrations: database.migrations,
      createdAt: database.createdAt,
      auditHead: database.auditHead,
      files,
      sha256: whole.digest('hex'),
    };
    const partial = `${target}.partial-${process.pid}`;
    try {
      await writeFileOf(
        partial,
        manifest,
        parts.map((p) => p.file),
      );
      renameSync(partial, target);
    } finally {
      rmSync(partial, { force: true });
    }
    return manifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The header lines, then the parts; the file is created 0600 (it holds the private keys). */
export async function writeFileOf(
  file: string,
  manifest: BackupManifest,
  parts: string[],
): Promise<void> {
  const out = createWriteStream(file, { mode: 0o600, flags: 'wx' });
  const done = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
  });
  const write = (data: string | Buffer) =>
    new Promise<void>((resolve, reject) =>
      out.write(data, (error) => (error ? reject(error) : resolve())),
    );
  await write(`${BACKUP_MAGIC} ${BACKUP_FORMAT}\n${JSON.stringify(manifest)}\n`);
  for (const part of parts) {
    for await (const chunk of createReadStream(part)) await write(chunk as Buffer);
  }
  out.end();
  await done;
}

interface Dump {
  name: 'database.sqlite' | 'database.pgdump';
  file: string;
  migrations: string[];
  createdAt: string;
  auditHead: { seq: number; hash: string };
}

async function dumpDatabase(config: Config, work: string): Promise<Dump> {
  const createdAt = new Date().toISOString();
  if (config.store.driver === 'sqlite') {
    const file = path.join(work, 'database.sqlite');
    // One read transaction: a consistent copy while the node writes (WAL).
    const source = new SQLite(config.store.file, { readonly: true, fileMustExist: true });
    try {
      source.pragma('busy_timeout = 10000');
      source.prepare('vacuum into ?').run(file);
    } finally {
      source.close();
    }
    const copy = new SQLite(file, { readonly: true });
    try {
      const migrations = (
        copy.prepare('select name from kysely_migration order by name').all() as { name: string }[]
      ).map((r) => r.name);
      const head = copy.prepare('select seq, hash from audit_head where id = 1').get() as
        { seq: number; hash: string } | undefined;
      return {
        name: 'database.sqlite',
        file,
        migrations,
        createdAt,
        auditHead: { seq: Number(head?.seq ?? 0), hash: head?.hash ?? '' },
      };
    } finally {
      copy.close();
    }
  }
  const file = path.join(work, 'database.pgdump');
  const client = new pg.Client({ connectionString: config.store.url });
  await client.connect();
  let migrations: string[];
  let head: { seq: number; hash: string } | undefined;
  try {
    migrations = (
      await client.query<{ name: string }>('select name from kysely_migration order by name')
    ).rows.map((r) => r.name);
    head = (await client.query<{ seq: number; hash: string }>('select seq, hash from audit_head'))
      .rows[0];
  } finally {
    await client.end();
  }
  await run('pg_dump', [
    '--format=custom',
    '--no-owner',
    '--no-acl',
    `--file=${file}`,
    `--dbname=${config.store.url}`,
  ]);
  // The head read just before the dump (the dump may hold a few more entries): informative,
  // restore verifies the whole chain it restored.
  const auditHead = { seq: Number(head?.seq ?? 0), hash: head?.hash ?? '' };
  return { name: 'database.pgdump', file, migrations, createdAt, auditHead };
}

/** Runs a PostgreSQL client tool; its error output becomes the error. */
export function run(tool: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on('error', (error) =>
      reject(
        backupError(
          'tool_missing',
          `${tool} cannot be run (${error.message}); install the PostgreSQL client tools.`,
        ),
      ),
    );
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new AppError('tool_failed', 500, `${tool} failed (exit ${code}): ${stderr.trim()}`),
          ),
    );
  });
}

/** Reads the two header lines: magic and manifest; returns them and where the parts start. */
export function readHeader(file: string): { manifest: BackupManifest; offset: number } {
  if (!existsSync(file)) throw backupError('backup_not_found', `${file} does not exist.`);
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(MAX_HEADER_BYTES);
  let length: number;
  try {
    length = readSync(fd, buffer, 0, MAX_HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  const head = buffer.subarray(0, length);
  const first = head.indexOf(0x0a);
  const second = first === -1 ? -1 : head.indexOf(0x0a, first + 1);
  const magic = first === -1 ? '' : head.subarray(0, first).toString('utf8');
  const [word, version] = magic.split(' ');
  if (word !== BACKUP_MAGIC || second === -1) {
    throw backupError('not_a_backup', `${file} is not a Liaison backup.`);
  }
  if (Number(version) > BACKUP_FORMAT) {
    throw backupError(
      'backup_too_new',
      `${file} is a backup of format ${version}; this Liaison (${VERSION}) reads format ${BACKUP_FORMAT}. Restore it with a newer Liaison.`,
    );
  }
  let manifest: BackupManifest;
  try {
    manifest = BackupManifest.parse(JSON.parse(head.subarray(first + 1, second).toString('utf8')));
  } catch {
    throw backupError(
      'not_a_backup',
      `${file} is not a Liaison backup (its manifest is not valid).`,
    );
  }
  return { manifest, offset: second + 1 };
}
