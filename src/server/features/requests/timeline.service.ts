import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DEFAULT_ARRANGEMENT } from '../../../core/arrangements.js';
import { addClock } from '../../../core/deadlines.js';
import {
  foldRequest,
  missingFields,
  startsPreservation,
  type FoldedState,
  type RequestAction,
  type RequestFields,
} from '../../../core/requests.js';
import { ROLES } from '../../../core/roles.js';
import { ArrangementTerms } from '../../../core/schemas/arrangements.js';
import {
  REQUEST_EVENT_KIND,
  type RequestEventMessage,
  type RequestView,
} from '../../../core/schemas/requests.js';
import type { Actor } from '../../actor.js';
import { notFound } from '../../errors.js';
import type { Db, TxHooks } from '../../store/database.js';
import type { TimerWorker } from '../../timers/timers.js';
import type { SearchService } from '../search/public.js';
import { findArrangement, termsInForce } from '../arrangements/public.js';
import { displayNameOf, type FeatureDeps } from '../feature-deps.js';
import { PRESERVATION_TIMER } from './deadlines.service.js';
import { fieldsOf, num, presentEventMessage, presentRequest, sideOf } from './requests.present.js';
import {
  findRequest,
  insertAttachment,
  insertEvent,
  listEvents,
  setEventsApplied,
  updateRequest,
} from './requests.repository.js';
import type { ExerciseRequestHooks } from './requests.exercise.js';
import { requestDoc } from './requests.search.js';
import type { RequestAttachmentRow, RequestEventRow, RequestRow } from './requests.table.js';

/** What the request services are given by the module (features/requests/index.ts). */
export type RequestsDeps = FeatureDeps & {
  timers: TimerWorker;
  timeZone: string;
  log: Logger;
  search: SearchService;
  /** How the exercises feature hears of its requests (requests.exercise.ts). */
  exercise: ExerciseRequestHooks;
};

/**
 * The shared path of every event on a request, whoever made it (a user here, a timer, the
 * peer): numbered, stored, folded into the request's status (core/requests.ts), sent to the
 * peer when it was made here, and shown to the browsers.
 */
export class RequestTimeline {
  constructor(private readonly deps: RequestsDeps) {}

  async load(db: Db, id: string): Promise<RequestRow> {
    const row = await findRequest(db, id);
    if (!row) throw notFound('request_not_found', `No request has the id ${id}.`);
    return row;
  }

  /** A new event of this node, numbered one past the highest Lamport number seen. */
  async newEvent(
    trx: Db,
    actor: Actor,
    row: RequestRow,
    action: RequestAction,
    at: number,
    text: string | null,
    fields: RequestFields | null,
    preservationDays: number | null = null,
  ): Promise<RequestEventRow> {
    const events = await listEvents(trx, row.id);
    const lamport = events.reduce((max, e) => Math.max(max, Number(e.lamport)), 0) + 1;
    const name = await displayNameOf(trx, actor, `${this.deps.nodeId} (Liaison)`);
    return {
      id: randomUUID(),
      request_id: row.id,
      lamport,
      node_id: this.deps.nodeId,
      actor: name,
      action,
      at,
      text,
      fields: fields ? JSON.stringify(fields) : null,
      attachment_id: null,
      preservation_days: preservationDays,
      applied: 1,
    };
  }

