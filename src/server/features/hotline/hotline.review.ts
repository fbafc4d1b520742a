import { PRIORITIES, TIERS } from '../../../core/hotline.js';
import type { ReviewReport, ReviewSide } from '../../../core/schemas/hotline.js';
import type { PeriodQuery } from '../../../core/schemas/pings.js';
import { median, percentile } from '../../../core/stats.js';
import { iso } from '../../clock.js';
import type { Db } from '../../store/database.js';
import { callsCreatedBetween } from './hotline.repository.js';
import type { CallRow } from './hotline.table.js';

function times(values: number[]): ReviewSide['deliver'] {
  return { count: values.length, medianMs: median(values), p90Ms: percentile(values, 90) };
}

function side(rows: CallRow[]): ReviewSide {
  const byTier = Object.fromEntries(
    TIERS.map((tier) => [tier, Object.fromEntries(PRIORITIES.map((p) => [p, 0]))]),
  ) as ReviewSide['byTier'];
  const rungsReached: Record<string, number> = {};
  const deliver: number[] = [];
  const acknowledge: number[] = [];
  for (const row of rows) {
    byTier[row.tier][row.priority] += 1;
    if (row.delivered_at !== null) deliver.push(Number(row.delivered_at) - Number(row.created_at));
    if (row.delivered_at !== null && row.acknowledged_at !== null) {
      acknowledge.push(Number(row.acknowledged_at) - Number(row.delivered_at));
    }
    if (row.rung !== null) {
      const key = String(row.rung);
      rungsReached[key] = (rungsReached[key] ?? 0) + 1;
    }
  }
  return {
    calls: rows.length,
    byTier,
    deliver: times(deliver),
    acknowledge: times(acknowledge),
    rungsReached,
    notDelivered: rows.filter((row) => row.not_delivered_at !== null).length,
    neverAcknowledged: rows
      .filter((row) => row.acknowledged_at === null)
      .map((row) => ({
        id: row.id,
        peer: row.peer_id,
        tier: row.tier,
        priority: row.priority,
        subject: row.subject,
        createdAt: iso(Number(row.created_at)),
        state: row.state,
      })),
  };
}

/** The calls placed in the period (with the peer, when it names one). */
function callsOfPeriod(db: Db, query: PeriodQuery): Promise<CallRow[]> {
  return callsCreatedBetween(db, {
    peer: query.peer,
    from: query.from ? Date.parse(query.from) : undefined,
    to: query.to ? Date.parse(query.to) : undefined,
  });
}

/**
 * The routine review of the hotline's use (the sides agreed to one): per direction, the
 * calls by tier and priority, time to deliver and to acknowledge (median, nearest-rank
 * p90), the highest rung each call reached, the calls not delivered in time, and every
 * call nobody acknowledged. Calls are counted in the period they were placed.
 */
export async function hotlineReview(db: Db, query: PeriodQuery): Promise<ReviewReport> {
  const rows = await callsOfPeriod(db, query);
  return {
    peer: query.peer ?? null,
    from: query.from ?? null,
    to: query.to ?? null,
    out: side(rows.filter((row) => row.direction === 'out')),
    in: side(rows.filter((row) => row.direction === 'in')),
  };
}

export const REVIEW_CSV_HEADER = [
  'direction',
  'call_id',
  'peer',
  'tier',
  'priority',
  'subject',
  'created_at',
  'state',
  'delivered_at',
  'deliver_ms',
  'acknowledged_at',
  'acknowledged_by',
  'acknowledge_ms',
  'highest_rung',
  'not_delivered_at',
] as const;

/** The review's calls as CSV rows, one per call, in the order they were placed. */
export async function reviewCsvRows(db: Db, query: PeriodQuery): Promise<unknown[][]> {
  const rows = await callsOfPeriod(db, query);
  const at = (ms: number | null) => (ms === null ? null : iso(Number(ms)));
  return rows.map((row) => [
    row.direction,
    row.id,
    row.peer_id,
    row.tier,
    row.priority,
    row.subject,
    iso(Number(row.created_at)),
    row.state,
    at(row.delivered_at),
    row.delivered_at === null ? null : Number(row.delivered_at) - Number(row.created_at),
    at(row.acknowledged_at),
    row.acknowledged_by,
    row.delivered_at === null || row.acknowledged_at === null
      ? null
      : Number(row.acknowledged_at) - Number(row.delivered_at),
    row.rung,
    at(row.not_delivered_at),
  ]);
}
