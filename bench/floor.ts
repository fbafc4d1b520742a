import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { percentile } from './report.js';

/**
 * The physical floor of a message's latency between two nodes (../shared/BENCH.md): one
 * HTTP round trip on the loopback and two commits, the sender's (the change and its
 * message) and the receiver's (the message applied). On SQLite in WAL mode with
 * synchronous = FULL a commit waits for one fsync of the write-ahead log, so a commit's
 * floor is the fsync time of the data directory's disk, measured here by writing a small
 * block into a file in that directory and fsyncing it, `samples` times.
 */
export function fsyncTimes(dir: string, samples = 500): number[] {
  const file = path.join(dir, `fsync-probe-${process.pid}.bin`);
  const block = Buffer.alloc(4096, 7);
  const fd = openSync(file, 'w');
  const times: number[] = [];
  try {
    for (let i = 0; i < samples + 20; i++) {
      const t0 = performance.now();
      writeSync(fd, block, 0, block.length, (i % 16) * block.length);
      fsyncSync(fd);
      if (i >= 20) times.push(performance.now() - t0); // the first 20 warm up
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  return times;
}

export interface Floor {
  http_rtt_p50_ms: number;
  http_rtt_p99_ms: number;
  fsync_p50_ms: number;
  fsync_p99_ms: number;
  floor_p50_ms: number;
  floor_p99_ms: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Round trip + two commits, at p50 and at p99. */
export function floorOf(rtt: number[], fsync: number[]): Floor {
  const r50 = percentile(rtt, 50);
  const r99 = percentile(rtt, 99);
  const f50 = percentile(fsync, 50);
  const f99 = percentile(fsync, 99);
  return {
    http_rtt_p50_ms: r50,
    http_rtt_p99_ms: r99,
    fsync_p50_ms: f50,
    fsync_p99_ms: f99,
    floor_p50_ms: round2(r50 + 2 * f50),
    floor_p99_ms: round2(r99 + 2 * f99),
  };
}

/** The table's rows for the floor, and a figure's ratio to it at p50 and p99. */
export function floorRows(
  floor: Floor,
  what: string,
  p50: number,
  p99: number,
): [string, string][] {
  const ratio = (value: number, of: number) => (of > 0 ? (value / of).toFixed(2) : '–');
  return [
    [
      "fsync of the data directory's disk, p50 / p99 (baseline)",
      `${floor.fsync_p50_ms} / ${floor.fsync_p99_ms} ms`,
    ],
    [
      'floor: round trip + two commits, p50 / p99 (baseline)',
      `${floor.floor_p50_ms} / ${floor.floor_p99_ms} ms`,
    ],
    [
      `${what} / floor, p50 / p99 (target p50 ≤ 1.25)`,
      `${ratio(p50, floor.floor_p50_ms)} / ${ratio(p99, floor.floor_p99_ms)}`,
    ],
  ];
}
