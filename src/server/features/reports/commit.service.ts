import type { CommitBody, CommitView } from '../../../core/schemas/reports.js';
import { authorize, type Actor } from '../../actor.js';
import { AppError, conflict, unprocessable } from '../../errors.js';
import type { ObjectsService } from '../cases/public.js';
import type { FeatureDeps } from '../feature-deps.js';
import { extractionOf, statesOf } from './reports.present.js';
import { findReport, reviewsOf, setCommitted } from './reports.repository.js';
import type { ReportsService } from './reports.service.js';
import { claimObjects, identityOf, indicatorObjects, reportObject } from './reports.stix.js';

type Stix = Record<string, unknown>;

/**
 * Commit: the accepted extractions of a report, added to a case as STIX 2.1 objects under
 * one TLP marking (through the cases feature, so they are checked like any case object and
 * shared by the case's sharing), then the `report` SDO that refers to them.
 */
export class CommitService {
  constructor(
    private readonly deps: FeatureDeps & { reports: ReportsService; objects: ObjectsService },
  ) {}

  async commit(actor: Actor, id: string, body: CommitBody): Promise<CommitView> {
    authorize(actor, 'reports.write');
    authorize(actor, 'cases.write');
    const db = this.deps.store.db;
    const row = await this.deps.reports.load(db, id);
    if (row.origin === 'peer') {
      throw conflict(
        'report_from_peer',
        `The report came from ${row.origin_node} in case ${row.case_id}; its objects are there already.`,
      );
    }
    if (row.committed_at !== null) {
      throw conflict(
        'report_committed',
        `The report was committed to case ${row.case_id} already.`,
      );
    }
    const objects = this.objectsOf(row, body.caseId, await reviewsOf(db, [id]));
    const refs: string[] = [];
    for (const object of objects) {
      const added = await this.add(actor, body, object);
      if (!refs.includes(added)) refs.push(added);
    }
    const now = this.deps.clock.now();
    const report = reportObject(body.caseId, row, refs, now);
    const stixId = await this.add(actor, body, report);
    await this.deps.store.transaction(async (trx, hooks) => {
      await setCommitted(trx, id, { case_id: body.caseId, stix_id: stixId, committed_at: now });
      const after = await findReport(trx, id);
      this.deps.reports.announce(hooks, after ?? row, 'committed');
    });
    return { reportId: id, caseId: body.caseId, stixId, objectIds: refs };
  }

  /** The accepted extractions as STIX objects, those referred to first. */
  private objectsOf(
    row: Parameters<typeof extractionOf>[0],
    caseId: string,
    reviews: Parameters<typeof statesOf>[0],
  ): Stix[] {
    const x = extractionOf(row);
    const states = statesOf(reviews);
    const accepted = (kind: string, i: number) => states.get(`${kind}:${i}`) === 'accepted';
    const at = Number(row.created_at);
    const objects: Stix[] = [];
    x.indicators.forEach((ind, i) => {
      if (accepted('indicator', i)) objects.push(...indicatorObjects(caseId, row.id, ind, at));
    });
    x.entities.forEach((e, i) => {
      if (!accepted('entity', i) || e.kind === 'date' || e.kind === 'quantity') return;
      objects.push(identityOf(caseId, { id: e.id, text: e.text, kind: e.kind }));
    });
    x.claims.forEach((c, i) => {
      if (accepted('claim', i)) objects.push(...claimObjects(caseId, row.id, i, c));
    });
    if (objects.length === 0) {
      throw unprocessable(
        'nothing_accepted',
        'Accept at least one indicator, organisation, person, country or claim before committing (dates and quantities are not objects).',
      );
    }
    return objects;
  }

  /** Adds one object to the case; one the case holds already (an earlier try) is taken as it is. */
  private async add(actor: Actor, body: CommitBody, object: Stix): Promise<string> {
    try {
      const view = await this.deps.objects.addObject(actor, body.caseId, {
        object,
        tlp: body.tlp,
        redRecipients: body.redRecipients,
      });
      return view.id;
    } catch (error) {
      if (
        !(error instanceof AppError) ||
        error.code !== 'object_exists' ||
        typeof object['id'] !== 'string'
      ) {
        throw error;
      }
      const id = await this.heldId(actor, body.caseId, object);
      if (id) return id;
      throw error;
    }
  }

  private async heldId(actor: Actor, caseId: string, object: Stix): Promise<string | null> {
    try {
      const held = await this.deps.objects.getObject(actor, caseId, String(object['id']));
      return held.id;
    } catch {
      return null;
    }
  }
}
