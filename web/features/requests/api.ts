import { request } from '../../app/client';
import type {
  ArrangementState,
  ArrangementTerms,
  ArrangementView,
  CreateRequestBody,
  MoveBody,
  RequestDetail,
  RequestView,
  UpdateDraftBody,
} from '../../app/types';

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

/** Deletes a draft of this node (204; 409 not_a_draft once sent). */
export function deleteRequest(id: string): Promise<void> {
  return request<void>('DELETE', `/api/requests/${encodeURIComponent(id)}`);
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
