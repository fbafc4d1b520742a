import { randomUUID } from 'node:crypto';
import { scenarioTimeAt } from '../../../core/exercises/clock.js';
import type {
  AddObservationBody,
  EvaluationQuery,
  EvaluatorObservationList,
  EvaluatorObservationView,
  HotwashBody,
  HotwashList,
  HotwashView,
  RateBody,
  RatingList,
  RatingView,
} from '../../../core/schemas/exercise-evaluation.js';
import { actorUserId, authorize, type Actor } from '../../actor.js';
import { badRequest, conflict, forbidden, notFound } from '../../errors.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../store/cursors.js';
import type { Db, TxHooks } from '../../store/database.js';
import { displayNameOf, type FeatureDeps } from '../feature-deps.js';
import {
  aarPartsOf,
  deleteNote,
  findNote,
  insertNote,
  listHotwash,
  listNotes,
  ratingsOf,
  saveHotwash,
  saveRating,
} from './evaluation.repository.js';
import type {
  ExerciseEvaluatorNoteRow,
  ExerciseHotwashRow,
  ExerciseRatingRow,
} from './evaluation.table.js';
import { clockOf, mselOf } from './exercises.present.js';
import type { ExerciseRow } from './exercises.table.js';
import { expectationsOf } from './observations.service.js';
import type { ExerciseParticipants } from './participants.service.js';
import { exerciseOr404, auditExercise } from './exercises.support.js';

const iso = (ms: number) => new Date(Number(ms)).toISOString();
const minutes = (ms: number) => Math.floor(Number(ms) / 6_000) / 10;

/** Whether this side's part of the AAR has been shared (the hotwash closes then). */
export async function sharedHere(db: Db, exerciseId: string): Promise<boolean> {
  return (await aarPartsOf(db, exerciseId)).some((p) => p.origin === 'ours');
}

/**
 * The evaluators' work on this node (issue 17): observations (free text, a strength, an area
 * for improvement or a note, tied to an objective, capability, inject or expected action if
 * the evaluator says so) and a P/S/M/U rating per objective and capability; and each
 * participant's hotwash after the end. None of it leaves the node until a controller shares
 * the AAR; players (anyone not an evaluator) get 403 not_evaluator.
 */
export class ExerciseEvaluation {
  constructor(private readonly deps: FeatureDeps & { participants: ExerciseParticipants }) {}

