import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { JWK } from 'jose';
import type { Logger } from 'pino';
import { failure } from '../errors.js';
import {
  importEncryptionKey,
  openEnvelope,
  type EnvelopeHeader,
  type SignedMessage,
  type SigningKey,
} from './envelope.js';

/**
 * Opens (decrypts and verifies) the envelopes of a batch. Each envelope costs an X25519
 * agreement and an Ed25519 verification, a quarter of a millisecond of CPU: large batches
 * are split over worker threads, one per core, so the main thread stays free to apply
 * the batch before and to serve users; small batches (a message as it happens) are opened
 * in place, which is faster than a hop to a thread.
 */
export interface OpenRequest {
  id: number;
  envelopes: string[];
  headers: EnvelopeHeader[];
  /** The sender's pinned signing key, as stored (JSON text). */
  senderJwk: string;
}

export type OpenReply =
  | { id: number; ok: true; messages: SignedMessage[] }
  | { id: number; ok: false; index: number; code: string; status: number; message: string };

/** Batches up to this size are opened on the main thread. */
const INLINE_MAX = 16;

interface Pending {
  resolve(reply: OpenReply): void;
  reject(error: Error): void;
}

class OpenerThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly ownJwk: JWK,
    private readonly log: Logger,
  ) {}

  private start(): Worker {
    // Under the test runner the sources are TypeScript: the thread registers tsx first.
    const typescript = import.meta.url.endsWith('.ts');
    const entry = new URL(
      typescript ? './opener.worker.ts' : './opener.worker.js',
      import.meta.url,
    );
    const workerData = { ownJwk: this.ownJwk };
    const worker = typescript
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
          { eval: true, workerData },
        )
      : new Worker(entry, { workerData });
    worker.unref();
    worker.on('message', (reply: OpenReply) => {
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      pending?.resolve(reply);
    });
    const fail = (error: Error) => {
      this.log.error({ err: error }, 'envelope opener thread failed');
      if (this.worker === worker) this.worker = undefined;
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.worker === worker) fail(new Error(`envelope opener thread exited (${code})`));
    });
    return worker;
  }

  open(request: OpenRequest): Promise<OpenReply> {
    this.worker ??= this.start();
    const worker = this.worker;
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}

export class EnvelopeOpener {
  private readonly threads: OpenerThread[];
  private readonly ownKey: Promise<SigningKey>;
  private nextId = 1;

  constructor(ownJwk: JWK, log: Logger, threads = Math.min(4, availableParallelism())) {
    this.ownKey = importEncryptionKey(ownJwk);
    this.threads = Array.from(
      { length: Math.max(1, threads) },
      () => new OpenerThread(ownJwk, log),
    );
  }

  /**
   * Opens every envelope, in order. Throws the AppError of the first envelope that is
   * wrong, as if they had been opened one after the other.
   */
  async open(
    envelopes: string[],
    headers: EnvelopeHeader[],
    senderJwk: string,
    senderKey: () => Promise<SigningKey>,
  ): Promise<SignedMessage[]> {
    if (envelopes.length <= INLINE_MAX) {
      const own = await this.ownKey;
      const verify = await senderKey();
      return Promise.all(
        envelopes.map((envelope, i) =>
          openEnvelope(envelope, headers[i] as EnvelopeHeader, own, verify),
        ),
      );
    }
    const size = Math.ceil(envelopes.length / this.threads.length);
    const replies = await Promise.all(
      this.threads.map((thread, t) =>
        thread.open({
          id: this.nextId++,
          envelopes: envelopes.slice(t * size, (t + 1) * size),
          headers: headers.slice(t * size, (t + 1) * size),
          senderJwk,
        }),
      ),
    );
    const messages: SignedMessage[] = [];
    for (const reply of replies) {
      if (!reply.ok) {
        if (reply.index < 0) throw new Error(reply.message);
        throw failure(reply.code, reply.status, reply.message);
      }
      messages.push(...reply.messages);
    }
    return messages;
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.close()));
  }
}
