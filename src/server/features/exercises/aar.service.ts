import { randomUUID } from 'node:crypto';
import type { ScenarioSide } from '../../../core/exercises/scenario.js';
import { ROLES } from '../../../core/roles.js';
import {
  AarPart,
  EXERCISE_AAR_KIND,
  type AarView,
  type CorrectiveActionBody,
  type CorrectiveActionList,
  type CorrectiveActionPatch,
  type CorrectiveActionView,
  type EvaluationQuery,
  type ExerciseAarMessage,
} from '../../../core/schemas/exercise-evaluation.js';
import { authorize, type Actor } from '../../actor.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../store/cursors.js';
import type { Db, Trx, TxHooks } from '../../store/database.js';
import type { FeatureDeps } from '../feature-deps.js';
import { expectedOutcomes, presentAar, presentCorrective, sideTimeline } from './aar.present.js';
import {
  aarPartsOf,
  arrivalsOf,
  deleteCorrective,
  findCorrective,
  insertCorrective,
  listCorrective,
  listHotwash,
  listNotes,
  ratingsOf,
  saveAarPart,
  updateCorrective,
} from './evaluation.repository.js';
import type { ExerciseCorrectiveActionRow } from './evaluation.table.js';
import { clockOf, mselOf } from './exercises.present.js';
import { findExercise, injectsOf, observationsOf } from './exercises.repository.js';
import type { ExerciseRow } from './exercises.table.js';
import type { ExerciseParticipants } from './participants.service.js';
import { exerciseOr404, auditExercise } from './exercises.support.js';

const other = (side: ScenarioSide): ScenarioSide => (side === 'A' ? 'B' : 'A');
const lines = (texts: string[]) => texts.map((t) => t.trim()).filter((t) => t.length > 0);

/**
 * The after-action report and improvement plan (issue 17), assembled on each node from its
 * own evaluation and the peer's shared part. Nothing of this side's evaluation reaches the
 * peer until a controller shares the AAR: then one message (`liaison.exercise.aar`) carries
 * this side's part (its ratings, the observations its evaluators marked to share, the
 * hotwash's strengths and improvements without names, its expected vs actual, its lines of
 * the timeline, its corrective actions). The part is kept as sent; sharing again replaces it
 * on both nodes. The AAR shows each side's part as last shared (this side's live evaluation
 * until it shares), so once both have shared, both nodes hold the same two parts and list the
 * same merged timeline.
 */
export class ExerciseAar {
  constructor(private readonly deps: FeatureDeps & { participants: ExerciseParticipants }) {}

  async get(actor: Actor, id: string): Promise<AarView> {
    authorize(actor, 'exercises.read');
    const db = this.deps.store.db;
    const row = await exerciseOr404(db, id);
    const parts = await aarPartsOf(db, id);
    const oursRow = parts.find((p) => p.origin === 'ours');
    // Before this side shares, its evaluation is the evaluators' alone.
    if (!oursRow) await this.deps.participants.requireEvaluator(db, actor, id);
    const theirsRow = parts.find((p) => p.origin === 'theirs');
    const ours = oursRow
      ? (JSON.parse(oursRow.part) as AarPart)
      : await this.buildPart(db, row, this.deps.clock.now());
    const theirs = theirsRow ? (JSON.parse(theirsRow.part) as AarPart) : null;
    const clock = clockOf(row);
    return presentAar(
      {
        row,
        startedAt: row.started_at === null ? null : Number(row.started_at),
        endedAt: clock.state === 'ended' ? clock.anchorWall : null,
        sharedAt: oursRow ? ours.sharedAt : null,
      },
      ours,
      theirs,
    );
  }

