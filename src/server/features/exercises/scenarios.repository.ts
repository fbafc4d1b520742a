import type { Db } from '../../store/database.js';
import type { ScenarioRow } from './exercises.table.js';

export function findScenario(db: Db, id: string): Promise<ScenarioRow | undefined> {
  return db.selectFrom('exercise_scenarios').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertScenario(db: Db, row: ScenarioRow): Promise<void> {
  await db.insertInto('exercise_scenarios').values(row).execute();
}

export async function updateScenario(
  db: Db,
  id: string,
  change: Pick<ScenarioRow, 'version' | 'origin' | 'source' | 'definition' | 'updated_at'>,
): Promise<void> {
  await db.updateTable('exercise_scenarios').set(change).where('id', '=', id).execute();
}

export async function deleteScenario(db: Db, id: string): Promise<void> {
  await db.deleteFrom('exercise_scenarios').where('id', '=', id).execute();
}

/** A page of scenarios by id, after `after` (the cursor). */
export function listScenarios(db: Db, limit: number, after?: string): Promise<ScenarioRow[]> {
  let query = db.selectFrom('exercise_scenarios').selectAll().orderBy('id').limit(limit);
  if (after !== undefined) query = query.where('id', '>', after);
  return query.execute();
}
