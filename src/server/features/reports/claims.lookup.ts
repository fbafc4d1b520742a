import type { ClaimView, ReportSummary } from '../../../core/schemas/reports.js';
import { notFound, unprocessable } from '../../errors.js';
import type { Db } from '../../store/database.js';
import { extractionOf, presentClaims, presentSummary, statesOf } from './reports.present.js';
import { findReport, reviewsOf } from './reports.repository.js';

/** One claim of a report, with the report it stands in (what another feature may read of it). */
export interface ReportClaim {
  report: ReportSummary;
  claim: ClaimView;
}

/**
 * The claim `index` of report `reportId`, with its review state: 404 `report_not_found` or
 * `claim_not_found`, 422 `claim_rejected` for a claim an analyst rejected in review (it is
 * no evidence of anything). The caller checks the actor may read reports.
 */
export async function findReportClaim(
  db: Db,
  reportId: string,
  index: number,
): Promise<ReportClaim> {
  const row = await findReport(db, reportId);
  if (!row) throw notFound('report_not_found', `No report has the id ${reportId}.`);
  const extraction = extractionOf(row);
  const raw = extraction.claims[index];
  if (!raw) {
    throw notFound(
      'claim_not_found',
      `Report ${reportId} has no claim ${index} (it has ${extraction.claims.length}).`,
    );
  }
  const states = statesOf(await reviewsOf(db, [reportId]));
  const claim = presentClaims(
    [raw],
    new Map([['claim:0', states.get(`claim:${index}`) ?? 'pending']]),
  )[0]!;
  if (claim.state === 'rejected') {
    throw unprocessable(
      'claim_rejected',
      `Claim ${index} of report ${reportId} was rejected in review; accept it first.`,
    );
  }
  return { report: presentSummary(row, extraction), claim: { ...claim, index } };
}
