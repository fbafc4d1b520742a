import type { Db } from '../../store/database.js';
import type {
  DialogueAttestationRow,
  DialogueCommitmentRow,
  DialogueMeetingRow,
  DialogueRecordVersionRow,
  DialogueRow,
} from './dialogues.table.js';

/** A position in a list paged by (number, id): time, version, meeting number or position. */
export interface After {
  at: number;
  id: string;
}

// ---- dialogues ---------------------------------------------------------------------------

export function findDialogue(db: Db, id: string): Promise<DialogueRow | undefined> {
  return db.selectFrom('dialogues').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertDialogue(db: Db, row: DialogueRow): Promise<void> {
  await db.insertInto('dialogues').values(row).execute();
}

export async function updateDialogueTitle(
  db: Db,
  id: string,
  title: string,
  at: number,
): Promise<void> {
  await db.updateTable('dialogues').set({ title, updated_at: at }).where('id', '=', id).execute();
}

/** Newest first, by (created_at, id). */
export function listDialogues(db: Db, limit: number, after?: After): Promise<DialogueRow[]> {
  let query = db.selectFrom('dialogues').selectAll();
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', after.at),
        eb.and([eb('created_at', '=', after.at), eb('id', '<', after.id)]),
      ]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function countMeetings(db: Db, dialogueId: string): Promise<number> {
  const row = await db
    .selectFrom('dialogue_meetings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('dialogue_id', '=', dialogueId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

// ---- meetings ----------------------------------------------------------------------------

export function findMeeting(db: Db, id: string): Promise<DialogueMeetingRow | undefined> {
  return db.selectFrom('dialogue_meetings').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findMeetingByNumber(
  db: Db,
  dialogueId: string,
  number: number,
): Promise<DialogueMeetingRow | undefined> {
  return db
    .selectFrom('dialogue_meetings')
    .selectAll()
    .where('dialogue_id', '=', dialogueId)
    .where('number', '=', number)
    .executeTakeFirst();
}

export async function insertMeeting(db: Db, row: DialogueMeetingRow): Promise<void> {
  await db.insertInto('dialogue_meetings').values(row).execute();
}

export async function updateMeeting(
  db: Db,
  id: string,
  changes: Partial<Omit<DialogueMeetingRow, 'id' | 'dialogue_id'>>,
): Promise<void> {
  await db.updateTable('dialogue_meetings').set(changes).where('id', '=', id).execute();
}

/** By number, ascending. */
export function listMeetings(
  db: Db,
  dialogueId: string,
  limit: number,
  after?: After,
): Promise<DialogueMeetingRow[]> {
  let query = db.selectFrom('dialogue_meetings').selectAll().where('dialogue_id', '=', dialogueId);
  if (after) query = query.where('number', '>', after.at);
  return query.orderBy('number', 'asc').limit(limit).execute();
}

// ---- record versions ---------------------------------------------------------------------

export function findVersion(
  db: Db,
  meetingId: string,
  version: number,
): Promise<DialogueRecordVersionRow | undefined> {
  return db
    .selectFrom('dialogue_record_versions')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export function latestVersion(
  db: Db,
  meetingId: string,
): Promise<DialogueRecordVersionRow | undefined> {
  return db
    .selectFrom('dialogue_record_versions')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Drops this node's open proposal that crossed the peer's and gives way to it. */
export async function deleteOpenVersion(db: Db, meetingId: string, version: number): Promise<void> {
  await db
    .deleteFrom('dialogue_record_versions')
    .where('meeting_id', '=', meetingId)
    .where('version', '=', version)
    .where('status', '=', 'open')
    .execute();
}

export function acceptedVersion(
  db: Db,
  meetingId: string,
): Promise<DialogueRecordVersionRow | undefined> {
  return db
    .selectFrom('dialogue_record_versions')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('status', '=', 'accepted')
    .executeTakeFirst();
}

export async function insertVersion(db: Db, row: DialogueRecordVersionRow): Promise<void> {
  await db.insertInto('dialogue_record_versions').values(row).execute();
}

export async function answerVersion(
  db: Db,
  meetingId: string,
  version: number,
  changes: Pick<
    DialogueRecordVersionRow,
    'status' | 'answered_by' | 'answered_by_name' | 'answered_at'
  >,
): Promise<void> {
  await db
    .updateTable('dialogue_record_versions')
    .set(changes)
    .where('meeting_id', '=', meetingId)
    .where('version', '=', version)
    .execute();
}

export async function setSignatures(
  db: Db,
  meetingId: string,
  version: number,
  signatures: string,
): Promise<void> {
  await db
    .updateTable('dialogue_record_versions')
    .set({ signatures })
    .where('meeting_id', '=', meetingId)
    .where('version', '=', version)
    .execute();
}

/** Oldest first, by version. */
export function listVersions(
  db: Db,
  meetingId: string,
  limit: number,
  after?: After,
): Promise<DialogueRecordVersionRow[]> {
  let query = db
    .selectFrom('dialogue_record_versions')
    .selectAll()
    .where('meeting_id', '=', meetingId);
  if (after) query = query.where('version', '>', after.at);
  return query.orderBy('version', 'asc').limit(limit).execute();
}

// ---- commitments and attestations --------------------------------------------------------

export async function insertCommitment(db: Db, row: DialogueCommitmentRow): Promise<void> {
  await db.insertInto('dialogue_commitments').values(row).execute();
}

export function findCommitment(db: Db, id: string): Promise<DialogueCommitmentRow | undefined> {
  return db.selectFrom('dialogue_commitments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function setCommitmentState(
  db: Db,
  id: string,
  state: DialogueCommitmentRow['state'],
  at: number,
): Promise<void> {
  await db
    .updateTable('dialogue_commitments')
    .set({ state, updated_at: at })
    .where('id', '=', id)
    .execute();
}

export interface CommitmentFilter {
  meetingId?: string | undefined;
  state?: DialogueCommitmentRow['state'] | undefined;
  /** `true`: due before `today` (YYYY-MM-DD, UTC) and not done; `false`: the others. */
  overdue?: boolean | undefined;
  today: string;
}

/** By position (meeting, then record order), ascending. */
export function listCommitments(
  db: Db,
  dialogueId: string,
  filter: CommitmentFilter,
  limit: number,
  after?: After,
): Promise<DialogueCommitmentRow[]> {
  let query = db
    .selectFrom('dialogue_commitments')
    .selectAll()
    .where('dialogue_id', '=', dialogueId);
  if (filter.meetingId) query = query.where('meeting_id', '=', filter.meetingId);
  if (filter.state) query = query.where('state', '=', filter.state);
  if (filter.overdue === true) {
    query = query.where('due_date', '<', filter.today).where('state', '!=', 'done');
  }
  if (filter.overdue === false) {
    query = query.where((eb) =>
      eb.or([eb('due_date', '>=', filter.today), eb('state', '=', 'done')]),
    );
  }
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('position', '>', after.at),
        eb.and([eb('position', '=', after.at), eb('id', '>', after.id)]),
      ]),
    );
  }
  return query.orderBy('position', 'asc').orderBy('id', 'asc').limit(limit).execute();
}

export function attestationsOf(
  db: Db,
  commitmentIds: readonly string[],
): Promise<DialogueAttestationRow[]> {
  if (commitmentIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('dialogue_attestations')
    .selectAll()
    .where('commitment_id', 'in', commitmentIds)
    .execute();
}

export async function saveAttestation(db: Db, row: DialogueAttestationRow): Promise<void> {
  await db
    .insertInto('dialogue_attestations')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['commitment_id', 'side']).doUpdateSet({
        status: row.status,
        note: row.note,
        evidence: row.evidence,
        by_name: row.by_name,
        at: row.at,
      }),
    )
    .execute();
}
