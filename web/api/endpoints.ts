import { request, setCsrfToken, upload } from './client';
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
  AddPeer,
  ArrangementState,
  ArrangementTerms,
  ArrangementView,
  AuditEntry,
  CallDetail,
  CallView,
  CoverageView,
  EscalateRequestBody,
  Ladder,
  PeerCoverageView,
  PlaceCallBody,
  ReviewReport,
  ShiftBody,
  ShiftView,
  WebhookBody,
  WebhookView,
  ContactBody,
  ContactView,
  CreateRequestBody,
  MoveBody,
  RequestDetail,
  RequestView,
  UpdateDraftBody,
  CreatedUser,
  MePatch,
  NewUser,
  NodeInfo,
  NoteView,
  PeerView,
  PeriodQuery,
  PingReport,
  PingView,
  RequestFigures,
  RejectionView,
  SessionView,
  User,
  UserPatch,
  CollectionAdminView,
  CollectionBody,
  ImportErrorPage,
  SearchResults,
  ImportFormat,
  ImportJobView,
  SubscriptionBody,
  SubscriptionView,
  TlpLevel,
  TokenView,
  UrlImportBody,
} from './types';

// One function per route of docs/api.md that the web app uses.

export async function getSession(): Promise<SessionView> {
  const session = await request<SessionView>('GET', '/api/session');
  setCsrfToken(session.csrfToken);
  return session;
}

export async function login(username: string, password: string): Promise<SessionView> {
  const session = await request<SessionView>('POST', '/api/session', { username, password });
  setCsrfToken(session.csrfToken);
  return session;
}

export async function logout(): Promise<void> {
  try {
    await request<void>('DELETE', '/api/session');
  } finally {
    setCsrfToken(null);
  }
}

export function getMe(): Promise<User> {
  return request<User>('GET', '/api/me');
}

export function updateMe(patch: MePatch): Promise<User> {
  return request<User>('PATCH', '/api/me', patch);
}

export function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  return request<void>('POST', '/api/me/password', { currentPassword, newPassword });
}

export function getNode(): Promise<NodeInfo> {
  return request<NodeInfo>('GET', '/api/node');
}

export async function listUsers(): Promise<User[]> {
  const { users } = await request<{ users: User[] }>('GET', '/api/users');
  return users;
}

export function createUser(user: NewUser): Promise<CreatedUser> {
  return request<CreatedUser>('POST', '/api/users', user);
}

export function updateUser(id: string, patch: UserPatch): Promise<User> {
  return request<User>('PATCH', `/api/users/${encodeURIComponent(id)}`, patch);
}

export async function resetPassword(id: string): Promise<string> {
  const { password } = await request<{ password: string }>(
    'POST',
    `/api/users/${encodeURIComponent(id)}/password-reset`,
  );
  return password;
}

export async function listAudit(
  opts: { limit?: number; before?: number } = {},
): Promise<AuditEntry[]> {
  const query = new URLSearchParams();
  query.set('limit', String(opts.limit ?? 50));
  if (opts.before !== undefined) query.set('before', String(opts.before));
  const { entries } = await request<{ entries: AuditEntry[] }>('GET', `/api/audit?${query}`);
  return entries;
}

export async function listPeers(): Promise<PeerView[]> {
  const { peers } = await request<{ peers: PeerView[] }>('GET', '/api/federation/peers');
  return peers;
}

export function addPeer(peer: AddPeer): Promise<PeerView> {
  return request<PeerView>('POST', '/api/federation/peers', peer);
}

export function setPeerActive(nodeId: string, active: boolean): Promise<PeerView> {
  const verb = active ? 'resume' : 'suspend';
  return request<PeerView>('POST', `/api/federation/peers/${encodeURIComponent(nodeId)}/${verb}`);
}

export function removePeer(nodeId: string): Promise<void> {
  return request<void>('DELETE', `/api/federation/peers/${encodeURIComponent(nodeId)}`);
}

export async function listRejections(limit = 100): Promise<RejectionView[]> {
  const { rejections } = await request<{ rejections: RejectionView[] }>(
    'GET',
    `/api/federation/rejections?limit=${limit}`,
  );
  return rejections;
}

