import {
  BundleScanner,
  type ResumePoint,
  type ScannedElement,
} from '../../../core/stix/bundle-stream.js';
import { mispEventToStix } from '../../../core/stix/misp.js';
import { unprocessable } from '../../errors.js';
import type { Db } from '../../store/database.js';
import { IMPORT_BATCH } from './import.batch.js';
import {
  prepareObject,
  type ImportPreparer,
  type PrepareContext,
  type Prepared,
} from './import.prepare.js';
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
 * A STIX bundle, streamed from the job's resume point. A pipeline of two: while one batch
 * is stored, the next is prepared (on the preparer's thread); batches are stored in order,
 * each with its resume point.
 */
export async function readStix(run: ImportRun, preparer: ImportPreparer): Promise<void> {
  const { job } = run;
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
  let inflight: { prepared: Promise<Prepared[]>; resume: ResumePoint } | undefined;
  const drain = async () => {
    if (!inflight) return;
    const { prepared, resume } = inflight;
    inflight = undefined;
    row = await run.store(row, await prepared, resume);
    run.progress(row);
  };
  const flush = async (elements: ScannedElement[], end: number) => {
    const next = {
      prepared: preparer.prepare(elements, run.context),
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
    for await (const chunk of await openSource(run.source, offset, run.outbound)) {
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
