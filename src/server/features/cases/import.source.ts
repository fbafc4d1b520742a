import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { AppError, badGateway, badRequest, tooLarge } from '../../errors.js';
import type { OutboundGuard } from '../../outbound.js';

/** Where an import reads from. */
export type ImportSource =
  { kind: 'file'; path: string; label?: string } | { kind: 'url'; url: string };

/** How the source is named in the job (and the list of imports). */
export function sourceLabel(source: ImportSource): string {
  return source.kind === 'file' ? (source.label ?? source.path) : source.url;
}

/** The same source gives the same fingerprint: its size and first 64 KiB, or its URL. */
export async function fingerprintOf(
  source: ImportSource,
): Promise<{ fingerprint: string; size: number | null }> {
  const hash = createHash('sha256');
  if (source.kind === 'url')
    return { fingerprint: hash.update(source.url).digest('hex'), size: null };
  let info;
  try {
    info = await stat(source.path);
  } catch {
    throw badRequest('import_source_missing', `Cannot read ${source.path}.`);
  }
  if (!info.isFile()) throw badRequest('import_source_missing', `${source.path} is not a file.`);
  const handle = await open(source.path, 'r');
  try {
    const head = Buffer.alloc(Math.min(65536, info.size));
    await handle.read(head, 0, head.length, 0);
    hash.update(`${info.size}:`).update(head);
  } finally {
    await handle.close();
  }
  return { fingerprint: hash.digest('hex'), size: info.size };
}

/** The source's bytes from `offset` on, as a stream. */
export async function openSource(
  source: ImportSource,
  offset: number,
  outbound: OutboundGuard,
): Promise<AsyncIterable<unknown>> {
  if (source.kind === 'file') {
    return createReadStream(source.path, { start: offset, highWaterMark: 1 << 20 });
  }
  let response: Response;
  try {
    response = await outbound.fetch(source.url, {
      headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    // Which ports are closed is not the user's to learn: one sentence for every failure.
    throw badGateway('import_source_failed', `${new URL(source.url).host} could not be read.`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw badGateway(
      'import_source_failed',
      `${new URL(source.url).host} answered ${response.status}.`,
    );
  }
  const stream = Readable.fromWeb(response.body as never);
  if (offset === 0 || response.status === 206) return stream;
  return skipBytes(stream, offset);
}

/** A server that ignores Range sends everything again: the first `count` bytes are dropped. */
async function* skipBytes(stream: Readable, count: number): AsyncIterable<Buffer> {
  let left = count;
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    if (left >= bytes.length) {
      left -= bytes.length;
      continue;
    }
    yield left > 0 ? bytes.subarray(left) : bytes;
    left = 0;
  }
}

/** The whole source as text, if it is at most `limit` bytes (a MISP event). */
export async function readWhole(
  source: ImportSource,
  limit: number,
  outbound: OutboundGuard,
): Promise<string> {
  if (source.kind === 'file') {
    const info = await stat(source.path);
    if (info.size > limit) {
      throw tooLarge('import_too_large', `A MISP event file may be at most ${limit} bytes.`);
    }
    return readFile(source.path, 'utf8');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of await openSource(source, 0, outbound)) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      throw tooLarge('import_too_large', `A MISP event may be at most ${limit} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
