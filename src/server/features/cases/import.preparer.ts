import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { ResumePoint } from '../../../core/stix/bundle-stream.js';
import { BatchScanner } from './import.scan.js';
import type { PrepareContext, Prepared } from './import.prepare.js';

/** A batch of the source, prepared, with the point an import resumes from once it is stored. */
export interface PreparedBatch {
  prepared: Prepared[];
  resume: ResumePoint;
}

/**
 * A STIX source on its way to the store: the import hands over the source's bytes as it
 * reads them and takes prepared batches in order. Scanning the bundle and preparing its
 * objects happen on the preparer's thread, so the import's own thread only reads and
 * inserts; `push` waits while the thread is behind, so memory stays flat.
 */
export interface PrepareStream {
  /** Resolves when there is room for more; false once the import takes no more. */
  push(chunk: Buffer): Promise<boolean>;
  /** The source has no more bytes. */
  end(): void;
  /** The source failed: the batches prepared so far come first, then `error`. */
  fail(error: unknown): void;
  /** The next batch; undefined once the source is through. */
  next(): Promise<PreparedBatch | undefined>;
  /** The import stops taking batches. */
  close(): void;
}

/** Messages to the preparer's thread (import.worker.ts). */
export type ToPreparer =
  | { kind: 'open'; session: number; resume: ResumePoint | null; context: PrepareContext }
  | { kind: 'chunk'; session: number; bytes: Uint8Array }
  | { kind: 'end'; session: number }
  /** The source failed: the thread answers `done` once the chunks before it are through. */
  | { kind: 'cut'; session: number }
  | { kind: 'close'; session: number };

/** Messages from it: a chunk scanned, a batch prepared, the end, or what went wrong. */
export type FromPreparer =
  | { kind: 'took'; session: number; bytes: number }
  | ({ kind: 'batch'; session: number } & PreparedBatch)
  | { kind: 'done'; session: number }
  | { kind: 'failed'; session: number; message: string };

/**
 * Batches prepared and not yet taken, at most: the thread waits beyond. Enough that the
 * thread keeps working while this one stores several in a row (it reads the source only
 * between two stores), few enough to keep memory flat (a batch is a few MB).
 */
const QUEUED_BATCHES = 3;
/** Bytes handed to the thread and not yet scanned, at most (two chunks of the source). */
const UNSCANNED_BYTES = 2 * 1024 * 1024;
/** A source of at most this many bytes is prepared on the import's own thread. */
export const INLINE_BYTES = 1024 * 1024;

/**
 * Batches in order with the source's end or failure after them, and the room the feeder
 * waits for: `room()` resolves when fewer than QUEUED_BATCHES wait and `busy()` is false.
 */
class BatchQueue {
  private readonly batches: PreparedBatch[] = [];
  private ended = false;
  private failure: { error: unknown } | undefined;
  private taker: (() => void) | undefined;
  private feeder: (() => void) | undefined;
  closed = false;

  /** Whether it takes no more: closed, or failed. */
  get stopped(): boolean {
    return this.closed || this.failure !== undefined;
  }

  constructor(private readonly busy: () => boolean = () => false) {}

  add(batch: PreparedBatch): void {
    if (this.closed || this.failure) return;
    this.batches.push(batch);
    this.wake();
  }

  finish(failure?: { error: unknown }): void {
    if (this.ended || this.failure) return;
    if (failure) this.failure = failure;
    else this.ended = true;
    this.wake();
  }

  close(): void {
    this.closed = true;
    this.batches.length = 0;
    this.wake();
  }

  /** Wakes whoever waits: the taker for a batch, the feeder for room. */
  wake(): void {
    const taker = this.taker;
    const feeder = this.feeder;
    this.taker = undefined;
    this.feeder = undefined;
    taker?.();
    feeder?.();
  }

  async next(): Promise<PreparedBatch | undefined> {
    for (;;) {
      const batch = this.batches.shift();
      if (batch) {
        this.wake();
        return batch;
      }
      if (this.failure) throw this.failure.error;
      if (this.ended || this.closed) return undefined;
      await new Promise<void>((resolve) => (this.taker = resolve));
    }
  }

