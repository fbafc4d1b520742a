import {
  callSide,
  deliveredLate,
  nextCallState,
  type CallEvent,
  type CallState,
} from '../../../core/hotline.js';
import type { CallDetail, HotlineUpdateMessage } from '../../../core/schemas/hotline.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { iso } from '../../clock.js';
import { conflict, forbidden, notFound } from '../../errors.js';
import type { HotlineAlertReason } from '../../events.js';
import type { Db, TxHooks } from '../../store/database.js';
import { cancelTimer } from '../../timers/timers.js';
import { displayNameOf } from '../feature-deps.js';
import type { FeatureContext } from '../module.js';
import { callDetail, type CallNews, type CallUpdate } from './calls.news.js';
import { appendCallEvent, findCall, updateCall, type NewCallEvent } from './hotline.repository.js';
import type { CallRow, HotlineCallsTable } from './hotline.table.js';
import type { ExerciseCallHooks } from './hotline.exercise.js';
import type { LadderService } from './ladder.service.js';

/** The event each step a peer reports is, in core/hotline.ts's terms. */
const PEER_EVENTS: Record<HotlineUpdateMessage['state'], CallEvent> = {
  delivered: 'deliver',
  rung: 'escalate',
  reminder: 'escalate',
  seen: 'see',
  acknowledged: 'acknowledge',
  resolved: 'resolve',
};

/** What a step the peer reported writes on the call, and on its timeline. */
interface PeerStep {
  changes: Partial<Omit<HotlineCallsTable, 'id'>>;
  event: Omit<NewCallEvent, 'callId' | 'at'>;
  /** The step ends the call's pending delivery or escalation timer. */
  stopsTimer?: boolean;
  /** Whoever placed the call is alerted. */
  alert?: HotlineAlertReason;
}

function peerStep(row: CallRow, body: HotlineUpdateMessage, to: CallState, at: number): PeerStep {
  const ladder = {
    rung: body.rung,
    rungs: body.rungs,
    rung_deadline_at: body.rungDeadlineAt ? Date.parse(body.rungDeadlineAt) : null,
  };
  switch (body.state) {
    case 'delivered': {
      const late = deliveredLate(row.state);
      return {
        changes: { state: to, delivered_at: at, ...ladder },
        event: {
          kind: 'delivered',
          detail: late ? 'late: after the peer could be reached again' : null,
        },
        stopsTimer: true,
        ...(late ? { alert: 'delivered' as const } : {}),
      };
    }
    case 'rung':
      return { changes: ladder, event: { kind: 'rung', rung: body.rung } };
    case 'reminder':
      return {
        changes: { ...ladder, reminders: Number(row.reminders) + 1 },
        event: { kind: 'reminder', rung: body.rung },
      };
    case 'seen':
      return {
        changes: { state: to, seen_at: at, seen_by: body.by },
        event: { kind: 'seen', by: body.by },
      };
    case 'acknowledged':
      return {
        changes: {
          state: to,
          acknowledged_at: at,
          acknowledged_by: body.by,
          rung_deadline_at: null,
        },
        event: { kind: 'acknowledged', rung: row.rung, by: body.by },
        alert: 'acknowledged',
      };
    case 'resolved':
      return {
        changes: {
          state: to,
          resolved_at: at,
          resolved_by: body.by,
          outcome: body.outcome,
          rung_deadline_at: null,
        },
        event: { kind: 'resolved', by: body.by, detail: body.outcome },
        stopsTimer: true,
      };
  }
}

/** What acknowledging or resolving writes beside the state, and what it is called. */
interface Settling {
  event: 'acknowledge' | 'resolve';
  state: 'acknowledged' | 'resolved';
  /** The message when the call is past this move already. */
  refused: () => string;
  changes: (by: string) => Partial<Omit<HotlineCallsTable, 'id'>>;
  timeline: Pick<NewCallEvent, 'rung' | 'detail'>;
  update?: Pick<CallUpdate, 'outcome'>;
  audit: { action: string; details: Record<string, unknown> };
}

type MovesDeps = Pick<FeatureContext, 'store' | 'clock' | 'nodeId'> & {
  ladder: LadderService;
  news: CallNews;
  exercise: ExerciseCallHooks;
};

/**
 * The moves of a call after it was placed, made here (seen, acknowledged, resolved) or
 * reported by the peer. Whether a move is possible is core/hotline.ts's `nextCallState`;
 * a move this node makes is sent to the peer, so both sides see the same state live.
 */
export class CallMovesService {
  constructor(private readonly deps: MovesDeps) {}

