import type { Db } from '../store/database.js';
import type {
  AuditCheckpointsReceivedTable,
  AuditCheckpointsSentTable,
} from './federation.table.js';

/** Queries of audit checkpoints: those this node sent, and those its peers sent it. */

export function findReceivedCheckpoint(
  db: Db,
  peerId: string,
  seq: number,
): Promise<AuditCheckpointsReceivedTable | undefined> {
  return db
    .selectFrom('audit_checkpoints_received')
    .selectAll()
    .where('peer_id', '=', peerId)
    .where('seq', '=', seq)
    .executeTakeFirst();
}

export async function insertReceivedCheckpoint(
  db: Db,
  row: AuditCheckpointsReceivedTable,
): Promise<void> {
  await db.insertInto('audit_checkpoints_received').values(row).execute();
}

/** The sequence of the last checkpoint sent (0 before the first). */
export async function lastSentCheckpointSeq(db: Db): Promise<number> {
  const last = await db
    .selectFrom('audit_checkpoints_sent')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return Number(last?.seq ?? 0);
}

export async function insertSentCheckpoint(db: Db, row: AuditCheckpointsSentTable): Promise<void> {
  await db.insertInto('audit_checkpoints_sent').values(row).execute();
}

/** Every checkpoint sent, oldest first. */
export function listSentCheckpoints(db: Db): Promise<AuditCheckpointsSentTable[]> {
  return db.selectFrom('audit_checkpoints_sent').selectAll().orderBy('seq').execute();
}
