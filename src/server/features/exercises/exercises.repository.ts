import type { Db } from '../../store/database.js';
import type {
  ExerciseDeadlineRow,
  ExerciseFeedRow,
  ExerciseInjectRow,
  ExerciseObservationRow,
  ExerciseRow,
} from './exercises.table.js';

export function findExercise(db: Db, id: string): Promise<ExerciseRow | undefined> {
  return db.selectFrom('exercises').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertExercise(db: Db, row: ExerciseRow): Promise<void> {
  await db.insertInto('exercises').values(row).execute();
}

export async function updateExercise(
  db: Db,
  id: string,
  change: Partial<
    Pick<ExerciseRow, 'status' | 'clock' | 'started_at' | 'msel' | 'expectations' | 'updated_at'>
  >,
): Promise<void> {
  await db.updateTable('exercises').set(change).where('id', '=', id).execute();
}

/** Newest first, after the cursor (created_at, id). */
export function listExercises(
  db: Db,
  limit: number,
  after?: { at: number; id: string },
): Promise<ExerciseRow[]> {
  let query = db
    .selectFrom('exercises')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
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

export async function insertInjects(db: Db, rows: ExerciseInjectRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('exercise_injects').values(rows).execute();
}

export function injectsOf(db: Db, exerciseId: string): Promise<ExerciseInjectRow[]> {
  return db
    .selectFrom('exercise_injects')
    .selectAll()
    .where('exercise_id', '=', exerciseId)
    .execute();
}

export function findInject(
  db: Db,
  exerciseId: string,
  injectId: string,
): Promise<ExerciseInjectRow | undefined> {
  return db
    .selectFrom('exercise_injects')
    .selectAll()
    .where('exercise_id', '=', exerciseId)
    .where('inject_id', '=', injectId)
    .executeTakeFirst();
}

export async function updateInject(
  db: Db,
  exerciseId: string,
  injectId: string,
  change: Partial<
    Pick<
      ExerciseInjectRow,
      'state' | 'fired_at' | 'fired_scenario_ms' | 'timer_id' | 'delivered' | 'problem'
    >
  >,
): Promise<void> {
  await db
    .updateTable('exercise_injects')
    .set(change)
    .where('exercise_id', '=', exerciseId)
    .where('inject_id', '=', injectId)
    .execute();
}

// ---- the players' feed ----------------------------------------------------------------

export async function insertFeedItem(db: Db, row: ExerciseFeedRow): Promise<void> {
  await db.insertInto('exercise_feed').values(row).execute();
}

/** Newest first, after the cursor (at, id). */
export function listFeed(
  db: Db,
  exerciseId: string,
  limit: number,
  after?: { at: number; id: string },
): Promise<ExerciseFeedRow[]> {
  let query = db
    .selectFrom('exercise_feed')
    .selectAll()
    .where('exercise_id', '=', exerciseId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('at', '<', after.at), eb.and([eb('at', '=', after.at), eb('id', '<', after.id)])]),
    );
  }
  return query.execute();
}

// ---- observations of this side's expected actions ---------------------------------------

export function observationsOf(db: Db, exerciseId: string): Promise<ExerciseObservationRow[]> {
  return db
    .selectFrom('exercise_observations')
    .selectAll()
    .where('exercise_id', '=', exerciseId)
    .execute();
}

/**
 * Writes an observation, whether or not the exercise had a row for it yet, over one only in
 * the states `over`: checked on the row as it is when this transaction gets to write it, so
 * a clock move, a deadline and a player's action racing on PostgreSQL cannot undo each other.
 */
/** Writes an observation over one of the states `over`; false when the row was in another. */
export async function saveObservation(
  db: Db,
  row: ExerciseObservationRow,
  over: readonly ExerciseObservationRow['state'][],
): Promise<boolean> {
  const { exercise_id: _e, expected_id: _x, ...change } = row;
  const result = await db
    .insertInto('exercise_observations')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['exercise_id', 'expected_id'])
        .doUpdateSet(change)
        .where('exercise_observations.state', 'in', [...over]),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * Waits for the audit chain's head row (PostgreSQL), which appendAudit locks first: taken
 * before an observation row is written, so every transaction that writes observations
 * locks the audit head, then the observation (never an observation, then the audit head,
 * while another holds the head and waits for that observation: the deadlock seen when a
 * player acted as the peer's `end` was applied). SQLite serialises writers anyway.
 */
export async function waitForAuditHead(db: Db, dialect: string): Promise<void> {
  if (dialect !== 'postgres') return;
  await db.selectFrom('audit_head').select('id').where('id', '=', 1).forUpdate().execute();
}

// ---- the timers at the deadlines of this side's expected actions -------------------------

export function deadlinesOf(db: Db, exerciseId: string): Promise<ExerciseDeadlineRow[]> {
  return db
    .selectFrom('exercise_deadlines')
    .selectAll()
    .where('exercise_id', '=', exerciseId)
    .execute();
}

export async function saveDeadline(db: Db, row: ExerciseDeadlineRow): Promise<void> {
  await db
    .insertInto('exercise_deadlines')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['exercise_id', 'expected_id']).doUpdateSet({ timer_id: row.timer_id }),
    )
    .execute();
}
