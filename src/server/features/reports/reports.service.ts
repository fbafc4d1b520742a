import { v7 as uuidv7 } from 'uuid';
import type { AllowListEntry } from '../../../core/reports/index.js';
import type {
  AllowList,
  AllowListEntryBody,
  AllowListEntryView,
  AllowListQuery,
  ClusterList,
  ClusterQuery,
  CreateReportBody,
  ReportList,
  ReportQuery,
  ReportView,
  ReviewBody,
  StoryView,
} from '../../../core/schemas/reports.js';
import { ROLES } from '../../../core/roles.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { badRequest, conflict, notFound, unprocessable } from '../../errors.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../store/cursors.js';
import type { Db, TxHooks } from '../../store/database.js';
import type { FeatureDeps } from '../feature-deps.js';
import type { Extracted } from './extract.job.js';
import type { ExtractPool } from './extract.pool.js';
import {
  allAllowList,
  deleteAllowEntry,
  findAllowEntry,
  findReport,
  insertAllowEntry,
  insertReport,
  listAllowList,
  listReports,
  lockStories,
  reviewsOf,
  upsertReviews,
} from './reports.repository.js';
import {
  extractionOf,
  presentAllowEntry,
  presentClaims,
  presentReport,
  presentSummary,
  statesOf,
} from './reports.present.js';
import type { ReportRow, ReviewRow } from './reports.table.js';
import { placeInStory } from './stories.repository.js';
import { listStories, storySize } from './stories.list.js';

declare module '../../events.js' {
  interface EventMap {
    /** A report was ingested, reviewed or committed (its story may have changed). */
    'report.changed': { reportId: string; clusterId: string; change: ReportChange };
  }
}
export type ReportChange = 'ingested' | 'reviewed' | 'committed';

/** A report to ingest, however it arrived. */
export interface Ingest extends CreateReportBody {
  origin: ReportRow['origin'];
  originNode?: string | null;
  stixId?: string | null;
  caseId?: string | null;
}

const actorName = (actor: Actor): string | null =>
  actor.kind === 'user' || actor.kind === 'token' ? actor.username : null;

/**
 * Reports: ingest (extraction with the node's allow-list, then the story), the lists, the
 * analyst's review of each extraction, and the node's allow-list.
 */
