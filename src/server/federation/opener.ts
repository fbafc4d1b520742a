import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { JWK } from 'jose';
import type { Logger } from 'pino';
import { failure } from '../errors.js';
import {
  importEncryptionKey,
  importSigningKey,
  openScheduled,
  type EnvelopeHeader,
  type ScheduledKey,
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
  /** This node's private keys that may open them (JSON text each), the current one first. */
  ownJwks: string[];
  /** The sender's pinned signing keys (JSON text) and the sequences each signs. */
  senderKeys: ScheduledKey<string>[];
}

/** Imports keys given as JWK text, keeping the last hundred or so. */
export class ImportedKeys {
  private readonly keys = new Map<string, Promise<SigningKey>>();

  get(text: string, use: 'sig' | 'enc'): Promise<SigningKey> {
    let key = this.keys.get(text);
    if (!key) {
      if (this.keys.size > 100) this.keys.clear();
      const jwk = JSON.parse(text) as JWK;
      key = use === 'sig' ? importSigningKey(jwk) : importEncryptionKey(jwk);
      this.keys.set(text, key);
    }
    return key;
  }

  /** The keys of one request: this node's by id, the sender's by sequence range. */
  async forRequest(
    ownJwks: string[],
    senderKeys: ScheduledKey<string>[],
  ): Promise<{
    own: { keys: Map<string, SigningKey>; current: SigningKey };
    sender: ScheduledKey<SigningKey>[];
  }> {
    const first = ownJwks[0];
    if (first === undefined) throw new Error('no decryption key given');
    const keys = new Map<string, SigningKey>();
    for (const text of ownJwks) {
      const kid = (JSON.parse(text) as JWK).kid;
      if (kid) keys.set(kid, await this.get(text, 'enc'));
    }
    const sender = await Promise.all(
      senderKeys.map(async (k) => ({ ...k, key: await this.get(k.key, 'sig') })),
    );
    return { own: { keys, current: await this.get(first, 'enc') }, sender };
  }
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

/** A thread with nothing to open for this long is stopped (its memory given back). */
const THREAD_IDLE_MS = 30_000;

class OpenerThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly log: Logger) {}

  private start(): Worker {
    // Under the test runner the sources are TypeScript: the thread registers tsx first.
    const typescript = import.meta.url.endsWith('.ts');
    const entry = new URL(
      typescript ? './opener.worker.ts' : './opener.worker.js',
      import.meta.url,
    );
    const worker = typescript
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
          { eval: true },
        )
      : new Worker(entry);
    worker.unref();
    worker.on('message', (reply: OpenReply) => {
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      pending?.resolve(reply);
      if (this.pending.size === 0) this.stopWhenIdle(worker);
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

  /** Stops `worker` after THREAD_IDLE_MS unless it is given more to open meanwhile. */
  private stopWhenIdle(worker: Worker): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker !== worker || this.pending.size > 0) return;
      this.worker = undefined;
      void worker.terminate();
    }, THREAD_IDLE_MS);
    this.idleTimer.unref();
  }

  open(request: OpenRequest): Promise<OpenReply> {
    clearTimeout(this.idleTimer);
    this.worker ??= this.start();
    const worker = this.worker;
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    // Its exit no longer fails what it held (it is not the current thread): refuse them here,
    // or a batch being opened while the node stops would wait for ever, and the stop with it.
    for (const pending of this.pending.values())
      pending.reject(new Error('envelope opener closed'));
    this.pending.clear();
  }
}

export class EnvelopeOpener {
  private readonly threads: OpenerThread[];
  private readonly keys = new ImportedKeys();
  private nextId = 1;

  constructor(log: Logger, threads = Math.min(4, availableParallelism())) {
    this.threads = Array.from({ length: Math.max(1, threads) }, () => new OpenerThread(log));
  }

  /**
   * Opens every envelope, in order, with this node's keys (`ownJwks`, the current one
   * first) and the sender's keys for each sequence. Throws the AppError of the first
   * envelope that is wrong, as if they had been opened one after the other.
   */
  async open(
    envelopes: string[],
    headers: EnvelopeHeader[],
    ownJwks: string[],
    senderKeys: ScheduledKey<string>[],
  ): Promise<SignedMessage[]> {
    if (envelopes.length <= INLINE_MAX) {
      const { own, sender } = await this.keys.forRequest(ownJwks, senderKeys);
      return Promise.all(
        envelopes.map((envelope, i) =>
          openScheduled(envelope, headers[i] as EnvelopeHeader, own, sender),
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
          ownJwks,
          senderKeys,
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
