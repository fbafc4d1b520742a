import { randomBytes, randomUUID } from 'node:crypto';
import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import { z } from 'zod';
import { appendAudit, readAuditHead } from '../audit/audit.js';
import { iso } from '../clock.js';
import { badRequest, conflict, failure, forbidden } from '../errors.js';
import type { Db, Store, Trx } from '../store/database.js';
import { JWS_ALG } from './envelope.js';
import type { PeerRow, StreamOutRow } from './federation.table.js';
import type { FederationContext } from './federation.js';
import { findPeer } from './peers.js';
import { acknowledgeStream, readWatermark } from './streams.repository.js';
import { postJson, type PeerAnswer } from './transport.js';

/**
 * Resuming the streams after a restore (docs/federation.md, "Resuming after a restore").
 *
 * A node restored from a backup went back in time on both sides of each stream: it applied
 * less than the peer saw acknowledged, and it numbered fewer messages than the peer applied.
 * `liaison restore` records the restore (markRestored); then, before its dispatcher sends
 * anything to a peer, the node sends that peer a signed resume: "I applied yours up to I;
 * my stream to you ended at A in the backup and continues at J; my audit chain's head was H".
 * The peer, in one transaction: sends again what it had sent after I (kept
 * RESEND_RETENTION_MS after acknowledgement), moves its watermark for the node from where it
 * is (≥ A) to J − 1 so the numbers used after the backup are never used again, and sets
 * aside the node's checkpoints beyond H. Its answer, signed, says what it did.
 */

/** How long a peer keeps the messages it sent after they were acknowledged. */
export const RESEND_RETENTION_MS = 7 * 24 * 60 * 60_000;
/**
 * How far a restored node's streams jump: more than any node sends one peer between a backup
 * and its restore, so the numbers it used after the backup are never used again.
 */
export const RESUME_GAP = 1_000_000_000;
/** A resume older (or younger) than this is refused: it is a replay. */
const RESUME_MAX_AGE_MS = 10 * 60_000;
export const RESUME_PATH = '/federation/v1/resume';
const RESUME_TYP = 'liaison-resume+jws';

const ResumeRequest = z
  .object({
    v: z.literal(1),
    type: z.literal('resume'),
    from: z.string(),
    to: z.string(),
    at: z.iso.datetime(),
    nonce: z.string().min(16).max(64),
    /** The last sequence of the peer's stream this node applied. */
    inApplied: z.number().int().min(0),
    /** This node's stream to the peer ended at outAfter in the backup, continues at outAt. */
    outAfter: z.number().int().min(0),
    outAt: z.number().int().min(1),
    /** The head of this node's audit chain in the backup. */
    audit: z.object({ seq: z.number().int().min(0), hash: z.string().regex(/^[0-9a-f]{64}$/) }),
  })
  .strict();
type ResumeRequest = z.infer<typeof ResumeRequest>;

const ResumeAnswer = z
  .object({
    v: z.literal(1),
    type: z.literal('resumed'),
    from: z.string(),
    to: z.string(),
    nonce: z.string(),
    /** The peer's watermark for the restored node, after the jump if it made it. */
    applied: z.number().int().min(0),
    jumped: z.boolean(),
    /** The first sequence the peer sends again (inApplied + 1 unless some were pruned). */
    resendFrom: z.number().int().min(1),
    /** Messages the peer can no longer send again (pruned): from..through, or null. */
    lost: z.object({ from: z.number().int(), through: z.number().int() }).nullable(),
  })
  .strict();
type ResumeAnswer = z.infer<typeof ResumeAnswer>;

export const ResumeBody = z.object({ token: z.string().min(1).max(8192) }).strict();

async function sign(ctx: FederationContext, db: Db, payload: object): Promise<string> {
  const kid = (await ctx.ring.current(db)).signing;
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: JWS_ALG, kid, typ: RESUME_TYP })
    .sign(await ctx.ring.key(kid));
}

async function verify<S extends z.ZodType>(
  ctx: FederationContext,
  peer: PeerRow,
  token: string,
  schema: S,
): Promise<z.infer<S>> {
  let payload: Uint8Array;
  try {
    if (decodeProtectedHeader(token).typ !== RESUME_TYP) throw new Error('typ');
    ({ payload } = await compactVerify(token, await ctx.peerKeys.signing(peer), {
      algorithms: [JWS_ALG],
    }));
  } catch {
    throw failure(
      'bad_signature',
      401,
      `The resume does not verify with the pinned key of ${peer.node_id}.`,
    );
  }
  const parsed = schema.safeParse(JSON.parse(new TextDecoder().decode(payload)));
  if (!parsed.success) throw badRequest('invalid_request', 'The resume is not well formed.');
  return parsed.data;
}

