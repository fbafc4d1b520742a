import type { ResumePoint } from '../../../core/stix/bundle-stream.js';
import { notFound } from '../../errors.js';
import type { Db, Store } from '../../store/database.js';
import type { ImportFailure, Prepared } from './import.prepare.js';
import { findJob, insertErrors, updateJob } from './import.repository.js';
import {
  addVersion,
  heldObjects,
  insertNewObjects,
  saveObject,
  updateCaseRow,
} from './cases.repository.js';
import { versionOf } from './cases.stix.js';
import type { ImportJobRow, StixObjectRow } from './cases.table.js';

/** Objects stored per transaction: one resume point each. */
export const IMPORT_BATCH = 2000;
/** Errors kept per import (all are counted). */
export const MAX_KEPT_ERRORS = 10_000;
/** Ids asked of the store at once. */
const HELD_PER_QUERY = 500;

type Ready = Extract<Prepared, { ok: true }>;

/** The job, or 404 import_not_found. */
export async function loadJob(db: Db, id: string): Promise<ImportJobRow> {
  const row = await findJob(db, id);
  if (!row) throw notFound('import_not_found', `No import has the id ${id}.`);
  return row;
}

/**
 * Stores one prepared batch with the job's new counts and resume point, in one
 * transaction: new objects are inserted in bulk, newer versions of held ones saved, the
 * rest counted. Returns the job as it is now and what the batch could not take.
 */
export async function storeBatch(
  store: Store,
  now: number,
  job: ImportJobRow,
  prepared: Prepared[],
  resume: ResumePoint,
): Promise<{ row: ImportJobRow; failures: ImportFailure[] }> {
  return store.transaction(async (trx) => {
    const fresh = await loadJob(trx, job.id);
    const sorted = sortBatch(prepared, now);
    const saved = await saveNewer(trx, job.case_id, sorted.byId, now);
    await insertNewObjects(trx, saved.added, now, store.insertMany);
    const failures = [...sorted.failures, ...saved.failures];
    await keepErrors(trx, fresh, failures);
    const changes = {
      read: Number(fresh.read) + prepared.length,
      imported: Number(fresh.imported) + saved.added.length,
      updated: Number(fresh.updated) + saved.updated,
      unchanged: Number(fresh.unchanged) + sorted.unchanged + saved.unchanged,
      elsewhere: Number(fresh.elsewhere) + saved.elsewhere,
      failed: Number(fresh.failed) + failures.length,
      resume_offset: resume.offset,
      resume_index: resume.index,
      resume_depth: resume.depth,
      updated_at: now,
    };
    await updateJob(trx, job.id, changes);
    if (saved.added.length > 0 || saved.updated > 0) {
      await updateCaseRow(trx, job.case_id, { updated_at: now });
    }
    return { row: { ...fresh, ...changes }, failures };
  });
}

/**
 * The batch sorted: what failed, the objects to compare (the last of several copies of one
 * id in a batch is the one compared), and how many need nothing (built-in markings, copies).
 */
function sortBatch(
  prepared: readonly Prepared[],
  now: number,
): { failures: ImportFailure[]; byId: Map<string, Ready>; unchanged: number } {
  const failures: ImportFailure[] = [];
  const byId = new Map<string, Ready>();
  let unchanged = 0;
  for (const item of prepared) {
    if (item.ok === 'skip') unchanged++;
    else if (item.ok === false) failures.push(item);
    else {
      if (byId.has(item.row.id)) unchanged++;
      item.row.updated_at = now;
      byId.set(item.row.id, item);
    }
  }
  return { failures, byId, unchanged };
}

/**
 * Compares the objects with what the store holds: a newer version of one of the case's
 * objects is saved, a new object is returned to be inserted, one of another case or the
 * same version is counted, a deleted one is refused.
 */
async function saveNewer(
  trx: Db,
  caseId: string,
  byId: ReadonlyMap<string, Ready>,
  now: number,
): Promise<{
  added: { row: StixObjectRow; values: readonly string[] }[];
  failures: ImportFailure[];
  updated: number;
  unchanged: number;
  elsewhere: number;
}> {
  const held = new Map<string, { case_id: string; modified: string | null; deleted: number }>();
  const ids = [...byId.keys()];
  for (let i = 0; i < ids.length; i += HELD_PER_QUERY) {
    for (const row of await heldObjects(trx, ids.slice(i, i + HELD_PER_QUERY))) {
      held.set(row.id, row);
    }
  }
  const out = { added: [] as Ready[], failures: [] as ImportFailure[] };
  let updated = 0;
  let unchanged = 0;
  let elsewhere = 0;
  for (const item of byId.values()) {
    const existing = held.get(item.row.id);
    if (!existing) {
      out.added.push(item);
    } else if (existing.case_id !== caseId) {
      elsewhere++;
    } else if (existing.deleted === 1) {
      out.failures.push({
        position: item.position,
        objectId: item.row.id,
        reason: 'deleted from this case; a deleted object is not brought back',
      });
    } else if (isNewer(item.row.modified, existing.modified)) {
      await saveObject(trx, item.row, item.values);
      await addVersion(trx, versionOf(item.row, now));
      updated++;
    } else {
      unchanged++;
    }
  }
  return { ...out, updated, unchanged, elsewhere };
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

function isNewer(incoming: string | null, held: string | null): boolean {
  if (incoming === null || held === null) return false;
  return Date.parse(incoming) > Date.parse(held);
}
