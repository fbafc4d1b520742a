import type { ResumePoint } from '../../../core/stix/bundle-stream.js';
import { notFound } from '../../errors.js';
import type { Db, Store, TxHooks } from '../../store/database.js';
import type { ImportFailure, Prepared } from './import.prepare.js';
import { findJob, insertErrors, updateJob } from './import.repository.js';
import { updateCaseRow } from './cases.repository.js';
import type { Arriving, Recorded } from './versions.repository.js';
import type { ImportJobRow, StixObjectRow } from './cases.table.js';

/** Objects stored per transaction: one resume point each. */
export const IMPORT_BATCH = 2000;
/** Errors kept per import (all are counted). */
export const MAX_KEPT_ERRORS = 10_000;

type Ready = Extract<Prepared, { ok: true }>;

/** Records versions into a case and the search (CaseSupport.record). */
export type Recorder = (
  trx: Db,
  hooks: TxHooks,
  caseId: string,
  arriving: readonly Arriving[],
  now: number,
) => Promise<Recorded>;

/** The job, or 404 import_not_found. */
export async function loadJob(db: Db, id: string): Promise<ImportJobRow> {
  const row = await findJob(db, id);
  if (!row) throw notFound('import_not_found', `No import has the id ${id}.`);
  return row;
}

/**
 * Stores one prepared batch with the job's new counts and resume point, in one
 * transaction: every version not held yet is recorded (new objects in bulk, in any order of
 * arrival), objects other cases hold join this one, and the rest is counted. Returns the
 * job as it is now, what the batch could not take, and the objects that changed.
 */
export async function storeBatch(
  store: Store,
  now: number,
  job: ImportJobRow,
  prepared: Prepared[],
  resume: ResumePoint,
  record: Recorder,
): Promise<{ row: ImportJobRow; failures: ImportFailure[]; changed: StixObjectRow[] }> {
  return runAgainIfRaced(() =>
    store.transaction(async (trx, hooks) => {
      const fresh = await loadJob(trx, job.id);
      const sorted = sortBatch(prepared, now);
      const arriving = new Map<Arriving, Ready>(
        sorted.ready.map((item) => [{ row: item.row, values: item.values, doc: item.doc }, item]),
      );
      const recorded = await record(trx, hooks, job.case_id, [...arriving.keys()], now);
      const failures = [
        ...sorted.failures,
        ...refusedDeleted(sorted.ready, recorded.deleted),
        ...recorded.refused.flatMap(({ item, reason }) => {
          const ready = arriving.get(item);
          return ready ? [{ position: ready.position, objectId: ready.row.id, reason }] : [];
        }),
      ];
      await keepErrors(trx, fresh, failures);
      const changes = {
        read: Number(fresh.read) + prepared.length,
        imported: Number(fresh.imported) + recorded.added,
        updated: Number(fresh.updated) + recorded.versions,
        unchanged: Number(fresh.unchanged) + sorted.unchanged + recorded.same,
        elsewhere: Number(fresh.elsewhere) + recorded.joined,
        failed: Number(fresh.failed) + failures.length,
        resume_offset: resume.offset,
        resume_index: resume.index,
        resume_depth: resume.depth,
        updated_at: now,
      };
      await updateJob(trx, job.id, changes);
      if (recorded.changed.length > 0) {
        await updateCaseRow(trx, job.case_id, { updated_at: now });
      }
      return { row: { ...fresh, ...changes }, failures, changed: recorded.changed };
    }),
  );
}

/**
 * PostgreSQL lets two imports run at once: when another one stored one of this batch's new
 * objects first, its insert fails on the key (23505); run again, the object is held now
 * and this batch adds it to its case. (SQLite has one writer: it never happens there.)
 */
async function runAgainIfRaced<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const raced =
        typeof error === 'object' &&
        error !== null &&
        (error as { code?: unknown }).code === '23505';
      if (!raced || tries >= 3) throw error;
    }
  }
}

/** The batch sorted: what failed, what to record, and what needs nothing (built-in markings). */
function sortBatch(
  prepared: readonly Prepared[],
  now: number,
): { failures: ImportFailure[]; ready: Ready[]; unchanged: number } {
  const failures: ImportFailure[] = [];
  const ready: Ready[] = [];
  let unchanged = 0;
  for (const item of prepared) {
    if (item.ok === 'skip') unchanged++;
    else if (item.ok === false) failures.push(item);
    else {
      item.row.updated_at = now;
      ready.push(item);
    }
  }
  return { failures, ready, unchanged };
}

/** A failure for each version of an object deleted here (it is not brought back). */
function refusedDeleted(ready: readonly Ready[], deleted: readonly string[]): ImportFailure[] {
  if (deleted.length === 0) return [];
  const gone = new Set(deleted);
  return ready
    .filter((item) => gone.has(item.row.id))
    .map((item) => ({
      position: item.position,
      objectId: item.row.id,
      reason: 'deleted from this case; a deleted object is not brought back',
    }));
}

/** The batch's failures as the job's next errors, up to MAX_KEPT_ERRORS in all. */
async function keepErrors(trx: Db, job: ImportJobRow, failures: ImportFailure[]): Promise<void> {
  const kept = Math.max(0, Math.min(failures.length, MAX_KEPT_ERRORS - Number(job.failed)));
  await insertErrors(
    trx,
    failures.slice(0, kept).map((failure, i) => ({
      job_id: job.id,
      n: Number(job.failed) + i + 1,
      position: failure.position,
      object_id: failure.objectId,
      reason: failure.reason.slice(0, 2000),
    })),
  );
}
