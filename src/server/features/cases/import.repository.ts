import type { Db } from '../../store/database.js';
import type {
  ImportErrorsTable,
  ImportFormat,
  ImportJobRow,
  ImportJobsTable,
} from './cases.table.js';

/** Rows written per insert of an import's errors. */
const ERRORS_PER_INSERT = 500;

export function findJob(db: Db, id: string): Promise<ImportJobRow | undefined> {
  return db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertJob(db: Db, row: ImportJobRow): Promise<void> {
  await db.insertInto('import_jobs').values(row).execute();
}

export async function updateJob(
  db: Db,
  id: string,
  changes: Partial<Omit<ImportJobsTable, 'id'>>,
): Promise<void> {
  await db.updateTable('import_jobs').set(changes).where('id', '=', id).execute();
}

/** The job runs again, in the process `runner`. */
export function markRunning(db: Db, id: string, runner: string, now: number): Promise<void> {
  return updateJob(db, id, { status: 'running', runner, message: null, updated_at: now });
}

export function markDone(db: Db, id: string, now: number): Promise<void> {
  return updateJob(db, id, { status: 'done', runner: null, finished_at: now, updated_at: now });
}

/** The jobs that were running or interrupted, in any process. */
export function unfinishedJobs(db: Db): Promise<ImportJobRow[]> {
  return db
    .selectFrom('import_jobs')
    .selectAll()
    .where('status', 'in', ['running', 'interrupted'])
    .execute();
}

/** The jobs not done that read the same source into the same case, newest first. */
export function unfinishedJobsOf(
  db: Db,
  source: { caseId: string; fingerprint: string; format: ImportFormat },
): Promise<ImportJobRow[]> {
  return db
    .selectFrom('import_jobs')
    .selectAll()
    .where('case_id', '=', source.caseId)
    .where('fingerprint', '=', source.fingerprint)
    .where('format', '=', source.format)
    .where('status', '!=', 'done')
    .orderBy('started_at', 'desc')
    .execute();
}

/** Running jobs among `ids` stop as interrupted. */
export async function interruptJobs(db: Db, ids: readonly string[]): Promise<void> {
  await db
    .updateTable('import_jobs')
    .set({ status: 'interrupted', runner: null })
    .where('id', 'in', [...ids])
    .where('status', '=', 'running')
    .execute();
}

export function jobsOfCase(db: Db, caseId: string, limit: number): Promise<ImportJobRow[]> {
  return db
    .selectFrom('import_jobs')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('started_at', 'desc')
    .limit(limit)
    .execute();
}

/** The job's errors after the n-th, at most `limit`. */
export function errorsPage(db: Db, jobId: string, after: number, limit: number) {
  return db
    .selectFrom('import_errors')
    .selectAll()
    .where('job_id', '=', jobId)
    .where('n', '>', after)
    .orderBy('n')
    .limit(limit)
    .execute();
}

export async function insertErrors(db: Db, rows: readonly ImportErrorsTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ERRORS_PER_INSERT) {
    await db
      .insertInto('import_errors')
      .values(rows.slice(i, i + ERRORS_PER_INSERT))
      .execute();
  }
}