// ---- the restored node ----------------------------------------------------------------------

/**
 * `liaison restore`, on the restored database before the node starts: records the restore
 * and makes every stream jump RESUME_GAP once its peer agreed. The audit entry is written
 * after the head is read, so the peers set aside their checkpoints beyond the backup's head.
 */
export async function markRestored(
  store: Store,
  restore: { at: number; backupCreatedAt: number; osUser: string; file: string },
): Promise<{ peers: string[]; auditSeq: number }> {
  return store.transaction(async (trx) => {
    const head = await readAuditHead(trx);
    await trx
      .insertInto('node_restores')
      .values({
        id: randomUUID(),
        restored_at: restore.at,
        backup_created_at: restore.backupCreatedAt,
        audit_seq: head.seq,
        audit_hash: head.hash,
      })
      .execute();
    const streams = await trx.selectFrom('stream_out').select(['peer_id', 'last_seq']).execute();
    for (const stream of streams) {
      const last = Number(stream.last_seq);
      await trx
        .updateTable('stream_out')
        .set({ resume_after: last, resume_at: last + RESUME_GAP, last_seq: last + RESUME_GAP - 1 })
        .where('peer_id', '=', stream.peer_id)
        .execute();
    }
    await appendAudit(trx, {
      actor: { kind: 'cli', osUser: restore.osUser },
      at: restore.at,
      action: 'node.restore',
      entityType: 'node',
      entityId: 'node',
      details: {
        backupCreatedAt: iso(restore.backupCreatedAt),
        file: restore.file,
        auditHead: head,
        peers: streams.map((s) => s.peer_id),
      },
    });
    return { peers: streams.map((s) => s.peer_id), auditSeq: head.seq };
  });
}

/** The resume this node sends `peer` for `stream` (restored), signed with its current key. */
export async function signedResumeRequest(
  ctx: FederationContext,
  peer: PeerRow,
  stream: StreamOutRow,
): Promise<{ request: ResumeRequest; token: string }> {
  const db = ctx.store.db;
  const restore = await db
    .selectFrom('node_restores')
    .selectAll()
    .orderBy('restored_at', 'desc')
    .executeTakeFirstOrThrow();
  const request: ResumeRequest = {
    v: 1,
    type: 'resume',
    from: ctx.nodeId,
    to: peer.node_id,
    at: iso(Date.now()),
    nonce: randomBytes(16).toString('hex'),
    inApplied: await readWatermark(db, peer.node_id, false),
    outAfter: Number(stream.resume_after),
    outAt: Number(stream.resume_at),
    audit: { seq: Number(restore.audit_seq), hash: restore.audit_hash },
  };
  return { request, token: await sign(ctx, db, request) };
}

/**
 * The dispatcher's first step on a stream marked by a restore: asks the peer to resume.
 * Returns false when the peer could not be asked or refused (the dispatcher retries).
 */
export async function resumeStream(
  ctx: FederationContext,
  peer: PeerRow,
  stream: StreamOutRow,
  /** The dispatcher's stop: a request in flight does not hold the node's stop. */
  halt?: AbortSignal,
): Promise<{ ok: true } | { ok: false; code: string; message: string; peerUp: boolean }> {
  const { request, token } = await signedResumeRequest(ctx, peer, stream);
  let response: PeerAnswer;
  try {
    response = await postJson(
      `${peer.url}${RESUME_PATH}`,
      JSON.stringify({ token }),
      AbortSignal.any([AbortSignal.timeout(30_000), ...(halt ? [halt] : [])]),
    );
  } catch (error) {
    return {
      ok: false,
      code: 'peer_unreachable',
      message: (error as Error).message,
      peerUp: false,
    };
  }
  const body = response.body as
    { token?: unknown; error?: { code?: string; message?: string } } | undefined;
  if (!response.ok || typeof body?.token !== 'string') {
    return {
      ok: false,
      code: body?.error?.code ?? `http_${response.status}`,
      message: body?.error?.message ?? `${peer.url} answered ${response.status} to the resume.`,
      peerUp: response.status < 500,
    };
  }
  const answer = await verify(ctx, peer, body.token, ResumeAnswer);
  if (answer.from !== peer.node_id || answer.to !== ctx.nodeId || answer.nonce !== request.nonce)
    return {
      ok: false,
      code: 'bad_answer',
      message: 'The resume answer does not match.',
      peerUp: true,
    };
  await applyResumeAnswer(ctx, peer.node_id, request, answer);
  return { ok: true };
}

