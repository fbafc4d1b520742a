import { ROLES } from '../../../core/roles.js';
import type { Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import type { EventBus } from '../../events.js';
import { notFound } from '../../errors.js';
import type { Db, TxHooks } from '../../store/database.js';
import { findExercise } from './exercises.repository.js';
import type { ExerciseRow } from './exercises.table.js';

/** What every exercise service does alike: find the run, audit a change, tell the readers. */

/** The exercise, or 404 exercise_not_found. */
export async function exerciseOr404(db: Db, id: string): Promise<ExerciseRow> {
  const row = await findExercise(db, id);
  if (!row) throw notFound('exercise_not_found', `No exercise has the id ${id}.`);
  return row;
}

/** An audit entry about exercise `id`. */
export function auditExercise(
  trx: Db,
  actor: Actor,
  at: number,
  action: string,
  id: string,
  details: Record<string, unknown>,
) {
  return appendAudit(trx, { actor, at, action, entityType: 'exercise', entityId: id, details });
}

/** After the commit, every role's pages hear that the exercise changed. */
export function exerciseChanged(bus: EventBus, hooks: TxHooks, exerciseId: string): void {
  hooks.afterCommit(() => bus.publish('exercise.changed', { exerciseId }, { roles: ROLES }));
}
