import { randomUUID } from 'node:crypto';
import {
  BatchResult,
  MAX_BATCH_MESSAGES,
  MAX_ENVELOPE_BYTES,
} from '../../core/schemas/federation.js';
import { iso } from '../clock.js';
import { conflict, notFound, tooLarge } from '../errors.js';
import type { Db, TxHooks } from '../store/database.js';
import { BATCH_PATH } from './descriptor.js';
import { PROTOCOL_VERSION, sealEnvelope } from './envelope.js';
import type { OutboxRow } from './federation.table.js';
import type { FederationContext } from './federation.js';
import { findPeer } from './peers.js';
import { RESEND_RETENTION_MS, resumeStream } from './resume.js';
import { postJson, type PeerAnswer } from './transport.js';
import {
  acknowledgeStream,
  findStreamOut,
  insertOutboxRow,
  insertRejection,
  nextOutgoingSeq,
  outboxEnvelopes,
  outboxSizesAfter,
  pruneSent,
  recordStreamFailure,
  releaseStreamLease,
  takeStreamLease,
} from './streams.repository.js';

/**
 * The sending side of the per-peer streams.
 *
 * `enqueue` is the one function services call: inside the transaction of their change it
 * gives the message the stream's next sequence number, seals its envelope and stores it in
 * the outbox, so the change and its message commit together or not at all.
 *
 * A `StreamDispatcher` per active peer pushes batches in sequence order and deletes what the
 * peer confirms applied. Retries back off exponentially with jitter, capped at a few
 * seconds while the peer answers and at a minute while it is down; while it is down a cheap
 * probe of its /healthz every two seconds ends the wait as soon as it is back.
 *
 * An idle dispatcher asks nothing of the store: it waits for a nudge (a commit in this
 * process) or a poke from the federation's sweep, one read for all streams that finds
 * messages committed by another process (a CLI command, or another `serve` process on
 * PostgreSQL). IDLE_WAIT_MS is only a safety net.
 */
export const MAX_BATCH_BYTES_SENT = 4 * 1024 * 1024;
const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_UP_MS = 3_000;
const BACKOFF_CAP_DOWN_MS = 60_000;
const PROBE_INTERVAL_MS = 2_000;
const REQUEST_TIMEOUT_MS = 30_000;
const LEASE_MS = 15_000;
const IDLE_WAIT_MS = 60_000;
/** Batches in flight at once on a stream. */
const PIPELINE_DEPTH = 2;

type Posted = ({ reached: true } & PeerAnswer) | { reached: false; reason: string };

export async function enqueue(
  ctx: FederationContext,
  trx: Db,
  hooks: TxHooks | undefined,
  peerId: string,
  kind: string,
  body: unknown,
  options: { toSuspended?: boolean } = {},
): Promise<{ seq: number; id: string }> {
  const peer = await findPeer(trx, peerId);
  if (!peer || peer.status === 'removed')
    throw notFound('peer_not_found', `No peer has the node id ${peerId}.`);
  // A key announcement waits in a suspended peer's stream for its resumption.
  if (peer.status !== 'active' && !(options.toSuspended && peer.status === 'suspended')) {
    throw conflict('peer_suspended', `${peerId} is suspended; resume it before sending.`);
  }
  const accepted = JSON.parse(peer.message_kinds) as string[];
  if (!accepted.includes(kind)) {
    throw conflict('kind_not_supported', `${peerId} does not accept messages of kind ${kind}.`);
  }
  const definition = ctx.kinds.get(kind);
  if (!definition) throw new Error(`message kind ${kind} is not registered on this node`);
  const checked = definition.schema.safeParse(body);
  if (!checked.success)
    throw new Error(`outgoing ${kind} message does not match its schema: ${checked.error.message}`);

  const { seq, signingKid } = await nextOutgoingSeq(trx, peerId);
  const kid = signingKid ?? ctx.ring.initialSigningKid;
  const id = randomUUID();
  const now = ctx.clock.now();
  const envelope = await sealEnvelope(
    {
      v: PROTOCOL_VERSION,
      from: ctx.nodeId,
      to: peerId,
      seq,
      kind,
      id,
      at: iso(now),
      body: checked.data,
    },
    { key: await ctx.ring.key(kid), kid },
    await ctx.peerKeys.encryption(peer),
  );
  // A recipient refuses a larger envelope: it would stop the stream for good. Refuse the
  // change instead, while the caller can still say so.
  if (envelope.length > MAX_ENVELOPE_BYTES) {
    throw tooLarge(
      'message_too_large',
      `This change makes a ${kind} message of ${envelope.length} bytes once sealed; the limit is ${MAX_ENVELOPE_BYTES}.`,
    );
  }
  await insertOutboxRow(trx, {
    peer_id: peerId,
    seq,
    message_id: id,
    kind,
    envelope,
    size: envelope.length,
    created_at: now,
  });
  if (hooks) hooks.afterCommit(() => ctx.nudge(peerId));
  else ctx.nudge(peerId);
  return { seq, id };
}

