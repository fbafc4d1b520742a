import { request, periodSearch } from '../../app/client';
import type {
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
  PeriodQuery,
} from '../../app/types';

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
  return request<ReviewReport>('GET', `/api/hotline/review${periodSearch(period)}`);
}

export function hotlineReviewCsvUrl(period: PeriodQuery): string {
  return `/api/hotline/review.csv${periodSearch(period)}`;
}