  /**
   * Stores an event (and its attachment), folds the timeline into the request's status,
   * sends the event to the peer when it was made here, and tells the browsers.
   */
  async apply(
    trx: Db,
    hooks: TxHooks,
    row: RequestRow,
    event: RequestEventRow,
    attachment: RequestAttachmentRow | null,
    request: RequestEventMessage['request'] | null | undefined,
  ): Promise<void> {
    await insertEvent(trx, event);
    if (attachment) await insertAttachment(trx, attachment);
    const events = await listEvents(trx, row.id);
    const folded = foldRequest(
      row.type,
      events.map((e) => ({
        id: e.id,
        lamport: Number(e.lamport),
        node: e.node_id,
        action: e.action,
        at: Number(e.at),
        days: e.preservation_days === null ? null : Number(e.preservation_days),
      })),
      (node) => sideOf(row, this.deps.nodeId, node),
    );
    await setEventsApplied(trx, row.id, folded.superseded);
    const preservedUntil = await this.preservedUntil(trx, row, folded);
    await updateRequest(trx, row.id, {
      status: folded.status,
      fields: JSON.stringify(providedFields(row, events, folded.superseded)),
      preservation: folded.preservation,
      preserved_until: preservedUntil,
      acknowledged_at: folded.acknowledgedAt,
      closed_at: folded.closedAt,
      updated_at: this.deps.clock.now(),
    });
    // The first acknowledgement of an exercise's request: its exercise observes it.
    if (row.acknowledged_at === null && folded.acknowledgedAt !== null) {
      await this.deps.exercise.emit(trx, hooks, row, 'acknowledged', folded.acknowledgedAt);
    }
    // The responder's node keeps the preservation clock.
    const preservationMoved =
      startsPreservation(row.type, event.action) || event.action === 'extend_preservation';
    if (
      row.direction === 'in' &&
      preservationMoved &&
      preservedUntil !== null &&
      !folded.superseded.includes(event.id)
    ) {
      await this.deps.timers.schedule(trx, hooks, {
        kind: PRESERVATION_TIMER,
        dueAt: preservedUntil,
        payload: { requestId: row.id },
      });
    }
    if (event.node_id === this.deps.nodeId) {
      await this.deps.federation.send(trx, hooks, row.peer_id, REQUEST_EVENT_KIND, {
        requestId: row.id,
        ...(request ? { request } : {}),
        event: presentEventMessage(event, attachment),
      } satisfies RequestEventMessage);
    }
    await this.index(trx, row.id);
    this.publish(hooks, row.id);
  }

  /** Writes the request, as it now is, to the search (after it or its timeline changed). */
  async index(trx: Db, id: string): Promise<void> {
    const row = await this.load(trx, id);
    await this.deps.search.index(trx, [requestDoc(row, await listEvents(trx, id))]);
  }

  /** When preservation ends: its period from when it began, plus each extension. */
  private async preservedUntil(
    db: Db,
    row: RequestRow,
    folded: FoldedState,
  ): Promise<number | null> {
    if (folded.preservationStartedAt === null) return null;
    const terms = await this.termsOf(db, row);
    const clocks = terms.requestTypes[row.type]?.preservation;
    if (!clocks) return null;
    const zone = row.responder_time_zone;
    const period = folded.preservationDays;
    let until = addClock(
      folded.preservationStartedAt,
      period === null ? clocks.period : { amount: period, unit: 'days' },
      zone,
    );
    for (const days of folded.extensionDays) {
      until = addClock(
        until,
        days === null ? clocks.extension : { amount: days, unit: 'days' },
        zone,
      );
    }
    return until;
  }

  /** The terms the request was sent under (the default when it names none, or one unknown). */
  async termsOf(db: Db, row: RequestRow): Promise<ArrangementTerms> {
    const version = num(row.arrangement_version);
    if (!version) return DEFAULT_ARRANGEMENT;
    const arrangement = await findArrangement(db, row.peer_id, version);
    return arrangement
      ? ArrangementTerms.parse(JSON.parse(arrangement.terms))
      : DEFAULT_ARRANGEMENT;
  }

  /** A request as the API shows it; a draft of ours lists what the terms in force miss. */
  async view(db: Db, row: RequestRow, now: number): Promise<RequestView> {
    let missing: RequestView['missing'] = [];
    if (row.status === 'draft' && row.direction === 'out') {
      const inForce = await termsInForce(db, row.peer_id);
      const required = inForce.terms.requestTypes[row.type]?.requiredFields ?? [];
      missing = missingFields(required, fieldsOf(row));
    }
    return presentRequest(row, this.deps.nodeId, now, missing);
  }

  /** After commit, the browsers get the request as it now is. */
  publish(hooks: TxHooks, id: string): void {
    hooks.afterCommit(() => {
      void (async () => {
        const row = await findRequest(this.deps.store.db, id);
        if (!row) return;
        const request = await this.view(this.deps.store.db, row, this.deps.clock.now());
        this.deps.bus.publish('request.changed', { request }, { roles: ROLES });
      })().catch((error: unknown) => this.deps.log.warn({ err: error }, 'request event failed'));
    });
  }
}

/** The request's fields with what each `provide_information` that took effect added. */
function providedFields(
  row: RequestRow,
  events: readonly RequestEventRow[],
  superseded: readonly string[],
): RequestFields {
  let fields = fieldsOf(row);
  for (const e of events) {
    if (e.action === 'provide_information' && e.fields && !superseded.includes(e.id)) {
      fields = { ...fields, ...(JSON.parse(e.fields) as RequestFields) };
    }
  }
  return fields;
}