export class ReportsService {
  /** Story updates of this process, one after another (with the store's lock, across processes). */
  private storyQueue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: FeatureDeps & { extractor: ExtractPool }) {}

  announce(hooks: TxHooks, row: Pick<ReportRow, 'id' | 'cluster_id'>, change: ReportChange): void {
    hooks.afterCommit(() =>
      this.deps.bus.publish(
        'report.changed',
        { reportId: row.id, clusterId: row.cluster_id, change },
        { roles: ROLES },
      ),
    );
  }

  /** A text (a paste, a peer's report): extracted on the extraction thread, then stored. */
  async ingest(actor: Actor, body: Ingest): Promise<ReportView> {
    authorize(actor, 'reports.write');
    if (body.text.trim() === '') throw badRequest('report_empty', 'text: required, not empty.');
    const id = uuidv7();
    const done = await this.deps.extractor.run({
      reportId: id,
      allowList: await this.allowEntries(),
      language: body.language,
      input: { text: body.text },
    });
    return this.store(actor, id, body, done);
  }

  /**
   * A file's bytes: read (text, HTML's article, PDF, DOCX) and extracted on the extraction
   * thread, then stored; the file's own title when the caller gave none, else `fallbackTitle`.
   */
  async ingestFile(
    actor: Actor,
    file: { bytes: Buffer; contentType: string },
    body: Omit<Ingest, 'text'> & { fallbackTitle?: string | undefined },
  ): Promise<ReportView> {
    authorize(actor, 'reports.write');
    const id = uuidv7();
    const done = await this.deps.extractor.run({
      reportId: id,
      allowList: await this.allowEntries(),
      language: body.language,
      input: { bytes: file.bytes, contentType: file.contentType },
    });
    const { fallbackTitle, ...rest } = body;
    const title = body.title ?? done.title ?? fallbackTitle;
    return this.store(actor, id, { ...rest, ...(title ? { title } : {}), text: done.text }, done);
  }

  /** Stores an extracted report and places it in its story (stories one at a time). */
  private async store(
    actor: Actor,
    id: string,
    body: Ingest,
    done: Extracted,
  ): Promise<ReportView> {
    const { extraction: x, features, language } = done;
    const now = this.deps.clock.now();
    const run = async () =>
      this.deps.store.transaction(async (trx, hooks) => {
        await lockStories(trx, this.deps.store.dialect);
        const row: ReportRow = {
          id,
          title: body.title ?? null,
          source: body.source ?? null,
          published_at: body.publishedAt ?? null,
          language,
          origin: body.origin,
          origin_node: body.originNode ?? null,
          text: body.text,
          extraction: JSON.stringify(x),
          features: JSON.stringify(features),
          cluster_id: id,
          created_at: now,
          created_by: actorName(actor),
          case_id: body.caseId ?? null,
          stix_id: body.stixId ?? null,
          committed_at: null,
        };
        await insertReport(trx, row);
        row.cluster_id = await placeInStory(trx, id, features);
        if (row.cluster_id !== id) {
          await trx
            .updateTable('reports')
            .set({ cluster_id: row.cluster_id })
            .where('id', '=', id)
            .execute();
        }
        await appendAudit(trx, {
          actor,
          at: now,
          action: 'report.ingest',
          entityType: 'report',
          entityId: id,
          details: { origin: body.origin, story: row.cluster_id, chars: body.text.length },
        });
        this.announce(hooks, row, 'ingested');
        return row;
      });
    const next = this.storyQueue.then(run, run);
    this.storyQueue = next.catch(() => undefined);
    return presentReport(await next, []);
  }

  async get(actor: Actor, id: string): Promise<ReportView> {
    authorize(actor, 'reports.read');
    const row = await this.load(this.deps.store.db, id);
    return presentReport(row, await reviewsOf(this.deps.store.db, [id]));
  }

  async load(db: Db, id: string): Promise<ReportRow> {
    const row = await findReport(db, id);
    if (!row) throw notFound('report_not_found', `No report has the id ${id}.`);
    return row;
  }

  async list(actor: Actor, query: ReportQuery): Promise<ReportList> {
    authorize(actor, 'reports.read');
    const after = query.cursor ? decodeTimeCursor(query.cursor) : undefined;
    const rows = await listReports(this.deps.store.db, { ...query, after });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => presentSummary(row)),
      next:
        rows.length > query.limit && last
          ? encodeTimeCursor(Number(last.created_at), last.id)
          : null,
    };
  }

  async clusters(actor: Actor, query: ClusterQuery): Promise<ClusterList> {
    authorize(actor, 'reports.read');
    return listStories(this.deps.store.db, query);
  }

  /** A story's reports, newest first (paged), each with its claims, side by side. */
  async story(actor: Actor, id: string, query: ClusterQuery): Promise<StoryView> {
    authorize(actor, 'reports.read');
    const db = this.deps.store.db;
    const size = await storySize(db, id);
    if (size === 0) throw notFound('story_not_found', `No story has the id ${id}.`);
    const after = query.cursor ? decodeTimeCursor(query.cursor) : undefined;
    const rows = await listReports(db, { clusterId: id, limit: query.limit, after });
    const page = rows.slice(0, query.limit);
    const reviews = await reviewsOf(
      db,
      page.map((r) => r.id),
    );
    const last = page[page.length - 1];
    return {
      id,
      size,
      reports: page.map((row) => {
        const x = extractionOf(row);
        const states = statesOf(reviews.filter((r) => r.report_id === row.id));
        return { ...presentSummary(row, x), claims: presentClaims(x.claims, states) };
      }),
      next:
        rows.length > query.limit && last
          ? encodeTimeCursor(Number(last.created_at), last.id)
          : null,
    };
  }

  /** Accepts or rejects extractions; each index must name one of the report's. */
  async review(actor: Actor, id: string, body: ReviewBody): Promise<ReportView> {
    authorize(actor, 'reports.write');
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.load(trx, id);
      if (row.committed_at !== null) {
        throw conflict(
          'report_committed',
          'The report was committed to a case; its review is closed.',
        );
      }
      const x = extractionOf(row);
      const sizes = {
        indicator: x.indicators.length,
        entity: x.entities.length,
        claim: x.claims.length,
      };
      const rows: ReviewRow[] = body.items.map((item, i) => {
        if (item.index >= sizes[item.kind]) {
          throw unprocessable(
            'no_such_extraction',
            `items.${i}.index: the report has ${sizes[item.kind]} ${item.kind} extraction(s), no index ${item.index}.`,
          );
        }
        return {
          report_id: id,
          kind: item.kind,
          idx: item.index,
          state: item.state,
          reviewed_by: actorName(actor),
          reviewed_at: now,
        };
      });
      await upsertReviews(trx, rows);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'report.review',
        entityType: 'report',
        entityId: id,
        details: { items: rows.length },
      });
      this.announce(hooks, row, 'reviewed');
      return presentReport(row, await reviewsOf(trx, [id]));
    });
  }

  // ---- the allow-list --------------------------------------------------------------------

  async allowEntries(): Promise<AllowListEntry[]> {
    return (await allAllowList(this.deps.store.db)).map((row) => ({
      type: row.type as AllowListEntry['type'],
      value: row.value,
      subdomains: row.subdomains === 1,
      reason: row.reason,
    }));
  }

  async allowList(actor: Actor, query: AllowListQuery): Promise<AllowList> {
    authorize(actor, 'reports.read');
    const after = query.cursor ? decodeTimeCursor(query.cursor) : undefined;
    const rows = await listAllowList(this.deps.store.db, query.limit, after);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(presentAllowEntry),
      next:
        rows.length > query.limit && last
          ? encodeTimeCursor(Number(last.created_at), last.id)
          : null,
    };
  }

  async allow(actor: Actor, body: AllowListEntryBody): Promise<AllowListEntryView> {
    authorize(actor, 'reports.allowlist');
    const value =
      body.type === 'cve'
        ? body.value.toUpperCase()
        : body.type === 'url'
          ? body.value
          : body.value.toLowerCase();
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx) => {
      if (await findAllowEntry(trx, body.type, value)) {
        throw conflict('allow_entry_exists', `The allow-list has ${body.type} ${value} already.`);
      }
      const row = {
        id: uuidv7(),
        type: body.type,
        value,
        subdomains: body.type === 'domain' && body.subdomains ? 1 : 0,
        reason: body.reason,
        created_at: now,
        created_by: actorName(actor),
      };
      await insertAllowEntry(trx, row);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'report.allow',
        entityType: 'report_allow',
        entityId: row.id,
        details: { type: row.type, value },
      });
      return presentAllowEntry(row);
    });
  }

  async disallow(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'reports.allowlist');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx) => {
      if (!(await deleteAllowEntry(trx, id))) {
        throw notFound('allow_entry_not_found', `No allow-list entry has the id ${id}.`);
      }
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'report.disallow',
        entityType: 'report_allow',
        entityId: id,
        details: {},
      });
    });
  }
}
