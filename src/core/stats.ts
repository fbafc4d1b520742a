/**
 * The statistics of the reports (pings, timeliness figures), defined so a reader can
 * compute them by hand: the median of an even count is the mean of the two middle values;
 * other percentiles are nearest-rank (the smallest value with at least p% of the values at
 * or below it).
 */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** A share between 0 and 1, or null when there is nothing to count. */
export function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}
