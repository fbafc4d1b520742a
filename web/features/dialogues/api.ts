import { request } from '../../app/client';
import type {
  AttestationBody,
  CommitmentList,
  CommitmentState,
  CommitmentView,
  CreateDialogueBody,
  DialogueList,
  DialogueView,
  FromCorrectiveBody,
  MeetingBody,
  MeetingList,
  MeetingPatch,
  MeetingView,
  RecordContentBody,
  RecordVersionView,
  VersionList,
} from '../../../src/core/schemas/dialogues';
import type {
  EvidenceBearing,
  EvidenceBody,
  EvidenceList,
  EvidenceView,
} from '../../../src/core/schemas/dialogue-evidence';
import type {
  MeasureCurrent,
  MeasureHistory,
  StatusReport,
} from '../../../src/core/schemas/status-report';

/** The dialogue record (docs/dialogues.md): dialogues, meetings, their record, commitments. */

const enc = encodeURIComponent;

function paged(limit: number, cursor?: string | null, extra: Record<string, string> = {}) {
  const query = new URLSearchParams({ limit: String(limit), ...extra });
  if (cursor) query.set('cursor', cursor);
  return `?${query}`;
}

const dialogue = (id: string) => `/api/dialogues/${enc(id)}`;
const meeting = (id: string, meetingId: string) => `${dialogue(id)}/meetings/${enc(meetingId)}`;

export function listDialogues(cursor?: string | null): Promise<DialogueList> {
  return request('GET', `/api/dialogues${paged(50, cursor)}`);
}

export function getDialogue(id: string): Promise<DialogueView> {
  return request('GET', dialogue(id));
}

export function createDialogue(body: CreateDialogueBody): Promise<DialogueView> {
  return request('POST', '/api/dialogues', body);
}

export function listMeetings(id: string, cursor?: string | null): Promise<MeetingList> {
  return request('GET', `${dialogue(id)}/meetings${paged(50, cursor)}`);
}

export function getMeeting(id: string, meetingId: string): Promise<MeetingView> {
  return request('GET', meeting(id, meetingId));
}

export function addMeeting(id: string, body: MeetingBody): Promise<MeetingView> {
  return request('POST', `${dialogue(id)}/meetings`, body);
}

export function changeMeeting(
  id: string,
  meetingId: string,
  patch: MeetingPatch,
): Promise<MeetingView> {
  return request('PATCH', meeting(id, meetingId), patch);
}

export function listVersions(
  id: string,
  meetingId: string,
  cursor?: string | null,
): Promise<VersionList> {
  return request('GET', `${meeting(id, meetingId)}/versions${paged(50, cursor)}`);
}

export function saveDraft(
  id: string,
  meetingId: string,
  content: RecordContentBody,
): Promise<MeetingView> {
  return request('PUT', `${meeting(id, meetingId)}/draft`, content);
}

export function proposeRecord(
  id: string,
  meetingId: string,
  content?: RecordContentBody,
): Promise<RecordVersionView> {
  return request('POST', `${meeting(id, meetingId)}/record`, content ? { content } : {});
}

export function amendRecord(
  id: string,
  meetingId: string,
  version: number,
  content: RecordContentBody,
): Promise<RecordVersionView> {
  return request('POST', `${meeting(id, meetingId)}/record/${version}/amend`, content);
}

export function answerRecord(
  id: string,
  meetingId: string,
  version: number,
  answer: 'accept' | 'decline',
): Promise<RecordVersionView> {
  return request('POST', `${meeting(id, meetingId)}/record/${version}/${answer}`);
}

export interface CommitmentFilter {
  meetingId?: string;
  state?: CommitmentState | '';
  overdue?: boolean;
}

export function listCommitments(
  id: string,
  filter: CommitmentFilter,
  cursor?: string | null,
): Promise<CommitmentList> {
  const extra: Record<string, string> = {};
  if (filter.meetingId) extra.meetingId = filter.meetingId;
  if (filter.state) extra.state = filter.state;
  if (filter.overdue) extra.overdue = 'true';
  return request('GET', `${dialogue(id)}/commitments${paged(50, cursor, extra)}`);
}

export function getCommitment(id: string, commitmentId: string): Promise<CommitmentView> {
  return request('GET', `${dialogue(id)}/commitments/${enc(commitmentId)}`);
}

export function attest(
  id: string,
  commitmentId: string,
  body: AttestationBody,
): Promise<CommitmentView> {
  return request('PUT', `${dialogue(id)}/commitments/${enc(commitmentId)}/attestation`, body);
}

// ---- the status report and the measures ------------------------------------------------------

export interface ReportPeriod {
  peer?: string;
  dialogue?: string;
  from: string;
  to: string;
}

function reportQuery(period: ReportPeriod, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ from: period.from, to: period.to, ...extra });
  if (period.peer) query.set('peer', period.peer);
  if (period.dialogue) query.set('dialogue', period.dialogue);
  return `?${query}`;
}

export function getStatusReport(period: ReportPeriod): Promise<StatusReport> {
  return request('GET', `/api/status-report${reportQuery(period)}`);
}

/** The DOCX's address (a plain link: the session cookie goes with it). */
export function statusReportDocxUrl(period: ReportPeriod, lang: 'en' | 'zh-CN'): string {
  return `/api/status-report.docx${reportQuery(period, { lang })}`;
}

export function measureHistory(
  key: string,
  peer: string,
  cursor?: string | null,
): Promise<MeasureHistory> {
  const query = new URLSearchParams({ peer, limit: '20' });
  if (cursor) query.set('cursor', cursor);
  return request('GET', `/api/measures/${enc(key)}/history?${query}`);
}

export function listMeasures(peer: string): Promise<{ peer: string; measures: MeasureCurrent[] }> {
  return request('GET', `/api/measures?peer=${enc(peer)}`);
}

/** An exercise's corrective action becomes a commitment of the meeting's draft record. */
export function draftFromCorrective(
  id: string,
  meetingId: string,
  body: FromCorrectiveBody,
): Promise<MeetingView> {
  return request('POST', `${meeting(id, meetingId)}/draft/corrective-actions`, body);
}

/** Reports' claims this node holds as evidence of a commitment (never sent to the peer). */
export function listClaimEvidence(
  id: string,
  commitmentId: string,
  bearing: EvidenceBearing,
  cursor?: string | null,
): Promise<EvidenceList> {
  return request(
    'GET',
    `${dialogue(id)}/commitments/${enc(commitmentId)}/evidence${paged(20, cursor, { bearing })}`,
  );
}

export function attachClaim(
  id: string,
  commitmentId: string,
  body: EvidenceBody,
): Promise<EvidenceView> {
  return request('POST', `${dialogue(id)}/commitments/${enc(commitmentId)}/evidence`, body);
}

export function removeClaimEvidence(
  id: string,
  commitmentId: string,
  evidenceId: string,
): Promise<void> {
  return request(
    'DELETE',
    `${dialogue(id)}/commitments/${enc(commitmentId)}/evidence/${enc(evidenceId)}`,
  );
}
