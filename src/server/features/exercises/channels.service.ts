import type { BilingualText } from '../../../core/exercises/scenario.js';
import { randomUUID } from 'node:crypto';
import { scenarioTimeAt } from '../../../core/exercises/clock.js';
import type { ExerciseFeed, ExerciseQuery, InjectView } from '../../../core/schemas/exercises.js';
import { ROLES } from '../../../core/roles.js';
import { authorize, type Actor } from '../../actor.js';
import { AppError, notFound } from '../../errors.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../store/cursors.js';
import type { Db, TxHooks } from '../../store/database.js';
import type { FeatureDeps } from '../feature-deps.js';
import type { ExerciseCallEvent } from '../hotline/public.js';
import type { FeatureServices } from '../module.js';
import type { ExerciseRequestEvent } from '../requests/public.js';
import { clockOf, mselOf } from './exercises.present.js';
import { findExercise, insertFeedItem, listFeed } from './exercises.repository.js';
import type { ExerciseFeedRow, ExerciseRow } from './exercises.table.js';
import type { ExerciseObservations } from './observations.service.js';

type ChannelsDeps = FeatureDeps & {
  hotline: Pick<FeatureServices['hotline'], 'placeExercise'>;
  requests: Pick<FeatureServices['requests'], 'sendExercise'>;
  observations: ExerciseObservations;
};

/** What a fired inject became: a call's or request's id, or why its channel refused it. */
export interface Delivery {
  delivered: string | null;
  problem: string | null;
}

const both = (text: BilingualText, glue: string) => `${text.en}${glue}${text['zh-CN']}`;

/**
 * Injects through the real channels (issue 17). A fired `call` inject places a hotline call
 * to the peer and a `request` inject sends a request for assistance, both marked EXERCISE
 * (the peer's duty officer gets the usual banner and alarm; the figures leave them out); a
 * `narrative` reaches this node's players in the feed. What arrives from the peer for an
 * exercise joins the feed, and the players' acknowledgements go to the observations.
 */
export class ExerciseChannels {
  constructor(private readonly deps: ChannelsDeps) {}

  /** A fired inject goes through its channel, in the inject's transaction. */
  async deliver(
    trx: Db,
    hooks: TxHooks,
    row: ExerciseRow,
    inject: InjectView,
    now: number,
  ): Promise<Delivery> {
    const marker = { exerciseId: row.id, injectId: inject.id };
    const subject = both(inject.title, ' / ').slice(0, 200);
    const text = both(inject.body, '\n\n');
    try {
      switch (inject.channel) {
        case 'call':
          return {
            delivered: await this.deps.hotline.placeExercise(trx, hooks, {
              ...marker,
              peer: row.peer_id,
              priority: inject.priority ?? 'urgent',
              subject,
              text,
              caller: `${this.deps.nodeId} (exercise)`,
            }),
            problem: null,
          };
        case 'request':
          return {
            delivered: await this.deps.requests.sendExercise(trx, hooks, {
              ...marker,
              peer: row.peer_id,
              type: inject.requestType ?? 'incident_assistance',
              urgency: inject.urgency ?? 'routine',
              title: subject,
              text,
            }),
            problem: null,
          };
        case 'narrative':
          await this.addToFeed(trx, hooks, row, 'narrative', inject.id, null, now);
          return { delivered: null, problem: null };
        default:
          // Case objects, notes and pings do not go through their channels yet.
          return { delivered: null, problem: null };
      }
    } catch (error) {
      // Refused before anything was written (the peer, the terms): recorded on the inject.
      if (error instanceof AppError) return { delivered: null, problem: error.message };
      throw error;
    }
  }

  /** An exercise call was received or acknowledged on this node. */
  async callEvent(trx: Db, hooks: TxHooks, event: ExerciseCallEvent): Promise<void> {
    if (event.kind === 'acknowledged') {
      await this.deps.observations.observe(
        trx,
        hooks,
        event.exerciseId,
        event.injectId,
        'acknowledge_call',
        event.at,
      );
      return;
    }
    await this.arrived(trx, hooks, event, 'call', event.callId, event.subject);
  }

  /** An exercise request was received or acknowledged (only those this node answers). */
  async requestEvent(trx: Db, hooks: TxHooks, event: ExerciseRequestEvent): Promise<void> {
    if (event.direction !== 'in') return;
    if (event.kind === 'acknowledged') {
      await this.deps.observations.observe(
        trx,
        hooks,
        event.exerciseId,
        event.injectId,
        'acknowledge_request',
        event.at,
      );
      return;
    }
    await this.arrived(trx, hooks, event, 'request', event.requestId, event.title);
  }

  /** What reached this node's players, newest first. */
  async feed(actor: Actor, id: string, query: ExerciseQuery): Promise<ExerciseFeed> {
    authorize(actor, 'exercises.read');
    const db = this.deps.store.db;
    if (!(await findExercise(db, id))) {
      throw notFound('exercise_not_found', `No exercise has the id ${id}.`);
    }
    const after = query.cursor === undefined ? undefined : decodeTimeCursor(query.cursor);
    const rows = await listFeed(db, id, query.limit + 1, after);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((item) => ({
        id: item.id,
        kind: item.kind,
        injectId: item.inject_id,
        title: JSON.parse(item.title) as BilingualText,
        body: JSON.parse(item.body) as BilingualText,
        refId: item.ref_id,
        at: new Date(Number(item.at)).toISOString(),
        scenarioMinutes: Math.floor(Number(item.scenario_ms) / 6_000) / 10,
      })),
      next: rows.length > query.limit && last ? encodeTimeCursor(Number(last.at), last.id) : null,
    };
  }

  /** A call or request of an exercise with its peer arrived: the players see it. */
  private async arrived(
    trx: Db,
    hooks: TxHooks,
    event: { exerciseId: string; injectId: string | null; peer: string; at: number },
    kind: 'call' | 'request',
    refId: string,
    subject: string,
  ): Promise<void> {
    const row = await findExercise(trx, event.exerciseId);
    // Only the exercise's own peer adds to its feed.
    if (!row || row.peer_id !== event.peer) return;
    const plain = { en: subject, 'zh-CN': subject };
    await this.addToFeed(trx, hooks, row, kind, event.injectId, refId, event.at, plain);
  }

  private async addToFeed(
    trx: Db,
    hooks: TxHooks,
    row: ExerciseRow,
    kind: ExerciseFeedRow['kind'],
    injectId: string | null,
    refId: string | null,
    at: number,
    fallback?: BilingualText,
  ): Promise<void> {
    const inject = mselOf(row).injects.find((i) => i.id === injectId);
    const title = inject?.title ?? fallback;
    if (!title) return;
    await insertFeedItem(trx, {
      id: randomUUID(),
      exercise_id: row.id,
      kind,
      inject_id: inject ? inject.id : null,
      title: JSON.stringify(title),
      body: JSON.stringify(inject?.body ?? title),
      ref_id: refId,
      at,
      scenario_ms: Math.round(scenarioTimeAt(clockOf(row), at)),
    });
    hooks.afterCommit(() =>
      this.deps.bus.publish('exercise.changed', { exerciseId: row.id }, { roles: ROLES }),
    );
  }
}
