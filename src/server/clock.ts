/**
 * The node's time. Everything that reads the time takes it from an injected Clock, so
 * tests (and, later, exercises on a virtual clock) can move it.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Called when the clock jumps (manual clocks only), so timer workers can re-check. */
  onJump(listener: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  onJump: () => () => undefined,
};

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  private listeners = new Set<() => void>();
  constructor(private current: number = Date.parse('2026-01-01T00:00:00.000Z')) {}

  now(): number {
    return this.current;
  }

  set(ms: number | Date): void {
    this.current = typeof ms === 'number' ? ms : ms.getTime();
    for (const listener of this.listeners) listener();
  }

  advance(ms: number): void {
    this.set(this.current + ms);
  }

  onJump(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}
