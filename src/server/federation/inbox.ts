import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { BatchResult, Rejection } from '../../core/schemas/federation.js';
import { AppError, badRequest, conflict, forbidden, unprocessable } from '../errors.js';
import type { Trx } from '../store/database.js';
import { readEnvelopeHeader, type EnvelopeHeader, type SignedMessage } from './envelope.js';
import type { PeerRow } from './federation.table.js';
import type { FederationContext } from './federation.js';
import { findPeer } from './peers.js';
import { KEYS_KIND, scheduleAfter, senderSchedule } from './key-rotation.js';
import { advanceWatermark, insertRejection, readWatermark } from './streams.repository.js';

/**
 * The receiving side: verifies every envelope of a batch (algorithms, recipient, sender's
 * pinned signature, consecutive sequence, known kind, payload schema) before anything is
 * written; then, in one transaction, checks the batch continues the stream exactly where
 * the watermark is, applies each message (each in a savepoint, so a handler that refuses
 * a message undoes only its own writes) and advances the watermark.
 */
/** A handler refused a message on the fast path: apply the batch again, isolating each message. */
class RetryIsolated extends Error {
  constructor(readonly reason: unknown) {
    super('a handler refused a message');
  }
}

/** The batch starts after the watermark's next sequence. */
class AheadOfWatermark extends Error {
  constructor(readonly watermark: number) {
    super('batch ahead of the watermark');
  }
}

/** How long a batch that overtook its predecessor waits for it. */
const AHEAD_WAIT_MS = 2_000;

/** Wakes batches waiting for a peer's watermark to move (in this process). */
export class AppliedSignal {
  private readonly waiters = new Map<string, Set<() => void>>();

  notify(peerId: string): void {
    const waiting = this.waiters.get(peerId);
    if (!waiting) return;
    this.waiters.delete(peerId);
    for (const wake of waiting) wake();
  }

  wait(peerId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let waiting = this.waiters.get(peerId);
      if (!waiting) this.waiters.set(peerId, (waiting = new Set()));
      const set = waiting;
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      set.add(wake);
    });
  }
}

/** A batch checked through: from a known, active peer, every envelope opened, every body valid. */
interface VerifiedBatch {
  peer: PeerRow;
  /** The sequence numbers of its first and last message. */
  first: number;
  last: number;
  messages: SignedMessage[];
  bodies: unknown[];
}

export async function receiveBatch(
  ctx: FederationContext,
  envelopes: string[],
): Promise<BatchResult> {
  const batch = await verifyBatch(ctx, envelopes);
  const rejected = await applyInOrder(ctx, batch, ctx.clock.now());
  ctx.log.debug(
    { peer: batch.peer.node_id, from: batch.first, to: batch.last, rejected: rejected.length },
    'batch applied',
  );
  return { applied: batch.last, rejected };
}

/** Everything that can be checked before anything is written. */
async function verifyBatch(ctx: FederationContext, envelopes: string[]): Promise<VerifiedBatch> {
  const headers = envelopes.map((envelope) => readEnvelopeHeader(envelope));
  const first = checkHeaders(ctx, headers);
  let peer = await sendingPeer(ctx, first.from);
  const deadline = Date.now() + AHEAD_WAIT_MS;
  let messages: SignedMessage[];
  for (;;) {
    try {
      messages = await openBatch(ctx, peer, envelopes, headers);
      break;
    } catch (error) {
      // A batch that overtook the one announcing new keys is signed with keys not pinned
      // yet: wait (briefly) for the batches before it, then open it with the keys they pin.
      if (!(error instanceof AppError) || error.code !== 'bad_signature') throw error;
      const watermark = await readWatermark(ctx.store.db, peer.node_id, false);
      const remaining = deadline - Date.now();
      if (first.seq <= watermark + 1 || remaining <= 0) throw error;
      await ctx.applied.wait(peer.node_id, Math.min(remaining, 100));
      peer = await sendingPeer(ctx, first.from);
    }
  }
  const bodies = messages.map((message) => parseBody(ctx, message));
  return { peer, first: first.seq, last: first.seq + messages.length - 1, messages, bodies };
}

