import { request, periodSearch } from '../../app/client';
import type { PeriodQuery, PingReport, PingView } from '../../app/types';

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
  return request<PingReport>('GET', `/api/pings/report${periodSearch(period)}`);
}

export function pingReportCsvUrl(period: PeriodQuery): string {
  return `/api/pings/report.csv${periodSearch(period)}`;
}
