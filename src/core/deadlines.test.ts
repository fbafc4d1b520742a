import { describe, expect, it } from 'vitest';
import { at } from '../../test/harness/time.js';
import { addClock, dueSoonAt, instantOf, wallTime } from './deadlines.js';

const HOUR = 3_600_000;

describe('deadline arithmetic', () => {
  it('counts hours as elapsed time, whatever the zone', () => {
    const start = at('2026-03-08T06:30:00Z'); // 01:30 in New York, half an hour before the jump
    expect(addClock(start, { amount: 1, unit: 'hours' }, 'America/New_York')).toBe(start + HOUR);
  });

  it('counts days as calendar days at the same wall time across the spring change (New York)', () => {
    const start = at('2026-03-07T15:00:00Z'); // Sat 10:00 EST
    const due = addClock(start, { amount: 1, unit: 'days' }, 'America/New_York');
    expect(new Date(due).toISOString()).toBe('2026-03-08T14:00:00.000Z'); // Sun 10:00 EDT
    expect(due - start).toBe(23 * HOUR);
  });

  it('and across the autumn change (New York)', () => {
    const start = at('2026-10-31T14:00:00Z'); // Sat 10:00 EDT
    const due = addClock(start, { amount: 1, unit: 'days' }, 'America/New_York');
    expect(new Date(due).toISOString()).toBe('2026-11-01T15:00:00.000Z'); // Sun 10:00 EST
    expect(due - start).toBe(25 * HOUR);
  });

  it('keeps 20 days at 09:00 in Paris across the change to summer time', () => {
    const start = at('2026-03-20T08:00:00Z'); // 09:00 CET
    const due = addClock(start, { amount: 20, unit: 'days' }, 'Europe/Paris');
    expect(new Date(due).toISOString()).toBe('2026-04-09T07:00:00.000Z'); // 09:00 CEST
  });

  it('counts Shanghai days as 24 hours (no daylight saving), even when the sender is in New York', () => {
    const start = at('2026-03-01T15:00:00Z');
    expect(addClock(start, { amount: 20, unit: 'days' }, 'Asia/Shanghai') - start).toBe(480 * HOUR);
    expect(addClock(start, { amount: 20, unit: 'days' }, 'America/New_York') - start).toBe(
      479 * HOUR,
    );
  });

  it('moves a wall time that does not exist forward by the jump', () => {
    const start = at('2026-03-07T07:30:00Z'); // Sat 02:30 EST; Sunday has no 02:30
    const due = addClock(start, { amount: 1, unit: 'days' }, 'America/New_York');
    expect(wallTime(due, 'America/New_York')).toMatchObject({ day: 8, hour: 3, minute: 30 });
    expect(due - start).toBe(24 * HOUR);
  });

  it('takes the first of a wall time that occurs twice', () => {
    const start = at('2026-10-31T05:30:00Z'); // Sat 01:30 EDT; Sunday has 01:30 twice
    const due = addClock(start, { amount: 1, unit: 'days' }, 'America/New_York');
    expect(new Date(due).toISOString()).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT
    expect(
      instantOf(
        { year: 2026, month: 11, day: 1, hour: 1, minute: 30, second: 0, millisecond: 0 },
        'America/New_York',
      ),
    ).toBe(due);
  });

  it('is due soon once the agreed share of the time has passed', () => {
    expect(dueSoonAt(0, 8 * HOUR, 75)).toBe(6 * HOUR);
  });
});
