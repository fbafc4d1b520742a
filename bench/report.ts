import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Shared helpers of the benchmarks (../shared/BENCH.md). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] ?? 0) * 100) / 100;
}

/** Linux's USER_HZ: the unit of the CPU times in /proc/<pid>/stat. */
export const TICKS_PER_SECOND = 100;

/** User + system CPU ticks so far of a process, or of one of its threads (`/proc/<pid>/task/<tid>`). */
export function cpuTicks(pid: number, tid?: number): number {
  const stat = readFileSync(`/proc/${pid}${tid === undefined ? '' : `/task/${tid}`}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
}

export function machine(): { cpus: number; node: string } {
  return { cpus: cpus().length, node: process.version };
}

export function printTable(name: string, rows: [string, string][]): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\n${name}`);
  console.log('-'.repeat(width + 24));
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
  console.log('');
}
