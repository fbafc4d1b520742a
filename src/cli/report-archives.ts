import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { pipeline, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Parser, ReadEntry } from 'tar';
import type yauzl from 'yauzl';
import { MAX_REPORT_BYTES } from '../core/schemas/reports.js';
import { AppError, badRequest } from '../server/errors.js';

/**
 * Archives `liaison reports add` reads (.zip, .tar, .tar.gz, .tgz): in memory, nothing
 * written to disk, only the entries whose extension is a report type. Against archive
 * bombs: an entry over MAX_REPORT_BYTES uncompressed is refused alone (the others go); an
 * archive with more than MAX_ARCHIVE_ENTRIES entries, or more than MAX_ARCHIVE_BYTES
 * uncompressed read out of it, is refused whole (none of its entries is sent).
 */
export const MAX_ARCHIVE_ENTRIES = 10_000;
export const MAX_ARCHIVE_BYTES = 256 * 1024 * 1024;

/** One entry of an archive: its bytes, or why it is refused. */
export interface ArchiveEntry {
  /** The path inside the archive (`dir/file.txt`). */
  name: string;
  bytes: Buffer | null;
  error: string | null;
}

export type ArchiveKind = 'zip' | 'tar';

/** The kind of archive a file name says, if any. */
export function archiveKindOf(file: string): ArchiveKind | null {
  const name = file.toLowerCase();
  if (name.endsWith('.zip')) return 'zip';
  if (name.endsWith('.tar') || name.endsWith('.tar.gz') || name.endsWith('.tgz')) return 'tar';
  return null;
}

/** The report entries of an archive, sorted by name; throws when the archive is refused whole. */
export async function readArchive(
  file: string,
  label: string,
  isReport: (name: string) => boolean,
): Promise<ArchiveEntry[]> {
  const kind = archiveKindOf(file);
  const entries =
    kind === 'zip' ? await readZip(file, label, isReport) : await readTar(file, label, isReport);
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

function tooMany(label: string, name?: string): Error {
  return badRequest(
    'archive_too_large',
    `${label}: more than ${MAX_ARCHIVE_ENTRIES} entries${name ? ` (at ${name})` : ''}; the archive is refused whole.`,
  );
}

function tooBig(label: string, name: string): Error {
  return badRequest(
    'archive_too_large',
    `${label}: more than ${MAX_ARCHIVE_BYTES} bytes uncompressed (at ${name}); the archive is refused whole.`,
  );
}

function entryTooBig(label: string, name: string): string {
  return `${label}!${name}: over ${MAX_REPORT_BYTES} bytes uncompressed; a report file has at most ${MAX_REPORT_BYTES}.`;
}

/**
 * Reads a stream to its end, at most `limit` bytes; null when it holds more (the stream is
 * then destroyed, so a bomb is not inflated further).
 */
async function readAtMost(
  stream: AsyncIterable<unknown> & { destroy(): unknown },
  limit: number,
): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      stream.destroy();
      return null;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

async function readZip(
  file: string,
  label: string,
  isReport: (name: string) => boolean,
): Promise<ArchiveEntry[]> {
  let zip: yauzl.ZipFile;
  try {
    // validateEntrySizes (the default): an entry whose data inflates past its declared size fails.
    // Loaded when an archive is read: every command of the CLI (serve too) loads this file.
    const { default: zipLib } = await import('yauzl');
    zip = await zipLib.openPromise(file, { lazyEntries: true, autoClose: false });
  } catch (error) {
    throw badRequest('archive_unreadable', `${label}: not a readable zip (${messageOf(error)}).`);
  }
  try {
    if (zip.entryCount > MAX_ARCHIVE_ENTRIES) throw tooMany(label);
    const wanted: yauzl.Entry[] = [];
    try {
      for await (const entry of zip.eachEntry()) {
        if (!entry.fileName.endsWith('/') && isReport(entry.fileName)) wanted.push(entry);
      }
    } catch (error) {
      throw badRequest('archive_unreadable', `${label}: not a readable zip (${messageOf(error)}).`);
    }
    wanted.sort((a, b) => a.fileName.localeCompare(b.fileName));
    const out: ArchiveEntry[] = [];
    let total = 0;
    for (const entry of wanted) {
      const name = entry.fileName;
      if (entry.uncompressedSize > MAX_REPORT_BYTES) {
        out.push({ name, bytes: null, error: entryTooBig(label, name) });
        continue;
      }
      total += entry.uncompressedSize;
      if (total > MAX_ARCHIVE_BYTES) throw tooBig(label, name);
      out.push(await readZipEntry(zip, entry, label));
    }
    return out;
  } finally {
    zip.close();
  }
}

async function readZipEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  label: string,
): Promise<ArchiveEntry> {
  const name = entry.fileName;
  try {
    const bytes = await readAtMost(await zip.openReadStreamPromise(entry), MAX_REPORT_BYTES);
    if (!bytes) return { name, bytes: null, error: entryTooBig(label, name) };
    return { name, bytes, error: null };
  } catch (error) {
    return { name, bytes: null, error: `${label}!${name}: unreadable (${messageOf(error)}).` };
  }
}

