import type { Db } from '../../store/database.js';
import type {
  ExerciseAarPartRow,
  ExerciseCorrectiveActionRow,
  ExerciseEvaluatorNoteRow,
  ExerciseHotwashRow,
  ExerciseParticipantRow,
  ExerciseRatingRow,
} from './evaluation.table.js';
import type { ExerciseFeedRow } from './exercises.table.js';

type After = { at: number; id: string } | undefined;

// ---- participants ---------------------------------------------------------------------------

export type ParticipantWithUser = ExerciseParticipantRow & {
  username: string;
  display_name: string;
};

/** Newest first, after the cursor (assigned_at, user_id). */
export function listParticipants(
  db: Db,
  exerciseId: string,
  limit: number,
  after: After,
): Promise<ParticipantWithUser[]> {
  let query = db
    .selectFrom('exercise_participants as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .selectAll('p')
    .select(['u.username', 'u.display_name'])
    .where('p.exercise_id', '=', exerciseId)
    .orderBy('p.assigned_at', 'desc')
    .orderBy('p.user_id', 'desc')
    .limit(limit);
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('p.assigned_at', '<', after.at),
        eb.and([eb('p.assigned_at', '=', after.at), eb('p.user_id', '<', after.id)]),
      ]),
    );
  }
  return query.execute();
}

export function findParticipant(
  db: Db,
  exerciseId: string,
  userId: string,
): Promise<ExerciseParticipantRow | undefined> {
  return db
    .selectFrom('exercise_participants')
    .selectAll()
    .where('exercise_id', '=', exerciseId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** Assigns an account, or changes its part. */
export async function saveParticipant(db: Db, row: ExerciseParticipantRow): Promise<void> {
  await db
    .insertInto('exercise_participants')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['exercise_id', 'user_id']).doUpdateSet({
        role: row.role,
        assigned_by: row.assigned_by,
        assigned_at: row.assigned_at,
      }),
    )
    .execute();
}

export async function deleteParticipant(
  db: Db,
  exerciseId: string,
  userId: string,
): Promise<number> {
  const result = await db
    .deleteFrom('exercise_participants')
    .where('exercise_id', '=', exerciseId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Each account's part (for counts and the audience of live events). */
export function participantRoles(
  db: Db,
  exerciseId: string,
): Promise<Pick<ExerciseParticipantRow, 'user_id' | 'role'>[]> {
  return db
    .selectFrom('exercise_participants')
    .select(['user_id', 'role'])
    .where('exercise_id', '=', exerciseId)
    .execute();
}

// ---- evaluators' observations and ratings -----------------------------------------------------

export async function insertNote(db: Db, row: ExerciseEvaluatorNoteRow): Promise<void> {
  await db.insertInto('exercise_evaluator_notes').values(row).execute();
}

export function findNote(
  db: Db,
  exerciseId: string,
  id: string,
): Promise<ExerciseEvaluatorNoteRow | undefined> {
  return db
    .selectFrom('exercise_evaluator_notes')
    .selectAll()
    .where('exercise_id', '=', exerciseId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function deleteNote(db: Db, exerciseId: string, id: string): Promise<void> {
  await db
    .deleteFrom('exercise_evaluator_notes')
    .where('exercise_id', '=', exerciseId)
    .where('id', '=', id)
    .execute();
}

/** Newest first, after the cursor (at, id); all of them without a limit. */
export function listNotes(
  db: Db,
  exerciseId: string,
  limit?: number,
  after?: After,
): Promise<ExerciseEvaluatorNoteRow[]> {
  let query = db
    .selectFrom('exercise_evaluator_notes')
    .selectAll()
    .where('exercise_id', '=', exerciseId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc');
  if (limit !== undefined) query = query.limit(limit);
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('at', '<', after.at), eb.and([eb('at', '=', after.at), eb('id', '<', after.id)])]),
    );
  }
  return query.execute();
}

export async function saveRating(db: Db, row: ExerciseRatingRow): Promise<void> {
  const { exercise_id: _e, objective: _o, capability: _c, ...change } = row;
  await db
    .insertInto('exercise_ratings')
    .values(row)
    .onConflict((oc) => oc.columns(['exercise_id', 'objective', 'capability']).doUpdateSet(change))
    .execute();
}

export function ratingsOf(db: Db, exerciseId: string): Promise<ExerciseRatingRow[]> {
  return db
    .selectFrom('exercise_ratings')
    .selectAll()
    .where('exercise_id', '=', exerciseId)
    .orderBy('objective')
    .orderBy('capability')
    .execute();
}

// ---- hotwash -------------------------------------------------------------------------------------

export async function saveHotwash(db: Db, row: ExerciseHotwashRow): Promise<void> {
  const { exercise_id: _e, user_id: _u, ...change } = row;
  await db
    .insertInto('exercise_hotwash')
    .values(row)
    .onConflict((oc) => oc.columns(['exercise_id', 'user_id']).doUpdateSet(change))
    .execute();
}

/** Newest first, after the cursor (updated_at, user_id); only `userId`'s when given. */
export function listHotwash(
  db: Db,
  exerciseId: string,
  options: { limit?: number; after?: After; userId?: string },
): Promise<ExerciseHotwashRow[]> {
  let query = db
    .selectFrom('exercise_hotwash')
    .selectAll()
    .where('exercise_id', '=', exerciseId)
    .orderBy('updated_at', 'desc')
    .orderBy('user_id', 'desc');
  if (options.userId !== undefined) query = query.where('user_id', '=', options.userId);
  if (options.limit !== undefined) query = query.limit(options.limit);
  const after = options.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('updated_at', '<', after.at),
        eb.and([eb('updated_at', '=', after.at), eb('user_id', '<', after.id)]),
      ]),
    );
  }
  return query.execute();
}

