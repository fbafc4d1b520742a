import type { Selectable } from 'kysely';

/** A report: its text, what was extracted (JSON), its story and where it was committed. */
export interface ReportsTable {
  id: string;
  title: string | null;
  source: string | null;
  /** ISO date as given. */
  published_at: string | null;
  language: 'en' | 'zh';
  origin: 'text' | 'upload' | 'url' | 'peer';
  /** The peer a received report came from. */
  origin_node: string | null;
  text: string;
  /** JSON: { indicators, dropped, entities, claims } as the core gave them at ingest. */
  extraction: string;
  /** JSON: the report's ClusterFeatures (core/reports/cluster.ts), kept to test later links. */
  features: string;
  /** The story: the smallest report id of its connected component. */
  cluster_id: string;
  created_at: number;
  created_by: string | null;
  case_id: string | null;
  /** The STIX report object committed (ours) or received (a peer's). */
  stix_id: string | null;
  committed_at: number | null;
}

/** The LSH buckets a report is in: its candidates are the reports sharing a key. */
export interface ReportBucketsTable {
  key: string;
  report_id: string;
}

/** An analyst's review of one extraction (kind, its index in the report's list). */
export interface ReportReviewsTable {
  report_id: string;
  kind: 'indicator' | 'entity' | 'claim';
  idx: number;
  state: 'pending' | 'accepted' | 'rejected';
  reviewed_by: string | null;
  reviewed_at: number;
}

/** The node's allow-list: values dropped from extractions, each with its reason. */
export interface ReportAllowListTable {
  id: string;
  type: string;
  value: string;
  subdomains: number;
  reason: string;
  created_at: number;
  created_by: string | null;
}

export type ReportRow = Selectable<ReportsTable>;
export type ReviewRow = Selectable<ReportReviewsTable>;
export type AllowListRow = Selectable<ReportAllowListTable>;

declare module '../../store/database.js' {
  interface Database {
    reports: ReportsTable;
    report_buckets: ReportBucketsTable;
    report_reviews: ReportReviewsTable;
    report_allow_list: ReportAllowListTable;
  }
}
