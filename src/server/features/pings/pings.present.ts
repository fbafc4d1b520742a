import type { PeriodQuery, PingReport, PingView } from '../../../core/schemas/pings.js';
import { median, percentile, share } from '../../../core/stats.js';
import { iso, isoOrNull } from '../../clock.js';
import type { PingRow, PingScheduleRow } from './pings.table.js';

export interface ScheduleView {
  everyHours: number;
  nextAt: string | null;
}

export function presentPing(row: PingRow): PingView {
  const sent = Number(row.sent_at);
  const acked = row.acknowledged_at === null ? null : Number(row.acknowledged_at);
  return {
    id: row.id,
    peer: row.peer_id,
    direction: row.direction,
    contactId: row.contact_id,
    contactName: row.contact_name,
    sentAt: iso(sent),
    acknowledgedAt: isoOrNull(acked),
    acknowledgedBy: row.acknowledged_by,
    timeToAcknowledgeMs: row.direction === 'out' && acked !== null ? acked - sent : null,
    scheduled: row.scheduled === 1,
    exerciseId: row.exercise_id ?? null,
  };
}

/** A peer's ping schedule; none is every 0 hours. */
export function presentSchedule(row: PingScheduleRow | undefined): ScheduleView {
  return row
    ? { everyHours: Number(row.every_hours), nextAt: iso(Number(row.next_at)) }
    : { everyHours: 0, nextAt: null };
}

/** Times to acknowledge, of the pings that were answered. */
function answerTimes(list: readonly PingRow[]): number[] {
  return list
    .filter((r) => r.acknowledged_at !== null)
    .map((r) => Number(r.acknowledged_at) - Number(r.sent_at));
}

/**
 * The ping test report of the pings sent in the period (`rows`): the share answered, the
 * median and 90th percentile time, per contact, and the contacts that never answered.
 */
export function presentReport(query: PeriodQuery, rows: readonly PingRow[]): PingReport {
  const byContact = new Map<string, PingRow[]>();
  for (const row of rows) {
    const key = `${row.peer_id}\n${row.contact_id}`;
    byContact.set(key, [...(byContact.get(key) ?? []), row]);
  }
  const contacts = [...byContact.values()].map((list) => {
    const first = list[0] as PingRow;
    const answered = answerTimes(list);
    return {
      peer: first.peer_id,
      contactId: first.contact_id,
      contactName: first.contact_name,
      sent: list.length,
      answered: answered.length,
      medianMs: median(answered),
    };
  });
  contacts.sort(
    (a, b) => a.peer.localeCompare(b.peer) || a.contactName.localeCompare(b.contactName),
  );
  const all = answerTimes(rows);
  return {
    peer: query.peer ?? null,
    from: query.from ?? null,
    to: query.to ?? null,
    sent: rows.length,
    answered: all.length,
    answeredShare: share(all.length, rows.length),
    medianMs: median(all),
    p90Ms: percentile(all, 90),
    contacts,
    neverAnswered: contacts
      .filter((c) => c.answered === 0)
      .map(({ peer, contactId, contactName, sent }) => ({ peer, contactId, contactName, sent })),
  };
}
