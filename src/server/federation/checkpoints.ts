import { sql } from 'kysely';
import { z } from 'zod';
import { readAuditHead } from '../audit/audit.js';
import type { Clock } from '../clock.js';
import { conflict } from '../errors.js';
import type { Db, Trx, TxHooks } from '../store/database.js';
import { findPendingTimerOfKind, type TimerWorker } from '../timers/timers.js';
import {
  findReceivedCheckpoint,
  insertReceivedCheckpoint,
  insertSentCheckpoint,
  lastSentCheckpointSeq,
} from './checkpoints.repository.js';
import type { Federation } from './federation.js';
import { listPeerRows } from './peers.js';

/**
 * Audit checkpoints: every few minutes the node sends the head of its audit chain (sequence
 * and hash, signed as every envelope is) to each active peer and keeps a copy of what it
 * sent; peers store what they receive. A node that rewrote its history would disagree with
 * the checkpoints its peers hold, and `liaison audit verify` checks the local chain against
 * the checkpoints it sent.
 */
export const CHECKPOINT_TIMER = 'federation.audit_checkpoint';

/** An always-present kind: the signed head of a node's audit chain. */
export const AUDIT_CHECKPOINT_KIND = 'liaison.audit_checkpoint';
export const AuditCheckpointMessage = z
  .object({
    seq: z.number().int().min(1),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    at: z.string(),
  })
  .strict();
type AuditCheckpointMessage = z.infer<typeof AuditCheckpointMessage>;

export function registerAuditCheckpoints(
  federation: Federation,
  timers: TimerWorker,
  everyMinutes: number,
): void {
  const clock = federation.ctx.clock;
  federation.registerKind({
    kind: AUDIT_CHECKPOINT_KIND,
    schema: AuditCheckpointMessage,
    handle: (trx, body, { peer }) => receiveCheckpoint(trx, peer.node_id, body, clock),
  });
  timers.define(CHECKPOINT_TIMER, z.null(), async (trx, _payload, _timer, hooks) => {
    const now = clock.now();
    await sendCheckpoint(federation, trx, hooks, now);
    await scheduleNextCheckpoint(trx, hooks, timers, now, everyMinutes);
  });
}

/** Makes sure one checkpoint timer is pending (at start). */
export async function ensureCheckpointTimer(
  federation: Federation,
  timers: TimerWorker,
  everyMinutes: number,
): Promise<void> {
  const { store, clock } = federation.ctx;
  // Processes starting together on one PostgreSQL database would each find no timer and
  // each start a chain: the check and the insert hold one lock (SQLite's writer lock is one).
  await store.transaction(async (trx, hooks) => {
    if (store.dialect === 'postgres')
      await sql`select pg_advisory_xact_lock(${CHECKPOINT_TIMER_LOCK})`.execute(trx);
    await scheduleNextCheckpoint(trx, hooks, timers, clock.now(), everyMinutes);
  });
}

/** The advisory lock key of the check-then-schedule above (any constant of this node's). */
const CHECKPOINT_TIMER_LOCK = 0x4c49_4331;

/** Keeps a peer's checkpoint; the same sequence with another hash means its history changed. */
async function receiveCheckpoint(
  trx: Trx,
  peerId: string,
  body: AuditCheckpointMessage,
  clock: Clock,
): Promise<void> {
  const existing = await findReceivedCheckpoint(trx, peerId, body.seq);
  if (existing) {
    if (existing.hash !== body.hash) {
      throw conflict(
        'checkpoint_conflict',
        `${peerId} sent a different hash for audit entry ${body.seq} than before: its history changed.`,
      );
    }
    return;
  }
  await insertReceivedCheckpoint(trx, {
    peer_id: peerId,
    seq: body.seq,
    hash: body.hash,
    signed_at: body.at,
    received_at: clock.now(),
  });
}

/**
 * Sends the head of the audit chain to the active peers that accept checkpoints, when it
 * moved since the last checkpoint sent and there is an active peer.
 */
async function sendCheckpoint(
  federation: Federation,
  trx: Trx,
  hooks: TxHooks,
  now: number,
): Promise<void> {
  const head = await readAuditHead(trx);
  const last = await lastSentCheckpointSeq(trx);
  const peers = (await listPeerRows(trx)).filter((p) => p.status === 'active');
  if (head.seq === 0 || last >= head.seq || peers.length === 0) return;
  await insertSentCheckpoint(trx, { seq: head.seq, hash: head.hash, at: now });
  await federation.broadcast(trx, hooks, AUDIT_CHECKPOINT_KIND, {
    seq: head.seq,
    hash: head.hash,
    at: new Date(now).toISOString(),
  });
}

/** Schedules the next checkpoint: one chain of timers, even if two processes each started one. */
async function scheduleNextCheckpoint(
  db: Db,
  hooks: TxHooks | undefined,
  timers: TimerWorker,
  now: number,
  everyMinutes: number,
): Promise<void> {
  if (await findPendingTimerOfKind(db, CHECKPOINT_TIMER)) return;
  await timers.schedule(db, hooks, { kind: CHECKPOINT_TIMER, dueAt: now + everyMinutes * 60_000 });
}