  /** Sends this side's part to the peer (again, if it changed): the peer keeps it as ours. */
  async share(actor: Actor, id: string): Promise<AarView> {
    authorize(actor, 'exercises.manage');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await exerciseOr404(trx, id);
      if (row.status !== 'accepted') {
        throw conflict('exercise_not_accepted', 'The peer has not accepted this exercise yet.');
      }
      if (clockOf(row).state !== 'ended') {
        throw conflict('exercise_not_ended', 'The report is shared once the exercise has ended.');
      }
      if (!(await this.deps.federation.peerAccepts(trx, row.peer_id, EXERCISE_AAR_KIND))) {
        throw conflict(
          'peer_cannot_share_aar',
          `${row.peer_id} is not active or does not take after-action reports yet.`,
        );
      }
      // What goes to the peer is what its schema takes: checked here, not refused there.
      const checked = AarPart.safeParse(await this.buildPart(trx, row, now));
      if (!checked.success) {
        throw conflict(
          'aar_too_large',
          "This side's part holds more than a peer takes (at most 2000 observations, 1000 ratings, 500 corrective actions, 5000 lines of timeline).",
        );
      }
      const part = checked.data;
      await saveAarPart(trx, {
        exercise_id: id,
        origin: 'ours',
        part: JSON.stringify(part),
        shared_at: now,
      });
      const message: ExerciseAarMessage = { exerciseId: id, part };
      await this.deps.federation.send(trx, hooks, row.peer_id, EXERCISE_AAR_KIND, message);
      await auditExercise(trx, actor, now, 'exercise.aar_shared', id, {
        peer: row.peer_id,
        timeline: part.timeline.length,
        ratings: part.ratings.length,
      });
      // Shared: the report is everyone's on this node now.
      hooks.afterCommit(() =>
        this.deps.bus.publish('exercise.changed', { exerciseId: id }, { roles: ROLES }),
      );
    });
    return this.get(actor, id);
  }

  /** The peer shared its part: kept as the peer's part of this exercise's AAR. */
  async partReceived(
    trx: Trx,
    hooks: TxHooks,
    peer: string,
    body: ExerciseAarMessage,
  ): Promise<void> {
    const row = await findExercise(trx, body.exerciseId);
    if (!row || row.peer_id !== peer || row.status !== 'accepted') return;
    // Only the peer's own side: it cannot write lines for ours.
    if (body.part.side !== other(row.side)) return;
    const part: AarPart = {
      ...body.part,
      timeline: body.part.timeline.filter((entry) => entry.side === body.part.side),
    };
    const now = this.deps.clock.now();
    await saveAarPart(trx, {
      exercise_id: row.id,
      origin: 'theirs',
      part: JSON.stringify(part),
      shared_at: now,
    });
    await auditExercise(trx, { kind: 'peer', nodeId: peer }, now, 'exercise.aar_received', row.id, {
      timeline: part.timeline.length,
    });
    const sharedHere = (await aarPartsOf(trx, row.id)).some((p) => p.origin === 'ours');
    const audience = sharedHere
      ? { roles: ROLES }
      : await this.deps.participants.audience(trx, row.id);
    hooks.afterCommit(() =>
      this.deps.bus.publish('exercise.changed', { exerciseId: row.id }, audience),
    );
  }

  // ---- corrective actions (this side's improvement plan) --------------------------------------

  async correctiveActions(
    actor: Actor,
    id: string,
    query: EvaluationQuery,
  ): Promise<CorrectiveActionList> {
    authorize(actor, 'exercises.read');
    const db = this.deps.store.db;
    const row = await exerciseOr404(db, id);
    if (!(await aarPartsOf(db, id)).some((p) => p.origin === 'ours')) {
      await this.deps.participants.requireEvaluator(db, actor, id);
    }
    const after = query.cursor === undefined ? undefined : decodeTimeCursor(query.cursor);
    const rows = await listCorrective(db, id, query.limit + 1, after);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      actions: page.map((a) => presentCorrective(a, row.side)),
      next:
        rows.length > query.limit && last
          ? encodeTimeCursor(Number(last.created_at), last.id)
          : null,
    };
  }

  async addCorrective(
    actor: Actor,
    id: string,
    body: CorrectiveActionBody,
  ): Promise<CorrectiveActionView> {
    authorize(actor, 'exercises.manage');
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      const row = await exerciseOr404(trx, id);
      const action: ExerciseCorrectiveActionRow = {
        id: randomUUID(),
        exercise_id: id,
        title: body.title,
        capability: body.capability,
        owner_side: body.ownerSide,
        owner: body.owner,
        start_date: body.startDate,
        due_date: body.dueDate,
        status: body.status,
        created_at: now,
        updated_at: now,
      };
      checkCorrective(row, action);
      await insertCorrective(trx, action);
      await auditExercise(trx, actor, now, 'exercise.corrective_action', id, { action: action.id });
      await this.changed(trx, hooks, id);
      return presentCorrective(action, row.side);
    });
  }

  async changeCorrective(
    actor: Actor,
    id: string,
    actionId: string,
    patch: CorrectiveActionPatch,
  ): Promise<CorrectiveActionView> {
    authorize(actor, 'exercises.manage');
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      const row = await exerciseOr404(trx, id);
      const before = await this.findCorrective(trx, id, actionId);
      const action: ExerciseCorrectiveActionRow = {
        ...before,
        ...(patch.title === undefined ? {} : { title: patch.title }),
        ...(patch.capability === undefined ? {} : { capability: patch.capability }),
        ...(patch.ownerSide === undefined ? {} : { owner_side: patch.ownerSide }),
        ...(patch.owner === undefined ? {} : { owner: patch.owner }),
        ...(patch.startDate === undefined ? {} : { start_date: patch.startDate }),
        ...(patch.dueDate === undefined ? {} : { due_date: patch.dueDate }),
        ...(patch.status === undefined ? {} : { status: patch.status }),
        updated_at: now,
      };
      checkCorrective(row, action);
      await updateCorrective(trx, action);
      await auditExercise(trx, actor, now, 'exercise.corrective_action_changed', id, {
        action: actionId,
        fields: Object.keys(patch),
      });
      await this.changed(trx, hooks, id);
      return presentCorrective(action, row.side);
    });
  }

  async removeCorrective(actor: Actor, id: string, actionId: string): Promise<void> {
    authorize(actor, 'exercises.manage');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      await exerciseOr404(trx, id);
      await this.findCorrective(trx, id, actionId);
      await deleteCorrective(trx, id, actionId);
      await auditExercise(trx, actor, now, 'exercise.corrective_action_removed', id, {
        action: actionId,
      });
      await this.changed(trx, hooks, id);
    });
  }

  /** This side's part of the AAR as it stands now. */
  private async buildPart(db: Db, row: ExerciseRow, now: number): Promise<AarPart> {
    const skipped = new Set(
      (await injectsOf(db, row.id)).filter((s) => s.state === 'skipped').map((s) => s.inject_id),
    );
    const expected = expectedOutcomes(row, await observationsOf(db, row.id), skipped);
    const shared = (await listNotes(db, row.id)).filter((n) => n.share === 1).reverse();
    const hotwash = (await listHotwash(db, row.id, {})).reverse();
    const part: AarPart = {
      side: row.side,
      sharedAt: new Date(now).toISOString(),
      participants: await this.deps.participants.counts(db, row.id),
      ratings: (await ratingsOf(db, row.id)).map((r) => ({
        objective: r.objective,
        capability: r.capability === '' ? null : r.capability,
        rating: r.rating,
        note: r.note,
      })),
      observations: shared.map((n) => ({
        id: n.id,
        kind: n.kind,
        text: n.text,
        objective: n.objective,
        capability: n.capability,
        at: new Date(Number(n.at)).toISOString(),
        scenarioMinutes: Math.floor(Number(n.scenario_ms) / 6_000) / 10,
      })),
      hotwash: {
        strengths: lines(hotwash.map((h) => h.strengths)),
        improvements: lines(hotwash.map((h) => h.improvements)),
      },
      expected,
      timeline: sideTimeline(
        row,
        await injectsOf(db, row.id),
        await arrivalsOf(db, row.id),
        expected,
        shared,
      ),
      correctiveActions: (await listCorrective(db, row.id)).reverse().map((a) => {
        const { side: _side, ...action } = presentCorrective(a, row.side);
        return action;
      }),
    };
    return part;
  }

  private async findCorrective(db: Db, id: string, actionId: string) {
    const row = await findCorrective(db, id, actionId);
    if (!row)
      throw notFound('corrective_action_not_found', 'This exercise has no such corrective action.');
    return row;
  }

  private async changed(trx: Db, hooks: TxHooks, id: string): Promise<void> {
    const shared = (await aarPartsOf(trx, id)).some((p) => p.origin === 'ours');
    const audience = shared ? { roles: ROLES } : await this.deps.participants.audience(trx, id);
    hooks.afterCommit(() =>
      this.deps.bus.publish('exercise.changed', { exerciseId: id }, audience),
    );
  }
}

/** A corrective action names a capability of the scenario and ends no earlier than it starts. */
function checkCorrective(row: ExerciseRow, action: ExerciseCorrectiveActionRow): void {
  const capabilities = mselOf(row).objectives.flatMap((o) => o.capabilities);
  if (!capabilities.includes(action.capability)) {
    throw badRequest(
      'unknown_capability',
      `${action.capability} is not a capability of the scenario.`,
    );
  }
  if (action.due_date < action.start_date) {
    throw badRequest('due_before_start', 'The due date comes before the start date.');
  }
}