export async function listNotes(opts: { peer?: string; limit?: number } = {}): Promise<NoteView[]> {
  const query = new URLSearchParams();
  query.set('limit', String(opts.limit ?? 100));
  if (opts.peer) query.set('peer', opts.peer);
  const { notes } = await request<{ notes: NoteView[] }>('GET', `/api/notes?${query}`);
  return notes;
}

export function sendNote(peer: string, text: string): Promise<NoteView> {
  return request<NoteView>('POST', '/api/notes', { peer, text });
}

export async function listContacts(node?: string): Promise<ContactView[]> {
  const query = node ? `?node=${encodeURIComponent(node)}` : '';
  const { contacts } = await request<{ contacts: ContactView[] }>('GET', `/api/contacts${query}`);
  return contacts;
}

export function createContact(body: ContactBody): Promise<ContactView> {
  return request<ContactView>('POST', '/api/contacts', body);
}

export function updateContact(id: string, body: ContactBody): Promise<ContactView> {
  return request<ContactView>('PUT', `/api/contacts/${encodeURIComponent(id)}`, body);
}

export function confirmContact(id: string): Promise<ContactView> {
  return request<ContactView>('POST', `/api/contacts/${encodeURIComponent(id)}/confirm`);
}

export function removeContact(id: string): Promise<void> {
  return request<void>('DELETE', `/api/contacts/${encodeURIComponent(id)}`);
}

export function getArrangement(peer: string): Promise<ArrangementState> {
  return request<ArrangementState>('GET', `/api/arrangements/${encodeURIComponent(peer)}`);
}

export function proposeArrangement(
  peer: string,
  terms: ArrangementTerms,
): Promise<ArrangementView> {
  return request<ArrangementView>('POST', `/api/arrangements/${encodeURIComponent(peer)}`, {
    terms,
  });
}

export function answerArrangement(
  peer: string,
  version: number,
  answer: 'accept' | 'decline',
): Promise<ArrangementView> {
  return request<ArrangementView>(
    'POST',
    `/api/arrangements/${encodeURIComponent(peer)}/${version}/${answer}`,
  );
}

export async function listRequests(
  opts: { direction?: 'in' | 'out'; status?: string; open?: boolean; peer?: string } = {},
): Promise<RequestView[]> {
  const query = new URLSearchParams();
  if (opts.direction) query.set('direction', opts.direction);
  if (opts.status) query.set('status', opts.status);
  if (opts.open !== undefined) query.set('open', String(opts.open));
  if (opts.peer) query.set('peer', opts.peer);
  const { requests } = await request<{ requests: RequestView[] }>('GET', `/api/requests?${query}`);
  return requests;
}

export function getRequest(id: string): Promise<RequestDetail> {
  return request<RequestDetail>('GET', `/api/requests/${encodeURIComponent(id)}`);
}

export function createRequest(body: CreateRequestBody): Promise<RequestView> {
  return request<RequestView>('POST', '/api/requests', body);
}

export function updateDraft(id: string, patch: UpdateDraftBody): Promise<RequestView> {
  return request<RequestView>('PATCH', `/api/requests/${encodeURIComponent(id)}`, patch);
}

export function sendRequest(id: string): Promise<RequestView> {
  return request<RequestView>('POST', `/api/requests/${encodeURIComponent(id)}/send`);
}

export function moveRequest(id: string, move: MoveBody): Promise<RequestDetail> {
  return request<RequestDetail>('POST', `/api/requests/${encodeURIComponent(id)}/moves`, move);
}

export function attachmentUrl(requestId: string, attachmentId: string): string {
  return `/api/requests/${encodeURIComponent(requestId)}/attachments/${encodeURIComponent(attachmentId)}`;
}

