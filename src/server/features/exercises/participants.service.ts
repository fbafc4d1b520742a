import { PERMISSIONS } from '../../../core/roles.js';
import type {
  AssignParticipantBody,
  EvaluationQuery,
  ParticipantList,
  ParticipantView,
} from '../../../core/schemas/exercise-evaluation.js';
import { actorUserId, authorize, can, type Actor } from '../../actor.js';
import { forbidden, notFound } from '../../errors.js';
import type { Audience } from '../../events.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../store/cursors.js';
import type { Db } from '../../store/database.js';
import { findUserByUsername } from '../accounts/public.js';
import { displayNameOf, type FeatureDeps } from '../feature-deps.js';
import {
  deleteParticipant,
  findParticipant,
  listParticipants,
  participantRoles,
  saveParticipant,
  type ParticipantWithUser,
} from './evaluation.repository.js';
import { exerciseOr404, auditExercise } from './exercises.support.js';

const iso = (ms: number) => new Date(Number(ms)).toISOString();

/**
 * Who takes part in an exercise on this node (issue 17): a controller assigns the node's own
 * accounts as controller, evaluator or player. The assignment is local: no message carries
 * it; the peer learns only the counts, in this side's part of the AAR. Evaluators are the
 * accounts assigned as evaluator or controller, and whoever may manage exercises.
 */
export class ExerciseParticipants {
  constructor(private readonly deps: FeatureDeps) {}

  async list(actor: Actor, id: string, query: EvaluationQuery): Promise<ParticipantList> {
    authorize(actor, 'exercises.read');
    const db = this.deps.store.db;
    await exerciseOr404(db, id);
    const after = query.cursor === undefined ? undefined : decodeTimeCursor(query.cursor);
    const rows = await listParticipants(db, id, query.limit + 1, after);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      participants: page.map(presentParticipant),
      next:
        rows.length > query.limit && last
          ? encodeTimeCursor(Number(last.assigned_at), last.user_id)
          : null,
    };
  }

  async assign(actor: Actor, id: string, body: AssignParticipantBody): Promise<ParticipantView> {
    authorize(actor, 'exercises.manage');
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      await exerciseOr404(trx, id);
      const user = await findUserByUsername(trx, body.username);
      if (!user) throw notFound('user_not_found', `No user is named ${body.username}.`);
      const by = await displayNameOf(trx, actor, `${this.deps.nodeId} controller`);
      const row = {
        exercise_id: id,
        user_id: user.id,
        role: body.role,
        assigned_by: by,
        assigned_at: now,
      };
      await saveParticipant(trx, row);
      await auditExercise(trx, actor, now, 'exercise.participant_assigned', id, {
        user: user.id,
        role: body.role,
      });
      const audience = await this.audience(trx, id);
      hooks.afterCommit(() =>
        this.deps.bus.publish('exercise.changed', { exerciseId: id }, audience),
      );
      return presentParticipant({
        ...row,
        username: user.username,
        display_name: user.display_name,
      });
    });
  }

  async remove(actor: Actor, id: string, userId: string): Promise<void> {
    authorize(actor, 'exercises.manage');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      await exerciseOr404(trx, id);
      const audience = await this.audience(trx, id);
      if ((await deleteParticipant(trx, id, userId)) === 0) {
        throw notFound('participant_not_found', 'This account takes no part in this exercise.');
      }
      await auditExercise(trx, actor, now, 'exercise.participant_removed', id, { user: userId });
      hooks.afterCommit(() =>
        this.deps.bus.publish('exercise.changed', { exerciseId: id }, audience),
      );
    });
  }

  /** Whether the actor may see and write the evaluation (before the AAR is shared). */
  async isEvaluator(db: Db, actor: Actor, exerciseId: string): Promise<boolean> {
    if (can(actor, 'exercises.manage')) return true;
    const userId = actorUserId(actor);
    if (!userId) return false;
    const part = await findParticipant(db, exerciseId, userId);
    return part?.role === 'evaluator' || part?.role === 'controller';
  }

  /** 403 not_evaluator for anyone but the exercise's evaluators (and its managers). */
  async requireEvaluator(db: Db, actor: Actor, exerciseId: string): Promise<void> {
    if (!(await this.isEvaluator(db, actor, exerciseId))) {
      throw forbidden(
        "Only this exercise's evaluators and controllers see and write its evaluation.",
        'not_evaluator',
      );
    }
  }

  /** Who hears of a change to the evaluation: the managers and the assigned evaluators. */
  async audience(db: Db, exerciseId: string, extra: readonly string[] = []): Promise<Audience> {
    const evaluators = (await participantRoles(db, exerciseId))
      .filter((p) => p.role !== 'player')
      .map((p) => p.user_id);
    return { roles: PERMISSIONS['exercises.manage'], userIds: [...evaluators, ...extra] };
  }

  /** How many accounts take each part on this node. */
  async counts(
    db: Db,
    exerciseId: string,
  ): Promise<{ controllers: number; evaluators: number; players: number }> {
    const roles = (await participantRoles(db, exerciseId)).map((p) => p.role);
    const count = (role: string) => roles.filter((r) => r === role).length;
    return {
      controllers: count('controller'),
      evaluators: count('evaluator'),
      players: count('player'),
    };
  }
}

function presentParticipant(row: ParticipantWithUser): ParticipantView {
  return {
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    assignedAt: iso(row.assigned_at),
    assignedBy: row.assigned_by,
  };
}