/** Counts the bytes that pass; past `limit` it fails the pipeline (a gzip bomb stops there). */
function counter(limit: number, fail: () => Error): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > limit) done(fail());
      else done(null, chunk);
    },
  });
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** The tar's bytes (gunzipped when gzip), every one counted: past the cap the stream fails. */
async function tarBytes(file: string, label: string, at: () => string): Promise<Readable> {
  const count = counter(MAX_ARCHIVE_BYTES + 1024 * 1024, () => tooBig(label, at() || '(start)'));
  const source = createReadStream(file);
  // pipeline passes an error of any stage to the last one, which the feeding loop reads.
  if (await isGzip(file)) return pipeline(source, createGunzip(), count, () => undefined);
  return pipeline(source, count, () => undefined);
}

/** Writes the bytes into the tar parser, waiting when it asks, until it has ended. */
async function feed(bytes: Readable, parser: Parser): Promise<void> {
  const ended = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
  });
  ended.catch(() => undefined);
  for await (const chunk of bytes) {
    if (!parser.write(chunk as Buffer)) {
      await Promise.race([once(parser, 'drain'), ended]);
    }
  }
  parser.end();
  await ended;
}

async function readTar(
  file: string,
  label: string,
  isReport: (name: string) => boolean,
): Promise<ArchiveEntry[]> {
  const out: ArchiveEntry[] = [];
  const reading: Promise<void>[] = [];
  let count = 0;
  let total = 0;
  // Set inside the parser's callback: the archive is refused whole once it is.
  const refused: { error: Error | null } = { error: null };
  let last = '';
  const { Parser: TarParser } = await import('tar');
  const parser = new TarParser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const name = entry.path;
      last = name;
      count += 1;
      total += entry.size;
      if (count > MAX_ARCHIVE_ENTRIES) refused.error ??= tooMany(label, name);
      else if (total > MAX_ARCHIVE_BYTES) refused.error ??= tooBig(label, name);
      if (refused.error || entry.type !== 'File' || !isReport(name)) {
        entry.resume();
        return;
      }
      if (entry.size > MAX_REPORT_BYTES) {
        out.push({ name, bytes: null, error: entryTooBig(label, name) });
        entry.resume();
        return;
      }
      reading.push(
        readAtMost(entry, MAX_REPORT_BYTES).then((bytes) => {
          out.push(
            bytes
              ? { name, bytes, error: null }
              : { name, bytes: null, error: entryTooBig(label, name) },
          );
        }),
      );
    },
  });
  try {
    await feed(await tarBytes(file, label, () => last), parser);
    await Promise.all(reading);
  } catch (error) {
    if (error instanceof AppError && error.code === 'archive_too_large') throw error;
    throw badRequest('archive_unreadable', `${label}: not a readable tar (${messageOf(error)}).`);
  }
  if (refused.error) throw refused.error;
  return out;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `archive.zip!dir/file.txt`: how an entry is named in progress and results. */
export function entryLabel(archiveLabel: string, name: string): string {
  return `${archiveLabel}!${name}`;
}

/** The base name of an entry, sent as the upload's filename. */
export function entryFilename(name: string): string {
  return path.posix.basename(name);
}
