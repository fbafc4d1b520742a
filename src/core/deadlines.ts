/**
 * Deadline arithmetic (pure; the server and the web app share it).
 *
 * A deadline clock is an amount of hours or of days. Hours are elapsed time. Days are
 * calendar days in a given time zone (the responding side's): the deadline falls on the
 * same wall-clock time N days later, so a 20-day deadline across a daylight-saving change
 * is not an hour early or late. A wall time that does not exist that day (clocks jump
 * forward) moves forward by the jump; one that occurs twice (clocks go back) is the first.
 */
export type DurationUnit = 'hours' | 'days';

export interface DeadlineClock {
  amount: number;
  unit: DurationUnit;
}

const HOUR = 3_600_000;

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock time at instant `ms` in `timeZone`. */
export function wallTime(ms: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts['year'] ?? 1970,
    month: parts['month'] ?? 1,
    day: parts['day'] ?? 1,
    hour: parts['hour'] ?? 0,
    minute: parts['minute'] ?? 0,
    second: parts['second'] ?? 0,
    millisecond: ((ms % 1000) + 1000) % 1000,
  };
}

/** The offset of `timeZone` from UTC at instant `ms`, in milliseconds (east positive). */
export function zoneOffset(ms: number, timeZone: string): number {
  const w = wallTime(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
  return asUtc - ms;
}

/** The instant a wall-clock time in `timeZone` names (see the rules above for gaps and overlaps). */
export function instantOf(w: WallTime, timeZone: string): number {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
  // The offsets in force a day either side bound the answer; try the earlier one first.
  const before = zoneOffset(asUtc - 24 * HOUR, timeZone);
  const after = zoneOffset(asUtc + 24 * HOUR, timeZone);
  for (const offset of before >= after ? [before, after] : [after, before]) {
    const candidate = asUtc - offset;
    if (zoneOffset(candidate, timeZone) === offset) return candidate;
  }
  // In a gap: the wall time does not exist; move it forward by the jump.
  return asUtc - Math.min(before, after);
}

/** The deadline `clock` after `start`, counting days in `timeZone`. */
export function addClock(start: number, clock: DeadlineClock, timeZone: string): number {
  if (clock.unit === 'hours') return start + clock.amount * HOUR;
  const w = wallTime(start, timeZone);
  const date = new Date(Date.UTC(w.year, w.month - 1, w.day + clock.amount));
  return instantOf(
    { ...w, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() },
    timeZone,
  );
}

/** When a deadline becomes "due soon": `percent` of the time between start and due has passed. */
export function dueSoonAt(start: number, due: number, percent: number): number {
  return start + Math.round(((due - start) * percent) / 100);
}

/** "20 days", "1 hour" — for messages; the web app translates its own. */
export function describeClock(clock: DeadlineClock): string {
  const unit = clock.unit === 'hours' ? 'hour' : 'day';
  return `${clock.amount} ${unit}${clock.amount === 1 ? '' : 's'}`;
}
