import { stat } from 'node:fs/promises';
import type { ResumePoint } from '../../../core/stix/bundle-stream.js';
import { mispEventToStix } from '../../../core/stix/misp.js';
import { unprocessable } from '../../errors.js';
import type { Db } from '../../store/database.js';
import { IMPORT_BATCH } from './import.batch.js';
import { prepareObject, type PrepareContext, type Prepared } from './import.prepare.js';
import type { ImportPreparer } from './import.preparer.js';
import { updateJob } from './import.repository.js';
import type { OutboundGuard } from '../../outbound.js';
import { openSource, readWhole, type ImportSource } from './import.source.js';
import type { ImportJobRow } from './cases.table.js';

/** A MISP event is read whole; larger files must come as STIX bundles. */
export const MAX_MISP_BYTES = 256 * 1024 * 1024;

/** One run of a job over its source, batch by batch. */
export interface ImportRun {
  job: ImportJobRow;
  source: ImportSource;
  /** The guard URL sources are fetched through. */
  outbound: OutboundGuard;
  context: PrepareContext;
  /** Stores a batch with its resume point; returns the job as it is now. */
  store(row: ImportJobRow, prepared: Prepared[], resume: ResumePoint): Promise<ImportJobRow>;
  /** Told after every stored batch. */
  progress(row: ImportJobRow): void;
}

/**
 * A STIX bundle, streamed from the job's resume point. A pipeline: this thread reads the
 * source and stores batches, in order, each with its resume point, while the preparer's
 * thread scans and prepares the next ones (import.preparer.ts). What was prepared before a
 * failure (of the source or of the bundle's JSON) is stored: the resume point moves on.
 */
export async function readStix(run: ImportRun, preparer: ImportPreparer): Promise<void> {
  const { job } = run;
  const offset = Number(job.resume_offset);
  const resume =
    offset > 0 ? { offset, index: Number(job.resume_index), depth: job.resume_depth } : undefined;
  const stream = preparer.open(resume, run.context, await sizeFrom(run.source, offset));
  const feeding = (async () => {
    try {
      for await (const chunk of await openSource(run.source, offset, run.outbound)) {
        if (!(await stream.push(chunk as Buffer))) return;
      }
      stream.end();
    } catch (error) {
      stream.fail(error);
    }
  })();
  let row = job;
  try {
    for (let batch = await stream.next(); batch; batch = await stream.next()) {
      row = await run.store(row, batch.prepared, batch.resume);
      run.progress(row);
      // A store holds this thread for a while and only microtasks follow it: let the reads
      // of the source and the preparer's answers in before the next, or the queue runs dry.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    stream.close();
    await feeding;
  }
}

/** The bytes a file source holds from `offset` on; null for a URL (not known before). */
async function sizeFrom(source: ImportSource, offset: number): Promise<number | null> {
  if (source.kind !== 'file') return null;
  try {
    return Math.max(0, (await stat(source.path)).size - offset);
  } catch {
    return null;
  }
}

/** A MISP event, read whole and mapped to STIX; what it cannot map is listed first. */
export async function readMisp(run: ImportRun, db: Db): Promise<void> {
  const { job } = run;
  const text = await readWhole(run.source, MAX_MISP_BYTES, run.outbound);
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw unprocessable(
      'invalid_misp',
      `The MISP file is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const { objects, problems } = mispEventToStix(input, job.tlp);
  const bytes = Buffer.byteLength(text);
  let row = job;
  const start = Number(job.resume_index);
  if (start === 0 && problems.length > 0) {
    row = await run.store(
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
    const read = Number(row.read) - problems.length;
    await updateJob(db, row.id, { read });
    row = { ...row, read };
  }
  for (let at = start; at < objects.length; at += IMPORT_BATCH) {
    const slice = objects.slice(at, at + IMPORT_BATCH);
    const end = at + slice.length;
    row = await run.store(
      row,
      slice.map((object, i) => prepareObject(at + i, object, run.context)),
      { offset: end === objects.length ? bytes : 0, index: end, depth: 0 },
    );
    run.progress(row);
  }
}
