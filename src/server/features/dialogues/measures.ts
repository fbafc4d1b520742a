import type { z } from 'zod';
import type { MeasureDefinition } from '../../../core/schemas/status-report.js';
import { share } from '../../../core/stats.js';
import type { Db } from '../../store/database.js';
import { termsInForce } from '../arrangements/public.js';
import { timeliness } from '../requests/public.js';
import { sharedRecords, type SharedRecords } from './report.data.js';
import { acknowledgedInTime, callsDecided, pingAnsweredAt } from './report.figures.js';

/** The window the rolling measures look back over, ending at the reading. */
export const MEASURE_WINDOW_DAYS = 90;
const DAY = 86_400_000;
const WINDOW = MEASURE_WINDOW_DAYS * DAY;

type Definition = z.infer<typeof MeasureDefinition>;

interface Measure extends Definition {
  /** The value from the records both nodes hold with the peer (the same on both nodes). */
  compute(
    records: SharedRecords,
    now: number,
    extra: { arrangementVersion: number },
  ): number | null;
}

const both = <T>(records: SharedRecords, pick: (side: SharedRecords['here']) => T[]): T[] => [
  ...pick(records.here),
  ...pick(records.there),
];

/**
 * The measures, each between this node and one peer, both ways, from records both nodes hold
 * (so both nodes read the same value). Exercise items never count. The rolling ones look at
 * the 90 days up to the reading: [now − 90 days, now].
 */
export const MEASURES: readonly Measure[] = [
  {
    key: 'pings.answered_share',
    unit: 'share',
    title: { en: 'Ping tests answered', zh: '已应答的联络测试' },
    definition:
      'Ping tests sent either way in the last 90 days that were answered, divided by those sent; null if none were sent.',
    compute: (r) => {
      const pings = both(r, (s) => s.pings);
      return share(pings.filter((p) => pingAnsweredAt(p) !== null).length, pings.length);
    },
  },
  {
    key: 'hotline.acknowledged_in_time_share',
    unit: 'share',
    title: { en: 'Hotline calls acknowledged within the deadline', zh: '在时限内确认的热线呼叫' },
    definition:
      'Hotline calls placed either way in the last 90 days and acknowledged within the first rung’s deadline (acknowledged − delivered ≤ the call’s time to acknowledge), divided by the delivered calls that were acknowledged or whose first deadline has passed; null if none.',
    compute: (r, now) => {
      const calls = both(r, (s) => s.calls);
      return share(calls.filter(acknowledgedInTime).length, callsDecided(calls, now).length);
    },
  },
  {
    key: 'arrangement.in_force',
    unit: 'flag',
    title: { en: 'An arrangement in force', zh: '已生效的安排' },
    definition:
      '1 when both sides have accepted a version of the arrangement with the peer (version 1 or later), 0 while only the built-in default applies.',
    compute: (_r, _now, extra) => (extra.arrangementVersion > 0 ? 1 : 0),
  },
  {
    key: 'requests.on_time_share',
    unit: 'share',
    title: { en: 'Requests answered on time', zh: '按时答复的请求' },
    definition:
      'Requests sent either way in the last 90 days that were answered (fulfilled, partially fulfilled or declined) by their deadline to respond, divided by those answered or past that deadline (not withdrawn); null if none.',
    compute: (r, now) => {
      const { decided, inTime } = timeliness(
        both(r, (s) => s.requests),
        now,
      );
      return share(inTime.length, decided.length);
    },
  },
  {
    key: 'sharing.objects_per_month',
    unit: 'per_month',
    title: { en: 'Objects shared per month', zh: '每月共享的对象' },
    definition:
      'STIX objects shared either way whose latest version was sent (received) in the last 90 days, divided by 3.',
    compute: (r) => (r.here.objectsShared + r.there.objectsShared) / 3,
  },
  {
    key: 'sharing.feedback_given',
    unit: 'count',
    title: { en: 'Feedback given', zh: '已提供的反馈' },
    definition:
      'Feedback given in the last 90 days by either side on objects the other side shared (the current answer of each side on each object).',
    compute: (r) => r.here.feedbackGiven + r.there.feedbackGiven,
  },
  {
    key: 'exercises.finished_with_aar',
    unit: 'count',
    title: { en: 'Finished exercises with their AAR', zh: '已结束并有演练后报告的演练' },
    definition:
      'Exercises with the peer (ever) whose clock was ended and whose after-action report both sides have shared.',
    compute: (r) =>
      r.here.exercises.filter(
        (e, i) => e.endedAt !== null && e.part !== null && r.there.exercises[i]?.part != null,
      ).length,
  },
];

export const MEASURE_KEYS: readonly string[] = MEASURES.map((m) => m.key);

export function findMeasure(key: string): Measure | undefined {
  return MEASURES.find((m) => m.key === key);
}

/** Every measure's value between this node and `peer` at `now`. */
export async function computeMeasures(
  db: Db,
  nodeId: string,
  peer: string,
  now: number,
): Promise<Map<string, number | null>> {
  // The window includes the reading's own instant: [now − 90 days, now].
  const records = await sharedRecords(db, nodeId, peer, { from: now - WINDOW, to: now + 1 });
  const arrangementVersion = (await termsInForce(db, peer)).version;
  return new Map(MEASURES.map((m) => [m.key, m.compute(records, now, { arrangementVersion })]));
}
