import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { ROLES } from '../../../core/roles.js';
import type { ImportErrorView, ImportJobView } from '../../../core/schemas/imports.js';
import type { TlpLevel } from '../../../core/tlp-rules.js';
import { actorRef, authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { conflict, notFound } from '../../errors.js';
import type { FeatureDeps } from '../feature-deps.js';
import { presentImport, presentImportError } from './cases.present.js';
import { findCase } from './cases.repository.js';
import type { ImportFormat, ImportJobRow } from './cases.table.js';
import { IMPORT_BATCH, loadJob, storeBatch, type Recorder } from './import.batch.js';
import { prepareObject, type ImportFailure } from './import.prepare.js';
import { ImportPreparer } from './import.preparer.js';
import { readMisp, readStix, type ImportRun } from './import.read.js';
import {
  errorsPage,
  insertJob,
  interruptJobs,
  jobsOfCase,
  markDone,
  markRunning,
  unfinishedJobs,
  unfinishedJobsOf,
  updateJob,
} from './import.repository.js';
import { fingerprintOf, sourceLabel, type ImportSource } from './import.source.js';

export type { ImportSource } from './import.source.js';

export interface ImportRequest {
  caseId: string;
  /** The job's id, when the caller has named files after it (uploads). */
  jobId?: string;
  format: ImportFormat;
  /** The marking for objects that carry no TLP marking of their own. */
  tlp: TlpLevel;
  source: ImportSource;
}

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

  constructor(
    private readonly deps: FeatureDeps & {
      log: Logger;
      uploadsDir: string;
      record: Recorder;
      config: Pick<Config, 'limits'>;
    },
  ) {
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
    const job = await loadJob(this.deps.store.db, id);
    if (job.status === 'done') {
      throw conflict('import_done', `Import ${id} is done; nothing to resume.`);
    }
    if (!this.isAbandoned(job)) {
      throw conflict('import_running', `Import ${id} is running.`);
    }
    const now = this.deps.clock.now();
    await markRunning(this.deps.store.db, id, RUNNER, now);
    return { ...job, status: 'running', runner: RUNNER, message: null, updated_at: now };
  }

  /**
   * On start: the uploads and URL imports a stopped or crashed node left unfinished go on
   * from where they stopped. (A file import from the CLI resumes when it is run again.)
   */
  async resumeAbandoned(): Promise<void> {
    for (const job of await unfinishedJobs(this.deps.store.db)) {
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
    await this.mustHaveCase(request.caseId);
    // Refused now, before a job exists: a URL this node may not fetch (src/server/outbound.ts).
    if (request.source.kind === 'url') await this.deps.outbound.check(request.source.url);
    const { fingerprint, size } = await fingerprintOf(request.source);
    const now = this.deps.clock.now();
    const unfinished = await unfinishedJobsOf(db, {
      caseId: request.caseId,
      fingerprint,
      format: request.format,
    });
    const resumable = unfinished.find((job) => this.isAbandoned(job));
    if (resumable) {
      await markRunning(db, resumable.id, RUNNER, now);
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
      await insertJob(trx, job);
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
      throw conflict('import_running', `Import ${job.id} is running already.`);
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
      const run = this.runOf(job, source, progress);
      if (job.format === 'misp') await readMisp(run, this.deps.store.db);
      else await readStix(run, this.preparer);
      await this.finish(job, current);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deps.log.warn({ job: job.id, err: error }, 'import stopped');
      await updateJob(this.deps.store.db, job.id, {
        status: 'failed',
        runner: null,
        message,
        updated_at: this.deps.clock.now(),
      });
    } finally {
      this.running.delete(job.id);
    }
    const ended = await loadJob(this.deps.store.db, job.id);
    progress(ended);
    return presentImport(ended);
  }

  /** The job is done: so the audit says, with its counts, and the case is told. */
  private async finish(job: ImportJobRow, current: ImportJobRow): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx) => {
      await markDone(trx, job.id, now);
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
  }

  /** Marks this process's unfinished jobs as interrupted (on an orderly stop). */
  async interruptAll(): Promise<void> {
    if (this.running.size === 0) return;
    await interruptJobs(this.deps.store.db, [...this.running]);
  }

  async get(actor: Actor, id: string): Promise<ImportJobView> {
    authorize(actor, 'cases.read');
    return presentImport(await loadJob(this.deps.store.db, id));
  }

  async list(actor: Actor, caseId: string): Promise<ImportJobView[]> {
    authorize(actor, 'cases.read');
    const rows = await jobsOfCase(this.deps.store.db, caseId, 100);
    return rows.map(presentImport);
  }

  async errors(
    actor: Actor,
    id: string,
    query: { after: number; limit: number },
  ): Promise<{ errors: ImportErrorView[]; next: number | null }> {
    authorize(actor, 'cases.read');
    await loadJob(this.deps.store.db, id);
    const rows = await errorsPage(this.deps.store.db, id, query.after, query.limit + 1);
    const page = rows.slice(0, query.limit);
    return {
      errors: page.map(presentImportError),
      next: rows.length > query.limit ? Number(page[page.length - 1]?.n ?? 0) : null,
    };
  }

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
    await this.mustHaveCase(request.caseId);
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
    await insertJob(db, job);
    const failures: ImportFailure[] = [];
    for (let at = 0; at < objects.length; at += IMPORT_BATCH) {
      const slice = objects.slice(at, at + IMPORT_BATCH);
      const stored = await storeBatch(
        this.deps.store,
        this.deps.clock.now(),
        job,
        slice.map((object, i) => prepareObject(at + i, object, this.contextOf(job))),
        { offset: 0, index: at + slice.length, depth: 0 },
        this.deps.record,
      );
      job = stored.row;
      failures.push(...stored.failures);
    }
    const end = this.deps.clock.now();
    await markDone(db, job.id, end);
    if (job.imported > 0 || job.updated > 0 || job.elsewhere > 0) {
      this.deps.bus.publish('case.changed', { caseId: request.caseId }, { roles: ROLES });
    }
    return {
      job: presentImport({ ...job, status: 'done', runner: null, finished_at: end }),
      failures,
    };
  }

  // ---- helpers ----------------------------------------------------------------------------

  /**
   * What an upload is checked for before its first byte is read: the right to import and
   * the case; and how many bytes it may have (config limits.uploadBytes).
   */
  async mayUpload(actor: Actor, caseId: string): Promise<number> {
    authorize(actor, 'cases.write');
    await this.mustHaveCase(caseId);
    return this.deps.config.limits.uploadBytes;
  }

  private async mustHaveCase(caseId: string): Promise<void> {
    if (!(await findCase(this.deps.store.db, caseId))) {
      throw notFound('case_not_found', `No case has the id ${caseId}.`);
    }
  }

  private contextOf(job: ImportJobRow) {
    return {
      caseId: job.case_id,
      tlp: job.tlp,
      nodeId: this.deps.nodeId,
      limits: this.deps.config.limits,
    };
  }

  /** A run of the job: each batch stored in its own transaction, at the time it is stored. */
  private runOf(
    job: ImportJobRow,
    source: ImportSource,
    progress: (row: ImportJobRow) => void,
  ): ImportRun {
    return {
      job,
      source,
      outbound: this.deps.outbound,
      context: this.contextOf(job),
      store: async (row, prepared, resume) =>
        (
          await storeBatch(
            this.deps.store,
            this.deps.clock.now(),
            row,
            prepared,
            resume,
            this.deps.record,
          )
        ).row,
      progress,
    };
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