function sleep(ms: number, wake: { resolve?: () => void }): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      wake.resolve = undefined;
      resolve();
    }, ms);
    wake.resolve = () => {
      clearTimeout(timer);
      wake.resolve = undefined;
      resolve();
    };
  });
}

export class StreamDispatcher {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly wake: { resolve?: () => void } = {};
  private pending = false;
  private idle = false;
  private leaseUntil = 0;
  private prunedAt = 0;
  /** Aborted by stop(): a batch in flight does not hold the node's stop for its timeout. */
  private halt = new AbortController();

  constructor(
    private readonly ctx: FederationContext,
    readonly peerId: string,
    private readonly owner: string,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.halt = new AbortController();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    // The peer may apply a batch whose answer is lost here: the next start sends it again
    // and the peer answers with its watermark (replayed_sequence), as after a crash.
    this.halt.abort();
    this.wake.resolve?.();
    await this.loop;
  }

  /** New messages were committed: send them now. */
  nudge(): void {
    this.pending = true;
    this.wake.resolve?.();
  }

  /** The sweep saw something to send: wake the dispatcher if it is idle, not backing off. */
  poke(): void {
    if (this.idle) this.nudge();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      this.pending = false;
      let delay = IDLE_WAIT_MS;
      try {
        const outcome = await this.sendOnce();
        if (outcome.kind === 'sent') {
          failures = 0;
          continue;
        }
        if (outcome.kind === 'idle') {
          failures = 0;
        } else if (outcome.kind === 'not_leaseholder') {
          delay = LEASE_MS / 3;
        } else {
          failures++;
          const cap = outcome.kind === 'down' ? BACKOFF_CAP_DOWN_MS : BACKOFF_CAP_UP_MS;
          const exp = Math.min(cap, BACKOFF_BASE_MS * 2 ** Math.min(failures, 20));
          delay = Math.round(exp / 2 + Math.random() * (exp / 2));
          if (outcome.kind === 'down') {
            await this.waitUntilUp(delay);
            continue;
          }
        }
      } catch (error) {
        this.ctx.log.error({ err: error, peer: this.peerId }, 'dispatcher pass failed');
        failures++;
        delay = Math.min(BACKOFF_CAP_UP_MS, BACKOFF_BASE_MS * 2 ** Math.min(failures, 20));
      }
      if (!this.running) break;
      if (this.pending && delay === IDLE_WAIT_MS) continue;
      this.idle = delay === IDLE_WAIT_MS;
      await sleep(delay, this.wake);
      this.idle = false;
    }
  }

  /** While the peer is down: wait up to `maxMs`, probing its /healthz so its return ends the wait. */
  private async waitUntilUp(maxMs: number): Promise<void> {
    const until = Date.now() + maxMs;
    while (this.running && Date.now() < until) {
      await sleep(Math.min(PROBE_INTERVAL_MS, until - Date.now()), this.wake);
      if (!this.running) return;
      const peer = await findPeer(this.ctx.store.db, this.peerId);
      if (!peer || peer.status !== 'active') return;
      try {
        const response = await fetch(`${peer.url}/healthz`, { signal: AbortSignal.timeout(1_000) });
        if (response.ok) return;
      } catch {
        // still down
      }
    }
  }

  private async takeLease(db: Db, now: number): Promise<boolean> {
    // One process per SQLite file: nothing to share. On PostgreSQL several processes may
    // serve the node; the lease is renewed when half spent, not on every batch.
    if (this.ctx.store.dialect === 'sqlite') return true;
    if (this.leaseUntil - now > LEASE_MS / 2) return true;
    const held = await takeStreamLease(db, this.peerId, this.owner, now, now + LEASE_MS);
    this.leaseUntil = held ? now + LEASE_MS : 0;
    return held;
  }

  async releaseLease(): Promise<void> {
    this.leaseUntil = 0;
    await releaseStreamLease(this.ctx.store.db, this.peerId, this.owner);
  }

  /** Reads the next batch after `after`: consecutive, at most N messages and M bytes. */
  private async readBatch(db: Db, after: number): Promise<Pick<OutboxRow, 'seq' | 'envelope'>[]> {
    // Sizes first: envelopes can be megabytes, so only the chosen ones are read.
    const sizes = await outboxSizesAfter(db, this.peerId, after, MAX_BATCH_MESSAGES);
    let count = 0;
    let bytes = 0;
    for (const row of sizes) {
      const size = Number(row.size);
      if (Number(row.seq) !== after + 1 + count) break;
      if (count > 0 && bytes + size > MAX_BATCH_BYTES_SENT) break;
      count++;
      bytes += size;
    }
    // Rows are committed in sequence order per peer; a gap means a commit is in flight.
    if (count === 0) return [];
    return outboxEnvelopes(db, this.peerId, after, after + count);
  }

  /** Posts one batch; never throws. */
  private async post(url: string, batch: Pick<OutboxRow, 'seq' | 'envelope'>[]): Promise<Posted> {
    const body = `{"envelopes":[${batch.map((row) => JSON.stringify(row.envelope)).join(',')}]}`;
    const signal = AbortSignal.any([this.halt.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
    try {
      return { reached: true, ...(await postJson(`${url}${BATCH_PATH}`, body, signal)) };
    } catch (error) {
      return { reached: false, reason: (error as Error).message };
    }
  }

  /**
   * Sends what is pending. Two batches may be in flight, so the peer verifies the next
   * batch while it applies this one; the peer applies them in sequence order whatever
   * order they arrive in. Answers are taken in order; after a failure the batches behind
   * it are awaited (a success among them still counts) and the stream starts again from
   * what the peer confirmed.
   */
  private async sendOnce(): Promise<{
    kind: 'sent' | 'idle' | 'down' | 'refused' | 'not_leaseholder';
  }> {
    const db = this.ctx.store.db;
    const peer = await findPeer(db, this.peerId);
    if (!peer || peer.status !== 'active') return { kind: 'idle' };
    let stream = await findStreamOut(db, this.peerId);
    if (!stream) return { kind: 'idle' };
    if (stream.resume_at !== null) {
      // Restored from a backup: the peer agrees on where the stream resumes first (resume.ts).
      if (!(await this.takeLease(db, Date.now()))) return { kind: 'not_leaseholder' };
      const resumed = await resumeStream(this.ctx, peer, stream, this.halt.signal);
      if (!resumed.ok) {
        if (this.halt.signal.aborted) return { kind: 'down' }; // stopping, as in settle
        await this.recordFailure(resumed.code, resumed.message, resumed.peerUp, Date.now());
        return { kind: resumed.peerUp ? 'refused' : 'down' };
      }
      stream = await findStreamOut(db, this.peerId);
      if (!stream) return { kind: 'idle' };
    }
    let acked = Number(stream.acked_seq);
    if (Number(stream.last_seq) <= acked) return { kind: 'idle' };

    const inFlight: { first: number; last: number; answer: Promise<Posted> }[] = [];
    let sentThrough = acked;
    let sent = false;
    for (;;) {
      while (this.running && inFlight.length < PIPELINE_DEPTH) {
        if (!(await this.takeLease(db, Date.now()))) break;
        const batch = await this.readBatch(db, sentThrough);
        const last = batch[batch.length - 1];
        if (!last) break;
        inFlight.push({
          first: sentThrough + 1,
          last: Number(last.seq),
          answer: this.post(peer.url, batch),
        });
        sentThrough = Number(last.seq);
      }
      const head = inFlight.shift();
      if (!head) {
        if (sent) return { kind: 'sent' };
        return this.leaseUntil === 0 && this.ctx.store.dialect !== 'sqlite'
          ? { kind: 'not_leaseholder' }
          : { kind: 'idle' };
      }
      const outcome = await this.settle(peer.url, await head.answer, head, acked, stream);
      if (outcome.applied !== undefined) acked = Math.max(acked, outcome.applied);
      if (outcome.kind === 'sent' && acked >= head.last) {
        sent = true;
        continue;
      }
      // Something went wrong: let the batches behind it finish, keep what they confirm.
      for (const rest of inFlight.splice(0)) {
        const answer = await rest.answer;
        const result = answer.reached && answer.ok ? BatchResult.safeParse(answer.body) : undefined;
        if (result?.success && result.data.applied > acked && result.data.applied <= rest.last) {
          acked = result.data.applied;
          await this.acknowledge(acked, result.data.rejected, this.ctx.clock.now());
        }
      }
      return { kind: outcome.kind === 'sent' ? 'sent' : outcome.kind };
    }
  }

  /** Records the answer to one batch: an acknowledgement, or the failure and its reason. */
  private async settle(
    url: string,
    answer: Posted,
    batch: { first: number; last: number },
    acked: number,
    stream: { last_seq: number | string },
  ): Promise<{ kind: 'sent' | 'down' | 'refused'; applied?: number }> {
    const now = this.ctx.clock.now();
    // Stopping: the batch was abandoned here, which says nothing of the peer.
    if (!answer.reached && this.halt.signal.aborted) return { kind: 'down' };
    if (!answer.reached) {
      await this.recordFailure(
        'peer_unreachable',
        `${url} cannot be reached (${answer.reason}).`,
        false,
        now,
      );
      return { kind: 'down' };
    }
    const { body } = answer;
    if (answer.ok) {
      const result = BatchResult.safeParse(body);
      if (!result.success) {
        await this.recordFailure(
          'bad_answer',
          `${url} answered 200 with a body that is not a batch result.`,
          true,
          now,
        );
        return { kind: 'refused' };
      }
      if (result.data.applied < acked || result.data.applied > batch.last) {
        await this.recordFailure(
          'bad_answer',
          `${url} answered applied ${result.data.applied}, outside the batch sent (${batch.first}–${batch.last}).`,
          true,
          now,
        );
        return { kind: 'refused' };
      }
      await this.acknowledge(result.data.applied, result.data.rejected, now);
      return { kind: 'sent', applied: result.data.applied };
    }
    const error = (
      body as { error?: { code?: unknown; message?: unknown; applied?: unknown } } | undefined
    )?.error;
    const code = typeof error?.code === 'string' ? error.code : `http_${answer.status}`;
    const message =
      typeof error?.message === 'string' ? error.message : `${url} answered ${answer.status}.`;
    let applied: number | undefined;
    if (
      (code === 'replayed_sequence' || code === 'sequence_gap') &&
      typeof error?.applied === 'number'
    ) {
      // The peer already has some of these (a lost answer): take its watermark as the ack.
      if (error.applied >= acked && error.applied <= Number(stream.last_seq)) {
        applied = error.applied;
        await this.acknowledge(applied, [], now);
        if (code === 'replayed_sequence') return { kind: 'sent', applied };
      }
    }
    if (code === 'kind_not_supported' || code === 'unknown_kind')
      this.ctx.onPeerRefusedKind(this.peerId);
    await this.recordFailure(code, message, answer.status < 500, now);
    return {
      kind: answer.status >= 500 ? 'down' : 'refused',
      ...(applied === undefined ? {} : { applied }),
    };
  }

  /**
   * Records the peer's acknowledgement. It need not reach the disk before the next batch
   * goes (durable: false): lost in a power cut, the messages are sent again and the peer
   * answers replayed_sequence with its watermark, the same acknowledgement. Refusals are
   * facts of their own and wait for the disk.
   */
  private async acknowledge(
    applied: number,
    rejected: BatchResult['rejected'],
    now: number,
  ): Promise<void> {
    await this.ctx.store.transaction(
      async (trx, hooks) => {
        await acknowledgeStream(trx, this.peerId, applied, now);
        for (const rejection of rejected) {
          await insertRejection(trx, {
            id: randomUUID(),
            direction: 'out',
            peer_id: this.peerId,
            seq: rejection.seq,
            message_id: rejection.id,
            kind: rejection.kind,
            code: rejection.code,
            reason: rejection.reason,
            at: now,
          });
        }
        hooks.afterCommit(() => this.ctx.onLedgerChanged(this.peerId));
      },
      { durable: rejected.length > 0 },
    );
    if (now - this.prunedAt > 60_000) {
      this.prunedAt = now;
      await pruneSent(this.ctx.store.db, this.peerId, now - RESEND_RETENTION_MS);
    }
    if (rejected.length > 0) {
      this.ctx.log.warn({ peer: this.peerId, rejected }, 'peer refused messages');
    }
  }

  private async recordFailure(
    code: string,
    message: string,
    peerUp: boolean,
    now: number,
  ): Promise<void> {
    await recordStreamFailure(this.ctx.store.db, this.peerId, { code, message, peerUp, at: now });
    this.ctx.log.warn({ peer: this.peerId, code, message }, 'batch not delivered');
    this.ctx.onLedgerChanged(this.peerId);
  }
}
