import {
  analyseReport,
  type AllowListEntry,
  type Language,
  type ReportExtraction,
} from '../../../core/reports/index.js';
import { clusterFeatures, type ClusterFeatures } from '../../../core/reports/cluster-features.js';
import { AppError } from '../../errors.js';
import { readReportFile, type ReadText } from './reports.read.js';

/**
 * One document's work, done on the extraction thread (extract.worker.ts): a file's text
 * read (HTML's article, PDF, DOCX), then the extraction with the node's allow-list and the
 * report's cluster features. Everything CPU-heavy of an ingest is here.
 */
export interface ExtractJob {
  /** The report's id (its cluster features name it). */
  reportId: string;
  allowList: AllowListEntry[];
  /** The language the caller gave, else the one detected. */
  language?: Language | undefined;
  /** A pasted text, or a file's bytes and content type. */
  input: { text: string } | { bytes: Uint8Array; contentType: string };
}

export interface Extracted {
  /** The text extracted from (a file's, as read). */
  text: string;
  /** A file's own title (an HTML page's, say), when it has one. */
  title: string | null;
  format: ReadText['format'];
  language: Language;
  extraction: Omit<ReportExtraction, 'language'>;
  features: ClusterFeatures;
}

/** What the thread answers: the work, or the error it threw (an AppError's code kept). */
export type JobReply =
  | { ok: true; result: Extracted }
  | { ok: false; code: string | null; status: number; message: string };

export async function runExtractJob(job: ExtractJob): Promise<Extracted> {
  const read =
    'text' in job.input
      ? { format: 'text' as const, text: job.input.text, title: null }
      : await readReportFile(Buffer.from(job.input.bytes), job.input.contentType);
  const x = analyseReport(read.text, { allowList: job.allowList });
  const language = job.language ?? x.language;
  const features = clusterFeatures({
    id: job.reportId,
    text: read.text,
    extraction: { ...x, language },
  });
  const { indicators, dropped, entities, claims } = x;
  return { ...read, language, extraction: { indicators, dropped, entities, claims }, features };
}

export async function replyTo(job: ExtractJob): Promise<JobReply> {
  try {
    return { ok: true, result: await runExtractJob(job) };
  } catch (error) {
    if (error instanceof AppError) {
      return { ok: false, code: error.code, status: error.status, message: error.message };
    }
    return {
      ok: false,
      code: null,
      status: 500,
      message: error instanceof Error ? error.message : String(error),
    };
  }
}