  async seen(actor: Actor, id: string): Promise<CallDetail> {
    authorize(actor, 'hotline.answer');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.incoming(trx, id);
      const step = nextCallState(row.state, 'see', callSide(row.direction, 'here'));
      // Shown again, or already taken: nothing to tell.
      if (!step.ok) return;
      const by = await displayNameOf(trx, actor, this.deps.nodeId);
      await updateCall(trx, id, { state: step.to, seen_at: now, seen_by: by, updated_at: now });
      await appendCallEvent(trx, { callId: id, at: now, kind: 'seen', by });
      await this.deps.news.tellPeer(trx, hooks, row, { state: 'seen', at: iso(now), by });
      await this.deps.news.publish(trx, hooks, id);
    });
    return callDetail(this.deps.store.db, id);
  }

  async acknowledge(actor: Actor, id: string): Promise<CallDetail> {
    authorize(actor, 'hotline.answer');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.incoming(trx, id);
      // An exercise's call: its exercise observes the acknowledgement, in this transaction
      // (before the audit entry, in the order a clock move takes its locks; a refusal below
      // rolls it back).
      await this.deps.exercise.emit(trx, hooks, row, 'acknowledged', now);
      await this.settle(trx, hooks, actor, row, now, {
        event: 'acknowledge',
        state: 'acknowledged',
        refused: () =>
          `This call was acknowledged at ${iso(Number(row.acknowledged_at))} by ${row.acknowledged_by ?? 'someone'}.`,
        changes: (by) => ({
          acknowledged_at: now,
          acknowledged_by: by,
          seen_at: row.seen_at ?? now,
          seen_by: row.seen_by ?? by,
        }),
        timeline: { rung: row.rung },
        audit: { action: 'hotline.acknowledge', details: { peer: row.peer_id, rung: row.rung } },
      });
    });
    return callDetail(this.deps.store.db, id);
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
      // An exercise's call resolved by the side it reached: its exercise observes it (before
      // the audit entry, like an acknowledgement; a refusal below rolls it back).
      if (row.direction === 'in') await this.deps.exercise.emit(trx, hooks, row, 'resolved', now);
      await this.settle(trx, hooks, actor, row, now, {
        event: 'resolve',
        state: 'resolved',
        refused: () =>
          `This call was resolved at ${iso(Number(row.resolved_at))} by ${row.resolved_by ?? 'someone'}.`,
        changes: (by) => ({ resolved_at: now, resolved_by: by, outcome }),
        timeline: { detail: outcome },
        update: { outcome },
        audit: { action: 'hotline.resolve', details: { peer: row.peer_id, outcome } },
      });
    });
    return callDetail(this.deps.store.db, id);
  }

  /**
   * A step of a call, from the peer. A step that is the other side's is refused; one the
   * call is already past (messages crossed, or came twice) is dropped without a trace.
   */
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
    const move = nextCallState(row.state, PEER_EVENTS[body.state], callSide(row.direction, 'peer'));
    if (!move.ok && move.code === 'not_your_move') {
      throw forbidden(`Only the receiving side reports a call as ${body.state}.`, 'not_your_move');
    }
    if (!move.ok) return;
    const at = Date.parse(body.at);
    const now = this.deps.clock.now();
    const step = peerStep(row, body, move.to, at);
    if (step.stopsTimer && row.timer_id) await cancelTimer(trx, row.timer_id);
    await updateCall(trx, row.id, {
      ...step.changes,
      ...(step.stopsTimer ? { timer_id: null } : {}),
      updated_at: now,
    });
    await appendCallEvent(trx, { callId: row.id, at, ...step.event });
    if (step.alert) await this.deps.news.alertCaller(trx, hooks, row.id, step.alert);
    await appendAudit(trx, {
      actor: { kind: 'peer', nodeId: peerId },
      at: now,
      action: `hotline.peer_${body.state}`,
      entityType: 'hotline_call',
      entityId: row.id,
      details: { by: body.by, rung: body.rung },
    });
    await this.deps.news.publish(trx, hooks, row.id);
  }

  /**
   * Acknowledging or resolving here: refused (409) when the call is past it; else the
   * ladder stops, the peer is told, and the audit log keeps who did it.
   */
  private async settle(
    trx: Db,
    hooks: TxHooks,
    actor: Actor,
    row: CallRow,
    now: number,
    settling: Settling,
  ): Promise<void> {
    const step = nextCallState(row.state, settling.event, callSide(row.direction, 'here'));
    if (!step.ok) throw conflict(step.code, settling.refused());
    const by = await displayNameOf(trx, actor, this.deps.nodeId);
    await this.deps.ladder.stop(trx, row);
    await updateCall(trx, row.id, {
      state: step.to,
      ...settling.changes(by),
      rung_deadline_at: null,
      updated_at: now,
    });
    await appendCallEvent(trx, {
      callId: row.id,
      at: now,
      kind: settling.state,
      by,
      ...settling.timeline,
    });
    await this.deps.news.tellPeer(trx, hooks, row, {
      state: settling.state,
      at: iso(now),
      by,
      ...settling.update,
    });
    await appendAudit(trx, {
      actor,
      at: now,
      action: settling.audit.action,
      entityType: 'hotline_call',
      entityId: row.id,
      details: settling.audit.details,
    });
    await this.deps.news.publish(trx, hooks, row.id);
  }

  /** A call from a peer (seen and acknowledged are the receiving side's). */
  private async incoming(trx: Db, id: string): Promise<CallRow> {
    const row = await findCall(trx, id);
    if (!row || row.direction !== 'in') {
      throw notFound('call_not_found', `No call from a peer has the id ${id}.`);
    }
    return row;
  }
}
