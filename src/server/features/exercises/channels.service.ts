import { randomUUID } from 'node:crypto';
import { scenarioTimeAt } from '../../../core/exercises/clock.js';
import type { BilingualText, TLP_LEVELS } from '../../../core/exercises/scenario.js';
import type { ExerciseFeed, ExerciseQuery, InjectView } from '../../../core/schemas/exercises.js';
import { ROLES } from '../../../core/roles.js';
import { tlpRank, type TlpLevel } from '../../../core/tlp-rules.js';
import { authorize, type Actor } from '../../actor.js';
import { AppError, conflict, notFound } from '../../errors.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../store/cursors.js';
import type { Db, TxHooks } from '../../store/database.js';
import type { ExerciseObjectEvent } from '../cases/public.js';
import type { FeatureDeps } from '../feature-deps.js';
import type { ExerciseCallEvent } from '../hotline/public.js';
import type { FeatureContext, FeatureServices } from '../module.js';
import type { ExerciseNoteEvent } from '../notes/public.js';
import type { ExercisePingEvent } from '../pings/public.js';
import type { ExerciseRequestEvent } from '../requests/public.js';
import { clockOf, mselOf } from './exercises.present.js';
import { findExercise, insertFeedItem, listFeed } from './exercises.repository.js';
import type { ExerciseFeedRow, ExerciseRow } from './exercises.table.js';
import type { Expectation, ExerciseObservations } from './observations.service.js';

type ChannelsDeps = FeatureDeps & {
  hotline: Pick<FeatureServices['hotline'], 'placeExercise'>;
  requests: Pick<FeatureServices['requests'], 'sendExercise' | 'checkExercise'>;
  observations: ExerciseObservations;
  use: FeatureContext['use'];
};

/** What a fired inject became: the id of what it was sent as, or why its channel refused it. */
export interface Delivery {
  delivered: string | null;
  problem: string | null;
}

const both = (text: BilingualText, glue: string) => `${text.en}${glue}${text['zh-CN']}`;

/** A scenario's marking as the cases' TLP level. */
function tlpOf(marking: (typeof TLP_LEVELS)[number] | undefined): TlpLevel {
  return marking === 'amber+strict' ? 'amber_strict' : (marking ?? 'amber');
}

/**
 * Injects through the real channels (issue 17). A fired inject goes through its channel,
 * marked EXERCISE: a `call` is a hotline call to the peer, a `request` a request for
 * assistance, a `case_object` an indicator in the exercise's case shared with the peer, a
 * `note` a note, a `ping` a ping of the peer's contacts (the peer's people see them where
 * they see real ones; the figures and reports leave them out); a `narrative` reaches this
 * node's players in the feed. What arrives from the peer for an exercise joins the feed,
 * and what this node's players do goes to the observations.
 */
export class ExerciseChannels {
  private readonly notes: FeatureServices['notes'];
  private readonly pings: FeatureServices['pings'];
  private readonly cases: FeatureServices['exerciseCases'];

  constructor(private readonly deps: ChannelsDeps) {
    this.notes = deps.use('notes');
    this.pings = deps.use('pings');
    this.cases = deps.use('exerciseCases');
    // Notes, pings and cases tell us of the exercise items they carry; requests ask us
    // whether a player's request may join an exercise.
    this.notes.onExercise((trx, hooks, event) => this.noteEvent(trx, hooks, event));
    this.pings.onExercise((trx, hooks, event) => this.pingEvent(trx, hooks, event));
    this.cases.on((trx, hooks, event) => this.objectEvent(trx, hooks, event));
    deps.requests.checkExercise((trx, id, peer) => this.mayJoin(trx, id, peer));
  }

  /** A fired inject goes through its channel, in the inject's transaction. */
  async deliver(
    trx: Db,
    hooks: TxHooks,
    row: ExerciseRow,
    inject: InjectView,
    now: number,
  ): Promise<Delivery> {
    try {
      if (inject.channel === 'narrative') {
        await this.addToFeed(trx, hooks, row, 'narrative', inject.id, null, now);
        return { delivered: null, problem: null };
      }
      return { delivered: await this.send(trx, hooks, row, inject), problem: null };
    } catch (error) {
      // Refused before anything was written (the peer, the terms): recorded on the inject.
      if (error instanceof AppError) return { delivered: null, problem: error.message };
      throw error;
    }
  }

  private async send(trx: Db, hooks: TxHooks, row: ExerciseRow, inject: InjectView) {
    const marker = { exerciseId: row.id, injectId: inject.id, peer: row.peer_id };
    const subject = both(inject.title, ' / ').slice(0, 200);
    const text = both(inject.body, '\n\n');
    const caller = `${this.deps.nodeId} (exercise)`;
    switch (inject.channel) {
      case 'call':
        return this.deps.hotline.placeExercise(trx, hooks, {
          ...marker,
          priority: inject.priority ?? 'urgent',
          subject,
          text,
          caller,
        });
      case 'request':
        return this.deps.requests.sendExercise(trx, hooks, {
          ...marker,
          type: inject.requestType ?? 'incident_assistance',
          urgency: inject.urgency ?? 'routine',
          title: subject,
          text,
        });
      case 'case_object':
        return this.cases.share(trx, hooks, {
          ...marker,
          caseTitle: both(mselOf(row).title, ' / '),
          name: subject,
          description: text,
          pattern: inject.pattern ?? '',
          tlp: tlpOf(inject.marking),
        });
      case 'note':
        return this.notes.sendExercise(trx, hooks, {
          ...marker,
          text: `EXERCISE — ${subject}\n\n${text}`,
          author: caller,
        });
      default:
        return (await this.pings.sendExercise(trx, hooks, marker)).join(',');
    }
  }

