import type { CaseView, ObjectView } from '../../../core/schemas/cases.js';
import type { ImportErrorView, ImportJobView } from '../../../core/schemas/imports.js';
import { iso } from '../../clock.js';
import type {
  CaseRow,
  ImportJobRow,
  StixFeedbackRow,
  StixObjectRow,
  StixVersionRow,
} from './cases.table.js';

/** Rows become API objects here: pure functions, what they need read by the services. */

type Stix = Record<string, unknown>;

/** What a case's view shows beside its row. */
export interface CaseExtras {
  /** Every node in the case (the owner is left out of the view). */
  participants: readonly string[];
  links: readonly { kind: CaseView['links'][number]['kind']; ref_id: string }[];
  /** How many of its objects the viewer may see. */
  objectCount: number;
}

export function presentCase(row: CaseRow, extras: CaseExtras): CaseView {
  return {
    id: row.id,
    owner: row.owner_node,
    title: row.title,
    summary: row.summary,
    kind: row.kind as CaseView['kind'],
    priority: row.priority as CaseView['priority'],
    status: row.status as CaseView['status'],
    priorityCase: row.priority_case === 1,
    autoShare: row.auto_share === 1,
    participants: extras.participants.filter((n) => n !== row.owner_node),
    links: extras.links.map((l) => ({ kind: l.kind, refId: l.ref_id })),
    objectCount: extras.objectCount,
    createdAt: iso(Number(row.created_at)),
    updatedAt: iso(Number(row.updated_at)),
    exerciseId: row.exercise_id ?? null,
  };
}

/** What an object's view shows beside its row: where it went, and how it was used. */
export interface ObjectExtras {
  sharedWith: string[];
  feedback: readonly StixFeedbackRow[];
}

export function presentObject(row: StixObjectRow, extras: ObjectExtras): ObjectView {
  const object = JSON.parse(row.body ?? '{}') as Stix;
  return {
    id: row.id,
    type: row.type,
    caseId: row.case_id,
    tlp: row.tlp,
    origin: row.origin_node,
    redRecipients: JSON.parse(row.red_recipients) as string[],
    revoked: row.revoked === 1,
    created: typeof object['created'] === 'string' ? object['created'] : null,
    modified: row.modified,
    label: row.label,
    object,
    sharedWith: extras.sharedWith,
    feedback: extras.feedback.map((f) => ({
      node: f.node_id,
      use: f.use as ObjectView['feedback'][number]['use'],
      note: f.note,
      by: f.actor,
      at: iso(Number(f.at)),
    })),
  };
}

/** One version of an object's history. */
export function presentVersion(version: StixVersionRow) {
  return {
    modified: version.modified,
    tlp: version.tlp,
    object: JSON.parse(version.body) as Stix,
  };
}

export function presentImport(row: ImportJobRow): ImportJobView {
  return {
    id: row.id,
    caseId: row.case_id,
    format: row.format,
    source: row.source,
    tlp: row.tlp,
    status: row.status,
    read: Number(row.read),
    imported: Number(row.imported),
    updated: Number(row.updated),
    unchanged: Number(row.unchanged),
    elsewhere: Number(row.elsewhere),
    failed: Number(row.failed),
    bytesRead: Number(row.resume_offset),
    bytesTotal: row.bytes_total === null ? null : Number(row.bytes_total),
    message: row.message,
    startedAt: iso(Number(row.started_at)),
    updatedAt: iso(Number(row.updated_at)),
    finishedAt: row.finished_at === null ? null : iso(Number(row.finished_at)),
  };
}

export function presentImportError(row: {
  n: number;
  position: number | null;
  object_id: string | null;
  reason: string;
}): ImportErrorView {
  return {
    n: Number(row.n),
    position: row.position === null ? null : Number(row.position),
    objectId: row.object_id,
    reason: row.reason,
  };
}