// ---- corrective actions ------------------------------------------------------------------------

export async function insertCorrective(db: Db, row: ExerciseCorrectiveActionRow): Promise<void> {
  await db.insertInto('exercise_corrective_actions').values(row).execute();
}

export function findCorrective(
  db: Db,
  exerciseId: string,
  id: string,
): Promise<ExerciseCorrectiveActionRow | undefined> {
  return db
    .selectFrom('exercise_corrective_actions')
    .selectAll()
    .where('exercise_id', '=', exerciseId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function updateCorrective(db: Db, row: ExerciseCorrectiveActionRow): Promise<void> {
  const { exercise_id, id, created_at: _c, ...change } = row;
  await db
    .updateTable('exercise_corrective_actions')
    .set(change)
    .where('exercise_id', '=', exercise_id)
    .where('id', '=', id)
    .execute();
}

export async function deleteCorrective(db: Db, exerciseId: string, id: string): Promise<void> {
  await db
    .deleteFrom('exercise_corrective_actions')
    .where('exercise_id', '=', exerciseId)
    .where('id', '=', id)
    .execute();
}

/** Newest first, after the cursor (created_at, id); all of them without a limit. */
export function listCorrective(
  db: Db,
  exerciseId: string,
  limit?: number,
  after?: After,
): Promise<ExerciseCorrectiveActionRow[]> {
  let query = db
    .selectFrom('exercise_corrective_actions')
    .selectAll()
    .where('exercise_id', '=', exerciseId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc');
  if (limit !== undefined) query = query.limit(limit);
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', after.at),
        eb.and([eb('created_at', '=', after.at), eb('id', '<', after.id)]),
      ]),
    );
  }
  return query.execute();
}

// ---- the AAR's parts --------------------------------------------------------------------------

export async function saveAarPart(db: Db, row: ExerciseAarPartRow): Promise<void> {
  await db
    .insertInto('exercise_aar_parts')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['exercise_id', 'origin'])
        .doUpdateSet({ part: row.part, shared_at: row.shared_at }),
    )
    .execute();
}

export function aarPartsOf(db: Db, exerciseId: string): Promise<ExerciseAarPartRow[]> {
  return db
    .selectFrom('exercise_aar_parts')
    .selectAll()
    .where('exercise_id', '=', exerciseId)
    .execute();
}

// ---- what the run left (read for the timeline) ----------------------------------------------

/** What arrived from the peer for the players: all but the narratives (fired here, as injects). */
export function arrivalsOf(db: Db, exerciseId: string): Promise<ExerciseFeedRow[]> {
  return db
    .selectFrom('exercise_feed')
    .selectAll()
    .where('exercise_id', '=', exerciseId)
    .where('kind', '!=', 'narrative')
    .execute();
}
