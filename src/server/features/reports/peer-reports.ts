import type { Logger } from 'pino';
import type { ObjectsService } from '../cases/public.js';
import type { EventBus } from '../../events.js';
import { findReportByStix } from './reports.repository.js';
import type { ReportsService } from './reports.service.js';
import type { Db } from '../../store/database.js';

const SYSTEM = { kind: 'system', reason: 'reports.peer' } as const;

/**
 * A STIX `report` a peer shares in a case becomes a report of this node too: its text (the
 * report's description), title, source and date are ingested like a paste, with this node's
 * own allow-list and its own stories, so it joins this node's copy of the story. The report
 * keeps the case and the STIX id it came with (origin `peer`), and is ingested once.
 * Driven by the live `case.object` events, one at a time, after the object is stored.
 */
export class PeerReports {
  private queue: Promise<unknown> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly deps: {
      bus: EventBus;
      db: Db;
      nodeId: string;
      log: Logger;
      reports: ReportsService;
      objects: ObjectsService;
    },
  ) {}

  start(): void {
    this.unsubscribe = this.deps.bus.subscribe((event) => {
      if (event.type !== 'case.object') return;
      const { caseId, objectId } = event.data as { caseId: string; objectId: string };
      if (!objectId.startsWith('report--')) return;
      this.queue = this.queue
        .then(() => this.take(caseId, objectId))
        .catch((error: unknown) =>
          this.deps.log.warn({ err: error, objectId }, 'a peer report could not be ingested'),
        );
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.queue;
  }

  private async take(caseId: string, objectId: string): Promise<void> {
    const view = await this.deps.objects.getObject(SYSTEM, caseId, objectId);
    if (view.origin === this.deps.nodeId || view.revoked) return;
    if (await findReportByStix(this.deps.db, objectId)) return;
    const o = view.object;
    const text = typeof o['description'] === 'string' ? o['description'] : '';
    if (text.trim() === '') return;
    const meta = (o['x_liaison_report'] ?? {}) as { source?: unknown; published_at?: unknown };
    const lang = o['lang'];
    await this.deps.reports.ingest(SYSTEM, {
      text,
      ...(typeof o['name'] === 'string' ? { title: o['name'].slice(0, 500) } : {}),
      ...(typeof meta.source === 'string' ? { source: meta.source.slice(0, 500) } : {}),
      ...(typeof meta.published_at === 'string' && /^\d{4}-\d{2}-\d{2}/.test(meta.published_at)
        ? { publishedAt: meta.published_at }
        : {}),
      ...(lang === 'en' || lang === 'zh' ? { language: lang } : {}),
      origin: 'peer',
      originNode: view.origin,
      stixId: objectId,
      caseId,
    });
  }

  /** Waits for the reports being ingested (tests). */
  async idle(): Promise<void> {
    await this.queue;
  }
}
