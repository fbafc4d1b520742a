/** What other features may use of reports. */
export type { ReportsService } from './reports.service.js';
export type { CommitService } from './commit.service.js';
export { findReportClaim, type ReportClaim } from './claims.lookup.js';
