import { useTranslation } from 'react-i18next';
import type { CoverageView, Tier } from '../../../app/types';
import { instantOf, wallTime } from '../../../../src/core/deadlines';
import { formatDuration } from '../../../ui/format';
import '../i18n';

/** The start of the day that holds `at`, in `timeZone`. */
export function startOfDay(at: number, timeZone: string): number {
  const w = wallTime(at, timeZone);
  return instantOf({ ...w, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
}

function dayKey(at: number, timeZone: string): string {
  const w = wallTime(at, timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

function formatDay(at: number, language: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(language, {
      timeZone,
      weekday: 'short',
      month: 'short',
      day: 'numeric',
    }).format(new Date(at));
  } catch {
    return dayKey(at, timeZone);
  }
}

/** "Mon 24 Nov, 18:00": enough to place an hour in the two weeks shown. */
export function formatDayHour(iso: string, language: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(language, {
      timeZone,
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(iso));
  } catch {
    return iso;
  }
}

interface Cell {
  covered: boolean;
  names: string[];
}

/**
 * A tier's coverage as a grid of days × 24 hours in the viewer's zone: uncovered hours in
 * red, each cell saying who is on duty. An hour the clocks skip stays empty; an hour they
 * repeat is covered only if both are.
 */
export function CoverageGrid({
  tier,
  coverage,
  timeZone,
}: {
  tier: Tier;
  coverage: CoverageView['tiers'][Tier];
  timeZone: string;
}) {
  const { t, i18n } = useTranslation();
  const days: { key: string; at: number; cells: Map<number, Cell> }[] = [];
  for (const hour of coverage.hours) {
    const at = Date.parse(hour.start);
    const key = dayKey(at, timeZone);
    let day = days.find((d) => d.key === key);
    if (!day) {
      day = { key, at, cells: new Map() };
      days.push(day);
    }
    const h = wallTime(at, timeZone).hour;
    const names = hour.people.map((p) => p.name);
    const previous = day.cells.get(h);
    day.cells.set(
      h,
      previous
        ? {
            covered: previous.covered && hour.covered,
            names: [...new Set([...previous.names, ...names])],
          }
        : { covered: hour.covered, names },
    );
  }
  const hours = Array.from({ length: 24 }, (_, h) => h);
  const title = t('hotline.coverage.gridTitle', { tier: t(`hotline.tiers.${tier}`) });
  return (
    <div className="table-wrap coverage-wrap">
      <table className="coverage-grid" data-testid={`coverage-${tier}`}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t('hotline.coverage.day')}</th>
            {hours.map((h) => (
              <th key={h} scope="col" className="coverage-hour">
                {String(h).padStart(2, '0')}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {days.map((day) => (
            <tr key={day.key}>
              <th scope="row" className="nowrap">
                {formatDay(day.at, i18n.language, timeZone)}
              </th>
              {hours.map((h) => {
                const cell = day.cells.get(h);
                if (!cell) return <td key={h} className="coverage-none" />;
                const label = cell.covered
                  ? t('hotline.coverage.coveredBy', { names: cell.names.join(', ') })
                  : cell.names.length > 0
                    ? t('hotline.coverage.partly', { names: cell.names.join(', ') })
                    : t('hotline.coverage.notCovered');
                return (
                  <td
                    key={h}
                    className={cell.covered ? 'coverage-yes' : 'coverage-no'}
                    title={`${String(h).padStart(2, '0')}:00 ${label}`}
                  >
                    <span className="visually-hidden">{label}</span>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Runs of time, each said in words: "Mon 24 Nov, 18:00 – Tue 25 Nov, 08:00 (14 hr)". */
export function IntervalList({
  intervals,
  timeZone,
  label,
  className,
}: {
  intervals: readonly { from: string; to: string; name?: string; covered?: boolean }[];
  timeZone: string;
  label: string;
  className?: string;
}) {
  const { t, i18n } = useTranslation();
  return (
    <ul className={className} aria-label={label}>
      {intervals.map((interval) => (
        <li
          key={`${interval.from}-${interval.to}-${interval.name ?? ''}`}
          className={
            interval.covered === undefined
              ? undefined
              : interval.covered
                ? 'coverage-run-yes'
                : 'coverage-run-no'
          }
        >
          {interval.name ? <strong>{interval.name}: </strong> : null}
          {t('hotline.coverage.interval', {
            from: formatDayHour(interval.from, i18n.language, timeZone),
            to: formatDayHour(interval.to, i18n.language, timeZone),
            duration: formatDuration(
              Date.parse(interval.to) - Date.parse(interval.from),
              i18n.language,
            ),
          })}
        </li>
      ))}
    </ul>
  );
}

/** Covered and uncovered runs between `from` and `to`, given the uncovered ones. */
export function coveredAndGaps(
  from: string,
  to: string,
  gaps: readonly { from: string; to: string }[],
): { from: string; to: string; covered: boolean }[] {
  const out: { from: string; to: string; covered: boolean }[] = [];
  let cursor = Date.parse(from);
  const end = Date.parse(to);
  const sorted = [...gaps].sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
  for (const gap of sorted) {
    const start = Math.max(cursor, Date.parse(gap.from));
    const stop = Math.min(end, Date.parse(gap.to));
    if (start > cursor) {
      out.push({
        from: new Date(cursor).toISOString(),
        to: new Date(start).toISOString(),
        covered: true,
      });
    }
    if (stop > start) {
      out.push({
        from: new Date(start).toISOString(),
        to: new Date(stop).toISOString(),
        covered: false,
      });
    }
    cursor = Math.max(cursor, stop);
  }
  if (cursor < end) {
    out.push({
      from: new Date(cursor).toISOString(),
      to: new Date(end).toISOString(),
      covered: true,
    });
  }
  return out;
}
