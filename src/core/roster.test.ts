import { describe, expect, it } from 'vitest';
import { at } from '../../test/harness/time.js';
import { coverage, mergeIntervals, onDutyAt, shiftIntervals, type ShiftPattern } from './roster.js';

const HOUR = 3_600_000;
const ALL = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const iso = (ms: number) => new Date(ms).toISOString();

describe('duty roster arithmetic', () => {
  it('finds the gap a daylight-saving change opens between two zones (acceptance 5)', () => {
    // New York covers 08:00–20:00 local, Shanghai 09:00–21:00 local. In winter (EST, UTC−5)
    // they meet exactly; from Sunday 8 March 2026 New York is on EDT (UTC−4) and its day
    // ends an hour earlier in UTC: 20:00–21:00 New York time is nobody's.
    const shifts = [
      {
        person: 'New York desk',
        pattern: { days: ALL, start: '08:00', end: '20:00', timeZone: 'America/New_York' },
      },
      {
        person: 'Shanghai desk',
        pattern: { days: ALL, start: '09:00', end: '21:00', timeZone: 'Asia/Shanghai' },
      },
    ];
    const result = coverage(shifts, at('2026-03-05T00:00:00Z'), 7 * 24);
    expect(result.gaps.map((g) => [iso(g.from), iso(g.to)])).toEqual([
      ['2026-03-09T00:00:00.000Z', '2026-03-09T01:00:00.000Z'],
      ['2026-03-10T00:00:00.000Z', '2026-03-10T01:00:00.000Z'],
      ['2026-03-11T00:00:00.000Z', '2026-03-11T01:00:00.000Z'],
    ]);
    const hour = result.hours.find((h) => h.start === at('2026-03-09T00:00:00Z'));
    expect(hour).toMatchObject({ covered: false, people: [] });
    // The evening of the change itself (Sunday 20:00 EDT = Monday 00:00Z) is the first gap;
    // the same hour a day earlier, still on EST, was covered by New York.
    const before = result.hours.find((h) => h.start === at('2026-03-08T00:00:00Z'));
    expect(before).toMatchObject({ covered: true, people: ['New York desk'] });
    // And in autumn the gap closes again (New York back on EST from 1 November).
    const autumn = coverage(shifts, at('2026-10-29T00:00:00Z'), 7 * 24);
    expect(autumn.gaps.map((g) => iso(g.from))).toEqual([
      '2026-10-29T00:00:00.000Z',
      '2026-10-30T00:00:00.000Z',
      '2026-10-31T00:00:00.000Z',
      '2026-11-01T00:00:00.000Z',
    ]);
  });

  it('keeps wall-clock hours across the change: a night shift is 7 hours in spring, a day 25 in autumn', () => {
    const night: ShiftPattern = {
      days: ['sat'],
      start: '22:00',
      end: '06:00',
      timeZone: 'America/New_York',
    };
    const [spring] = shiftIntervals(night, at('2026-03-07T00:00:00Z'), at('2026-03-09T00:00:00Z'));
    expect(spring && [iso(spring.from), (spring.to - spring.from) / HOUR]).toEqual([
      '2026-03-08T03:00:00.000Z',
      7,
    ]);
    const day: ShiftPattern = {
      days: ['sun'],
      start: '00:00',
      end: '00:00',
      timeZone: 'America/New_York',
    };
    const [autumn] = shiftIntervals(day, at('2026-10-31T00:00:00Z'), at('2026-11-03T00:00:00Z'));
    expect(autumn && (autumn.to - autumn.from) / HOUR).toBe(25);
    // A shift inside the skipped hour moves forward by the jump, like a deadline does.
    const skipped: ShiftPattern = {
      days: ['sun'],
      start: '02:00',
      end: '02:30',
      timeZone: 'America/New_York',
    };
    const moved = shiftIntervals(skipped, at('2026-03-08T00:00:00Z'), at('2026-03-09T00:00:00Z'));
    expect(moved.map((i) => [iso(i.from), iso(i.to)])).toEqual([
      ['2026-03-08T07:00:00.000Z', '2026-03-08T07:30:00.000Z'],
    ]);
  });

  it('rotates week on, week off, and honours the date range', () => {
    const week = (n: number): ShiftPattern => ({
      days: ALL,
      start: '00:00',
      end: '00:00',
      timeZone: 'Europe/London',
      from: '2026-11-02',
      rotation: { everyWeeks: 2, week: n },
    });
    // 2026-11-02 is a Monday: week 0 is 2–8 November, week 1 is 9–15 November.
    expect(onDutyAt(week(0), at('2026-11-05T12:00:00Z'))).toBe(true);
    expect(onDutyAt(week(1), at('2026-11-05T12:00:00Z'))).toBe(false);
    expect(onDutyAt(week(1), at('2026-11-12T12:00:00Z'))).toBe(true);
    expect(onDutyAt(week(0), at('2026-11-19T12:00:00Z'))).toBe(true);
    expect(onDutyAt(week(0), at('2026-11-01T12:00:00Z'))).toBe(false);
    const both = coverage(
      [
        { person: 'A', pattern: week(0) },
        { person: 'B', pattern: week(1) },
      ],
      at('2026-11-02T00:00:00Z'),
      28 * 24,
    );
    expect(both.gaps).toEqual([]);
    const limited = { ...week(0), rotation: null, until: '2026-11-03' };
    expect(onDutyAt(limited, at('2026-11-03T23:00:00Z'))).toBe(true);
    expect(onDutyAt(limited, at('2026-11-04T01:00:00Z'))).toBe(false);
  });

  it('merges touching intervals', () => {
    expect(
      mergeIntervals([
        { from: 5, to: 7 },
        { from: 0, to: 2 },
        { from: 2, to: 3 },
      ]),
    ).toEqual([
      { from: 0, to: 3 },
      { from: 5, to: 7 },
    ]);
  });
});
