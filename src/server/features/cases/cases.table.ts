import type { Selectable } from 'kysely';
import type { TlpLevel } from '../../../core/tlp-rules.js';

/** A case, the same id on every node it is shared with; `owner_node` opened it. */
export interface CasesTable {
  id: string;
  owner_node: string;
  title: string;
  summary: string;
  kind: string;
  priority: string;
  status: string;
  priority_case: number;
  /** 1: this node's objects flow to the case's other nodes by themselves (CaseFlow). */
  auto_share: number;
  created_at: number;
  updated_at: number;
  /** The exercise whose case objects it holds (an EXERCISE case); null if real. */
  exercise_id: string | null;
}
/** A case as read; the EXERCISE marker is optional in the type only (rows made by hand). */
export type CaseRow = Omit<Selectable<CasesTable>, 'exercise_id'> &
  Partial<Pick<Selectable<CasesTable>, 'exercise_id'>>;

export interface CaseParticipantsTable {
  case_id: string;
  node_id: string;
  added_at: number;
}

export interface CaseLinksTable {
  case_id: string;
  kind: 'request' | 'call';
  ref_id: string;
  created_at: number;
}

/** The current version of each STIX object; a deleted one stays as a tombstone (no body). */
export interface StixObjectsTable {
  id: string;
  /** The case the object first came into here; `case_objects` says every case that holds it. */
  case_id: string;
  type: string;
  origin_node: string;
  tlp: TlpLevel;
  /** JSON array of node ids. */
  red_recipients: string;
  revoked: number;
  deleted: number;
  /** The STIX `modified` (SDOs and SROs), which orders versions. */
  modified: string | null;
  label: string;
  /** Lowercased text that search matches: names, descriptions, values, patterns, notes. */
  search: string;
  body: string | null;
  updated_at: number;
}
export type StixObjectRow = Selectable<StixObjectsTable>;

/**
 * Which case holds which object (an object may be in several), with what the case page
 * filters and sorts on. `red_here`: this node's users may see the object when it is RED
 * (this node wrote it or is a recipient); -1 until the feature's start computes it.
 */
export interface CaseObjectsTable {
  case_id: string;
  object_id: string;
  type: string;
  tlp: TlpLevel;
  red_here: number;
  label: string;
  updated_at: number;
  added_at: number;
}
export type CaseObjectRow = Selectable<CaseObjectsTable>;

/** How many objects a case holds of one marking (and RED seen here or not). */
export interface CaseObjectCountsTable {
  case_id: string;
  tlp: TlpLevel;
  red_here: number;
  n: number;
}

/**
 * A case's TAXII stream: one entry per version of each object it holds, in counter order.
 * An entry shares its version's seq, except for an object that joined the case later.
 */
export interface CaseEntriesTable {
  case_id: string;
  seq: number;
  object_id: string;
  n: number;
  added_us: number;
}

/** The values an object names, lowercased, for exact lookup. */
export interface StixValuesTable {
  object_id: string;
  value: string;
}

/**
 * Every version an object had, in the order this node recorded them. `seq` is its place on
 * one counter across all objects (the TAXII cursor) and `added_us` its date_added in
 * microseconds, strictly increasing with `seq`; `current` marks the latest version (by
 * `modified`) and `earliest` the earliest, whatever order they arrived in. `case_id` is the
 * case it first came into here.
 */
export interface StixVersionsTable {
  id: string;
  n: number;
  seq: number;
  added_us: number;
  case_id: string;
  type: string;
  current: number;
  earliest: number;
  modified: string | null;
  tlp: TlpLevel;
  red_recipients: string;
  body: string;
  recorded_at: number;
}
export type StixVersionRow = Selectable<StixVersionsTable>;

/** This node's objects, and the peers they were sent to (later versions follow them). */
export interface StixSharesTable {
  object_id: string;
  peer_id: string;
  shared_at: number;
}

/** How each node used an object (one current answer per node). */
export interface StixFeedbackTable {
  object_id: string;
  node_id: string;
  use: string;
  note: string;
  actor: string;
  at: number;
}
export type StixFeedbackRow = Selectable<StixFeedbackTable>;

/** The one row that hands out places on the version counter. */
export interface StixCounterTable {
  name: string;
  seq: number;
  added_us: number;
}

/** Where indexing what was held before the search existed has got to (one row, or none). */
export interface CasesSearchBackfillTable {
  name: string;
  /** The last object id indexed ('' before the first). */
  after: string;
}

export type ImportFormat = 'stix' | 'misp';
export type ImportStatus = 'running' | 'done' | 'failed' | 'interrupted';

/**
 * A bulk import into a case. `resume_*` is where the next run starts reading: the byte
 * after the last object stored, its position, and the array's nesting depth.
 */
export interface ImportJobsTable {
  id: string;
  case_id: string;
  format: ImportFormat;
  /** The file path or URL as given, or `upload` for a file sent through the API. */
  source: string;
  /** sha256 of the source's size and first 64 KiB: the same file resumes the same job. */
  fingerprint: string;
  tlp: TlpLevel;
  status: ImportStatus;
  actor: string;
  /** `host:pid` of the process running it; a job whose runner is gone may be resumed. */
  runner: string | null;
  resume_offset: number;
  resume_index: number;
  resume_depth: number;
  bytes_total: number | null;
  read: number;
  imported: number;
  updated: number;
  unchanged: number;
  /** Objects another case of this node held already, now in this one too. */
  elsewhere: number;
  failed: number;
  message: string | null;
  started_at: number;
  updated_at: number;
  finished_at: number | null;
}
export type ImportJobRow = Selectable<ImportJobsTable>;

/** The n-th thing an import could not take (at `position` in the source), and why. */
export interface ImportErrorsTable {
  job_id: string;
  n: number;
  position: number | null;
  object_id: string | null;
  reason: string;
}

/** This feature's tables, added to the node's Database type (store/database.ts). */
declare module '../../store/database.js' {
  interface Database {
    cases: CasesTable;
    case_participants: CaseParticipantsTable;
    case_links: CaseLinksTable;
    stix_objects: StixObjectsTable;
    case_objects: CaseObjectsTable;
    case_entries: CaseEntriesTable;
    case_object_counts: CaseObjectCountsTable;
    stix_versions: StixVersionsTable;
    stix_values: StixValuesTable;
    stix_shares: StixSharesTable;
    stix_feedback: StixFeedbackTable;
    stix_counter: StixCounterTable;
    import_jobs: ImportJobsTable;
    cases_search_backfill: CasesSearchBackfillTable;
    import_errors: ImportErrorsTable;
  }
}
