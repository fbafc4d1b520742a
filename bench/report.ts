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

/** An event read from a Server-Sent Events stream. */
export interface StreamEvent {
  /** Its `event:` name; `message` when it has none. */
  type: string;
  data: any;
  /** performance.now() and Date.now() when the chunk holding the event was read. */
  at: number;
  wall: number;
}

/**
 * Opens a Server-Sent Events stream and calls `onEvent` for each event with data, as it is
 * read (comments and heartbeats are skipped). Fails, naming `what`, unless it opens with 200.
 */
export async function readEvents(
  url: string,
  headers: Record<string, string>,
  what: string,
  onEvent: (event: StreamEvent) => void,
): Promise<{ close: () => void }> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  if (response.status !== 200) {
    controller.abort();
    throw new Error(`${what}: ${response.status}`);
  }
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        const at = performance.now();
        const wall = Date.now();
        buffer += decoder.decode(value, { stream: true });
        let index: number;
        while ((index = buffer.indexOf('\n\n')) >= 0) {
          const lines = buffer.slice(0, index).split('\n');
          buffer = buffer.slice(index + 2);
          const type = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
          const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
          if (data !== undefined) onEvent({ type, data: JSON.parse(data), at, wall });
        }
      }
    } catch {
      // closed
    }
  })();
  return { close: () => controller.abort() };
}