  async room(): Promise<void> {
    while (
      !this.closed &&
      !this.failure &&
      (this.batches.length >= QUEUED_BATCHES || this.busy())
    ) {
      await new Promise<void>((resolve) => (this.feeder = resolve));
    }
  }
}

/** Scans and prepares on the import's own thread: small sources, or a machine of one core. */
function inlineStream(resume: ResumePoint | undefined, context: PrepareContext): PrepareStream {
  const queue = new BatchQueue();
  const scanner = new BatchScanner(resume, context);
  const guard = (work: () => PreparedBatch[]) => {
    try {
      for (const batch of work()) queue.add(batch);
    } catch (error) {
      queue.finish({ error });
    }
  };
  return {
    async push(chunk) {
      await queue.room();
      if (queue.stopped) return false;
      guard(() => scanner.push(chunk));
      return true;
    },
    end() {
      guard(() => scanner.end());
      queue.finish();
    },
    fail: (error) => queue.finish({ error }),
    next: () => queue.next(),
    close: () => queue.close(),
  };
}

/** Prepares imports on one worker thread (when the machine has a second core). */
export class ImportPreparer {
  private worker: Worker | undefined;
  private nextSession = 1;
  private readonly sessions = new Map<
    number,
    { queue: BatchQueue; took: (n: number) => void; cut?: { error: unknown } }
  >();

  constructor(private readonly log: Logger) {}

  /** `size`: the bytes the source holds from `resume` on, when known. */
  open(
    resume: ResumePoint | undefined,
    context: PrepareContext,
    size: number | null,
  ): PrepareStream {
    if (availableParallelism() < 2 || (size !== null && size <= INLINE_BYTES)) {
      return inlineStream(resume, context);
    }
    this.worker ??= this.start();
    const worker = this.worker;
    const session = this.nextSession++;
    let unscanned = 0;
    const queue = new BatchQueue(() => unscanned > UNSCANNED_BYTES);
    const state = {
      queue,
      took: (bytes: number) => {
        unscanned -= bytes;
        queue.wake();
      },
      cut: undefined as { error: unknown } | undefined,
    };
    this.sessions.set(session, state);
    const post = (message: ToPreparer, transfer?: ArrayBuffer[]) =>
      worker.postMessage(message, transfer);
    post({ kind: 'open', session, resume: resume ?? null, context });
    const close = () => {
      if (!this.sessions.delete(session)) return;
      queue.close();
      post({ kind: 'close', session });
    };
    return {
      async push(chunk) {
        await queue.room();
        if (queue.stopped) return false;
        // A copy of its own, handed over whole: the reader's buffers may be pooled.
        const bytes = new Uint8Array(chunk);
        unscanned += bytes.length;
        post({ kind: 'chunk', session, bytes }, [bytes.buffer]);
        return true;
      },
      end: () => post({ kind: 'end', session }),
      fail: (error) => {
        // The batches of the bytes handed over already come first.
        state.cut = { error };
        post({ kind: 'cut', session });
      },
      next: () => queue.next(),
      close,
    };
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private receive(message: FromPreparer): void {
    const session = this.sessions.get(message.session);
    if (!session) return;
    if (message.kind === 'took') session.took(message.bytes);
    else if (message.kind === 'batch') {
      session.queue.add({ prepared: message.prepared, resume: message.resume });
    } else {
      this.sessions.delete(message.session);
      session.queue.finish(
        message.kind === 'failed' ? { error: new Error(message.message) } : session.cut,
      );
    }
  }

  private start(): Worker {
    // Under the test runner the sources are TypeScript: the thread registers tsx first.
    const typescript = import.meta.url.endsWith('.ts');
    const entry = new URL(
      typescript ? './import.worker.ts' : './import.worker.js',
      import.meta.url,
    );
    const worker = typescript
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
          { eval: true },
        )
      : new Worker(entry);
    worker.unref();
    worker.on('message', (message: FromPreparer) => this.receive(message));
    const fail = (error: Error) => {
      this.log.error({ err: error }, 'import preparer thread failed');
      if (this.worker === worker) this.worker = undefined;
      for (const session of this.sessions.values()) session.queue.finish({ error });
      this.sessions.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.worker === worker) fail(new Error(`import preparer thread exited (${code})`));
    });
    return worker;
  }
}