  /** Whether a player's request may join the exercise: running or paused, with this peer. */
  private async mayJoin(trx: Db, exerciseId: string, peer: string): Promise<void> {
    const row = await findExercise(trx, exerciseId);
    if (!row) throw notFound('exercise_not_found', `No exercise has the id ${exerciseId}.`);
    if (row.peer_id !== peer) {
      throw conflict(
        'exercise_not_with_peer',
        `Exercise ${exerciseId} is run with ${row.peer_id}, not ${peer}.`,
      );
    }
    const state = clockOf(row).state;
    if (row.status !== 'accepted' || (state !== 'running' && state !== 'paused')) {
      throw conflict(
        'exercise_not_running',
        'The exercise is not running (not started, or ended).',
      );
    }
  }

  // ---- what the channels tell us -------------------------------------------------------

  /** An exercise call was received, acknowledged or resolved on this node. */
  async callEvent(trx: Db, hooks: TxHooks, event: ExerciseCallEvent): Promise<void> {
    if (event.kind === 'received') {
      await this.arrived(trx, hooks, event, 'call', event.callId, event.subject);
      return;
    }
    const action = event.kind === 'acknowledged' ? 'acknowledge_call' : 'resolve_call';
    const { observations } = this.deps;
    await observations.observe(trx, hooks, event.exerciseId, event.injectId, action, event.at);
  }

  /** An exercise request was received or acknowledged here, or one of this node's was sent. */
  async requestEvent(trx: Db, hooks: TxHooks, event: ExerciseRequestEvent): Promise<void> {
    const { observations } = this.deps;
    if (event.direction === 'out') {
      // A player's own request (an inject's carries its id) with the fields expected.
      if (event.kind !== 'sent' || event.injectId) return;
      const fits = (expected: Expectation) =>
        (!expected.requestType || expected.requestType === event.type) &&
        (expected.fields ?? []).every((field) => event.fields.includes(field));
      await observations.observeOwn(trx, hooks, event.exerciseId, 'send_request', event.at, fits);
      return;
    }
    if (event.kind === 'acknowledged') {
      const { exerciseId, injectId, at } = event;
      await observations.observe(trx, hooks, exerciseId, injectId, 'acknowledge_request', at);
    } else if (event.kind === 'received') {
      await this.arrived(trx, hooks, event, 'request', event.requestId, event.title);
    }
  }

  /** An exercise note arrived, or a player of this node answered one. */
  async noteEvent(trx: Db, hooks: TxHooks, event: ExerciseNoteEvent): Promise<void> {
    if (event.kind === 'received') {
      await this.arrived(trx, hooks, event, 'note', event.noteId, event.text.slice(0, 200));
    } else if (!event.injectId) {
      const { observations } = this.deps;
      await observations.observeOwn(
        trx,
        hooks,
        event.exerciseId,
        'send_note',
        event.at,
        () => true,
      );
    }
  }

  /** An exercise ping reached this node's contacts, or its duty officer answered one. */
  async pingEvent(trx: Db, hooks: TxHooks, event: ExercisePingEvent): Promise<void> {
    if (event.direction !== 'in') return;
    if (event.kind === 'received') {
      await this.arrived(trx, hooks, event, 'ping', event.pingId, event.contactName);
      return;
    }
    const { exerciseId, injectId, at } = event;
    await this.deps.observations.observe(trx, hooks, exerciseId, injectId, 'answer_ping', at);
  }

  /** An object reached the exercise's case from the peer, or a player of this node added one. */
  async objectEvent(trx: Db, hooks: TxHooks, event: ExerciseObjectEvent): Promise<void> {
    if (event.kind === 'received') {
      const arrival = { ...event, peer: event.from };
      await this.arrived(trx, hooks, arrival, 'case_object', event.objectId, event.label);
      return;
    }
    const fits = (expected: Expectation) =>
      !expected.marking || tlpRank(event.tlp) <= tlpRank(tlpOf(expected.marking));
    const { observations } = this.deps;
    await observations.observeOwn(trx, hooks, event.exerciseId, 'share_object', event.at, fits);
  }

  // ---- the players' feed ---------------------------------------------------------------

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

  /** Something of an exercise with its peer arrived through a channel: the players see it. */
  private async arrived(
    trx: Db,
    hooks: TxHooks,
    event: { exerciseId: string; injectId: string | null; peer: string; at: number },
    kind: Exclude<ExerciseFeedRow['kind'], 'narrative'>,
    refId: string,
    subject: string,
  ): Promise<void> {
    const row = await findExercise(trx, event.exerciseId);
    // Only the exercise's own peer adds to its feed.
    if (!row || row.peer_id !== event.peer) return;
    const plain = { en: subject || kind, 'zh-CN': subject || kind };
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