/** What the peer did, taken in: the watermarks move, the stream leaves its resume state. */
async function applyResumeAnswer(
  ctx: FederationContext,
  peerId: string,
  request: ResumeRequest,
  answer: ResumeAnswer,
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.transaction(async (trx, hooks) => {
    if (answer.lost) {
      // The peer pruned them: the stream goes on after them, and the gap is on record.
      await trx
        .updateTable('stream_in')
        .set({ applied_seq: answer.resendFrom - 1 })
        .where('peer_id', '=', peerId)
        .where('applied_seq', '<', answer.resendFrom - 1)
        .execute();
      await appendAudit(trx, {
        actor: { kind: 'peer', nodeId: peerId },
        at: now,
        action: 'stream.lost',
        entityType: 'peer',
        entityId: peerId,
        details: { ...answer.lost, reason: 'pruned by the peer before this node was restored' },
      });
      ctx.log.error({ peer: peerId, lost: answer.lost }, 'messages lost since the backup');
    }
    if (answer.jumped) {
      await acknowledgeStream(trx, peerId, request.outAt - 1, now);
      await trx
        .updateTable('stream_out')
        .set({ resume_after: null, resume_at: null })
        .where('peer_id', '=', peerId)
        .execute();
    } else if (answer.applied <= request.outAfter) {
      // The peer had not all of the backup's outbox: those go first, then the jump.
      await acknowledgeStream(trx, peerId, answer.applied, now);
    }
    hooks.afterCommit(() => ctx.onLedgerChanged(peerId));
  });
  ctx.log.info({ peer: peerId, answer }, 'stream resumed after a restore');
}

// ---- the peer ---------------------------------------------------------------------------------

/** POST /federation/v1/resume: a restored peer asks to resume its streams. */
export async function receiveResume(
  ctx: FederationContext,
  token: string,
): Promise<{ token: string }> {
  let from: unknown;
  try {
    from = (
      JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
        from?: unknown;
      }
    ).from;
  } catch {
    throw badRequest('invalid_request', 'The resume is not a compact JWS.');
  }
  const peer = typeof from === 'string' ? await findPeer(ctx.store.db, from) : undefined;
  if (!peer || peer.status !== 'active')
    throw forbidden(`${String(from)} is not an active peer of ${ctx.nodeId}.`, 'unknown_peer');
  const request = await verify(ctx, peer, token, ResumeRequest);
  if (request.to !== ctx.nodeId || request.from !== peer.node_id) {
    throw forbidden(`This is ${ctx.nodeId}; the resume is for ${request.to}.`, 'wrong_recipient');
  }
  if (Math.abs(Date.now() - Date.parse(request.at)) > RESUME_MAX_AGE_MS) {
    throw badRequest('invalid_request', 'The resume is too old (or from the future): a replay?');
  }
  const answer = await ctx.store.transaction(async (trx, hooks) => {
    await takeNonce(trx, peer.node_id, request.nonce, ctx.clock.now());
    const result = await resumeFor(ctx, trx, request);
    hooks.afterCommit(() => {
      ctx.nudge(peer.node_id);
      ctx.onLedgerChanged(peer.node_id);
    });
    return result;
  });
  ctx.log.warn({ peer: peer.node_id, answer }, 'peer restored from a backup: streams resumed');
  return { token: await sign(ctx, ctx.store.db, answer) };
}

/**
 * Records the resume's nonce; the same nonce again is a replay, refused. Nonces older than
 * twice the age a resume may have are forgotten (such a resume is refused by its date).
 */
