import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from 'pino';
import { DEFAULT_ACKNOWLEDGE_MINUTES, isOpen, MAX_REMINDERS } from '../../../core/hotline.js';
import { ROLES } from '../../../core/roles.js';
import {
  HOTLINE_CALL_KIND,
  HOTLINE_UPDATE_KIND,
  type CallDetail,
  type CallEventView,
  type CallView,
  type EscalateRequestBody,
  type HotlineCallMessage,
  type HotlineUpdateMessage,
  type PlaceCallBody,
  type ReviewReport,
  type Rung,
} from '../../../core/schemas/hotline.js';
import type { PeriodQuery } from '../../../core/schemas/pings.js';
import { authorize, actorUserId, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { iso, isoOrNull } from '../../clock.js';
import { AppError, notFound } from '../../errors.js';
import type { HotlineAlertReason } from '../../events.js';
import { findPeer } from '../../federation/peers.js';
import type { Db, TxHooks } from '../../store/database.js';
import { cancelTimer, type TimerWorker } from '../../timers/timers.js';
import { termsInForce } from '../arrangements/public.js';
import { listPublished } from '../contacts/public.js';
import { displayNameOf, type FeatureDeps } from '../feature-deps.js';
import { findRequest, type RequestRow } from '../requests/public.js';
import { toCsv } from '../../../core/csv.js';
import { hotlineReview, REVIEW_CSV_HEADER, reviewCsvRows } from './hotline.review.js';
import { queueNotification, type WebhookPayload } from './hotline.notify.js';
import {
  appendCallEvent,
  findCall,
  insertCall,
  listCallEvents,
  listCalls,
  updateCall,
} from './hotline.repository.js';
import { readLadder, type Reach, type RosterService } from './hotline.roster.js';
import type { CallEventRow, CallRow } from './hotline.table.js';

export const DELIVERY_TIMER = 'hotline.delivery';
export const ESCALATE_TIMER = 'hotline.escalate';
const DeliveryPayload = z.object({ callId: z.string() });
const EscalatePayload = z.object({ callId: z.string(), rung: z.number().int() });
const ANSWERERS = ['admin', 'officer'] as const;
const MINUTE = 60_000;

const num = (value: number | null) => (value === null ? null : Number(value));

export function presentCall(row: CallRow): CallView {
  return {
    id: row.id,
    peer: row.peer_id,
    direction: row.direction,
    tier: row.tier,
    priority: row.priority,
    subject: row.subject,
    text: row.text,
    requestId: row.request_id,
    requestReference: row.request_reference,
    caseId: row.case_id,
    caller: row.caller,
    state: row.state,
    createdAt: iso(Number(row.created_at)),
    acknowledgeWithinMs: Number(row.acknowledge_within_ms),
    notDeliveredAt: isoOrNull(num(row.not_delivered_at)),
    deliveredAt: isoOrNull(num(row.delivered_at)),
    seenAt: isoOrNull(num(row.seen_at)),
    seenBy: row.seen_by,
    acknowledgedAt: isoOrNull(num(row.acknowledged_at)),
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: isoOrNull(num(row.resolved_at)),
    resolvedBy: row.resolved_by,
    outcome: row.outcome,
    rung: num(row.rung),
    rungs: num(row.rungs),
    rungDeadlineAt: isoOrNull(num(row.rung_deadline_at)),
    exhausted: Number(row.reminders) > 0,
    updatedAt: iso(Number(row.updated_at)),
  };
}

function presentEvent(row: CallEventRow): CallEventView {
  return {
    at: iso(Number(row.at)),
    kind: row.kind,
    rung: num(row.rung),
    by: row.actor,
    detail: row.detail,
  };
}

export interface HotlineDeps extends FeatureDeps {
  timers: TimerWorker;
  roster: RosterService;
  /** Wakes the notifier after a commit that queued e-mails or webhook posts. */
  nudgeNotifier: () => void;
  deliveryTimeoutMs: number;
  publicUrl: string;
  log: Logger;
}

/**
 * Hotline calls. The caller's node commits the call with its message to the peer and a
 * delivery timer: if the peer has not confirmed by then, the call shows "not delivered"
 * and the caller's fallback is alerted (it stays queued and goes through when the peer is
 * back). The receiving node alerts rung 1 of its ladder for the tier and arms a durable
 * timer; each deadline without an acknowledgement alerts the next rung, and after the
 * last, every rung again (reminders). Every step is sent back to the caller, so both
 * sides see the same state live.
 */
export class HotlineService {
  constructor(private readonly deps: HotlineDeps) {
    deps.timers.define(DELIVERY_TIMER, DeliveryPayload, (trx, payload, _timer, hooks) =>
      this.deliveryTimedOut(trx, hooks, payload.callId),
    );
    deps.timers.define(ESCALATE_TIMER, EscalatePayload, (trx, payload, _timer, hooks) =>
      this.deadlinePassed(trx, hooks, payload.callId, payload.rung),
    );
  }

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
    return this.detail(this.deps.store.db, id);
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
          throw new AppError(
            'request_other_peer',
            409,
            `Request ${request.reference} is with ${request.peer_id}, not ${body.peer}.`,
          );
        }
      }
      const caller = await displayNameOf(trx, actor, this.deps.nodeId);
      return this.placeIn(trx, hooks, actor, body, caller, request);
    });
    return this.detail(this.deps.store.db, id);
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
    return this.detail(this.deps.store.db, id);
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
    const open = await trx
      .selectFrom('hotline_calls')
      .select('id')
      .where('request_id', '=', request.id)
      .where('direction', '=', 'out')
      .where('state', 'not in', ['acknowledged', 'resolved'])
      .executeTakeFirst();
    if (open) return;
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
    );
  }

  async seen(actor: Actor, id: string): Promise<CallDetail> {
    authorize(actor, 'hotline.answer');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.incoming(trx, id);
      if (row.state !== 'delivered') return;
      const by = await displayNameOf(trx, actor, this.deps.nodeId);
      await updateCall(trx, id, { state: 'seen', seen_at: now, seen_by: by, updated_at: now });
      await appendCallEvent(trx, { callId: id, at: now, kind: 'seen', by });
      await this.tellPeer(trx, hooks, row, { state: 'seen', at: iso(now), by });
      await this.publish(trx, hooks, id);
    });
    return this.detail(this.deps.store.db, id);
  }

  async acknowledge(actor: Actor, id: string): Promise<CallDetail> {
    authorize(actor, 'hotline.answer');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.incoming(trx, id);
      if (row.state === 'acknowledged' || row.state === 'resolved') {
        throw new AppError(
          'call_already_acknowledged',
          409,
          `This call was acknowledged at ${iso(Number(row.acknowledged_at))} by ${row.acknowledged_by ?? 'someone'}.`,
        );
      }
      const by = await displayNameOf(trx, actor, this.deps.nodeId);
      await this.stopLadder(trx, row);
      await updateCall(trx, id, {
        state: 'acknowledged',
        acknowledged_at: now,
        acknowledged_by: by,
        seen_at: row.seen_at ?? now,
        seen_by: row.seen_by ?? by,
        rung_deadline_at: null,
        updated_at: now,
      });
      await appendCallEvent(trx, { callId: id, at: now, kind: 'acknowledged', rung: row.rung, by });
      await this.tellPeer(trx, hooks, row, { state: 'acknowledged', at: iso(now), by });
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'hotline.acknowledge',
        entityType: 'hotline_call',
        entityId: id,
        details: { peer: row.peer_id, rung: row.rung },
      });
      await this.publish(trx, hooks, id);
    });
    return this.detail(this.deps.store.db, id);
  }

  /** Closes a call with its outcome, from either side; it also stops the ladder. */
  async resolve(actor: Actor, id: string, outcome: string): Promise<CallDetail> {
    authorize(actor, 'hotline.read');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await findCall(trx, id);
      if (!row) throw notFound('call_not_found', `No call has the id ${id}.`);
      // The caller's side closes its own calls; the receiving side, the duty officers.
      authorize(actor, row.direction === 'out' ? 'hotline.call' : 'hotline.answer');
      if (row.state === 'resolved') {
        throw new AppError(
          'call_already_resolved',
          409,
          `This call was resolved at ${iso(Number(row.resolved_at))} by ${row.resolved_by ?? 'someone'}.`,
        );
      }
      const by = await displayNameOf(trx, actor, this.deps.nodeId);
      await this.stopLadder(trx, row);
      await updateCall(trx, id, {
        state: 'resolved',
        resolved_at: now,
        resolved_by: by,
        outcome,
        rung_deadline_at: null,
        updated_at: now,
      });
      await appendCallEvent(trx, { callId: id, at: now, kind: 'resolved', by, detail: outcome });
      await this.tellPeer(trx, hooks, row, { state: 'resolved', at: iso(now), by, outcome });
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'hotline.resolve',
        entityType: 'hotline_call',
        entityId: id,
        details: { peer: row.peer_id, outcome },
      });
      await this.publish(trx, hooks, id);
    });
    return this.detail(this.deps.store.db, id);
  }

  async review(actor: Actor, query: PeriodQuery): Promise<ReviewReport> {
    authorize(actor, 'hotline.read');
    return hotlineReview(this.deps.store.db, query);
  }

  async reviewCsv(actor: Actor, query: PeriodQuery): Promise<string> {
    authorize(actor, 'hotline.read');
    return toCsv(REVIEW_CSV_HEADER, await reviewCsvRows(this.deps.store.db, query));
  }

  /** Publishes a call's current state (after the notifier wrote on its timeline). */
  async republish(id: string): Promise<void> {
    const row = await findCall(this.deps.store.db, id);
    if (row) this.deps.bus.publish('hotline.changed', { call: presentCall(row) }, { roles: ROLES });
  }

  // ---- federation ------------------------------------------------------------------------

  /** A peer's call arrived: it is delivered now, and the ladder starts from now. */
  async received(trx: Db, hooks: TxHooks, peerId: string, body: HotlineCallMessage): Promise<void> {
    if (await findCall(trx, body.callId)) return;
    const now = this.deps.clock.now();
    const ladder = await readLadder(trx);
    const rungs = ladder.tiers[body.tier];
    let requestId: string | null = null;
    if (body.requestId) {
      const request = await findRequest(trx, body.requestId);
      if (request && request.peer_id === peerId) requestId = request.id;
    }
    const deadline = now + body.acknowledgeWithinMs;
    const timerId = randomUUID();
    const row: CallRow = {
      id: body.callId,
      peer_id: peerId,
      direction: 'in',
      tier: body.tier,
      priority: body.priority,
      subject: body.subject,
      text: body.text,
      request_id: requestId,
      request_reference: body.requestReference,
      case_id: body.caseId,
      caller: body.caller,
      caller_user_id: null,
      state: 'delivered',
      created_at: Date.parse(body.createdAt),
      acknowledge_within_ms: body.acknowledgeWithinMs,
      not_delivered_at: null,
      delivered_at: now,
      seen_at: null,
      seen_by: null,
      acknowledged_at: null,
      acknowledged_by: null,
      resolved_at: null,
      resolved_by: null,
      outcome: null,
      rung: 1,
      rungs: rungs.length,
      rung_deadline_at: deadline,
      reminders: 0,
      timer_id: timerId,
      updated_at: now,
    };
    await insertCall(trx, row);
    await appendCallEvent(trx, { callId: row.id, at: now, kind: 'delivered', by: body.caller });
    await this.alertRungs(trx, hooks, row, [1], 'incoming', now);
    await this.deps.timers.schedule(trx, hooks, {
      id: timerId,
      kind: ESCALATE_TIMER,
      dueAt: deadline,
      payload: { callId: row.id, rung: 1 },
    });
    await this.tellPeer(trx, hooks, row, {
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
      details: { tier: row.tier, priority: row.priority },
    });
    await this.publish(trx, hooks, row.id);
  }

  /** A step of a call, from the peer. */
  async updated(
    trx: Db,
    hooks: TxHooks,
    peerId: string,
    body: HotlineUpdateMessage,
  ): Promise<void> {
    const row = await findCall(trx, body.callId);
    if (!row || row.peer_id !== peerId) {
      throw notFound('call_not_found', `No call ${body.callId} is with ${peerId}.`);
    }
    if (row.direction === 'in' && body.state !== 'resolved') {
      throw new AppError(
        'not_your_move',
        403,
        `Only the receiving side reports a call as ${body.state}.`,
      );
    }
    const at = Date.parse(body.at);
    const now = this.deps.clock.now();
    const base = { updated_at: now };
    switch (body.state) {
      case 'delivered': {
        if (row.state !== 'sent' && row.state !== 'not_delivered') return;
        const late = row.state === 'not_delivered';
        if (row.timer_id) await cancelTimer(trx, row.timer_id);
        await updateCall(trx, row.id, {
          ...base,
          state: 'delivered',
          delivered_at: at,
          rung: body.rung,
          rungs: body.rungs,
          rung_deadline_at: body.rungDeadlineAt ? Date.parse(body.rungDeadlineAt) : null,
          timer_id: null,
        });
        await appendCallEvent(trx, {
          callId: row.id,
          at,
          kind: 'delivered',
          detail: late ? 'late: after the peer could be reached again' : null,
        });
        if (late) await this.alertCaller(trx, hooks, row.id, 'delivered');
        break;
      }
      case 'rung':
      case 'reminder':
        if (!isOpen(row.state)) return;
        await updateCall(trx, row.id, {
          ...base,
          rung: body.rung,
          rungs: body.rungs,
          rung_deadline_at: body.rungDeadlineAt ? Date.parse(body.rungDeadlineAt) : null,
          ...(body.state === 'reminder' ? { reminders: Number(row.reminders) + 1 } : {}),
        });
        await appendCallEvent(trx, { callId: row.id, at, kind: body.state, rung: body.rung });
        break;
      case 'seen':
        if (row.state !== 'delivered' && row.state !== 'sent' && row.state !== 'not_delivered')
          return;
        await updateCall(trx, row.id, { ...base, state: 'seen', seen_at: at, seen_by: body.by });
        await appendCallEvent(trx, { callId: row.id, at, kind: 'seen', by: body.by });
        break;
      case 'acknowledged':
        if (!isOpen(row.state)) return;
        await updateCall(trx, row.id, {
          ...base,
          state: 'acknowledged',
          acknowledged_at: at,
          acknowledged_by: body.by,
          rung_deadline_at: null,
        });
        await appendCallEvent(trx, {
          callId: row.id,
          at,
          kind: 'acknowledged',
          rung: row.rung,
          by: body.by,
        });
        await this.alertCaller(trx, hooks, row.id, 'acknowledged');
        break;
      case 'resolved':
        if (row.state === 'resolved') return;
        await this.stopLadder(trx, row);
        await updateCall(trx, row.id, {
          ...base,
          state: 'resolved',
          resolved_at: at,
          resolved_by: body.by,
          outcome: body.outcome,
          rung_deadline_at: null,
        });
        await appendCallEvent(trx, {
          callId: row.id,
          at,
          kind: 'resolved',
          by: body.by,
          detail: body.outcome,
        });
        break;
    }
    await appendAudit(trx, {
      actor: { kind: 'peer', nodeId: peerId },
      at: now,
      action: `hotline.peer_${body.state}`,
      entityType: 'hotline_call',
      entityId: row.id,
      details: { by: body.by, rung: body.rung },
    });
    await this.publish(trx, hooks, row.id);
  }

  // ---- internals -------------------------------------------------------------------------

  private async placeIn(
    trx: Db,
    hooks: TxHooks,
    actor: Actor,
    body: PlaceCallBody,
    caller: string,
    request: RequestRow | undefined,
  ): Promise<string> {
    const peer = await findPeer(trx, body.peer);
    if (!peer || peer.status !== 'active') {
      throw notFound('peer_not_found', `No active peer has the node id ${body.peer}.`);
    }
    if (!(await this.deps.federation.peerAccepts(trx, body.peer, HOTLINE_CALL_KIND))) {
      throw new AppError(
        'peer_takes_no_calls',
        409,
        `${body.peer} runs a version of Liaison without the hotline; call its contacts directly.`,
      );
    }
    const now = this.deps.clock.now();
    const { terms } = await termsInForce(trx, body.peer);
    const minutes =
      terms.hotline?.acknowledgeMinutes[body.tier][body.priority] ??
      DEFAULT_ACKNOWLEDGE_MINUTES[body.tier][body.priority];
    const timerId = randomUUID();
    const row: CallRow = {
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
      state: 'sent',
      created_at: now,
      acknowledge_within_ms: minutes * MINUTE,
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
      timer_id: timerId,
      updated_at: now,
    };
    await insertCall(trx, row);
    await appendCallEvent(trx, { callId: row.id, at: now, kind: 'created', by: caller });
    const message: HotlineCallMessage = {
      callId: row.id,
      tier: row.tier,
      priority: row.priority,
      subject: row.subject,
      text: row.text,
      requestId: row.request_id,
      requestReference: row.request_reference,
      caseId: row.case_id,
      caller,
      createdAt: iso(now),
      acknowledgeWithinMs: minutes * MINUTE,
    };
    await this.deps.federation.send(trx, hooks, body.peer, HOTLINE_CALL_KIND, message);
    await this.deps.timers.schedule(trx, hooks, {
      id: timerId,
      kind: DELIVERY_TIMER,
      dueAt: now + this.deps.deliveryTimeoutMs,
      payload: { callId: row.id },
    });
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
      },
    });
    await this.publish(trx, hooks, row.id);
    return row.id;
  }

  /** The peer did not confirm our call in time: say so, and raise it here. */
  private async deliveryTimedOut(trx: Db, hooks: TxHooks, callId: string): Promise<void> {
    const row = await findCall(trx, callId);
    if (!row || row.direction !== 'out' || row.state !== 'sent') return;
    const now = this.deps.clock.now();
    await updateCall(trx, callId, {
      state: 'not_delivered',
      not_delivered_at: now,
      timer_id: null,
      updated_at: now,
    });
    await appendCallEvent(trx, {
      callId,
      at: now,
      kind: 'not_delivered',
      detail: `${row.peer_id} did not confirm the call within ${this.deps.deliveryTimeoutMs / 1000} s; it stays queued.`,
    });
    const ladder = await readLadder(trx);
    const reach = await this.deps.roster.reach(trx, row.tier, ladder.fallback, now);
    const reached: string[] = reach.contacts.map((c) => c.name);
    await this.queueFor(trx, row, reach, 'not_delivered', null, now);
    if (ladder.fallback.emailPeerContacts) {
      for (const contact of await listPublished(trx, row.peer_id)) {
        const roles = JSON.parse(contact.roles) as string[];
        if (!roles.includes('duty_24_7')) continue;
        const channels = JSON.parse(contact.channels) as { type: string; value: string }[];
        for (const channel of channels.filter((c) => c.type === 'email')) {
          // Nothing of the call's content leaves by e-mail: only that a call is waiting.
          await queueNotification(trx, now, {
            callId,
            channel: 'email',
            target: channel.value,
            payload: {
              subject: `[Liaison] ${this.deps.nodeId} could not reach your node with an urgent call`,
              text: [
                `${this.deps.nodeId} placed a ${row.priority} ${row.tier.replace('_', ' ')} hotline call to ${row.peer_id} at ${iso(Number(row.created_at))},`,
                'and your Liaison node did not confirm it. The call is queued and will be delivered',
                'as soon as your node is reachable. Please check your node and its connection.',
              ].join('\n'),
            },
          });
          reached.push(`${contact.name} (${row.peer_id})`);
        }
      }
    }
    await appendCallEvent(trx, {
      callId,
      at: now,
      kind: 'fallback',
      by: reached.length > 0 ? reached.join(', ') : null,
      detail: describeChannels(reach),
    });
    const userIds = [
      ...new Set([...(row.caller_user_id ? [row.caller_user_id] : []), ...reach.userIds]),
    ];
    await appendAudit(trx, {
      actor: { kind: 'system', reason: 'hotline delivery timeout' },
      at: now,
      action: 'hotline.not_delivered',
      entityType: 'hotline_call',
      entityId: callId,
      details: { peer: row.peer_id },
    });
    const current = (await findCall(trx, callId)) as CallRow;
    hooks.afterCommit(() => {
      const call = presentCall(current);
      this.deps.bus.publish('hotline.changed', { call }, { roles: ROLES });
      this.deps.bus.publish(
        'hotline.alert',
        { call, reason: 'not_delivered' },
        userIds.length > 0 ? { userIds } : { roles: ANSWERERS },
      );
      this.deps.nudgeNotifier();
    });
  }

  /** A rung's deadline passed: the next rung, or after the last, every rung again. */
  private async deadlinePassed(
    trx: Db,
    hooks: TxHooks,
    callId: string,
    rung: number,
  ): Promise<void> {
    const row = await findCall(trx, callId);
    if (!row || row.direction !== 'in' || !isOpen(row.state) || Number(row.rung) !== rung) return;
    const now = this.deps.clock.now();
    const ladder = await readLadder(trx);
    const rungs = ladder.tiers[row.tier];
    const within = Number(row.acknowledge_within_ms);
    const reminders = Number(row.reminders);
    if (rung < rungs.length) {
      const next = rung + 1;
      const timerId = randomUUID();
      await updateCall(trx, callId, {
        rung: next,
        rungs: rungs.length,
        rung_deadline_at: now + within,
        timer_id: timerId,
        updated_at: now,
      });
      await this.alertRungs(trx, hooks, { ...row, rung: next }, [next], 'rung', now);
      await this.deps.timers.schedule(trx, hooks, {
        id: timerId,
        kind: ESCALATE_TIMER,
        dueAt: now + within,
        payload: { callId, rung: next },
      });
      await this.tellPeer(trx, hooks, row, {
        state: 'rung',
        at: iso(now),
        rung: next,
        rungs: rungs.length,
        rungDeadlineAt: iso(now + within),
      });
    } else if (reminders < MAX_REMINDERS) {
      const timerId = randomUUID();
      const last = rungs.length;
      await updateCall(trx, callId, {
        rung: last,
        rungs: rungs.length,
        reminders: reminders + 1,
        rung_deadline_at: now + within,
        timer_id: timerId,
        updated_at: now,
      });
      const all = rungs.map((_, index) => index + 1);
      await this.alertRungs(trx, hooks, row, all, 'reminder', now);
      await this.deps.timers.schedule(trx, hooks, {
        id: timerId,
        kind: ESCALATE_TIMER,
        dueAt: now + within,
        payload: { callId, rung: last },
      });
      await this.tellPeer(trx, hooks, row, {
        state: 'reminder',
        at: iso(now),
        rung: last,
        rungs: rungs.length,
        rungDeadlineAt: iso(now + within),
      });
    } else {
      await updateCall(trx, callId, { rung_deadline_at: null, timer_id: null, updated_at: now });
    }
    await appendAudit(trx, {
      actor: { kind: 'system', reason: 'hotline escalation' },
      at: now,
      action: 'hotline.escalate',
      entityType: 'hotline_call',
      entityId: callId,
      details: { from: rung, reminders },
    });
    await this.publish(trx, hooks, callId);
  }

  /** Alerts the people of `rungNumbers` of the call's tier, and writes who on the timeline. */
  private async alertRungs(
    trx: Db,
    hooks: TxHooks,
    row: CallRow,
    rungNumbers: number[],
    reason: HotlineAlertReason,
    now: number,
  ): Promise<void> {
    const ladder = await readLadder(trx);
    const rungs = ladder.tiers[row.tier];
    const userIds = new Set<string>();
    for (const number of rungNumbers) {
      const rung: Rung | undefined = rungs[number - 1];
      if (!rung) continue;
      const reach = await this.deps.roster.reach(trx, row.tier, rung, now);
      const nobody =
        reach.userIds.length === 0 && reach.emails.length === 0 && reach.webhooks.length === 0;
      await appendCallEvent(trx, {
        callId: row.id,
        at: now,
        kind: reason === 'reminder' ? 'reminder' : nobody ? 'nobody_on_duty' : 'rung',
        rung: number,
        by: reach.contacts.map((c) => c.name).join(', ') || null,
        detail: nobody
          ? 'Nobody on this rung could be reached: every officer is alerted.'
          : describeChannels(reach),
      });
      await this.queueFor(trx, row, reach, reason, number, now);
      for (const id of reach.userIds) userIds.add(id);
    }
    const audience = userIds.size > 0 ? { userIds: [...userIds] } : { roles: ANSWERERS };
    const current = (await findCall(trx, row.id)) as CallRow;
    hooks.afterCommit(() => {
      this.deps.bus.publish('hotline.alert', { call: presentCall(current), reason }, audience);
      this.deps.nudgeNotifier();
    });
  }

  /** Queues the e-mails and webhook posts that `reach` calls for. */
  private async queueFor(
    trx: Db,
    row: CallRow,
    reach: Reach,
    reason: HotlineAlertReason,
    rung: number | null,
    now: number,
  ): Promise<void> {
    const url = `${this.deps.publicUrl.replace(/\/$/, '')}/hotline/${row.id}`;
    const headline =
      row.direction === 'in'
        ? `${row.priority.toUpperCase()} ${row.tier.replace('_', ' ')} call from ${row.peer_id}`
        : `Your ${row.priority} call to ${row.peer_id} was NOT DELIVERED`;
    for (const email of reach.emails) {
      await queueNotification(trx, now, {
        callId: row.id,
        channel: 'email',
        target: email,
        payload: {
          subject: `[Liaison] ${headline}: ${row.subject}`.slice(0, 250),
          text: [
            headline + (rung ? ` (rung ${rung})` : ''),
            `Subject: ${row.subject}`,
            '',
            row.direction === 'in'
              ? 'Open Liaison to read and acknowledge it:'
              : 'The call stays queued and goes through when the peer is reachable. Consider the fallback channels:',
            url,
          ].join('\n'),
        },
      });
    }
    for (const hook of reach.webhooks) {
      const payload: WebhookPayload = {
        event: 'hotline.alert',
        reason,
        callId: row.id,
        peer: row.peer_id,
        direction: row.direction,
        tier: row.tier,
        priority: row.priority,
        subject: row.subject,
        rung,
        url,
        recipients: reach.contacts.map((c) => ({
          name: c.name,
          phones: c.phones,
          emails: c.emails,
        })),
      };
      await queueNotification(trx, now, {
        callId: row.id,
        channel: 'webhook',
        target: hook.id,
        payload,
      });
    }
  }

  private async alertCaller(
    trx: Db,
    hooks: TxHooks,
    callId: string,
    reason: HotlineAlertReason,
  ): Promise<void> {
    const row = (await findCall(trx, callId)) as CallRow;
    const userIds = row.caller_user_id ? [row.caller_user_id] : [];
    hooks.afterCommit(() =>
      this.deps.bus.publish(
        'hotline.alert',
        { call: presentCall(row), reason },
        userIds.length > 0 ? { userIds } : { roles: ANSWERERS },
      ),
    );
  }

  /** Cancels the pending escalation or delivery timer of a call. */
  private async stopLadder(trx: Db, row: CallRow): Promise<void> {
    if (row.timer_id) await cancelTimer(trx, row.timer_id);
    await updateCall(trx, row.id, { timer_id: null });
  }

  private async incoming(trx: Db, id: string): Promise<CallRow> {
    const row = await findCall(trx, id);
    if (!row || row.direction !== 'in') {
      throw notFound('call_not_found', `No call from a peer has the id ${id}.`);
    }
    return row;
  }

  private async tellPeer(
    trx: Db,
    hooks: TxHooks,
    row: CallRow,
    update: Partial<HotlineUpdateMessage> & Pick<HotlineUpdateMessage, 'state' | 'at'>,
  ): Promise<void> {
    const message: HotlineUpdateMessage = {
      callId: row.id,
      by: null,
      rung: null,
      rungs: null,
      rungDeadlineAt: null,
      outcome: null,
      ...update,
    };
    await this.deps.federation.send(trx, hooks, row.peer_id, HOTLINE_UPDATE_KIND, message);
  }

  private async publish(trx: Db, hooks: TxHooks, id: string): Promise<void> {
    const row = await findCall(trx, id);
    if (!row) return;
    hooks.afterCommit(() =>
      this.deps.bus.publish('hotline.changed', { call: presentCall(row) }, { roles: ROLES }),
    );
  }

  private async detail(db: Db, id: string): Promise<CallDetail> {
    const row = await findCall(db, id);
    if (!row) throw notFound('call_not_found', `No call has the id ${id}.`);
    return { ...presentCall(row), events: (await listCallEvents(db, id)).map(presentEvent) };
  }
}

function describeChannels(reach: Reach): string {
  const parts: string[] = [];
  if (reach.userIds.length > 0) parts.push(`browser ×${reach.userIds.length}`);
  if (reach.emails.length > 0) parts.push(`e-mail ×${reach.emails.length}`);
  if (reach.webhooks.length > 0)
    parts.push(reach.webhooks.map((w) => `webhook ${w.name}`).join(', '));
  return parts.join(', ') || 'no channel';
}