/**
 * Opens the envelopes with this node's keys and the sender's pinned keys for their
 * sequences. A key announcement in the batch ends a part: the envelopes after it are opened
 * with the keys it announces (checked first: scheduleAfter).
 */
async function openBatch(
  ctx: FederationContext,
  peer: PeerRow,
  envelopes: string[],
  headers: EnvelopeHeader[],
): Promise<SignedMessage[]> {
  const now = ctx.clock.now();
  const own = (await ctx.ring.decryptionKeys(ctx.store.db, now)).map((jwk) => JSON.stringify(jwk));
  let schedule = await senderSchedule(ctx.store.db, peer, now);
  const messages: SignedMessage[] = [];
  let start = 0;
  while (start < envelopes.length) {
    const next = headers.findIndex((h, i) => i >= start && h.kind === KEYS_KIND);
    const end = next === -1 ? envelopes.length : next + 1;
    const part = await ctx.opener.open(
      envelopes.slice(start, end),
      headers.slice(start, end),
      own,
      schedule,
    );
    messages.push(...part);
    const last = part[part.length - 1];
    if (next !== -1 && last) schedule = await scheduleAfter(peer.node_id, schedule, last);
    start = end;
  }
  return messages;
}

/** One recipient (this node), one sender, consecutive sequence numbers; returns the first. */
function checkHeaders(ctx: FederationContext, headers: EnvelopeHeader[]): EnvelopeHeader {
  const first = headers[0];
  if (!first) throw badRequest('invalid_request', 'A batch holds at least one envelope.');
  for (const header of headers) {
    if (header.to !== ctx.nodeId) {
      throw forbidden(
        `This is ${ctx.nodeId}; the envelope is addressed to ${header.to}.`,
        'wrong_recipient',
      );
    }
    if (header.from !== first.from) {
      throw badRequest('mixed_senders', 'All envelopes of a batch must come from one sender.');
    }
  }
  headers.forEach((header, i) => {
    if (header.seq !== first.seq + i) {
      throw badRequest(
        'sequence_not_consecutive',
        `Envelope ${i} has sequence ${header.seq}; expected ${first.seq + i}.`,
      );
    }
  });
  return first;
}

/** The sender, if it is an active peer of this node. */
async function sendingPeer(ctx: FederationContext, from: string): Promise<PeerRow> {
  const peer = await findPeer(ctx.store.db, from);
  if (!peer) throw forbidden(`${from} is not a peer of ${ctx.nodeId}.`, 'unknown_peer');
  if (peer.status === 'removed')
    throw forbidden(`${from} was removed as a peer of ${ctx.nodeId}.`, 'peer_removed');
  if (peer.status === 'suspended') {
    throw forbidden(`${ctx.nodeId} has suspended its peering with ${from}.`, 'peer_suspended');
  }
  return peer;
}

/** A message's body, checked against the schema of its kind. */
function parseBody(ctx: FederationContext, message: SignedMessage): unknown {
  const definition = ctx.kinds.get(message.kind);
  if (!definition) {
    throw unprocessable(
      'unknown_kind',
      `Message ${message.seq} has kind ${message.kind}, which this node does not know.`,
    );
  }
  const parsed = definition.schema.safeParse(message.body);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
      .join('; ');
    throw unprocessable(
      'invalid_payload',
      `Message ${message.seq} (${message.kind}) is not valid: ${issues}.`,
    );
  }
  return parsed.data;
}

/**
 * Applies the batch once the watermark reaches it. A sender may have two batches in flight;
 * if this one overtook the one before it, it waits (briefly) for that one to be applied
 * rather than being refused.
 */
