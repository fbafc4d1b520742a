import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { ROLES } from '../../../core/roles.js';
import type { ImportErrorView, ImportJobView } from '../../../core/schemas/imports.js';
import {
  BundleScanner,
  type ResumePoint,
  type ScannedElement,
} from '../../../core/stix/bundle-stream.js';
import { mispEventToStix } from '../../../core/stix/misp.js';
import type { TlpLevel } from '../../../core/tlp-rules.js';
import { actorRef, authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { iso } from '../../clock.js';
import { AppError, notFound } from '../../errors.js';
import type { Db } from '../../store/database.js';
import type { FeatureDeps } from '../feature-deps.js';
import {
  addVersion,
  findCase,
  heldObjects,
  insertNewObjects,
  saveObject,
  updateCaseRow,
} from './cases.repository.js';
import {
  ImportPreparer,
  prepareObject,
  type ImportFailure,
  type PrepareContext,
  type Prepared,
} from './cases.import.prepare.js';
import type { ImportFormat, ImportJobRow, StixObjectRow } from './cases.table.js';

/** Where an import reads from. */
export type ImportSource =
  { kind: 'file'; path: string; label?: string } | { kind: 'url'; url: string };

export interface ImportRequest {
  caseId: string;
  /** The job's id, when the caller has named files after it (uploads). */
  jobId?: string;
  format: ImportFormat;
  /** The marking for objects that carry no TLP marking of their own. */
  tlp: TlpLevel;
  source: ImportSource;
}

/** Objects stored per transaction: one resume point each. */
export const IMPORT_BATCH = 2000;
/** Errors kept per import (all are counted). */
export const MAX_KEPT_ERRORS = 10_000;
/** A MISP event is read whole; larger files must come as STIX bundles. */
export const MAX_MISP_BYTES = 256 * 1024 * 1024;

const RUNNER = `${hostname()}:${process.pid}`;

/**
 * Bulk import into a case: a STIX bundle of any size read as a stream (core/stix/
 * bundle-stream.ts), or a MISP event mapped to STIX (core/stix/misp.ts). Every object is
 * validated on its own: the bad ones are listed with the reason, the good ones stored.
 * Objects are stored in batches, each in one transaction with the job's resume point, so a
 * run cut off at any moment resumes at the byte after the last stored object; an object
 * held already (same id, same or later version) is left as it is, so importing the same
 * file twice adds nothing.
 */
export class ImportService {
  /** Jobs this process is running now. */
  private readonly running = new Set<string>();
  private readonly preparer: ImportPreparer;

  constructor(private readonly deps: FeatureDeps & { log: Logger; uploadsDir: string }) {
    this.preparer = new ImportPreparer(deps.log);
  }

  /** Stops the preparer's thread. */
  async close(): Promise<void> {
    await this.preparer.close();
  }

  /** Where files sent through the API wait until their import is done. */
  get uploadsDir(): string {
    return this.deps.uploadsDir;
  }

  uploadPath(jobId: string): string {
    return path.join(this.deps.uploadsDir, `${jobId}.upload`);
  }

  /** Where a job reads from: its upload, its URL or its file. */
  sourceOf(job: ImportJobRow): ImportSource {
    if (job.source.startsWith('upload:')) {
      return { kind: 'file', path: this.uploadPath(job.id), label: job.source };
    }
    if (/^https?:/i.test(job.source)) return { kind: 'url', url: job.source };
    return { kind: 'file', path: job.source };
  }

  /** Runs the job without waiting; an upload is removed once its import is done. */
  runInBackground(job: ImportJobRow): void {
    void this.run(job, this.sourceOf(job)).then(async (ended) => {
      if (ended.status === 'done' && job.source.startsWith('upload:')) {
        await rm(this.uploadPath(job.id), { force: true });
      }
    });
  }

  /** Takes over an interrupted or failed job, to run it again from where it stopped. */
  async resume(actor: Actor, id: string): Promise<ImportJobRow> {
    authorize(actor, 'cases.write');
    const job = await this.find(this.deps.store.db, id);
    if (job.status === 'done') {
      throw new AppError('import_done', 409, `Import ${id} is done; nothing to resume.`);
    }
    if (!this.isAbandoned(job)) {
      throw new AppError('import_running', 409, `Import ${id} is running.`);
    }
    const now = this.deps.clock.now();
    await this.deps.store.db
      .updateTable('import_jobs')
      .set({ status: 'running', runner: RUNNER, message: null, updated_at: now })
      .where('id', '=', id)
      .execute();
    return { ...job, status: 'running', runner: RUNNER, message: null, updated_at: now };
  }

  /**
   * On start: the uploads and URL imports a stopped or crashed node left unfinished go on
   * from where they stopped. (A file import from the CLI resumes when it is run again.)
   */
  async resumeAbandoned(): Promise<void> {
    const rows = await this.deps.store.db
      .selectFrom('import_jobs')
      .selectAll()
      .where('status', 'in', ['running', 'interrupted'])
      .execute();
    for (const job of rows) {
      const remote = job.source.startsWith('upload:') || /^https?:/i.test(job.source);
      if (!remote || !this.isAbandoned(job)) continue;
      this.deps.log.info({ job: job.id }, 'resuming an interrupted import');
      this.runInBackground(await this.resume({ kind: 'system', reason: 'import' }, job.id));
    }
  }

  /** Starts an import, or resumes the unfinished one of the same source into the same case. */
  async begin(actor: Actor, request: ImportRequest): Promise<ImportJobRow> {
    authorize(actor, 'cases.write');
    const db = this.deps.store.db;
    if (!(await findCase(db, request.caseId))) {
      throw notFound('case_not_found', `No case has the id ${request.caseId}.`);
    }
    const { fingerprint, size } = await fingerprintOf(request.source);
    const now = this.deps.clock.now();
    const unfinished = await db
      .selectFrom('import_jobs')
      .selectAll()
      .where('case_id', '=', request.caseId)
      .where('fingerprint', '=', fingerprint)
      .where('format', '=', request.format)
      .where('status', '!=', 'done')
      .orderBy('started_at', 'desc')
      .execute();
    const resumable = unfinished.find((job) => this.isAbandoned(job));
    if (resumable) {
      await db
        .updateTable('import_jobs')
        .set({ status: 'running', runner: RUNNER, message: null, updated_at: now })
        .where('id', '=', resumable.id)
        .execute();
      this.deps.log.info({ job: resumable.id, at: resumable.resume_offset }, 'import resumed');
      return { ...resumable, status: 'running', runner: RUNNER, message: null };
    }
    const job = newJob(actor, now, {
      id: request.jobId ?? randomUUID(),
      caseId: request.caseId,
      format: request.format,
      source: sourceLabel(request.source),
      fingerprint,
      tlp: request.tlp,
      bytesTotal: size,
    });
    await this.deps.store.transaction(async (trx) => {
      await trx.insertInto('import_jobs').values(job).execute();
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'import.start',
        entityType: 'case',
        entityId: request.caseId,
        details: { job: job.id, format: job.format, source: job.source, tlp: job.tlp },
      });
    });
    return job;
  }

  /**
   * Runs the job to its end (or its first fatal error), calling `onProgress` after every
   * stored batch. Returns the job as it ended.
   */
  async run(
    job: ImportJobRow,
    source: ImportSource,
    onProgress?: (job: ImportJobView) => void,
  ): Promise<ImportJobView> {
    if (this.running.has(job.id)) {
      throw new AppError('import_running', 409, `Import ${job.id} is running already.`);
    }
    this.running.add(job.id);
    let current = job;
    const progress = (row: ImportJobRow) => {
      current = row;
      const view = presentImport(row);
      onProgress?.(view);
      this.deps.bus.publish('import.progress', { job: view }, { roles: ROLES });
    };
    try {
      if (job.format === 'misp') await this.runMisp(job, source, progress);
      else await this.runStix(job, source, progress);
      const now = this.deps.clock.now();
      await this.deps.store.transaction(async (trx) => {
        await trx
          .updateTable('import_jobs')
          .set({ status: 'done', runner: null, finished_at: now, updated_at: now })
          .where('id', '=', job.id)
          .execute();
        await appendAudit(trx, {
          actor: { kind: 'system', reason: 'import' },
          at: now,
          action: 'import.finish',
          entityType: 'case',
          entityId: job.case_id,
          details: {
            job: job.id,
            imported: current.imported,
            updated: current.updated,
            unchanged: current.unchanged,
            elsewhere: current.elsewhere,
            failed: current.failed,
          },
        });
      });
      this.deps.bus.publish('case.changed', { caseId: job.case_id }, { roles: ROLES });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deps.log.warn({ job: job.id, err: error }, 'import stopped');
      await this.deps.store.db
        .updateTable('import_jobs')
        .set({
          status: 'failed',
          runner: null,
          message,
          updated_at: this.deps.clock.now(),
        })
        .where('id', '=', job.id)
        .execute();
    } finally {
      this.running.delete(job.id);
    }
    const ended = await this.find(this.deps.store.db, job.id);
    progress(ended);
    return presentImport(ended);
  }

  /** Marks this process's unfinished jobs as interrupted (on an orderly stop). */
  async interruptAll(): Promise<void> {
    if (this.running.size === 0) return;
    await this.deps.store.db
      .updateTable('import_jobs')
      .set({ status: 'interrupted', runner: null })
      .where('id', 'in', [...this.running])
      .where('status', '=', 'running')
      .execute();
  }

  async get(actor: Actor, id: string): Promise<ImportJobView> {
    authorize(actor, 'cases.read');
    return presentImport(await this.find(this.deps.store.db, id));
  }

  async list(actor: Actor, caseId: string): Promise<ImportJobView[]> {
    authorize(actor, 'cases.read');
    const rows = await this.deps.store.db
      .selectFrom('import_jobs')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('started_at', 'desc')
      .limit(100)
      .execute();
    return rows.map(presentImport);
  }

  async errors(
    actor: Actor,
    id: string,
    query: { after: number; limit: number },
  ): Promise<{ errors: ImportErrorView[]; next: number | null }> {
    authorize(actor, 'cases.read');
    await this.find(this.deps.store.db, id);
    const rows = await this.deps.store.db
      .selectFrom('import_errors')
      .selectAll()
      .where('job_id', '=', id)
      .where('n', '>', query.after)
      .orderBy('n')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    return {
      errors: page.map((row) => ({
        n: Number(row.n),
        position: row.position === null ? null : Number(row.position),
        objectId: row.object_id,
        reason: row.reason,
      })),
      next: rows.length > query.limit ? Number(page[page.length - 1]?.n ?? 0) : null,
    };
  }

  // ---- STIX -------------------------------------------------------------------------------

  private async runStix(
    job: ImportJobRow,
    source: ImportSource,
    progress: (row: ImportJobRow) => void,
  ): Promise<void> {
    const offset = Number(job.resume_offset);
    const scanner =
      offset > 0
        ? new BundleScanner({
            offset,
            index: Number(job.resume_index),
            depth: job.resume_depth,
          })
        : new BundleScanner();
    let pending: ScannedElement[] = [];
    let row = job;
    const context = this.contextOf(job);
    // A pipeline of two: while one batch is stored, the next is prepared (on the
    // preparer's thread); batches are stored in order, each with its resume point.
    let inflight: { prepared: Promise<Prepared[]>; resume: ResumePoint } | undefined;
    const drain = async () => {
      if (!inflight) return;
      const { prepared, resume } = inflight;
      inflight = undefined;
      row = await this.store(row, await prepared, resume);
      progress(row);
    };
    const flush = async (elements: ScannedElement[], end: number) => {
      const next = {
        prepared: this.preparer.prepare(elements, context),
        resume: {
          offset: end,
          index: (elements[elements.length - 1]?.index ?? Number(row.resume_index) - 1) + 1,
          depth: scanner.arrayDepth,
        },
      };
      // A failed preparation is reported when its turn comes, not as an unhandled rejection.
      next.prepared.catch(() => undefined);
      await drain();
      inflight = next;
    };
    try {
      for await (const chunk of await openSource(source, offset)) {
        for (const element of scanner.push(chunk as Buffer)) {
          pending.push(element);
          if (pending.length >= IMPORT_BATCH) {
            const batch = pending;
            pending = [];
            await flush(batch, element.end);
          }
        }
      }
      const last = scanner.end();
      pending.push(...last);
      if (pending.length > 0) await flush(pending, scanner.position);
      await drain();
    } catch (error) {
      // What was read and prepared before the failure is stored: the resume point moves on.
      await drain().catch(() => undefined);
      throw error;
    }
  }

  private contextOf(job: ImportJobRow): PrepareContext {
    return { caseId: job.case_id, tlp: job.tlp, nodeId: this.deps.nodeId };
  }

  /** Stores one batch with the job's new counts and resume point, in one transaction. */
  private async store(
    job: ImportJobRow,
    prepared: Prepared[],
    resume: { offset: number; index: number; depth: number },
  ): Promise<ImportJobRow> {
    return (await this.storeBatch(job, prepared, resume)).row;
  }

  private async storeBatch(
    job: ImportJobRow,
    prepared: Prepared[],
    resume: { offset: number; index: number; depth: number },
  ): Promise<{ row: ImportJobRow; failures: ImportFailure[] }> {
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx) => {
      const fresh = await this.find(trx, job.id);
      const failures: ImportFailure[] = [];
      let unchanged = 0;
      let elsewhere = 0;
      let updated = 0;
      // The last of several copies of one id in a batch is the one compared.
      const byId = new Map<string, Extract<Prepared, { ok: true }>>();
      for (const item of prepared) {
        if (item.ok === 'skip') unchanged++;
        else if (item.ok === false) failures.push(item);
        else {
          if (byId.has(item.row.id)) unchanged++;
          item.row.updated_at = now;
          byId.set(item.row.id, item);
        }
      }
      const held = new Map<string, { case_id: string; modified: string | null; deleted: number }>();
      const ids = [...byId.keys()];
      for (let i = 0; i < ids.length; i += 500) {
        for (const row of await heldObjects(trx, ids.slice(i, i + 500))) held.set(row.id, row);
      }
      const fresh_: { row: StixObjectRow; values: readonly string[] }[] = [];
      for (const item of byId.values()) {
        const existing = held.get(item.row.id);
        if (!existing) {
          fresh_.push(item);
        } else if (existing.case_id !== job.case_id) {
          elsewhere++;
        } else if (existing.deleted === 1) {
          failures.push({
            position: item.position,
            objectId: item.row.id,
            reason: 'deleted from this case; a deleted object is not brought back',
          });
        } else if (isNewer(item.row.modified, existing.modified)) {
          await saveObject(trx, item.row, item.values);
          await addVersion(trx, {
            id: item.row.id,
            case_id: item.row.case_id,
            type: item.row.type,
            modified: item.row.modified,
            tlp: item.row.tlp,
            red_recipients: item.row.red_recipients,
            body: item.row.body ?? '{}',
            recorded_at: now,
          });
          updated++;
        } else {
          unchanged++;
        }
      }
      await insertNewObjects(trx, fresh_, now, this.deps.store.insertMany);
      const kept = Math.max(0, Math.min(failures.length, MAX_KEPT_ERRORS - Number(fresh.failed)));
      const errorRows = failures.slice(0, kept).map((failure, i) => ({
        job_id: job.id,
        n: Number(fresh.failed) + i + 1,
        position: failure.position,
        object_id: failure.objectId,
        reason: failure.reason.slice(0, 2000),
      }));
      for (let i = 0; i < errorRows.length; i += 500) {
        await trx
          .insertInto('import_errors')
          .values(errorRows.slice(i, i + 500))
          .execute();
      }
      const changes = {
        read: Number(fresh.read) + prepared.length,
        imported: Number(fresh.imported) + fresh_.length,
        updated: Number(fresh.updated) + updated,
        unchanged: Number(fresh.unchanged) + unchanged,
        elsewhere: Number(fresh.elsewhere) + elsewhere,
        failed: Number(fresh.failed) + failures.length,
        resume_offset: resume.offset,
        resume_index: resume.index,
        resume_depth: resume.depth,
        updated_at: now,
      };
      await trx.updateTable('import_jobs').set(changes).where('id', '=', job.id).execute();
      if (fresh_.length > 0 || updated > 0) {
        await updateCaseRow(trx, job.case_id, { updated_at: now });
      }
      return { row: { ...fresh, ...changes }, failures };
    });
  }

  // ---- objects given in one piece (TAXII adds, subscriptions) ---------------------------

  /**
   * Imports objects already in memory (a TAXII envelope), as one finished job; returns the
   * job and what it could not take. The same rules as a file: validated one by one, held
   * objects left as they are.
   */
  async importObjects(
    actor: Actor,
    request: { caseId: string; tlp: TlpLevel; label: string },
    objects: readonly unknown[],
  ): Promise<{ job: ImportJobView; failures: ImportFailure[] }> {
    authorize(actor, 'cases.write');
    const db = this.deps.store.db;
    if (!(await findCase(db, request.caseId))) {
      throw notFound('case_not_found', `No case has the id ${request.caseId}.`);
    }
    const now = this.deps.clock.now();
    let job = newJob(actor, now, {
      id: randomUUID(),
      caseId: request.caseId,
      format: 'stix',
      source: request.label,
      fingerprint: randomUUID(),
      tlp: request.tlp,
      bytesTotal: null,
    });
    await db.insertInto('import_jobs').values(job).execute();
    const failures: ImportFailure[] = [];
    for (let at = 0; at < objects.length; at += IMPORT_BATCH) {
      const slice = objects.slice(at, at + IMPORT_BATCH);
      const stored = await this.storeBatch(
        job,
        slice.map((object, i) => prepareObject(at + i, object, this.contextOf(job))),
        { offset: 0, index: at + slice.length, depth: 0 },
      );
      job = stored.row;
      failures.push(...stored.failures);
    }
    const end = this.deps.clock.now();
    await db
      .updateTable('import_jobs')
      .set({ status: 'done', runner: null, finished_at: end, updated_at: end })
      .where('id', '=', job.id)
      .execute();
    if (job.imported > 0 || job.updated > 0) {
      this.deps.bus.publish('case.changed', { caseId: request.caseId }, { roles: ROLES });
    }
    return {
      job: presentImport({ ...job, status: 'done', runner: null, finished_at: end }),
      failures,
    };
  }

  // ---- MISP -------------------------------------------------------------------------------

  private async runMisp(
    job: ImportJobRow,
    source: ImportSource,
    progress: (row: ImportJobRow) => void,
  ): Promise<void> {
    const text = await readWhole(source, MAX_MISP_BYTES);
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch (error) {
      throw new AppError(
        'invalid_misp',
        422,
        `The MISP file is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const { objects, problems } = mispEventToStix(input, job.tlp);
    const bytes = Buffer.byteLength(text);
    let row = job;
    const start = Number(job.resume_index);
    if (start === 0 && problems.length > 0) {
      row = await this.store(
        row,
        problems.map((problem, i) => ({
          position: -1 - i,
          ok: false as const,
          objectId: null,
          reason: `${problem.ref}: ${problem.reason}`,
        })),
        { offset: 0, index: 0, depth: 0 },
      );
      // Problems are not objects read: count only what the event yields.
      row = await this.adjustRead(row, -problems.length);
    }
    for (let at = start; at < objects.length; at += IMPORT_BATCH) {
      const slice = objects.slice(at, at + IMPORT_BATCH);
      const end = at + slice.length;
      row = await this.store(
        row,
        slice.map((object, i) => prepareObject(at + i, object, this.contextOf(job))),
        { offset: end === objects.length ? bytes : 0, index: end, depth: 0 },
      );
      progress(row);
    }
  }

  private async adjustRead(row: ImportJobRow, delta: number): Promise<ImportJobRow> {
    const read = Number(row.read) + delta;
    await this.deps.store.db
      .updateTable('import_jobs')
      .set({ read })
      .where('id', '=', row.id)
      .execute();
    return { ...row, read };
  }

  // ---- helpers ----------------------------------------------------------------------------

  private async find(db: Db, id: string): Promise<ImportJobRow> {
    const row = await db
      .selectFrom('import_jobs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('import_not_found', `No import has the id ${id}.`);
    return row;
  }

  /** A job nobody runs: stopped, failed, or its runner's process is gone. */
  private isAbandoned(job: ImportJobRow): boolean {
    if (this.running.has(job.id)) return false;
    if (job.status !== 'running' || job.runner === null) return true;
    const [host, pid] = job.runner.split(':');
    if (host !== hostname()) return this.deps.clock.now() - Number(job.updated_at) > 60_000;
    if (Number(pid) === process.pid) return true;
    try {
      process.kill(Number(pid), 0);
      return false;
    } catch {
      return true;
    }
  }
}

/** A new job, running in this process, nothing read yet. */
function newJob(
  actor: Actor,
  now: number,
  fields: {
    id: string;
    caseId: string;
    format: ImportFormat;
    source: string;
    fingerprint: string;
    tlp: TlpLevel;
    bytesTotal: number | null;
  },
): ImportJobRow {
  return {
    id: fields.id,
    case_id: fields.caseId,
    format: fields.format,
    source: fields.source,
    fingerprint: fields.fingerprint,
    tlp: fields.tlp,
    status: 'running',
    actor: actorRef(actor),
    runner: RUNNER,
    resume_offset: 0,
    resume_index: 0,
    resume_depth: 0,
    bytes_total: fields.bytesTotal,
    read: 0,
    imported: 0,
    updated: 0,
    unchanged: 0,
    elsewhere: 0,
    failed: 0,
    message: null,
    started_at: now,
    updated_at: now,
    finished_at: null,
  };
}

export function presentImport(row: ImportJobRow): ImportJobView {
  return {
    id: row.id,
    caseId: row.case_id,
    format: row.format,
    source: row.source,
    tlp: row.tlp,
    status: row.status,
    read: Number(row.read),
    imported: Number(row.imported),
    updated: Number(row.updated),
    unchanged: Number(row.unchanged),
    elsewhere: Number(row.elsewhere),
    failed: Number(row.failed),
    bytesRead: Number(row.resume_offset),
    bytesTotal: row.bytes_total === null ? null : Number(row.bytes_total),
    message: row.message,
    startedAt: iso(Number(row.started_at)),
    updatedAt: iso(Number(row.updated_at)),
    finishedAt: row.finished_at === null ? null : iso(Number(row.finished_at)),
  };
}

function isNewer(incoming: string | null, held: string | null): boolean {
  if (incoming === null || held === null) return false;
  return Date.parse(incoming) > Date.parse(held);
}

function sourceLabel(source: ImportSource): string {
  return source.kind === 'file' ? (source.label ?? source.path) : source.url;
}

/** The same source gives the same fingerprint: its size and first 64 KiB, or its URL. */
async function fingerprintOf(
  source: ImportSource,
): Promise<{ fingerprint: string; size: number | null }> {
  const hash = createHash('sha256');
  if (source.kind === 'url')
    return { fingerprint: hash.update(source.url).digest('hex'), size: null };
  let info;
  try {
    info = await stat(source.path);
  } catch {
    throw new AppError('import_source_missing', 400, `Cannot read ${source.path}.`);
  }
  if (!info.isFile())
    throw new AppError('import_source_missing', 400, `${source.path} is not a file.`);
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
async function openSource(source: ImportSource, offset: number): Promise<AsyncIterable<unknown>> {
  if (source.kind === 'file') {
    return createReadStream(source.path, { start: offset, highWaterMark: 1 << 20 });
  }
  const response = await fetch(source.url, {
    headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
  });
  if (!response.ok || !response.body) {
    throw new AppError(
      'import_source_failed',
      502,
      `${source.url} answered ${response.status} ${response.statusText}.`,
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

async function readWhole(source: ImportSource, limit: number): Promise<string> {
  if (source.kind === 'file') {
    const info = await stat(source.path);
    if (info.size > limit) {
      throw new AppError(
        'import_too_large',
        413,
        `A MISP event file may be at most ${limit} bytes.`,
      );
    }
    return readFile(source.path, 'utf8');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of await openSource(source, 0)) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      throw new AppError('import_too_large', 413, `A MISP event may be at most ${limit} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
