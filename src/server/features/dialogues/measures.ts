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
    definition: {
      en: 'Ping tests sent either way in the last 90 days that were answered, divided by those sent; null if none were sent.',
      zh: '过去 90 天内双向发送的联络测试中已获应答的数量，除以已发送的数量；若未发送则无数值。',
    },
    compute: (r) => {
      const pings = both(r, (s) => s.pings);
      return share(pings.filter((p) => pingAnsweredAt(p) !== null).length, pings.length);
    },
  },
  {
    key: 'hotline.acknowledged_in_time_share',
    unit: 'share',
    title: { en: 'Hotline calls acknowledged within the deadline', zh: '在时限内确认的热线呼叫' },
    definition: {
      en: 'Hotline calls placed either way in the last 90 days and acknowledged within the first rung’s deadline (acknowledged − delivered ≤ the call’s time to acknowledge), divided by the delivered calls that were acknowledged or whose first deadline has passed; null if none.',
      zh: '过去 90 天内双向发起、并在第一级时限内确认的热线呼叫（确认时间 − 送达时间 ≤ 该呼叫的确认时限），除以已送达且已确认或第一级时限已过的呼叫数；若无则无数值。',
    },
    compute: (r, now) => {
      const calls = both(r, (s) => s.calls);
      return share(calls.filter(acknowledgedInTime).length, callsDecided(calls, now).length);
    },
  },
  {
    key: 'arrangement.in_force',
    unit: 'flag',
    title: { en: 'An arrangement in force', zh: '已生效的安排' },
    definition: {
      en: '1 when both sides have accepted a version of the arrangement with the peer (version 1 or later), 0 while only the built-in default applies.',
      zh: '双方均已接受与该对端的安排的某一版本（第 1 版或更高）时为 1；仅适用内置默认安排时为 0。',
    },
    compute: (_r, _now, extra) => (extra.arrangementVersion > 0 ? 1 : 0),
  },
  {
    key: 'requests.on_time_share',
    unit: 'share',
    title: { en: 'Requests answered on time', zh: '按时答复的请求' },
    definition: {
      en: 'Requests sent either way in the last 90 days that were answered (fulfilled, partially fulfilled or declined) by their deadline to respond, divided by those answered or past that deadline (not withdrawn); null if none.',
      zh: '过去 90 天内双向发送、并在答复时限前得到答复（完全满足、部分满足或拒绝）的请求，除以已答复或已过该时限的请求数（不含已撤回的）；若无则无数值。',
    },
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
    definition: {
      en: 'STIX objects shared either way whose latest version was sent (received) in the last 90 days, divided by 3.',
      zh: '过去 90 天内双向共享、其最新版本已发送（或已接收）的 STIX 对象数，除以 3。',
    },
    compute: (r) => (r.here.objectsShared + r.there.objectsShared) / 3,
  },
  {
    key: 'sharing.feedback_given',
    unit: 'count',
    title: { en: 'Feedback given', zh: '已提供的反馈' },
    definition: {
      en: 'Feedback given in the last 90 days by either side on objects the other side shared (the current answer of each side on each object).',
      zh: '过去 90 天内任一方对另一方共享的对象给出的反馈数（每一方对每个对象的当前答复）。',
    },
    compute: (r) => r.here.feedbackGiven + r.there.feedbackGiven,
  },
  {
    key: 'exercises.finished_with_aar',
    unit: 'count',
    title: { en: 'Finished exercises with their AAR', zh: '已结束并有演练后报告的演练' },
    definition: {
      en: 'Exercises with the peer (ever) whose clock was ended and whose after-action report both sides have shared.',
      zh: '与该对端进行的所有演练中，时钟已结束且双方均已共享演练后报告的演练数。',
    },
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
