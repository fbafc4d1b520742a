import type { Logger } from 'pino';
import { caseIdsAfter, caseObjectsOfType, type ObjectsService } from '../cases/public.js';
import type { EventBus } from '../../events.js';
import { findReportByStix, ingestedStixIds } from './reports.repository.js';
import type { ReportsService } from './reports.service.js';
import type { Db } from '../../store/database.js';

const SYSTEM = { kind: 'system', reason: 'reports.peer' } as const;

/** Cases, and objects of a case, read per page by the scan at start. */
const PAGE = 100;

/**
 * A STIX `report` a peer shares in a case becomes a report of this node too: its text (the
 * report's description), title, source and date are ingested like a paste, with this node's
 * own allow-list and its own stories, so it joins this node's copy of the story. The report
 * keeps the case and the STIX id it came with (origin `peer`), and is ingested once.
 * Driven by the live `case.object` events, one at a time, after the object is stored; and,
 * at each start, by a scan of the received STIX reports not yet among the reports (every
 * case's reports, listed through the cases feature's public API), so one
 * missed while the node stopped (between storing the object and its event) or whose ingest
 * failed (the extraction busy, say) is ingested then.
 */
export class PeerReports {
  private queue: Promise<unknown> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  private stopping = false;

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
    this.stopping = false;
    this.unsubscribe = this.deps.bus.subscribe((event) => {
      // Another process of the node (PostgreSQL) ingests what it published itself.
      if (event.type !== 'case.object' || !event.local) return;
      const { caseId, objectId } = event.data as { caseId: string; objectId: string };
      if (objectId.startsWith('report--')) this.enqueue(caseId, objectId);
    });
    this.queue = this.queue.then(() => this.catchUp());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    await this.queue;
  }

  private enqueue(caseId: string, objectId: string): void {
    this.queue = this.queue.then(() => this.takeLogged(caseId, objectId));
  }

  private async takeLogged(caseId: string, objectId: string): Promise<void> {
    try {
      await this.take(caseId, objectId);
    } catch (error) {
      this.deps.log.warn({ err: error, objectId }, 'a peer report could not be ingested');
    }
  }

  /**
   * The received reports not ingested yet: every case, a page at a time, its STIX reports
   * through the cases feature's listing (each checked again by take).
   */
  private async catchUp(): Promise<void> {
    let after = '';
    try {
      while (!this.stopping) {
        const cases = await caseIdsAfter(this.deps.db, after, PAGE);
        for (const caseId of cases) {
          if (this.stopping) return;
          await this.catchUpCase(caseId);
        }
        if (cases.length < PAGE) return;
        after = cases[cases.length - 1]!;
      }
    } catch (error) {
      this.deps.log.warn({ err: error }, 'the scan for missed peer reports failed');
    }
  }

  private async catchUpCase(caseId: string): Promise<void> {
    let after = '';
    while (!this.stopping) {
      const page = await caseObjectsOfType(this.deps.db, caseId, 'report', after, PAGE);
      const received = page.filter((o) => o.origin !== this.deps.nodeId && !o.revoked);
      const known = await ingestedStixIds(
        this.deps.db,
        received.map((o) => o.id),
      );
      for (const object of received) {
        if (this.stopping) return;
        if (!known.has(object.id)) await this.takeLogged(caseId, object.id);
      }
      if (page.length < PAGE) return;
      after = page[page.length - 1]!.id;
    }
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
