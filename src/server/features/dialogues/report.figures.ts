import { REQUEST_TYPES } from '../../../core/requests.js';
import type { ReportRequestRow, ReportSide } from '../../../core/schemas/status-report.js';
import { median, percentile, share } from '../../../core/stats.js';
import type { CallRow } from '../hotline/public.js';
import type { PingRow } from '../pings/public.js';
import { timeliness, type RequestRow } from '../requests/public.js';
import type { SideRecords } from './report.data.js';

/** A period [from, to) and the instant "now" is taken at (the earlier of now and `to`). */
export interface ReportPeriod {
  from: number;
  to: number;
  asOf: number;
}

const within = (period: ReportPeriod) => (ms: number) => ms >= period.from && ms < period.to;

/** Requests sent by one side: all, then each type sent, in the order of core/requests.ts. */
export function requestRows(list: readonly RequestRow[], asOf: number): ReportRequestRow[] {
  const rows: ReportRequestRow[] = [];
  for (const type of ['all', ...REQUEST_TYPES] as const) {
    const of = type === 'all' ? list : list.filter((r) => r.type === type);
    if (of.length === 0 && type !== 'all') continue;
    const { answered, decided, inTime } = timeliness(of, asOf);
    const times = answered.map((r) => Number(r.closed_at) - Number(r.sent_at));
    rows.push({
      type,
      sent: of.length,
      answered: answered.length,
      decided: decided.length,
      onTime: inTime.length,
      onTimeShare: share(inTime.length, decided.length),
      respondMedianMs: median(times),
      respondP90Ms: percentile(times, 90),
    });
  }
  return rows;
}

/** A call was acknowledged within the first rung's deadline, counted from its delivery. */
export function acknowledgedInTime(call: CallRow): boolean {
  return (
    call.delivered_at !== null &&
    call.acknowledged_at !== null &&
    Number(call.acknowledged_at) - Number(call.delivered_at) <= Number(call.acknowledge_within_ms)
  );
}

/** Delivered calls that were acknowledged, or whose first deadline had passed at `asOf`. */
export function callsDecided(calls: readonly CallRow[], asOf: number): CallRow[] {
  return calls.filter(
    (c) =>
      c.delivered_at !== null &&
      (c.acknowledged_at !== null ||
        Number(c.delivered_at) + Number(c.acknowledge_within_ms) <= asOf),
  );
}

export function hotlineFigures(calls: readonly CallRow[], asOf: number): ReportSide['hotline'] {
  const inTime = calls.filter(acknowledgedInTime).length;
  return {
    placed: calls.length,
    delivered: calls.filter((c) => c.delivered_at !== null).length,
    acknowledgedWithinDeadline: inTime,
    acknowledgedWithinDeadlineShare: share(inTime, callsDecided(calls, asOf).length),
    escalated: calls.filter((c) => c.rung !== null && Number(c.rung) > 1).length,
  };
}

/**
 * When a ping was answered, as both nodes know it: the answering officer's time (on the
 * receiver, its acknowledgement; on the sender, the time the acknowledgement carried; for a
 * ping answered before that time was kept, the time the answer arrived). Null: unanswered.
 */
export function pingAnsweredAt(ping: PingRow): number | null {
  if (ping.acknowledged_at === null) return null;
  if (ping.direction === 'out' && ping.answered_at !== null && ping.answered_at !== undefined) {
    return Number(ping.answered_at);
  }
  return Number(ping.acknowledged_at);
}

export function pingFigures(pings: readonly PingRow[]): ReportSide['pings'] {
  const times = pings.flatMap((p) => {
    const at = pingAnsweredAt(p);
    return at === null ? [] : [at - Number(p.sent_at)];
  });
  return {
    sent: pings.length,
    answered: times.length,
    answeredShare: share(times.length, pings.length),
    medianMs: median(times),
  };
}

/** One side's figures for the period (pure): what it started, and how the other answered. */
export function sideFigures(side: SideRecords, period: ReportPeriod, saysDone: number): ReportSide {
  const inPeriod = within(period);
  const ended = side.exercises.filter((e) => e.endedAt !== null && inPeriod(e.endedAt));
  const ratings = { P: 0, S: 0, M: 0, U: 0 };
  for (const e of ended) for (const r of e.part?.ratings ?? []) ratings[r.rating] += 1;
  const openActions = side.exercises
    .filter((e) => e.endedAt !== null && e.endedAt < period.to)
    .flatMap((e) => e.part?.correctiveActions ?? [])
    .filter((a) => a.status === 'open' || a.status === 'in_progress').length;
  return {
    node: side.node,
    requests: requestRows(side.requests, period.asOf),
    hotline: hotlineFigures(side.calls, period.asOf),
    pings: pingFigures(side.pings),
    sharing: { objectsShared: side.objectsShared, feedbackGiven: side.feedbackGiven },
    exercises: {
      aarShared: ended.filter((e) => e.part !== null).length,
      ratings,
      openCorrectiveActions: openActions,
    },
    commitments: { saysDone },
  };
}

/** The exercises with the peer whose clock was ended in the period (the same on both sides). */
export function exercisesRun(side: SideRecords, period: ReportPeriod): number {
  const inPeriod = within(period);
  return side.exercises.filter((e) => e.endedAt !== null && inPeriod(e.endedAt)).length;
}
