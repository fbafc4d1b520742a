/** Formatting helpers that follow the user's language and time zone. */

export function formatDateTime(iso: string | Date, language: string, timeZone: string): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return String(iso);
  try {
    return new Intl.DateTimeFormat(language, {
      timeZone,
      dateStyle: 'medium',
      timeStyle: 'medium',
    }).format(date);
  } catch {
    return date.toISOString();
  }
}

/** "GMT+8" style offset of a zone at a given moment. */
export function zoneOffset(date: Date, language: string, timeZone: string): string {
  try {
    const parts = new Intl.DateTimeFormat(language, {
      timeZone,
      timeZoneName: 'shortOffset',
    }).formatToParts(date);
    return parts.find((part) => part.type === 'timeZoneName')?.value ?? '';
  } catch {
    return '';
  }
}

/** "United States (US)"; the bare code when the runtime cannot name it. */
export function countryName(code: string, language: string): string {
  try {
    const name = new Intl.DisplayNames([language], { type: 'region' }).of(code.toUpperCase());
    return name && name.toUpperCase() !== code.toUpperCase() ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

/** Every IANA zone the browser knows, sorted, with UTC. */
export function timeZones(): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  const all = new Set(zones);
  all.add('UTC');
  return [...all].sort();
}

/** A fingerprint (twelve groups of five digits) as three lines of four groups, for reading aloud. */
export function fingerprintLines(fingerprint: string): string[] {
  const groups = fingerprint.trim().split(/\s+/);
  if (groups.length !== 12) return [fingerprint];
  return [groups.slice(0, 4), groups.slice(4, 8), groups.slice(8, 12)].map((g) => g.join(' '));
}

/** The time of day in a zone, with its offset: "21:04 (GMT+8)". */
export function formatZoneTime(date: Date, language: string, timeZone: string): string {
  try {
    const time = new Intl.DateTimeFormat(language, {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(date);
    const offset = zoneOffset(date, language, timeZone);
    return offset ? `${time} (${offset})` : time;
  } catch {
    return date.toISOString();
  }
}

const UNITS = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
] as const;

/** A duration in at most its two largest units, in the user's language: "2 hr 5 min". */
export function formatDuration(ms: number, language: string): string {
  let rest = Math.max(0, Math.round(ms / 1000) * 1000);
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || (unit === 'second' && parts.length === 0)) {
      parts.push(formatUnit(count, unit, language));
    }
    if (parts.length === 2) break;
    if (parts.length === 1 && count === 0) break;
  }
  return parts.join(' ');
}

function formatUnit(count: number, unit: string, language: string): string {
  try {
    return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'short' }).format(
      count,
    );
  } catch {
    return `${count} ${unit}`;
  }
}

/** "a, b and c" / "a、b和c", in the user's language. */
export function formatList(items: readonly string[], language: string): string {
  try {
    return new Intl.ListFormat(language, { style: 'long', type: 'conjunction' }).format(items);
  } catch {
    return items.join(', ');
  }
}

/** A share (0..1) as a percentage in the user's language: "83 %", "83%"; "—" when unknown. */
export function formatShare(share: number | null, language: string): string {
  if (share === null) return '—';
  try {
    return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 }).format(
      share,
    );
  } catch {
    return `${Math.round(share * 100)} %`;
  }
}

/** A duration in milliseconds, or "—" when there is none. */
export function formatMaybeDuration(ms: number | null, language: string): string {
  return ms === null ? '—' : formatDuration(ms, language);
}
