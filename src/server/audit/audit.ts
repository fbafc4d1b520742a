import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json.js';
import { actorRef, type Actor } from '../actor.js';
import { listSentCheckpoints } from '../federation/checkpoints.repository.js';
import type { Db } from '../store/database.js';
import type { AuditRow } from './audit.table.js';

/**
 * The audit log: every change a service makes appends an entry in the same transaction,
 * chained by SHA-256 (each entry holds the hash of the previous one).
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntryInput {
  actor: Actor;
  at: number;
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  details?: Record<string, unknown>;
}

export function digestOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

interface HashMaterial {
  seq: number;
  at: number;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  beforeDigest: string | null;
  afterDigest: string | null;
  details: string;
  prevHash: string;
}

export function entryHash(material: HashMaterial): string {
  return createHash('sha256').update(canonicalJson(material)).digest('hex');
}

/** Appends one entry. Must run inside the transaction of the change it records. */
export async function appendAudit(trx: Db, entry: AuditEntryInput): Promise<AuditRow> {
  // Taking the head row first serialises appends (a row lock on PostgreSQL, the write
  // lock on SQLite), so two transactions can never chain onto the same entry.
  const head = await trx
    .updateTable('audit_head')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  const material: HashMaterial = {
    seq: Number(head.seq),
    at: entry.at,
    actor: actorRef(entry.actor),
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    beforeDigest: digestOf(entry.before),
    afterDigest: digestOf(entry.after),
    details: canonicalJson(entry.details ?? {}),
    prevHash: head.hash,
  };
  const hash = entryHash(material);
  const row: AuditRow = {
    seq: material.seq,
    at: material.at,
    actor: material.actor,
    action: material.action,
    entity_type: material.entityType,
    entity_id: material.entityId,
    before_digest: material.beforeDigest,
    after_digest: material.afterDigest,
    details: material.details,
    prev_hash: material.prevHash,
    hash,
  };
  await trx.insertInto('audit_log').values(row).execute();
  await trx.updateTable('audit_head').set({ hash }).where('id', '=', 1).execute();
  return row;
}

export function recomputeHash(row: AuditRow): string {
  return entryHash({
    seq: Number(row.seq),
    at: Number(row.at),
    actor: row.actor,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    beforeDigest: row.before_digest,
    afterDigest: row.after_digest,
    details: row.details,
    prevHash: row.prev_hash,
  });
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  head: { seq: number; hash: string };
  /** How many checkpoints sent to peers were checked. */
  checkpoints?: number;
  /** The first entry that does not match, and why. */
  firstBad?: { seq: number; action?: string; reason: string };
}

/** The head of the chain: its last entry's sequence and hash (0 and genesis while empty). */
export async function readAuditHead(db: Db): Promise<{ seq: number; hash: string }> {
  const head = await db
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  return { seq: Number(head?.seq ?? 0), hash: head?.hash ?? GENESIS_HASH };
}

type FirstBad = NonNullable<AuditVerification['firstBad']>;

/** Walks the whole chain in order and names the first entry that does not match. */
export async function verifyAudit(db: Db, pageSize = 2000): Promise<AuditVerification> {
  const head = await readAuditHead(db);
  const chain = await walkChain(db, pageSize);
  const { checked } = chain;
  if (chain.firstBad) return { ok: false, checked, head, firstBad: chain.firstBad };
  if (head.seq !== chain.seq || head.hash !== chain.hash) {
    const reason = `the chain ends at entry ${chain.seq} but its head says ${head.seq}: entries were removed`;
    return { ok: false, checked, head, firstBad: { seq: chain.seq + 1, reason } };
  }
  // The chain may have been rewritten whole; the heads already sent to peers cannot be.
  const checkpoints = await listSentCheckpoints(db);
  for (const checkpoint of checkpoints) {
    const firstBad = await checkCheckpoint(db, checkpoint);
    if (firstBad) return { ok: false, checked, head, firstBad };
  }
  return { ok: true, checked, head, checkpoints: checkpoints.length };
}

/**
 * Reads the chain page by page: how many entries continue it, the last of them (sequence
 * and hash), and the first entry that does not, if any.
 */
async function walkChain(
  db: Db,
  pageSize: number,
): Promise<{ checked: number; seq: number; hash: string; firstBad?: FirstBad }> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) return { checked, seq: expectedSeq - 1, hash: prevHash };
    for (const row of rows) {
      const firstBad = checkEntry(row, expectedSeq, prevHash);
      if (firstBad) return { checked, seq: expectedSeq - 1, hash: prevHash, firstBad };
      prevHash = row.hash;
      expectedSeq = Number(row.seq) + 1;
      checked++;
    }
  }
}

/** Why an entry does not continue the chain, or undefined when it does. */
function checkEntry(row: AuditRow, expectedSeq: number, prevHash: string): FirstBad | undefined {
  const seq = Number(row.seq);
  if (seq !== expectedSeq) {
    return { seq: expectedSeq, reason: `entry ${expectedSeq} is missing (next present is ${seq})` };
  }
  if (row.prev_hash !== prevHash) {
    return {
      seq,
      action: row.action,
      reason: `its previous-hash ${row.prev_hash} is not the hash of entry ${seq - 1} (${prevHash})`,
    };
  }
  const computed = recomputeHash(row);
  if (computed !== row.hash) {
    return {
      seq,
      action: row.action,
      reason: `its content does not match its hash (stored ${row.hash}, computed ${computed})`,
    };
  }
  return undefined;
}

/** Whether the entry a checkpoint names still has the hash sent to peers. */
async function checkCheckpoint(
  db: Db,
  checkpoint: { seq: number; hash: string; at: number },
): Promise<FirstBad | undefined> {
  const seq = Number(checkpoint.seq);
  const row = await db
    .selectFrom('audit_log')
    .select(['hash', 'action'])
    .where('seq', '=', seq)
    .executeTakeFirst();
  if (row?.hash === checkpoint.hash) return undefined;
  const when = new Date(Number(checkpoint.at)).toISOString();
  return {
    seq,
    ...(row ? { action: row.action } : {}),
    reason: `it differs from the checkpoint sent to peers at ${when} (sent ${checkpoint.hash}, now ${row?.hash ?? 'missing'}): history was rewritten`,
  };
}

export async function listAudit(db: Db, limit: number, before?: number): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(limit);
  if (before !== undefined) query = query.where('seq', '<', before);
  return query.execute();
}

export function presentAudit(row: AuditRow) {
  return {
    seq: Number(row.seq),
    at: new Date(Number(row.at)).toISOString(),
    actor: row.actor,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    details: JSON.parse(row.details) as Record<string, unknown>,
    hash: row.hash,
  };
}
