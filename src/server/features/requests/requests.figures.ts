import { CLOSED_STATUSES, REQUEST_TYPES, type RequestStatus } from '../../../core/requests.js';
import type { PeriodQuery } from '../../../core/schemas/pings.js';
import type { FigureRow, RequestFigures } from '../../../core/schemas/requests.js';
import { median, percentile, share } from '../../../core/stats.js';
import type { Db } from '../../store/database.js';
import type { RequestRow } from './requests.table.js';

const ANSWERED: readonly RequestStatus[] = CLOSED_STATUSES.filter(
  (status) => status !== 'withdrawn',
);

/**
 * Timeliness and quality figures: per direction and request type, for requests sent in
 * the period — the "status report" a dialogue meeting reviews. Definitions (so they can be
 * checked by hand): times run from sending; an answer is fulfilled, partially fulfilled
 * or declined; medians and percentiles as in core/stats.ts.
 */
export async function requestFigures(
  db: Db,
  query: PeriodQuery,
  now: number,
): Promise<RequestFigures> {
  let q = db.selectFrom('requests').selectAll().where('sent_at', 'is not', null);
  if (query.peer) q = q.where('peer_id', '=', query.peer);
  if (query.from) q = q.where('sent_at', '>=', Date.parse(query.from));
  if (query.to) q = q.where('sent_at', '<', Date.parse(query.to));
  const rows = await q.execute();
  const askedForMore = new Set(
    rows.length === 0
      ? []
      : (
          await db
            .selectFrom('request_events')
            .select('request_id')
            .where('action', '=', 'request_information')
            .where('applied', '=', 1)
            .where(
              'request_id',
              'in',
              rows.map((r) => r.id),
            )
            .execute()
        ).map((e) => e.request_id),
  );
  const figures: FigureRow[] = [];
  for (const direction of ['out', 'in'] as const) {
    const mine = rows.filter((r) => r.direction === direction);
    for (const type of ['all', ...REQUEST_TYPES] as const) {
      const list = type === 'all' ? mine : mine.filter((r) => r.type === type);
      if (list.length === 0 && type !== 'all') continue;
      figures.push(figureRow(direction, type, list, askedForMore, now));
    }
  }
  return {
    peer: query.peer ?? null,
    from: query.from ?? null,
    to: query.to ?? null,
    rows: figures,
  };
}

function figureRow(
  direction: 'out' | 'in',
  type: string,
  list: RequestRow[],
  askedForMore: Set<string>,
  now: number,
): FigureRow {
  const sent = (r: RequestRow) => Number(r.sent_at);
  const ackTimes = list
    .filter((r) => r.acknowledged_at !== null)
    .map((r) => Number(r.acknowledged_at) - sent(r));
  const answered = list.filter((r) => ANSWERED.includes(r.status) && r.closed_at !== null);
  const respondTimes = answered.map((r) => Number(r.closed_at) - sent(r));
  const decided = list.filter(
    (r) =>
      (ANSWERED.includes(r.status) && r.closed_at !== null) ||
      (r.status !== 'withdrawn' && r.due_respond_at !== null && Number(r.due_respond_at) <= now),
  );
  const inTime = answered.filter(
    (r) => r.due_respond_at !== null && Number(r.closed_at) <= Number(r.due_respond_at),
  );
  return {
    direction,
    type,
    count: list.length,
    acknowledged: ackTimes.length,
    acknowledgeMedianMs: median(ackTimes),
    acknowledgeP90Ms: percentile(ackTimes, 90),
    responded: answered.length,
    respondMedianMs: median(respondTimes),
    respondP90Ms: percentile(respondTimes, 90),
    withinDeadlineShare: share(inTime.length, decided.length),
    completeFirstTimeShare:
      direction === 'out'
        ? share(list.filter((r) => Number(r.send_refusals) === 0).length, list.length)
        : null,
    moreInformationShare: share(list.filter((r) => askedForMore.has(r.id)).length, list.length),
  };
}
