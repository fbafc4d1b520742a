import type { CommitBody, CommitView } from '../../../core/schemas/reports.js';
import { authorize, type Actor } from '../../actor.js';
import { conflict, unprocessable } from '../../errors.js';
import type { ObjectsService } from '../cases/public.js';
import type { FeatureDeps } from '../feature-deps.js';
import { extractionOf, statesOf } from './reports.present.js';
import { findReport, lockReport, reviewsOf, setCommitted } from './reports.repository.js';
import type { ReportsService } from './reports.service.js';
import { claimObjects, identityOf, indicatorObjects, reportObject } from './reports.stix.js';

type Stix = Record<string, unknown>;

/**
 * Commit: the accepted extractions of a report, added to a case as STIX 2.1 objects under
 * one TLP marking (through the cases feature, so they are checked like any case object and
 * shared by the case's sharing), then the `report` SDO that refers to them — all in one
 * transaction with the report's committed state: one object refused, nothing is written.
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
    const refs = [...new Set(objects.map((o) => String(o['id'])))];
    const now = this.deps.clock.now();
    const report = reportObject(body.caseId, row, refs, now);
    const stixId = String(report['id']);
    // One transaction: every object and the report's committed state, or nothing at all.
    await this.deps.objects.addObjects(
      actor,
      body.caseId,
      [...objects, report].map((object) => ({
        object,
        tlp: body.tlp,
        redRecipients: body.redRecipients,
      })),
      {
        // An identity shared with an earlier report's commit to the case is taken as it is.
        keepHeld: true,
        before: async (trx) => {
          await lockReport(trx, this.deps.store.dialect, id);
          const current = await findReport(trx, id);
          if (current?.committed_at !== null) {
            throw conflict(
              'report_committed',
              `The report was committed to case ${current?.case_id ?? ''} already.`,
            );
          }
        },
        after: async (trx, hooks) => {
          await setCommitted(trx, id, { case_id: body.caseId, stix_id: stixId, committed_at: now });
          const after = await findReport(trx, id);
          this.deps.reports.announce(hooks, after ?? row, 'committed');
        },
      },
    );
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
}
