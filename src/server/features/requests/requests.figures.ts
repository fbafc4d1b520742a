import { CLOSED_STATUSES, REQUEST_TYPES, type RequestStatus } from '../../../core/requests.js';
import type { PeriodQuery } from '../../../core/schemas/pings.js';
import type { FigureRow, RequestFigures } from '../../../core/schemas/requests.js';
import { median, percentile, share } from '../../../core/stats.js';
import type { RequestRow } from './requests.table.js';

const ANSWERED: readonly RequestStatus[] = CLOSED_STATUSES.filter(
  (status) => status !== 'withdrawn',
);

/**
 * Timeliness and quality figures: per direction and request type, for requests sent in
 * the period — the "status report" a dialogue meeting reviews. Definitions (so they can be
 * checked by hand): times run from sending; an answer is fulfilled, partially fulfilled
 * or declined; medians and percentiles as in core/stats.ts. Pure: the service reads `rows`
 * (the requests sent in the period) and `askedForMore` (those asked for more information).
 */
export function requestFigures(
  query: PeriodQuery,
  rows: readonly RequestRow[],
  askedForMore: ReadonlySet<string>,
  now: number,
): RequestFigures {
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
  list: readonly RequestRow[],
  askedForMore: ReadonlySet<string>,
  now: number,
): FigureRow {
  const sent = (r: RequestRow) => Number(r.sent_at);
  const ackTimes = list
    .filter((r) => r.acknowledged_at !== null)
    .map((r) => Number(r.acknowledged_at) - sent(r));
  const { answered, decided, inTime } = timeliness(list, now);
  const respondTimes = answered.map((r) => Number(r.closed_at) - sent(r));
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

/**
 * Which requests were answered, which are decided (answered, or past their deadline to
 * respond at `now` and not withdrawn) and which were answered by their deadline: the
 * "within deadline" share is inTime / decided. Also the dialogue's report and measures.
 */
export function timeliness(
  list: readonly RequestRow[],
  now: number,
): { answered: RequestRow[]; decided: RequestRow[]; inTime: RequestRow[] } {
  const answered = list.filter((r) => ANSWERED.includes(r.status) && r.closed_at !== null);
  const decided = list.filter(
    (r) =>
      (ANSWERED.includes(r.status) && r.closed_at !== null) ||
      (r.status !== 'withdrawn' && r.due_respond_at !== null && Number(r.due_respond_at) <= now),
  );
  const inTime = answered.filter(
    (r) => r.due_respond_at !== null && Number(r.closed_at) <= Number(r.due_respond_at),
  );
  return { answered, decided, inTime };
}
