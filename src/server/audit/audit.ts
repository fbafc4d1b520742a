import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json.js';
import { actorRef, type Actor } from '../actor.js';
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

/** Walks the whole chain in order and names the first entry that does not match. */
export async function verifyAudit(db: Db, pageSize = 2000): Promise<AuditVerification> {
  const head = await db
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  const headView = { seq: Number(head?.seq ?? 0), hash: head?.hash ?? GENESIS_HASH };
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
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = Number(row.seq);
      const bad = (
        reason: string,
        at = seq,
        action: string | undefined = row.action,
      ): AuditVerification => ({
        ok: false,
        checked,
        head: headView,
        firstBad: { seq: at, ...(action === undefined ? {} : { action }), reason },
      });
      if (seq !== expectedSeq) {
        return bad(
          `entry ${expectedSeq} is missing (next present is ${seq})`,
          expectedSeq,
          undefined,
        );
      }
      if (row.prev_hash !== prevHash) {
        return bad(
          `its previous-hash ${row.prev_hash} is not the hash of entry ${seq - 1} (${prevHash})`,
        );
      }
      const computed = recomputeHash(row);
      if (computed !== row.hash) {
        return bad(
          `its content does not match its hash (stored ${row.hash}, computed ${computed})`,
        );
      }
      prevHash = row.hash;
      expectedSeq = seq + 1;
      checked++;
    }
  }
  if (headView.seq !== expectedSeq - 1 || headView.hash !== prevHash) {
    const reason = `the chain ends at entry ${expectedSeq - 1} but its head says ${headView.seq}: entries were removed`;
    return { ok: false, checked, head: headView, firstBad: { seq: expectedSeq, reason } };
  }
  // The chain may have been rewritten whole; the heads already sent to peers cannot be.
  const checkpoints = await db
    .selectFrom('audit_checkpoints_sent')
    .selectAll()
    .orderBy('seq')
    .execute();
  for (const checkpoint of checkpoints) {
    const seq = Number(checkpoint.seq);
    const row = await db
      .selectFrom('audit_log')
      .select(['hash', 'action'])
      .where('seq', '=', seq)
      .executeTakeFirst();
    if (row?.hash !== checkpoint.hash) {
      const when = new Date(Number(checkpoint.at)).toISOString();
      return {
        ok: false,
        checked,
        head: headView,
        firstBad: {
          seq,
          ...(row ? { action: row.action } : {}),
          reason: `it differs from the checkpoint sent to peers at ${when} (sent ${checkpoint.hash}, now ${row?.hash ?? 'missing'}): history was rewritten`,
        },
      };
    }
  }
  return { ok: true, checked, head: headView, checkpoints: checkpoints.length };
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