function periodQuery(period: PeriodQuery): string {
  const query = new URLSearchParams();
  if (period.peer) query.set('peer', period.peer);
  if (period.from) query.set('from', period.from);
  if (period.to) query.set('to', period.to);
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

export async function listPings(
  opts: { direction?: 'in' | 'out'; pending?: boolean; peer?: string; limit?: number } = {},
): Promise<PingView[]> {
  const query = new URLSearchParams();
  if (opts.direction) query.set('direction', opts.direction);
  if (opts.pending !== undefined) query.set('pending', String(opts.pending));
  if (opts.peer) query.set('peer', opts.peer);
  if (opts.limit !== undefined) query.set('limit', String(opts.limit));
  const { pings } = await request<{ pings: PingView[] }>('GET', `/api/pings?${query}`);
  return pings;
}

export async function sendPings(peer: string, contacts?: string[]): Promise<PingView[]> {
  const body = contacts ? { peer, contacts } : { peer };
  const { pings } = await request<{ pings: PingView[] }>('POST', '/api/pings', body);
  return pings;
}

export function getPingSchedule(
  peer: string,
): Promise<{ everyHours: number; nextAt: string | null }> {
  return request('GET', `/api/pings/schedule/${encodeURIComponent(peer)}`);
}

export function setPingSchedule(
  peer: string,
  everyHours: number,
): Promise<{ everyHours: number; nextAt: string | null }> {
  return request('PUT', `/api/pings/schedule/${encodeURIComponent(peer)}`, { everyHours });
}

export function acknowledgePing(id: string): Promise<PingView> {
  return request<PingView>('POST', `/api/pings/${encodeURIComponent(id)}/acknowledge`);
}

export function getPingReport(period: PeriodQuery): Promise<PingReport> {
  return request<PingReport>('GET', `/api/pings/report${periodQuery(period)}`);
}

export function pingReportCsvUrl(period: PeriodQuery): string {
  return `/api/pings/report.csv${periodQuery(period)}`;
}

export function getFigures(period: PeriodQuery): Promise<RequestFigures> {
  return request<RequestFigures>('GET', `/api/requests/figures${periodQuery(period)}`);
}

export function figuresCsvUrl(period: PeriodQuery): string {
  return `/api/requests/figures.csv${periodQuery(period)}`;
}

// The hotline: calls, the ladder, the duty roster and its coverage, webhooks, the review.

export async function listCalls(
  opts: { direction?: 'in' | 'out'; open?: boolean; peer?: string; limit?: number } = {},
): Promise<CallView[]> {
  const query = new URLSearchParams();
  if (opts.direction) query.set('direction', opts.direction);
  if (opts.open !== undefined) query.set('open', String(opts.open));
  if (opts.peer) query.set('peer', opts.peer);
  if (opts.limit !== undefined) query.set('limit', String(opts.limit));
  const { calls } = await request<{ calls: CallView[] }>('GET', `/api/hotline/calls?${query}`);
  return calls;
}

export function placeCall(body: PlaceCallBody): Promise<CallDetail> {
  return request<CallDetail>('POST', '/api/hotline/calls', body);
}

export function getCall(id: string): Promise<CallDetail> {
  return request<CallDetail>('GET', `/api/hotline/calls/${encodeURIComponent(id)}`);
}

export function markCallSeen(id: string): Promise<CallDetail> {
  return request<CallDetail>('POST', `/api/hotline/calls/${encodeURIComponent(id)}/seen`);
}

export function acknowledgeCall(id: string): Promise<CallDetail> {
  return request<CallDetail>('POST', `/api/hotline/calls/${encodeURIComponent(id)}/acknowledge`);
}

export function resolveCall(id: string, outcome: string): Promise<CallDetail> {
  return request<CallDetail>('POST', `/api/hotline/calls/${encodeURIComponent(id)}/resolve`, {
    outcome,
  });
}

export function escalateRequest(
  requestId: string,
  body: Partial<EscalateRequestBody>,
): Promise<CallDetail> {
  return request<CallDetail>(
    'POST',
    `/api/requests/${encodeURIComponent(requestId)}/escalate`,
    body,
  );
}

export function getLadder(): Promise<Ladder> {
  return request<Ladder>('GET', '/api/hotline/ladder');
}

export function saveLadder(ladder: Ladder): Promise<Ladder> {
  return request<Ladder>('PUT', '/api/hotline/ladder', ladder);
}

export async function listWebhooks(): Promise<WebhookView[]> {
  const { webhooks } = await request<{ webhooks: WebhookView[] }>('GET', '/api/hotline/webhooks');
  return webhooks;
}

export function createWebhook(body: WebhookBody): Promise<WebhookView> {
  return request<WebhookView>('POST', '/api/hotline/webhooks', body);
}

export function updateWebhook(id: string, patch: Partial<WebhookBody>): Promise<WebhookView> {
  return request<WebhookView>('PATCH', `/api/hotline/webhooks/${encodeURIComponent(id)}`, patch);
}

export function removeWebhook(id: string): Promise<void> {
  return request<void>('DELETE', `/api/hotline/webhooks/${encodeURIComponent(id)}`);
}

export async function listShifts(): Promise<ShiftView[]> {
  const { shifts } = await request<{ shifts: ShiftView[] }>('GET', '/api/hotline/shifts');
  return shifts;
}

export function createShift(body: ShiftBody): Promise<ShiftView> {
  return request<ShiftView>('POST', '/api/hotline/shifts', body);
}

export function updateShift(id: string, body: ShiftBody): Promise<ShiftView> {
  return request<ShiftView>('PUT', `/api/hotline/shifts/${encodeURIComponent(id)}`, body);
}

export function removeShift(id: string): Promise<void> {
  return request<void>('DELETE', `/api/hotline/shifts/${encodeURIComponent(id)}`);
}

export function getCoverage(from: string, hours: number): Promise<CoverageView> {
  const query = new URLSearchParams({ from, hours: String(hours) });
  return request<CoverageView>('GET', `/api/hotline/coverage?${query}`);
}

export function getPeerCoverage(peer: string): Promise<PeerCoverageView> {
  return request<PeerCoverageView>(
    'GET',
    `/api/hotline/coverage/peers/${encodeURIComponent(peer)}`,
  );
}

export function getHotlineReview(period: PeriodQuery): Promise<ReviewReport> {
  return request<ReviewReport>('GET', `/api/hotline/review${periodQuery(period)}`);
}

export function hotlineReviewCsvUrl(period: PeriodQuery): string {
  return `/api/hotline/review.csv${periodQuery(period)}`;
}

// Cases and shared intelligence: cases, their STIX 2.1 objects, sharing, feedback, report.

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
  return request<CaseReport>('GET', `/api/cases/report${periodQuery(period)}`);
}

