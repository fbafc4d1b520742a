import { request } from '../../app/client';
import type { AuditEntryView } from '../../app/types';

export async function listAudit(
  opts: { limit?: number; before?: number } = {},
): Promise<AuditEntryView[]> {
  const query = new URLSearchParams();
  query.set('limit', String(opts.limit ?? 50));
  if (opts.before !== undefined) query.set('before', String(opts.before));
  const { entries } = await request<{ entries: AuditEntryView[] }>('GET', `/api/audit?${query}`);
  return entries;
}