  async observations(
    actor: Actor,
    id: string,
    query: EvaluationQuery,
  ): Promise<EvaluatorObservationList> {
    const db = await this.evaluatorDb(actor, id);
    const after = query.cursor === undefined ? undefined : decodeTimeCursor(query.cursor);
    const rows = await listNotes(db, id, query.limit + 1, after);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      observations: page.map(presentNote),
      next: rows.length > query.limit && last ? encodeTimeCursor(Number(last.at), last.id) : null,
    };
  }

  async observe(
    actor: Actor,
    id: string,
    body: AddObservationBody,
  ): Promise<EvaluatorObservationView> {
    authorize(actor, 'exercises.read');
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      const row = await exerciseOr404(trx, id);
      await this.deps.participants.requireEvaluator(trx, actor, id);
      checkTarget(row, body);
      const note: ExerciseEvaluatorNoteRow = {
        id: randomUUID(),
        exercise_id: id,
        author_id: actorUserId(actor) ?? 'node',
        author: await displayNameOf(trx, actor, `${this.deps.nodeId} evaluator`),
        kind: body.kind,
        text: body.text,
        objective: body.objective ?? null,
        capability: body.capability ?? null,
        inject_id: body.injectId ?? null,
        expected_id: body.expectedId ?? null,
        share: body.share ? 1 : 0,
        at: now,
        scenario_ms: Math.round(scenarioTimeAt(clockOf(row), now)),
      };
      await insertNote(trx, note);
      await auditExercise(trx, actor, now, 'exercise.evaluator_observation', id, {
        observation: note.id,
      });
      await this.changed(trx, hooks, id);
      return presentNote(note);
    });
  }

  /** Removes an observation: its author, or a controller. */
  async unobserve(actor: Actor, id: string, observationId: string): Promise<void> {
    authorize(actor, 'exercises.read');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      await exerciseOr404(trx, id);
      await this.deps.participants.requireEvaluator(trx, actor, id);
      const note = await findNote(trx, id, observationId);
      if (!note) {
        throw notFound('evaluator_observation_not_found', 'This exercise has no such observation.');
      }
      const own = note.author_id === actorUserId(actor);
      if (!own) authorize(actor, 'exercises.manage');
      await deleteNote(trx, id, observationId);
      await auditExercise(trx, actor, now, 'exercise.evaluator_observation_removed', id, {
        observation: observationId,
      });
      await this.changed(trx, hooks, id);
    });
  }

  async ratings(actor: Actor, id: string): Promise<RatingList> {
    const db = await this.evaluatorDb(actor, id);
    return { ratings: (await ratingsOf(db, id)).map(presentRating) };
  }

  /** This side's rating of an objective (or one of its capabilities); a new one replaces it. */
  async rate(actor: Actor, id: string, body: RateBody): Promise<RatingView> {
    authorize(actor, 'exercises.read');
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      const row = await exerciseOr404(trx, id);
      await this.deps.participants.requireEvaluator(trx, actor, id);
      checkTarget(row, { objective: body.objective, capability: body.capability });
      const rating: ExerciseRatingRow = {
        exercise_id: id,
        objective: body.objective,
        capability: body.capability ?? '',
        rating: body.rating,
        note: body.note,
        rated_by: await displayNameOf(trx, actor, `${this.deps.nodeId} evaluator`),
        rated_at: now,
      };
      await saveRating(trx, rating);
      await auditExercise(trx, actor, now, 'exercise.rated', id, {
        objective: body.objective,
        capability: body.capability ?? null,
        rating: body.rating,
      });
      await this.changed(trx, hooks, id);
      return presentRating(rating);
    });
  }

  /** The hotwash: an evaluator sees everyone's, anyone else only their own. */
  async hotwash(actor: Actor, id: string, query: EvaluationQuery): Promise<HotwashList> {
    authorize(actor, 'exercises.read');
    const db = this.deps.store.db;
    await exerciseOr404(db, id);
    const all = await this.deps.participants.isEvaluator(db, actor, id);
    const userId = all ? undefined : (actorUserId(actor) ?? '');
    const after = query.cursor === undefined ? undefined : decodeTimeCursor(query.cursor);
    const rows = await listHotwash(db, id, {
      limit: query.limit + 1,
      ...(after ? { after } : {}),
      ...(userId === undefined ? {} : { userId }),
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      hotwash: page.map(presentHotwash),
      next:
        rows.length > query.limit && last
          ? encodeTimeCursor(Number(last.updated_at), last.user_id)
          : null,
    };
  }

  /** The caller's own hotwash, after the end and until the AAR is shared; one per account. */
  async submitHotwash(actor: Actor, id: string, body: HotwashBody): Promise<HotwashView> {
    authorize(actor, 'exercises.read');
    const userId = actorUserId(actor);
    if (!userId) throw forbidden('A hotwash is written by a user of this node.');
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      const row = await exerciseOr404(trx, id);
      if (clockOf(row).state !== 'ended') {
        throw conflict('exercise_not_ended', 'The hotwash opens when the exercise has ended.');
      }
      if (await sharedHere(trx, id)) {
        throw conflict('aar_shared', 'The after-action report is shared: the hotwash is closed.');
      }
      if (!body.strengths && !body.improvements && !body.text) {
        throw badRequest('hotwash_empty', 'Write a strength, an improvement or a comment.');
      }
      const hotwash: ExerciseHotwashRow = {
        exercise_id: id,
        user_id: userId,
        author: await displayNameOf(trx, actor, userId),
        strengths: body.strengths,
        improvements: body.improvements,
        text: body.text,
        updated_at: now,
      };
      await saveHotwash(trx, hotwash);
      await auditExercise(trx, actor, now, 'exercise.hotwash', id, {});
      await this.changed(trx, hooks, id, [userId]);
      return presentHotwash(hotwash);
    });
  }

  private async evaluatorDb(actor: Actor, id: string): Promise<Db> {
    authorize(actor, 'exercises.read');
    const db = this.deps.store.db;
    await exerciseOr404(db, id);
    await this.deps.participants.requireEvaluator(db, actor, id);
    return db;
  }

  private async changed(trx: Db, hooks: TxHooks, id: string, extra: string[] = []): Promise<void> {
    const audience = await this.deps.participants.audience(trx, id, extra);
    hooks.afterCommit(() =>
      this.deps.bus.publish('exercise.changed', { exerciseId: id }, audience),
    );
  }
}

/** What an observation or rating names must be in the exercise (this side's, for expectations). */
function checkTarget(
  row: ExerciseRow,
  target: { objective?: string; capability?: string; injectId?: string; expectedId?: string },
): void {
  const msel = mselOf(row);
  const objective = msel.objectives.find((o) => o.id === target.objective);
  if (target.objective !== undefined && !objective) {
    throw badRequest('unknown_objective', `The scenario has no objective ${target.objective}.`);
  }
  if (target.capability !== undefined) {
    const capabilities = objective
      ? objective.capabilities
      : msel.objectives.flatMap((o) => o.capabilities);
    if (!capabilities.includes(target.capability)) {
      throw badRequest(
        'unknown_capability',
        `${target.capability} is not a capability ${objective ? `of ${objective.id}` : 'of the scenario'}.`,
      );
    }
  }
  if (target.injectId !== undefined && !msel.injects.some((i) => i.id === target.injectId)) {
    throw badRequest('unknown_inject', `The scenario has no inject ${target.injectId}.`);
  }
  if (
    target.expectedId !== undefined &&
    !expectationsOf(row).some((e) => e.id === target.expectedId)
  ) {
    throw badRequest(
      'unknown_expected_action',
      `This side has no expected action ${target.expectedId}.`,
    );
  }
}

export function presentNote(row: ExerciseEvaluatorNoteRow): EvaluatorObservationView {
  return {
    id: row.id,
    text: row.text,
    kind: row.kind,
    objective: row.objective,
    capability: row.capability,
    injectId: row.inject_id,
    expectedId: row.expected_id,
    share: row.share === 1,
    author: row.author,
    at: iso(row.at),
    scenarioMinutes: minutes(row.scenario_ms),
  };
}

export function presentRating(row: ExerciseRatingRow): RatingView {
  return {
    objective: row.objective,
    capability: row.capability === '' ? null : row.capability,
    rating: row.rating,
    note: row.note,
    ratedBy: row.rated_by,
    ratedAt: iso(row.rated_at),
  };
}

function presentHotwash(row: ExerciseHotwashRow): HotwashView {
  return {
    userId: row.user_id,
    author: row.author,
    strengths: row.strengths,
    improvements: row.improvements,
    text: row.text,
    updatedAt: iso(row.updated_at),
  };
}
