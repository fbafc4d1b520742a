import { request, upload, periodSearch } from '../../app/client';
import type {
  AddObjectBody,
  CaseDetail,
  CaseLink,
  CaseList,
  CaseReport,
  CaseSearchResult,
  CaseStatus,
  CaseView,
  CreateCaseBody,
  FeedbackBody,
  MarkingBody,
  ObjectPage,
  ObjectVersion,
  ObjectView,
  ObjectsQuery,
  ShareBody,
  ShareResult,
  UpdateCaseBody,
  PeriodQuery,
  ImportErrorPage,
  ImportFormat,
  ImportJobView,
  TlpLevel,
  UrlImportBody,
} from '../../app/types';

function casePath(id: string, rest = ''): string {
  return `/api/cases/${encodeURIComponent(id)}${rest}`;
}

function objectPath(caseId: string, objectId: string, rest = ''): string {
  return casePath(caseId, `/objects/${encodeURIComponent(objectId)}${rest}`);
}

/** A page of cases, most recently changed first; pass `next` as `cursor` for the one after. */
export function listCases(
  opts: { status?: CaseStatus; priorityCase?: boolean; limit?: number; cursor?: string } = {},
): Promise<CaseList> {
  const query = new URLSearchParams();
  if (opts.status) query.set('status', opts.status);
  if (opts.priorityCase !== undefined) query.set('priorityCase', String(opts.priorityCase));
  if (opts.limit !== undefined) query.set('limit', String(opts.limit));
  if (opts.cursor) query.set('cursor', opts.cursor);
  return request<CaseList>('GET', `/api/cases?${query}`);
}

export function createCase(body: Partial<CreateCaseBody>): Promise<CaseView> {
  return request<CaseView>('POST', '/api/cases', body);
}

/** `?type=…&tlp=…` for a case's objects query; the server's defaults are left out. */
function objectsQuery(query: ObjectsQuery): string {
  const params = new URLSearchParams();
  if (query.type) params.set('type', query.type);
  if (query.tlp) params.set('tlp', query.tlp);
  if (query.q && query.q.trim() !== '') params.set('q', query.q.trim());
  if (query.shared) params.set('shared', query.shared);
  if (query.sort && query.sort !== 'recent') params.set('sort', query.sort);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.cursor) params.set('cursor', query.cursor);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The case with the first page of its objects (as `query` filters and sorts them). */
export function getCase(id: string, query: ObjectsQuery = {}): Promise<CaseDetail> {
  return request<CaseDetail>('GET', casePath(id, objectsQuery(query)));
}

/** A page of the case's objects this user may see; `next` asks for the one after it. */
export function listCaseObjects(id: string, query: ObjectsQuery = {}): Promise<ObjectPage> {
  return request<ObjectPage>('GET', casePath(id, `/objects${objectsQuery(query)}`));
}

export function updateCase(id: string, patch: UpdateCaseBody): Promise<CaseView> {
  return request<CaseView>('PATCH', casePath(id), patch);
}

export function addCaseParticipant(id: string, peer: string): Promise<CaseView> {
  return request<CaseView>('POST', casePath(id, '/participants'), { peer });
}

export function linkToCase(id: string, link: CaseLink): Promise<CaseView> {
  return request<CaseView>('POST', casePath(id, '/links'), link);
}

export function shareCase(id: string, body: ShareBody): Promise<ShareResult> {
  return request<ShareResult>('POST', casePath(id, '/share'), body);
}

/** The case as a STIX 2.1 bundle (a JSON download). */
export function caseExportUrl(id: string): string {
  return casePath(id, '/export');
}

export function addCaseObject(id: string, body: Partial<AddObjectBody>): Promise<ObjectView> {
  return request<ObjectView>('POST', casePath(id, '/objects'), body);
}

export function updateCaseObject(
  caseId: string,
  objectId: string,
  changes: Record<string, unknown>,
): Promise<ObjectView> {
  return request<ObjectView>('PATCH', objectPath(caseId, objectId), { changes });
}

export function deleteCaseObject(caseId: string, objectId: string): Promise<void> {
  return request<void>('DELETE', objectPath(caseId, objectId));
}

export function revokeCaseObject(caseId: string, objectId: string): Promise<ObjectView> {
  return request<ObjectView>('POST', objectPath(caseId, objectId, '/revoke'));
}

export function setObjectMarking(
  caseId: string,
  objectId: string,
  body: Partial<MarkingBody>,
): Promise<ObjectView> {
  return request<ObjectView>('POST', objectPath(caseId, objectId, '/marking'), body);
}

/** One object of a case as it is now. */
export function getCaseObject(caseId: string, objectId: string): Promise<ObjectView> {
  return request<ObjectView>('GET', objectPath(caseId, objectId));
}

export async function getObjectHistory(caseId: string, objectId: string): Promise<ObjectVersion[]> {
  const { versions } = await request<{ versions: ObjectVersion[] }>(
    'GET',
    objectPath(caseId, objectId, '/history'),
  );
  return versions;
}

export function giveFeedback(
  caseId: string,
  objectId: string,
  body: FeedbackBody,
): Promise<ObjectView> {
  return request<ObjectView>('POST', objectPath(caseId, objectId, '/feedback'), body);
}

export async function searchCases(q: string, type?: string): Promise<CaseSearchResult[]> {
  const query = new URLSearchParams({ q });
  if (type) query.set('type', type);
  const { results } = await request<{ results: CaseSearchResult[] }>(
    'GET',
    `/api/cases/search?${query}`,
  );
  return results;
}

export function getCaseReport(period: PeriodQuery): Promise<CaseReport> {
  return request<CaseReport>('GET', `/api/cases/report${periodSearch(period)}`);
}

export function caseReportCsvUrl(period: PeriodQuery): string {
  return `/api/cases/report.csv${periodSearch(period)}`;
}

// Bulk imports into a case: a file sent as it is, or a URL the node fetches.

export function importFile(
  caseId: string,
  file: File,
  opts: { format: ImportFormat; tlp: TlpLevel },
): Promise<ImportJobView> {
  const query = new URLSearchParams({ format: opts.format, tlp: opts.tlp, name: file.name });
  return upload<ImportJobView>(casePath(caseId, `/imports?${query}`), file);
}

export function importUrl(caseId: string, body: UrlImportBody): Promise<ImportJobView> {
  return request<ImportJobView>('POST', casePath(caseId, '/imports/url'), body);
}

/** The case's imports, newest first. */
export async function listImports(caseId: string): Promise<ImportJobView[]> {
  const { imports } = await request<{ imports: ImportJobView[] }>(
    'GET',
    casePath(caseId, '/imports'),
  );
  return imports;
}

export function getImport(id: string): Promise<ImportJobView> {
  return request<ImportJobView>('GET', `/api/imports/${encodeURIComponent(id)}`);
}

export function listImportErrors(id: string, after = 0, limit = 100): Promise<ImportErrorPage> {
  const query = new URLSearchParams({ after: String(after), limit: String(limit) });
  return request<ImportErrorPage>('GET', `/api/imports/${encodeURIComponent(id)}/errors?${query}`);
}

export function resumeImport(id: string): Promise<ImportJobView> {
  return request<ImportJobView>('POST', `/api/imports/${encodeURIComponent(id)}/resume`);
}