async function applyInOrder(
  ctx: FederationContext,
  batch: VerifiedBatch,
  now: number,
): Promise<Rejection[]> {
  const deadline = Date.now() + AHEAD_WAIT_MS;
  for (;;) {
    try {
      try {
        return await applyBatch(ctx, batch, now, false);
      } catch (error) {
        if (!(error instanceof RetryIsolated)) throw error;
        return await applyBatch(ctx, batch, now, true);
      }
    } catch (error) {
      if (!(error instanceof AheadOfWatermark)) throw error;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw conflict(
          'sequence_gap',
          `Expected sequence ${error.watermark + 1} from ${batch.peer.node_id}, got ${batch.first}.`,
          { extra: { applied: error.watermark } },
        );
      }
      // Another process of this node may apply it: look again at least every 100 ms.
      await ctx.applied.wait(batch.peer.node_id, Math.min(remaining, 100));
    }
  }
}

/**
 * Applies the batch in one transaction if it continues the stream exactly at the watermark.
 * Fast path (`isolate` false): the whole batch at once. Only if a handler refuses a message
 * is the batch applied again with a savepoint per message, so the refusal undoes its own
 * writes and nothing else. Returns the messages refused.
 */
function applyBatch(
  ctx: FederationContext,
  batch: VerifiedBatch,
  now: number,
  isolate: boolean,
): Promise<Rejection[]> {
  const { peer, messages, bodies } = batch;
  return ctx.store.transaction(async (trx, hooks) => {
    const rejected: Rejection[] = [];
    const watermark = await readWatermark(trx, peer.node_id, ctx.store.dialect === 'postgres');
    if (batch.first <= watermark) {
      throw conflict(
        'replayed_sequence',
        `Sequence ${batch.first} from ${peer.node_id} was already applied (up to ${watermark}).`,
        { extra: { applied: watermark } },
      );
    }
    if (batch.first > watermark + 1) throw new AheadOfWatermark(watermark);
    for (const [i, message] of messages.entries()) {
      const definition = ctx.kinds.get(message.kind);
      if (!definition) continue;
      const handle = () => definition.handle(trx, bodies[i], { peer, message, hooks });
      if (!isolate) {
        try {
          await handle();
        } catch (error) {
          throw new RetryIsolated(error);
        }
        continue;
      }
      const rejection = await applyIsolated(ctx, trx, peer.node_id, message, handle, now);
      if (rejection) rejected.push(rejection);
    }
    await advanceWatermark(trx, peer.node_id, batch.last, now);
    hooks.afterCommit(() => {
      ctx.applied.notify(peer.node_id);
      ctx.onLedgerChanged(peer.node_id);
    });
    return rejected;
  });
}

/** Applies one message in a savepoint; a refusal is rolled back, recorded and returned. */
async function applyIsolated(
  ctx: FederationContext,
  trx: Trx,
  peerId: string,
  message: SignedMessage,
  handle: () => Promise<void>,
  now: number,
): Promise<Rejection | undefined> {
  await sql`savepoint liaison_message`.execute(trx);
  try {
    await handle();
    await sql`release savepoint liaison_message`.execute(trx);
    return undefined;
  } catch (error) {
    // A key announcement is never skipped: the messages after it are signed with its keys.
    if (message.kind === KEYS_KIND) throw error;
    await sql`rollback to savepoint liaison_message`.execute(trx);
    await sql`release savepoint liaison_message`.execute(trx);
    const code = error instanceof AppError ? error.code : 'handler_failed';
    const reason = error instanceof Error ? error.message : String(error);
    if (!(error instanceof AppError))
      ctx.log.error({ err: error, peer: peerId, seq: message.seq }, 'message handler failed');
    await insertRejection(trx, {
      id: randomUUID(),
      direction: 'in',
      peer_id: peerId,
      seq: message.seq,
      message_id: message.id,
      kind: message.kind,
      code,
      reason,
      at: now,
    });
    return { seq: message.seq, id: message.id, kind: message.kind, code, reason };
  }
}
