import type { EvidenceBearing } from '../../../core/schemas/dialogue-evidence.js';
import type { Db } from '../../store/database.js';
import type { DialogueEvidenceRow } from './evidence.table.js';

/** Claims attached as evidence to commitments, in SQL. */

export async function insertEvidence(db: Db, row: DialogueEvidenceRow): Promise<void> {
  await db.insertInto('dialogue_evidence').values(row).execute();
}

export function findEvidence(db: Db, id: string): Promise<DialogueEvidenceRow | undefined> {
  return db.selectFrom('dialogue_evidence').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findEvidenceOfClaim(
  db: Db,
  commitmentId: string,
  reportId: string,
  claimIndex: number,
): Promise<DialogueEvidenceRow | undefined> {
  return db
    .selectFrom('dialogue_evidence')
    .selectAll()
    .where('commitment_id', '=', commitmentId)
    .where('report_id', '=', reportId)
    .where('claim_index', '=', claimIndex)
    .executeTakeFirst();
}

export async function deleteEvidence(db: Db, id: string): Promise<void> {
  await db.deleteFrom('dialogue_evidence').where('id', '=', id).execute();
}

/** A commitment's evidence, newest first by (at, id); `limit` rows after the cursor. */
export function listEvidence(
  db: Db,
  commitmentId: string,
  filter: { bearing?: EvidenceBearing | undefined },
  limit: number,
  after?: { at: number; id: string },
): Promise<DialogueEvidenceRow[]> {
  let q = db
    .selectFrom('dialogue_evidence')
    .selectAll()
    .where('commitment_id', '=', commitmentId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (filter.bearing) q = q.where('bearing', '=', filter.bearing);
  if (after) {
    q = q.where((eb) =>
      eb.or([eb('at', '<', after.at), eb.and([eb('at', '=', after.at), eb('id', '<', after.id)])]),
    );
  }
  return q.execute();
}