export function caseReportCsvUrl(period: PeriodQuery): string {
  return `/api/cases/report.csv${periodQuery(period)}`;
}

/**
 * The search box on every page: requests, notes, calls, cases and objects this user may
 * see, values in the query exactly first; `cursor` is the `next` of the page before.
 */
export function searchEverything(q: string, limit = 50, cursor?: string): Promise<SearchResults> {
  const query = new URLSearchParams({ q, limit: String(limit) });
  if (cursor) query.set('cursor', cursor);
  return request<SearchResults>('GET', `/api/search?${query}`);
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

// TAXII 2.1: the collections this node serves and the remote collections cases subscribe to.

/** My tokens; with `all`, every active token of the node (the admin). */
export async function listTokens(all = false): Promise<TokenView[]> {
  const { tokens } = await request<{ tokens: TokenView[] }>(
    'GET',
    all ? '/api/tokens?all=true' : '/api/tokens',
  );
  return tokens;
}

export async function listTaxiiCollections(): Promise<CollectionAdminView[]> {
  const { collections } = await request<{ collections: CollectionAdminView[] }>(
    'GET',
    '/api/taxii/collections',
  );
  return collections;
}

export function createTaxiiCollection(body: CollectionBody): Promise<CollectionAdminView> {
  return request<CollectionAdminView>('POST', '/api/taxii/collections', body);
}

export function updateTaxiiCollection(
  id: string,
  body: CollectionBody,
): Promise<CollectionAdminView> {
  return request<CollectionAdminView>(
    'PUT',
    `/api/taxii/collections/${encodeURIComponent(id)}`,
    body,
  );
}

export function removeTaxiiCollection(id: string): Promise<void> {
  return request<void>('DELETE', `/api/taxii/collections/${encodeURIComponent(id)}`);
}

export async function listTaxiiSubscriptions(): Promise<SubscriptionView[]> {
  const { subscriptions } = await request<{ subscriptions: SubscriptionView[] }>(
    'GET',
    '/api/taxii/subscriptions',
  );
  return subscriptions;
}

export function createTaxiiSubscription(body: SubscriptionBody): Promise<SubscriptionView> {
  return request<SubscriptionView>('POST', '/api/taxii/subscriptions', body);
}

export function pollTaxiiSubscription(id: string): Promise<SubscriptionView> {
  return request<SubscriptionView>(
    'POST',
    `/api/taxii/subscriptions/${encodeURIComponent(id)}/poll`,
  );
}

export function removeTaxiiSubscription(id: string): Promise<void> {
  return request<void>('DELETE', `/api/taxii/subscriptions/${encodeURIComponent(id)}`);
}
