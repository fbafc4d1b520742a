import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { BatchResult, Rejection } from '../../core/schemas/federation.js';
import { AppError } from '../errors.js';
import { EnvelopeError, readEnvelopeHeader, type SignedMessage } from './envelope.js';
import type { FederationContext } from './federation.js';
import { findPeer } from './peers.js';

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

function refuse(
  code: string,
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
): AppError {
  return new AppError(code, status, message, {}, extra);
}

export async function receiveBatch(
  ctx: FederationContext,
  envelopes: string[],
): Promise<BatchResult> {
  const headers = envelopes.map((envelope) => readEnvelopeHeader(envelope));
  const first = headers[0];
  if (!first) throw refuse('invalid_request', 400, 'A batch holds at least one envelope.');
  for (const header of headers) {
    if (header.to !== ctx.nodeId) {
      throw refuse(
        'wrong_recipient',
        403,
        `This is ${ctx.nodeId}; the envelope is addressed to ${header.to}.`,
      );
    }
    if (header.from !== first.from) {
      throw refuse('mixed_senders', 400, 'All envelopes of a batch must come from one sender.');
    }
  }
  headers.forEach((header, i) => {
    if (header.seq !== first.seq + i) {
      throw refuse(
        'sequence_not_consecutive',
        400,
        `Envelope ${i} has sequence ${header.seq}; expected ${first.seq + i}.`,
      );
    }
  });
  const peer = await findPeer(ctx.store.db, first.from);
  if (!peer) throw refuse('unknown_peer', 403, `${first.from} is not a peer of ${ctx.nodeId}.`);
  if (peer.status === 'removed')
    throw refuse('peer_removed', 403, `${first.from} was removed as a peer of ${ctx.nodeId}.`);
  if (peer.status === 'suspended') {
    throw refuse(
      'peer_suspended',
      403,
      `${ctx.nodeId} has suspended its peering with ${first.from}.`,
    );
  }

  const messages: SignedMessage[] = await ctx.opener.open(
    envelopes,
    headers,
    peer.signing_jwk,
    () => ctx.peerKeys.signing(peer),
  );
  const bodies = messages.map((message) => {
    const definition = ctx.kinds.get(message.kind);
    if (!definition) {
      throw refuse(
        'unknown_kind',
        422,
        `Message ${message.seq} has kind ${message.kind}, which this node does not know.`,
      );
    }
    const parsed = definition.schema.safeParse(message.body);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
        .join('; ');
      throw refuse(
        'invalid_payload',
        422,
        `Message ${message.seq} (${message.kind}) is not valid: ${issues}.`,
      );
    }
    return parsed.data;
  });

  const now = ctx.clock.now();
  const last = first.seq + messages.length - 1;
  let rejected: Rejection[] = [];
  // Fast path: the whole batch in one transaction. Only if a handler refuses a message is
  // the batch applied again with a savepoint per message, so the refusal undoes its own
  // writes and nothing else.
  const apply = (isolate: boolean) =>
    ctx.store.transaction(async (trx, hooks) => {
      rejected = [];
      let watermarkQuery = trx
        .selectFrom('stream_in')
        .select('applied_seq')
        .where('peer_id', '=', peer.node_id);
      if (ctx.store.dialect === 'postgres') watermarkQuery = watermarkQuery.forUpdate();
      const watermark = Number((await watermarkQuery.executeTakeFirst())?.applied_seq ?? 0);
      if (first.seq <= watermark) {
        throw refuse(
          'replayed_sequence',
          409,
          `Sequence ${first.seq} from ${peer.node_id} was already applied (up to ${watermark}).`,
          { applied: watermark },
        );
      }
      if (first.seq > watermark + 1) throw new AheadOfWatermark(watermark);
      for (const [i, message] of messages.entries()) {
        const definition = ctx.kinds.get(message.kind);
        if (!definition) continue;
        if (!isolate) {
          try {
            await definition.handle(trx, bodies[i], { peer, message, hooks });
          } catch (error) {
            throw new RetryIsolated(error);
          }
          continue;
        }
        await sql`savepoint liaison_message`.execute(trx);
        try {
          await definition.handle(trx, bodies[i], { peer, message, hooks });
          await sql`release savepoint liaison_message`.execute(trx);
        } catch (error) {
          await sql`rollback to savepoint liaison_message`.execute(trx);
          await sql`release savepoint liaison_message`.execute(trx);
          const code = error instanceof AppError ? error.code : 'handler_failed';
          const reason = error instanceof Error ? error.message : String(error);
          if (!(error instanceof AppError))
            ctx.log.error(
              { err: error, peer: peer.node_id, seq: message.seq },
              'message handler failed',
            );
          rejected.push({ seq: message.seq, id: message.id, kind: message.kind, code, reason });
          await trx
            .insertInto('message_rejections')
            .values({
              id: randomUUID(),
              direction: 'in',
              peer_id: peer.node_id,
              seq: message.seq,
              message_id: message.id,
              kind: message.kind,
              code,
              reason,
              at: now,
            })
            .execute();
        }
      }
      await trx
        .updateTable('stream_in')
        .set({ applied_seq: last, last_received_at: now })
        .where('peer_id', '=', peer.node_id)
        .execute();
      hooks.afterCommit(() => {
        ctx.applied.notify(peer.node_id);
        ctx.onLedgerChanged(peer.node_id);
      });
    });
  // A sender may have two batches in flight; if this one overtook the one before it, it
  // waits (briefly) for that one to be applied rather than being refused.
  const deadline = Date.now() + AHEAD_WAIT_MS;
  for (;;) {
    try {
      try {
        await apply(false);
      } catch (error) {
        if (!(error instanceof RetryIsolated)) throw error;
        await apply(true);
      }
      break;
    } catch (error) {
      if (!(error instanceof AheadOfWatermark)) throw error;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw refuse(
          'sequence_gap',
          409,
          `Expected sequence ${error.watermark + 1} from ${peer.node_id}, got ${first.seq}.`,
          { applied: error.watermark },
        );
      }
      // Another process of this node may apply it: look again at least every 100 ms.
      await ctx.applied.wait(peer.node_id, Math.min(remaining, 100));
    }
  }

  ctx.log.debug(
    { peer: peer.node_id, from: first.seq, to: last, rejected: rejected.length },
    'batch applied',
  );
  return { applied: last, rejected };
}

export { EnvelopeError };
