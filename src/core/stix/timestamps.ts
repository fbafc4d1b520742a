/**
 * STIX 2.1 timestamps (specification 2.16): RFC 3339 in UTC with the `Z` designator,
 * `YYYY-MM-DDTHH:mm:ss[.s+]Z`. `created` and `modified` are precise to the millisecond at
 * least (three or more fractional digits). Leap seconds (`:60`), which the format allows but
 * no clock of ours produces, are not accepted.
 */

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;
const MILLISECONDS = /T\d{2}:\d{2}:\d{2}\.\d{3,}Z$/;

/** Whether `value` is a STIX timestamp naming a real instant. */
export function isStixTimestamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  // A feed repeats the same few timestamps: the answers are remembered (a bounded memo).
  const known = checked.get(value);
  if (known !== undefined) return known;
  const valid = checkTimestamp(value);
  if (checked.size >= 4096) checked.clear();
  checked.set(value, valid);
  return valid;
}

const checked = new Map<string, boolean>();

function checkTimestamp(value: string): boolean {
  const match = TIMESTAMP.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCDate() === day;
}

/** Whether `value` is a STIX timestamp with at least millisecond precision. */
export function isStixTimestampMs(value: unknown): value is string {
  return isStixTimestamp(value) && MILLISECONDS.test(value);
}

/** Epoch milliseconds as a STIX timestamp with millisecond precision. */
export function stixTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** A timestamp's instant to the millisecond (extra digits dropped), for arithmetic. */
export function epochMsOf(timestamp: string): number {
  const match = TIMESTAMP.exec(timestamp);
  if (!match) return Number.NaN;
  const whole = Date.parse(`${timestamp.slice(0, 19)}Z`);
  const fraction = (match[7] ?? '').padEnd(3, '0').slice(0, 3);
  return whole + Number(fraction);
}

function sortable(timestamp: string): string {
  const match = TIMESTAMP.exec(timestamp);
  if (!match) return timestamp;
  // Fractions compare as digit strings once trailing zeros are gone ("5" = "50" < "51").
  return `${timestamp.slice(0, 19)}.${(match[7] ?? '').replace(/0+$/, '')}`;
}

/** Orders two STIX timestamps exactly (any number of fractional digits): <0, 0 or >0. */
export function compareStixTimestamps(a: string, b: string): number {
  const left = sortable(a);
  const right = sortable(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * A STIX timestamp as a key that compares and sorts by instant (`…:00Z` and `…:00.000Z` are
 * one key: one version, as STIX says); null (an object without `modified`) stays null.
 */
export function timestampKey(value: string | null): string | null {
  return value === null ? null : sortable(value);
}
