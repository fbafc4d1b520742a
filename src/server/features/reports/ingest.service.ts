import {
  MAX_REPORT_BYTES,
  type ReportView,
  type UploadReportQuery,
  type UrlReportBody,
} from '../../../core/schemas/reports.js';
import { authorize, type Actor } from '../../actor.js';
import { AppError, unprocessable } from '../../errors.js';
import type { OutboundGuard } from '../../outbound.js';
import type { ReportsService } from './reports.service.js';

/** Ingest of files (an upload's bytes) and of URLs (fetched through the outbound guard). */
export class IngestService {
  constructor(private readonly deps: { reports: ReportsService; outbound: OutboundGuard }) {}

  /** An uploaded file: read (text, HTML's article, PDF, DOCX), then ingested like a paste. */
  async file(
    actor: Actor,
    bytes: Buffer,
    contentType: string,
    query: UploadReportQuery,
  ): Promise<ReportView> {
    const { filename, ...meta } = query;
    return this.deps.reports.ingestFile(
      actor,
      { bytes, contentType },
      { ...meta, fallbackTitle: filename, origin: 'upload' },
    );
  }

  /** A URL's page or file, fetched through the node's outbound guard (its size capped). */
  async url(actor: Actor, body: UrlReportBody): Promise<ReportView> {
    authorize(actor, 'reports.write');
    const { url, ...meta } = body;
    let response: Response;
    let bytes: Buffer;
    try {
      response = await this.deps.outbound.fetch(url, {
        timeoutMs: 30_000,
        maxBytes: MAX_REPORT_BYTES,
        headers: { accept: 'text/html, text/plain, application/pdf, */*;q=0.5' },
      });
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw unprocessable(
        'report_fetch_failed',
        `${url} could not be fetched: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (!response.ok) {
      throw unprocessable('report_fetch_failed', `${url} answered ${response.status}.`);
    }
    return this.deps.reports.ingestFile(
      actor,
      { bytes, contentType: response.headers.get('content-type') ?? '' },
      { ...meta, fallbackTitle: url, source: meta.source ?? new URL(url).hostname, origin: 'url' },
    );
  }
}