async function takeNonce(trx: Trx, peerId: string, nonce: string, now: number): Promise<void> {
  await trx
    .deleteFrom('resume_nonces')
    .where('received_at', '<', now - 2 * RESUME_MAX_AGE_MS)
    .execute();
  const inserted = await trx
    .insertInto('resume_nonces')
    .values({ peer_id: peerId, nonce, received_at: now })
    .onConflict((oc) => oc.columns(['peer_id', 'nonce']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
    throw conflict('resume_replayed', 'This resume was already answered: a replay?');
  }
}

/** The peer's side, in one transaction: checkpoints, the inbound jump, the resend. */
async function resumeFor(
  ctx: FederationContext,
  trx: Trx,
  request: ResumeRequest,
): Promise<ResumeAnswer> {
  const peerId = request.from;
  const now = ctx.clock.now();
  const superseded = await supersedeCheckpoints(trx, peerId, request.audit, now);

  // Inbound: what the restored node sent after its backup is applied here; its stream jumps.
  let applied = await readWatermark(trx, peerId, ctx.store.dialect === 'postgres');
  let jumped = applied >= request.outAt - 1;
  if (!jumped && applied >= request.outAfter) {
    await trx
      .updateTable('stream_in')
      .set({ applied_seq: request.outAt - 1, last_received_at: now })
      .where('peer_id', '=', peerId)
      .execute();
    applied = request.outAt - 1;
    jumped = true;
  }

  // Outbound: what it applied of ours after its backup is gone; send it again.
  const { resendFrom, lost } = await rewindStream(trx, peerId, request.inApplied, now);
  await appendAudit(trx, {
    actor: { kind: 'peer', nodeId: peerId },
    at: now,
    action: 'peer.restored',
    entityType: 'peer',
    entityId: peerId,
    details: {
      auditHead: request.audit,
      checkpointsSetAside: superseded,
      resendFrom,
      lost,
      streamContinuesAt: jumped ? request.outAt : null,
    },
  });
  return {
    v: 1,
    type: 'resumed',
    from: ctx.nodeId,
    to: peerId,
    nonce: request.nonce,
    applied,
    jumped,
    resendFrom,
    lost,
  };
}

/**
 * The restored node's chain went back to `head`: a checkpoint of it at that entry must agree
 * (else its history was rewritten, not restored); those beyond are set aside, not deleted.
 */
async function supersedeCheckpoints(
  trx: Trx,
  peerId: string,
  head: { seq: number; hash: string },
  now: number,
): Promise<number> {
  const at = await trx
    .selectFrom('audit_checkpoints_received')
    .select('hash')
    .where('peer_id', '=', peerId)
    .where('seq', '=', head.seq)
    .executeTakeFirst();
  if (at && at.hash !== head.hash) {
    throw conflict(
      'checkpoint_conflict',
      `${peerId} claims audit entry ${head.seq} has hash ${head.hash}; it sent ${at.hash} before: its history changed.`,
    );
  }
  const beyond = await trx
    .selectFrom('audit_checkpoints_received')
    .selectAll()
    .where('peer_id', '=', peerId)
    .where('seq', '>', head.seq)
    .execute();
  if (beyond.length === 0) return 0;
  await trx
    .insertInto('audit_checkpoints_superseded')
    .values(beyond.map((row) => ({ ...row, superseded_at: now })))
    .execute();
  await trx
    .deleteFrom('audit_checkpoints_received')
    .where('peer_id', '=', peerId)
    .where('seq', '>', head.seq)
    .execute();
  return beyond.length;
}

/**
 * Moves the acknowledged messages after `inApplied` back into the outbox and the stream's
 * acknowledgement back to the first of them: the dispatcher sends them again. Those already
 * pruned are lost; the stream resends from the first one kept.
 */
async function rewindStream(
  trx: Trx,
  peerId: string,
  inApplied: number,
  now: number,
): Promise<{ resendFrom: number; lost: ResumeAnswer['lost'] }> {
  const stream = await trx
    .selectFrom('stream_out')
    .select(['acked_seq', 'last_seq'])
    .where('peer_id', '=', peerId)
    .executeTakeFirstOrThrow();
  const acked = Number(stream.acked_seq);
  if (inApplied >= acked) {
    // It had applied more than we knew (a lost answer): take it as the acknowledgement.
    if (inApplied > acked && inApplied <= Number(stream.last_seq))
      await acknowledgeStream(trx, peerId, inApplied, now);
    return { resendFrom: inApplied + 1, lost: null };
  }
  const kept = await trx
    .selectFrom('outbox_sent')
    .select((eb) => [eb.fn.min('seq').as('first'), eb.fn.countAll<number>().as('count')])
    .where('peer_id', '=', peerId)
    .where('seq', '>', inApplied)
    .where('seq', '<=', acked)
    .executeTakeFirst();
  const count = Number(kept?.count ?? 0);
  // Rows are kept by age, so those kept are the newest: acked - count + 1 .. acked.
  const resendFrom = acked - count + 1;
  if (count > 0) {
    await trx
      .insertInto('outbox')
      .columns(['peer_id', 'seq', 'message_id', 'kind', 'envelope', 'size', 'created_at'])
      .expression(
        trx
          .selectFrom('outbox_sent')
          .select(['peer_id', 'seq', 'message_id', 'kind', 'envelope', 'size', 'created_at'])
          .where('peer_id', '=', peerId)
          .where('seq', '>=', resendFrom)
          .where('seq', '<=', acked),
      )
      .execute();
    await trx
      .deleteFrom('outbox_sent')
      .where('peer_id', '=', peerId)
      .where('seq', '>=', resendFrom)
      .where('seq', '<=', acked)
      .execute();
  }
  await trx
    .updateTable('stream_out')
    .set({ acked_seq: resendFrom - 1 })
    .where('peer_id', '=', peerId)
    .execute();
  const lost = resendFrom > inApplied + 1 ? { from: inApplied + 1, through: resendFrom - 1 } : null;
  return { resendFrom, lost };
}
