import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { failure, unprocessable } from '../../errors.js';
import type { Extracted, ExtractJob, JobReply } from './extract.job.js';

export interface ExtractPoolOptions {
  /** Extraction threads (default 1: the node keeps its other core for requests). */
  threads?: number;
  /** Documents waiting for a thread, at most; beyond, 503 reports_busy with Retry-After. */
  queue?: number;
  /** A document's work, at most (ms): beyond, its thread is stopped and 422 report_timeout. */
  timeoutMs?: number;
  /** A thread's heap, at most (MB): a document that needs more gets 422, the thread restarts. */
  heapMb?: number;
}

interface Waiting {
  job: ExtractJob;
  resolve(result: Extracted): void;
  reject(error: Error): void;
}

/** Seconds a refused caller is told to wait before it tries again. */
const RETRY_AFTER_SECONDS = 5;

/** One thread: started on demand, replaced when it dies or a document overruns. */
class ExtractThread {
  private worker: Worker | undefined;
  private ready = false;
  private current: (Waiting & { timer: NodeJS.Timeout; timedOut: boolean }) | undefined;

  constructor(
    private readonly pool: { next(): Waiting | undefined; pump(): void },
    private readonly options: Required<ExtractPoolOptions>,
    private readonly log: Logger,
  ) {}

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Takes the next waiting document when free and started; starts the thread if needed. */
  take(): void {
    if (this.current) return;
    if (!this.worker) this.worker = this.start();
    if (!this.ready) return;
    const next = this.pool.next();
    if (!next) return;
    const worker = this.worker;
    const timer = setTimeout(() => {
      if (this.current?.job !== next.job) return;
      this.current.timedOut = true;
      void worker.terminate();
    }, this.options.timeoutMs);
    this.current = { ...next, timer, timedOut: false };
    const input = next.job.input;
    if ('bytes' in input) {
      // A copy of its own, handed over whole (the request's buffer may be pooled).
      const bytes = new Uint8Array(input.bytes);
      worker.postMessage({ ...next.job, input: { ...input, bytes } }, [bytes.buffer]);
    } else {
      worker.postMessage(next.job);
    }
  }

  private finish(): Waiting | undefined {
    const current = this.current;
    this.current = undefined;
    if (current) clearTimeout(current.timer);
    return current;
  }

  private start(): Worker {
    // Under the test runner (tsx) the sources are TypeScript: the thread registers tsx first.
    const typescript = import.meta.url.endsWith('.ts');
    const entry = new URL(
      typescript ? './extract.worker.ts' : './extract.worker.js',
      import.meta.url,
    );
    const resourceLimits = { maxOldGenerationSizeMb: this.options.heapMb };
    const worker = typescript
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
          { eval: true, resourceLimits },
        )
      : new Worker(entry, { resourceLimits });
    worker.unref();
    worker.on('message', (message: 'ready' | JobReply) => {
      if (message === 'ready') this.ready = true;
      else this.settle(message);
      this.pool.pump();
    });
    worker.on('error', (error) =>
      this.log.error({ err: error }, 'report extraction thread failed'),
    );
    worker.on('exit', (code) => this.died(worker, code));
    return worker;
  }

  private settle(reply: JobReply): void {
    const done = this.finish();
    if (!done) return;
    if (reply.ok) done.resolve(reply.result);
    else if (reply.code) done.reject(failure(reply.code, reply.status, reply.message));
    else done.reject(new Error(reply.message));
  }

  private died(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const booted = this.ready;
    this.ready = false;
    const timedOut = this.current?.timedOut === true;
    // A thread that dies before it is ready fails the next document, so a thread that
    // cannot start does not restart for ever: each try costs one waiting document.
    const done = booted ? this.finish() : this.pool.next();
    if (done) {
      const seconds = Math.round(this.options.timeoutMs / 1000);
      done.reject(
        timedOut
          ? unprocessable(
              'report_timeout',
              `Reading and extracting this document took over ${seconds} s and was stopped; split it or send its plain text.`,
            )
          : unprocessable(
              'report_extraction_failed',
              booted
                ? `The extraction stopped while reading this document (thread exit ${code}; too large or malformed).`
                : `The extraction thread could not start (exit ${code}); see the node's log.`,
            ),
      );
      this.log.warn({ code, timedOut }, 'report extraction thread stopped; restarting');
    }
    this.pool.pump();
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = false;
    const done = this.finish();
    done?.reject(failure('reports_busy', 503, 'The node is stopping.'));
    if (worker) await worker.terminate();
  }
}

/**
 * The reports' extraction off the request thread: a small pool of worker threads
 * (extract.worker.ts), each one document at a time, with a bounded queue in front. A long
 * report's extraction (about 35,000 characters a second) no longer holds the node's event
 * loop: the hotline, live events and federation go on meanwhile.
 */
export class ExtractPool {
  private readonly waiting: Waiting[] = [];
  private readonly threads: ExtractThread[];
  private readonly options: Required<ExtractPoolOptions>;
  private closed = false;

  constructor(log: Logger, options: ExtractPoolOptions = {}) {
    this.options = {
      threads: Math.max(1, options.threads ?? 1),
      queue: Math.max(0, options.queue ?? 8),
      timeoutMs: options.timeoutMs ?? 60_000,
      heapMb: options.heapMb ?? 1024,
    };
    const pool = { next: () => this.waiting.shift(), pump: () => this.pump() };
    this.threads = Array.from(
      { length: this.options.threads },
      () => new ExtractThread(pool, this.options, log),
    );
  }

  /** Documents being worked on now. */
  get running(): number {
    return this.threads.filter((t) => t.busy).length;
  }

  /** Reads and extracts one document on a thread; 503 reports_busy when the queue is full. */
  run(job: ExtractJob): Promise<Extracted> {
    if (this.closed) return Promise.reject(failure('reports_busy', 503, 'The node is stopping.'));
    const idle = this.threads.length - this.running;
    if (this.waiting.length >= this.options.queue + idle) {
      return Promise.reject(
        failure(
          'reports_busy',
          503,
          `The node is extracting ${this.running + this.waiting.length} documents already; try again in a few seconds.`,
          { headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } },
        ),
      );
    }
    return new Promise<Extracted>((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      this.pump();
    });
  }

  pump(): void {
    if (this.closed) return;
    for (const thread of this.threads) {
      if (this.waiting.length === 0) return;
      thread.take();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) {
      w.reject(failure('reports_busy', 503, 'The node is stopping.'));
    }
    await Promise.all(this.threads.map((t) => t.close()));
  }
}
