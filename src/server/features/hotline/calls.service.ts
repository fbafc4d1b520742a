import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DEFAULT_ACKNOWLEDGE_MINUTES, FIRST_CALL_STATE } from '../../../core/hotline.js';
import { toCsv } from '../../../core/csv.js';
import {
  HOTLINE_CALL_KIND,
  type CallDetail,
  type CallView,
  type EscalateRequestBody,
  type HotlineCallMessage,
  type PlaceCallBody,
  type ReviewReport,
} from '../../../core/schemas/hotline.js';
import type { PeriodQuery } from '../../../core/schemas/pings.js';
import { authorize, actorUserId, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { iso } from '../../clock.js';
import { conflict, notFound } from '../../errors.js';
import { findPeer } from '../../federation/peers.js';
import type { Db, TxHooks } from '../../store/database.js';
import { termsInForce } from '../arrangements/public.js';
import { displayNameOf } from '../feature-deps.js';
import type { FeatureContext } from '../module.js';
import { caseSharedWith, findCase } from '../cases/public.js';
import { findRequest, type RequestRow } from '../requests/public.js';
import { callDetail, type CallNews } from './calls.news.js';
import { callMessage, presentCall } from './hotline.present.js';
import {
  appendCallEvent,
  findCall,
  findOpenCallOfRequest,
  insertCall,
  listCalls,
} from './hotline.repository.js';
import type { ExerciseCallHooks, ExerciseCallListener } from './hotline.exercise.js';
import { hotlineReview, REVIEW_CSV_HEADER, reviewCsvRows } from './hotline.review.js';
import type { CallRow } from './hotline.table.js';
import { readLadder, type LadderService } from './ladder.service.js';

const MINUTE = 60_000;

/** What a new call is made of; the rest starts empty. */
type NewCall = Pick<
  CallRow,
  | 'id'
  | 'peer_id'
  | 'direction'
  | 'tier'
  | 'priority'
  | 'subject'
  | 'text'
  | 'request_id'
  | 'request_reference'
  | 'case_id'
  | 'caller'
  | 'caller_user_id'
  | 'created_at'
  | 'acknowledge_within_ms'
  | 'timer_id'
  | 'updated_at'
> &
  Partial<
    Pick<
      CallRow,
      'delivered_at' | 'rung' | 'rungs' | 'rung_deadline_at' | 'exercise_id' | 'exercise_inject_id'
    >
  >;

function newCall(call: NewCall): CallRow {
  return {
    state: FIRST_CALL_STATE[call.direction],
    not_delivered_at: null,
    delivered_at: null,
    seen_at: null,
    seen_by: null,
    acknowledged_at: null,
    acknowledged_by: null,
    resolved_at: null,
    resolved_by: null,
    outcome: null,
    rung: null,
    rungs: null,
    rung_deadline_at: null,
    reminders: 0,
    exercise_id: null,
    exercise_inject_id: null,
    ...call,
  };
}

type CallsDeps = Pick<FeatureContext, 'store' | 'clock' | 'federation' | 'nodeId'> & {
  log: Logger;
  ladder: LadderService;
  news: CallNews;
  exercise: ExerciseCallHooks;
};

/** An EXERCISE call an exercise places, in its inject's transaction. */
export interface ExerciseCall {
  peer: string;
  priority: PlaceCallBody['priority'];
  subject: string;
  text: string;
  caller: string;
  exerciseId: string;
  injectId: string;
}

/**
 * Hotline calls: placing them, receiving them, reading them and their review. The caller's
 * node commits the call with its message to the peer and a delivery timer (ladder.service);
 * the receiving node starts its ladder. What happens to a call after is moves.service.
 */
export class HotlineService {
  constructor(private readonly deps: CallsDeps) {}

  async list(
    actor: Actor,
    query: { direction?: 'in' | 'out'; open?: 'true' | 'false'; peer?: string; limit: number },
  ): Promise<CallView[]> {
    authorize(actor, 'hotline.read');
    const rows = await listCalls(this.deps.store.db, {
      limit: query.limit,
      ...(query.direction ? { direction: query.direction } : {}),
      ...(query.peer ? { peer: query.peer } : {}),
      ...(query.open ? { open: query.open === 'true' } : {}),
    });
    return rows.map(presentCall);
  }

  async get(actor: Actor, id: string): Promise<CallDetail> {
    authorize(actor, 'hotline.read');
    return callDetail(this.deps.store.db, id);
  }

  async place(actor: Actor, body: PlaceCallBody): Promise<CallDetail> {
    authorize(actor, 'hotline.call');
    const id = await this.deps.store.transaction(async (trx, hooks) => {
      let request: RequestRow | undefined;
      if (body.requestId) {
        request = await findRequest(trx, body.requestId);
        if (!request) {
          throw notFound('request_not_found', `No request has the id ${body.requestId}.`);
        }
        if (request.peer_id !== body.peer) {
          throw conflict(
            'request_other_peer',
            `Request ${request.reference} is with ${request.peer_id}, not ${body.peer}.`,
          );
        }
      }
      if (body.caseId) await this.checkCase(trx, body.caseId, body.peer);
      const caller = await displayNameOf(trx, actor, this.deps.nodeId);
      return this.placeIn(trx, hooks, actor, body, caller, request);
    });
    return callDetail(this.deps.store.db, id);
  }

  /** Raises a request as a call in one action (the request page's button). */
  async escalateRequest(
    actor: Actor,
    requestId: string,
    body: EscalateRequestBody,
  ): Promise<CallDetail> {
    authorize(actor, 'hotline.call');
    const id = await this.deps.store.transaction(async (trx, hooks) => {
      const request = await findRequest(trx, requestId);
      if (!request || request.status === 'draft') {
        throw notFound('request_not_found', `No sent request has the id ${requestId}.`);
      }
      const caller = await displayNameOf(trx, actor, this.deps.nodeId);
      return this.placeIn(
        trx,
        hooks,
        actor,
        {
          peer: request.peer_id,
          tier: body.tier,
          priority: body.priority,
          subject: `Request ${request.reference}: ${request.title}`.slice(0, 200),
          text: body.text ?? '',
          requestId,
        },
        caller,
        request,
      );
    });
    return callDetail(this.deps.store.db, id);
  }

  /**
   * A deadline of one of our requests passed and the arrangement says to raise it on the
   * hotline: called in the timer's transaction. One open call per request is enough.
   */
  async raiseOverdue(
    trx: Db,
    hooks: TxHooks,
    request: RequestRow,
    deadline: 'acknowledge' | 'respond',
  ): Promise<void> {
    if (await findOpenCallOfRequest(trx, request.id)) return;
    if (!(await this.deps.federation.peerAccepts(trx, request.peer_id, HOTLINE_CALL_KIND))) {
      this.deps.log.warn(
        { request: request.id, peer: request.peer_id },
        'an overdue request could not be raised on the hotline: the peer takes no calls',
      );
      return;
    }
    const what = deadline === 'acknowledge' ? 'acknowledgement' : 'response';
    await this.placeIn(
      trx,
      hooks,
      { kind: 'system', reason: 'request overdue' },
      {
        peer: request.peer_id,
        tier: 'formal_inquiry',
        priority: request.urgency === 'emergency' ? 'flash' : 'urgent',
        subject: `Overdue: request ${request.reference}: ${request.title}`.slice(0, 200),
        text: `The ${what} of request ${request.reference} is overdue under the arrangement, which says to raise it on the hotline.`,
        requestId: request.id,
      },
      `${this.deps.nodeId} (automatic)`,
      request,
      // An exercise's request raises an exercise call: still never a real one.
      request.exercise_id
        ? { id: request.exercise_id, injectId: request.exercise_inject_id ?? null }
        : undefined,
    );
  }

  /**
   * An exercise's inject places a real call, marked EXERCISE, in the inject's transaction
   * (the timer's): the peer's duty officer gets the usual banner and alarm. Returns its id.
   */
  async placeExercise(trx: Db, hooks: TxHooks, call: ExerciseCall): Promise<string> {
    return this.placeIn(
      trx,
      hooks,
      { kind: 'system', reason: 'exercise' },
      {
        peer: call.peer,
        tier: 'technical',
        priority: call.priority,
        subject: call.subject.slice(0, 200),
        text: call.text.slice(0, 10_000),
      },
      call.caller,
      undefined,
      { id: call.exerciseId, injectId: call.injectId },
    );
  }

  /** The exercises feature hears of its calls here (received, acknowledged). */
  onExercise(listener: ExerciseCallListener): void {
    this.deps.exercise.on(listener);
  }

  async review(actor: Actor, query: PeriodQuery): Promise<ReviewReport> {
    authorize(actor, 'hotline.read');
    return hotlineReview(this.deps.store.db, query);
  }

  async reviewCsv(actor: Actor, query: PeriodQuery): Promise<string> {
    authorize(actor, 'hotline.read');
    return toCsv(REVIEW_CSV_HEADER, await reviewCsvRows(this.deps.store.db, query));
  }

  /** A call names a case both sides hold, or the peer could not open it. */
  private async checkCase(trx: Db, caseId: string, peer: string): Promise<void> {
    if (!(await findCase(trx, caseId))) {
      throw notFound('case_not_found', `This node has no case ${caseId}.`);
    }
    if (!(await caseSharedWith(trx, caseId, peer))) {
      throw conflict(
        'case_not_shared',
        `Case ${caseId} is not shared with ${peer}; add ${peer} to the case first, or leave the case out.`,
      );
    }
  }

  /** A peer's call arrived: it is delivered now, and the ladder starts from now. */
  async received(trx: Db, hooks: TxHooks, peerId: string, body: HotlineCallMessage): Promise<void> {
    if (await findCall(trx, body.callId)) return;
    const now = this.deps.clock.now();
    const rungs = (await readLadder(trx)).tiers[body.tier];
    let requestId: string | null = null;
    if (body.requestId) {
      const request = await findRequest(trx, body.requestId);
      if (request && request.peer_id === peerId) requestId = request.id;
    }
    const deadline = now + body.acknowledgeWithinMs;
    const row = newCall({
      id: body.callId,
      peer_id: peerId,
      direction: 'in',
      tier: body.tier,
      priority: body.priority,
      subject: body.subject,
      text: body.text,
      request_id: requestId,
      request_reference: body.requestReference,
      // A case this node does not share with the caller would be a link to nowhere.
      case_id: body.caseId && (await caseSharedWith(trx, body.caseId, peerId)) ? body.caseId : null,
      caller: body.caller,
      caller_user_id: null,
      created_at: Date.parse(body.createdAt),
      acknowledge_within_ms: body.acknowledgeWithinMs,
      exercise_id: body.exerciseId ?? null,
      exercise_inject_id: body.exerciseId ? (body.exerciseInjectId ?? null) : null,
      delivered_at: now,
      rung: 1,
      rungs: rungs.length,
      rung_deadline_at: deadline,
      timer_id: randomUUID(),
      updated_at: now,
    });
    await insertCall(trx, row);
    await appendCallEvent(trx, { callId: row.id, at: now, kind: 'delivered', by: body.caller });
    await this.deps.ladder.start(trx, hooks, row, now);
    await this.deps.news.tellPeer(trx, hooks, row, {
      state: 'delivered',
      at: iso(now),
      rung: 1,
      rungs: rungs.length,
      rungDeadlineAt: iso(deadline),
    });
    await appendAudit(trx, {
      actor: { kind: 'peer', nodeId: peerId },
      at: now,
      action: 'hotline.receive',
      entityType: 'hotline_call',
      entityId: row.id,
      details: {
        tier: row.tier,
        priority: row.priority,
        ...(row.exercise_id ? { exercise: row.exercise_id } : {}),
      },
    });
    await this.deps.exercise.emit(trx, hooks, row, 'received', now);
    await this.deps.news.publish(trx, hooks, row.id);
  }

  /** Commits our call with its message to the peer and its delivery timer. */
  private async placeIn(
    trx: Db,
    hooks: TxHooks,
    actor: Actor,
    body: PlaceCallBody,
    caller: string,
    request: RequestRow | undefined,
    exercise?: { id: string; injectId: string | null },
  ): Promise<string> {
    await this.checkPeerTakesCalls(trx, body.peer);
    const now = this.deps.clock.now();
    const { terms } = await termsInForce(trx, body.peer);
    const minutes =
      terms.hotline?.acknowledgeMinutes[body.tier][body.priority] ??
      DEFAULT_ACKNOWLEDGE_MINUTES[body.tier][body.priority];
    const row = newCall({
      id: randomUUID(),
      peer_id: body.peer,
      direction: 'out',
      tier: body.tier,
      priority: body.priority,
      subject: body.subject,
      text: body.text,
      request_id: request?.id ?? null,
      request_reference: request?.reference ?? null,
      case_id: body.caseId ?? null,
      caller,
      caller_user_id: actorUserId(actor) ?? null,
      created_at: now,
      acknowledge_within_ms: minutes * MINUTE,
      timer_id: randomUUID(),
      updated_at: now,
      exercise_id: exercise?.id ?? null,
      exercise_inject_id: exercise?.injectId ?? null,
    });
    await insertCall(trx, row);
    await appendCallEvent(trx, { callId: row.id, at: now, kind: 'created', by: caller });
    await this.deps.federation.send(trx, hooks, body.peer, HOTLINE_CALL_KIND, callMessage(row));
    await this.deps.ladder.watchDelivery(trx, hooks, row, now);
    await appendAudit(trx, {
      actor,
      at: now,
      action: 'hotline.call',
      entityType: 'hotline_call',
      entityId: row.id,
      details: {
        peer: body.peer,
        tier: row.tier,
        priority: row.priority,
        ...(row.request_id ? { request: row.request_id } : {}),
        ...(exercise ? { exercise: exercise.id } : {}),
      },
    });
    await this.deps.news.publish(trx, hooks, row.id);
    return row.id;
  }

  private async checkPeerTakesCalls(trx: Db, peerId: string): Promise<void> {
    const peer = await findPeer(trx, peerId);
    if (!peer || peer.status !== 'active') {
      throw notFound('peer_not_found', `No active peer has the node id ${peerId}.`);
    }
    if (!(await this.deps.federation.peerAccepts(trx, peerId, HOTLINE_CALL_KIND))) {
      throw conflict(
        'peer_takes_no_calls',
        `${peerId} runs a version of Liaison without the hotline; call its contacts directly.`,
      );
    }
  }
}
