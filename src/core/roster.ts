import { instantOf, wallTime } from './deadlines.js';

/**
 * Duty roster arithmetic (pure). A shift is a weekly pattern in the person's time zone:
 * days of the week, a start and an end wall time (an end at or before the start runs past
 * midnight; equal start and end is a 24-hour shift), optionally limited to a date range
 * and to one week in N (a rotation: week 0 of 2 for one officer, week 1 of 2 for another).
 * Wall times are turned into instants day by day, so a shift keeps its wall-clock hours
 * across a daylight-saving change and the hour the clocks skip or repeat is counted as
 * it really passes.
 */
export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

export interface ShiftPattern {
  days: readonly WeekdayName[];
  /** 'HH:MM' */
  start: string;
  end: string;
  timeZone: string;
  /** 'YYYY-MM-DD', inclusive, in the shift's zone. */
  from?: string | null;
  until?: string | null;
  rotation?: { everyWeeks: number; week: number } | null;
}

export interface Interval {
  from: number;
  to: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Rotations count weeks from this Monday when a shift has no start date. */
const EPOCH_MONDAY = Date.UTC(1970, 0, 5);

function hm(value: string): { hour: number; minute: number } {
  const [h, m] = value.split(':').map(Number);
  return { hour: h ?? 0, minute: m ?? 0 };
}

function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) / DAY;
}

function mondayOf(dayNo: number): number {
  const weekday = (new Date(dayNo * DAY).getUTCDay() + 6) % 7; // 0 = Monday
  return dayNo - weekday;
}

/** The instants a shift pattern covers that overlap [from, to). */
export function shiftIntervals(shift: ShiftPattern, from: number, to: number): Interval[] {
  const out: Interval[] = [];
  const first = wallTime(from, shift.timeZone);
  const last = wallTime(to, shift.timeZone);
  // One day before: yesterday's overnight shift may run into the window.
  const firstDay = Date.UTC(first.year, first.month - 1, first.day) / DAY - 1;
  const lastDay = Date.UTC(last.year, last.month - 1, last.day) / DAY;
  const start = hm(shift.start);
  const end = hm(shift.end);
  const overnight = end.hour * 60 + end.minute <= start.hour * 60 + start.minute;
  const fromDay = shift.from ? dayNumber(shift.from) : -Infinity;
  const untilDay = shift.until ? dayNumber(shift.until) : Infinity;
  const anchor = shift.from ? mondayOf(dayNumber(shift.from)) : EPOCH_MONDAY / DAY;
  for (let dayNo = firstDay; dayNo <= lastDay; dayNo++) {
    if (dayNo < fromDay || dayNo > untilDay) continue;
    const date = new Date(dayNo * DAY);
    const weekday = WEEKDAY_NAMES[(date.getUTCDay() + 6) % 7] as WeekdayName;
    if (!shift.days.includes(weekday)) continue;
    if (shift.rotation && shift.rotation.everyWeeks > 1) {
      const week = Math.floor((mondayOf(dayNo) - anchor) / 7);
      const every = shift.rotation.everyWeeks;
      if (((week % every) + every) % every !== shift.rotation.week) continue;
    }
    const wall = (day: Date, time: { hour: number; minute: number }) =>
      instantOf(
        {
          year: day.getUTCFullYear(),
          month: day.getUTCMonth() + 1,
          day: day.getUTCDate(),
          hour: time.hour,
          minute: time.minute,
          second: 0,
          millisecond: 0,
        },
        shift.timeZone,
      );
    const begins = wall(date, start);
    const ends = wall(overnight ? new Date((dayNo + 1) * DAY) : date, end);
    if (ends <= begins || ends <= from || begins >= to) continue;
    out.push({ from: Math.max(begins, from), to: Math.min(ends, to) });
  }
  return out;
}

/** The union of intervals, sorted and merged where they touch. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.from - b.from);
  const out: Interval[] = [];
  for (const next of sorted) {
    const last = out[out.length - 1];
    if (last && next.from <= last.to) last.to = Math.max(last.to, next.to);
    else out.push({ ...next });
  }
  return out;
}

export interface CoverageHour<P> {
  start: number;
  /** Someone is on duty for the whole hour. */
  covered: boolean;
  /** Who is on duty at some point in the hour. */
  people: P[];
}

export interface Coverage<P> {
  from: number;
  to: number;
  hours: CoverageHour<P>[];
  /** The hours nobody covers entirely, merged into runs. */
  gaps: Interval[];
}

/**
 * Hour by hour from `from` (rounded down to the hour) for `hours` hours: is someone on
 * duty for the whole hour, and who is on duty in it.
 */
export function coverage<P>(
  shifts: readonly { person: P; pattern: ShiftPattern }[],
  from: number,
  hours: number,
): Coverage<P> {
  const start = Math.floor(from / HOUR) * HOUR;
  const end = start + hours * HOUR;
  const perShift = shifts.map((shift) => ({
    person: shift.person,
    intervals: shiftIntervals(shift.pattern, start, end),
  }));
  const union = mergeIntervals(perShift.flatMap((shift) => shift.intervals));
  const out: CoverageHour<P>[] = [];
  const gaps: Interval[] = [];
  for (let at = start; at < end; at += HOUR) {
    const covered = union.some((i) => i.from <= at && i.to >= at + HOUR);
    const people = perShift
      .filter((shift) => shift.intervals.some((i) => i.from < at + HOUR && i.to > at))
      .map((shift) => shift.person);
    out.push({ start: at, covered, people });
    if (!covered) {
      const last = gaps[gaps.length - 1];
      if (last && last.to === at) last.to = at + HOUR;
      else gaps.push({ from: at, to: at + HOUR });
    }
  }
  return { from: start, to: end, hours: out, gaps };
}

/** Whether a pattern covers instant `at`. */
export function onDutyAt(pattern: ShiftPattern, at: number): boolean {
  return shiftIntervals(pattern, at - DAY, at + DAY).some((i) => i.from <= at && i.to > at);
}
