import { request, upload } from '../../app/client';
import type { CaseList } from '../../app/types';
import type { EvidenceBody, EvidenceView } from '../../../src/core/schemas/dialogue-evidence';
import type { CommitmentList, DialogueList } from '../../../src/core/schemas/dialogues';
import type {
  AllowList,
  AllowListEntryBody,
  AllowListEntryView,
  ClusterList,
  CommitBody,
  CommitView,
  CreateReportBody,
  IndicatorView,
  ReportList,
  ReportView,
  ReviewBody,
  StoryView,
  UploadReportQuery,
  UrlReportBody,
} from '../../../src/core/schemas/reports';

export type ReviewState = IndicatorView['state'];
export type ExtractionKind = ReviewBody['items'][number]['kind'];

/** Reports (docs/reports.md): ingest, extractions and their review, stories, the allow-list. */

const enc = encodeURIComponent;

function paged(limit: number, cursor?: string | null, extra: Record<string, string> = {}) {
  const query = new URLSearchParams({ limit: String(limit), ...extra });
  if (cursor) query.set('cursor', cursor);
  return `?${query}`;
}

const report = (id: string) => `/api/reports/${enc(id)}`;

export function listReports(cursor?: string | null, clusterId?: string): Promise<ReportList> {
  return request('GET', `/api/reports${paged(50, cursor, clusterId ? { clusterId } : {})}`);
}

export function getReport(id: string): Promise<ReportView> {
  return request('GET', report(id));
}

export function createReport(body: CreateReportBody): Promise<ReportView> {
  return request('POST', '/api/reports', body);
}

/** The file's type as the node reads it: the browser's, else guessed from the name. */
export function fileType(file: { name: string; type: string }): string {
  if (file.type && file.type !== 'application/octet-stream') return file.type;
  const name = file.name.toLowerCase();
  if (name.endsWith('.pdf')) return 'application/pdf';
  if (name.endsWith('.docx'))
    return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  if (name.endsWith('.html') || name.endsWith('.htm')) return 'text/html';
  return 'text/plain';
}

export function uploadReport(file: File, query: UploadReportQuery): Promise<ReportView> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) search.set(key, String(value));
  return upload(`/api/reports/upload?${search}`, file, fileType(file));
}

export function reportFromUrl(body: UrlReportBody): Promise<ReportView> {
  return request('POST', '/api/reports/url', body);
}

export interface ReviewItem {
  kind: ExtractionKind;
  index: number;
  state: ReviewState;
}

export function review(id: string, items: ReviewItem[]): Promise<ReportView> {
  return request('POST', `${report(id)}/review`, { items });
}

export function commit(
  id: string,
  body: Partial<CommitBody> & { caseId: string },
): Promise<CommitView> {
  return request('POST', `${report(id)}/commit`, body);
}

export function listStories(cursor?: string | null): Promise<ClusterList> {
  return request('GET', `/api/reports/clusters${paged(50, cursor)}`);
}

export function getStory(id: string, cursor?: string | null): Promise<StoryView> {
  return request('GET', `/api/reports/clusters/${enc(id)}${paged(50, cursor)}`);
}

export function listAllowList(cursor?: string | null): Promise<AllowList> {
  return request('GET', `/api/reports/allow-list${paged(100, cursor)}`);
}

export function allow(body: AllowListEntryBody): Promise<AllowListEntryView> {
  return request('POST', '/api/reports/allow-list', body);
}

export function disallow(id: string): Promise<void> {
  return request('DELETE', `/api/reports/allow-list/${enc(id)}`);
}

/** The cases an analyst may commit a report to: those not closed (the latest 200). */
export async function openCases(): Promise<CaseList['cases']> {
  const list = await request<CaseList>('GET', '/api/cases?limit=200');
  return list.cases.filter((c) => c.status !== 'closed');
}

/** The dialogues a claim may be attached to as evidence (the latest 200). */
export async function dialoguesForEvidence(): Promise<DialogueList['dialogues']> {
  return (await request<DialogueList>('GET', '/api/dialogues?limit=200')).dialogues;
}

/** A dialogue's commitments (the first 200, by meeting and record order). */
export async function commitmentsForEvidence(
  dialogueId: string,
): Promise<CommitmentList['commitments']> {
  const list = await request<CommitmentList>(
    'GET',
    `/api/dialogues/${enc(dialogueId)}/commitments?limit=200`,
  );
  return list.commitments;
}

/** A claim of a report attached as evidence to a commitment (kept on this node). */
export function attachClaim(
  dialogueId: string,
  commitmentId: string,
  body: EvidenceBody,
): Promise<EvidenceView> {
  return request(
    'POST',
    `/api/dialogues/${enc(dialogueId)}/commitments/${enc(commitmentId)}/evidence`,
    body,
  );
}
