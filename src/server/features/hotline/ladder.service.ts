import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { callSide, escalation, nextCallState } from '../../../core/hotline.js';
import { Ladder, type Rung } from '../../../core/schemas/hotline.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { iso } from '../../clock.js';
import { notFound } from '../../errors.js';
import type { HotlineAlertReason } from '../../events.js';
import type { Db, TxHooks } from '../../store/database.js';
import { cancelTimer } from '../../timers/timers.js';
import { findContact } from '../contacts/public.js';
import type { FeatureContext } from '../module.js';
import type { CallNews } from './calls.news.js';
import type { CoverageService } from './coverage.service.js';
import { presentCall } from './hotline.present.js';
import { appendCallEvent, findCall, updateCall } from './hotline.repository.js';
import type { CallRow } from './hotline.table.js';
import { callUrl, describeChannels, queueAlerts, queuePeerDutyEmails } from './notify.service.js';
import { findWebhook, readSetting, writeSetting } from './roster.repository.js';
import type { Reach, RosterService } from './roster.service.js';

export const DELIVERY_TIMER = 'hotline.delivery';
export const ESCALATE_TIMER = 'hotline.escalate';
export const DeliveryPayload = z.object({ callId: z.string() });
export const EscalatePayload = z.object({ callId: z.string(), rung: z.number().int() });

/** Until the node sets its own: every tier alerts the people on duty, in the browser and by e-mail. */
const onDutyRung = (): Rung => ({
  targets: [{ kind: 'on_duty' }],
  channels: ['browser', 'email'],
  webhooks: [],
});
export const DEFAULT_LADDER: Ladder = {
  tiers: { technical: [onDutyRung()], formal_inquiry: [onDutyRung()], senior: [onDutyRung()] },
  fallback: { targets: [], channels: ['browser'], webhooks: [], emailPeerContacts: false },
};

export async function readLadder(db: Db): Promise<Ladder> {
  const stored = await readSetting(db, 'ladder');
  if (stored === undefined) return DEFAULT_LADDER;
  const parsed = Ladder.safeParse(stored);
  return parsed.success ? parsed.data : DEFAULT_LADDER;
}

/** The webhooks the ladder posts to, on any rung or the fallback. */
export function ladderWebhookIds(ladder: Ladder): string[] {
  return [
    ...Object.values(ladder.tiers).flatMap((rungs) => rungs.flatMap((r) => r.webhooks)),
    ...ladder.fallback.webhooks,
  ];
}

function ladderContactIds(ladder: Ladder): string[] {
  return [
    ...Object.values(ladder.tiers).flatMap((rungs) => rungs.flatMap((r) => r.targets)),
    ...ladder.fallback.targets,
  ].flatMap((t) => (t.kind === 'contact' ? [t.contactId] : []));
}

type LadderDeps = Pick<
  FeatureContext,
  'store' | 'clock' | 'bus' | 'timers' | 'nodeId' | 'publicUrl'
> & {
  roster: RosterService;
  coverage: CoverageService;
  news: CallNews;
  /** Wakes the notifier after a commit that queued e-mails or webhook posts. */
  nudgeNotifier: () => void;
  deliveryTimeoutMs: number;
};

/**
 * The escalation ladder: its set-up per tier (and the fallback for calls that cannot be
 * delivered), and running it. A received call alerts rung 1 and arms a durable timer; each
 * deadline without an acknowledgement alerts the next rung, and after the last, every rung
 * again (reminders). A placed call arms a delivery timer; if the peer has not confirmed by
 * then, the call shows "not delivered" and the fallback is alerted.
 */
export class LadderService {
  constructor(private readonly deps: LadderDeps) {}

  async ladder(actor: Actor): Promise<Ladder> {
    authorize(actor, 'hotline.read');
    return readLadder(this.deps.store.db);
  }

  async setLadder(actor: Actor, ladder: Ladder): Promise<Ladder> {
    authorize(actor, 'hotline.manage');
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      for (const id of new Set(ladderContactIds(ladder))) {
        const contact = await findContact(trx, id);
        if (!contact || contact.node_id !== this.deps.nodeId) {
          throw notFound('contact_not_found', `This node has no contact with the id ${id}.`);
        }
      }
      for (const id of new Set(ladderWebhookIds(ladder))) {
        if (!(await findWebhook(trx, id))) {
          throw notFound('webhook_not_found', `No webhook has the id ${id}.`);
        }
      }
      const before = await readLadder(trx);
      await writeSetting(trx, 'ladder', ladder, now);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'hotline.ladder',
        entityType: 'hotline',
        entityId: 'ladder',
        before,
        after: ladder,
      });
      await this.deps.coverage.changed(trx, hooks);
      return ladder;
    });
  }

  /** Our call is on its way: if the peer does not confirm it in time, the fallback fires. */
  async watchDelivery(trx: Db, hooks: TxHooks, row: CallRow, now: number): Promise<void> {
    await this.deps.timers.schedule(trx, hooks, {
      ...(row.timer_id ? { id: row.timer_id } : {}),
      kind: DELIVERY_TIMER,
      dueAt: now + this.deps.deliveryTimeoutMs,
      payload: { callId: row.id },
    });
  }

  /** A peer's call arrived: rung 1 is alerted, and its deadline armed. */
  async start(trx: Db, hooks: TxHooks, row: CallRow, now: number): Promise<void> {
    await this.alertRungs(trx, hooks, row, [1], 'incoming', now);
    await this.deps.timers.schedule(trx, hooks, {
      ...(row.timer_id ? { id: row.timer_id } : {}),
      kind: ESCALATE_TIMER,
      dueAt: Number(row.rung_deadline_at),
      payload: { callId: row.id, rung: 1 },
    });
  }

  /** Cancels the pending escalation or delivery timer of a call. */
  async stop(trx: Db, row: CallRow): Promise<void> {
    if (row.timer_id) await cancelTimer(trx, row.timer_id);
    await updateCall(trx, row.id, { timer_id: null });
  }

  /** The peer did not confirm our call in time: say so, and raise it here. */
  async deliveryTimedOut(trx: Db, hooks: TxHooks, callId: string): Promise<void> {
    const row = await findCall(trx, callId);
    if (!row) return;
    const step = nextCallState(row.state, 'time_out', callSide(row.direction, 'here'));
    if (!step.ok) return;
    const now = this.deps.clock.now();
    await updateCall(trx, callId, {
      state: step.to,
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
    const reach = await this.fallback(trx, row, now);
    await appendAudit(trx, {
      actor: { kind: 'system', reason: 'hotline delivery timeout' },
      at: now,
      action: 'hotline.not_delivered',
      entityType: 'hotline_call',
      entityId: callId,
      details: { peer: row.peer_id },
    });
    const current = (await findCall(trx, callId)) as CallRow;
    const userIds = [
      ...new Set([...(row.caller_user_id ? [row.caller_user_id] : []), ...reach.userIds]),
    ];
    hooks.afterCommit(() => {
      const call = presentCall(current);
      this.deps.news.changedNow(call);
      this.deps.news.alertNow(call, 'not_delivered', userIds);
      this.deps.nudgeNotifier();
    });
  }

  /** A rung's deadline passed: the next rung, or after the last, every rung again. */
  async deadlinePassed(trx: Db, hooks: TxHooks, callId: string, rung: number): Promise<void> {
    const row = await findCall(trx, callId);
    if (!row || Number(row.rung) !== rung) return;
    if (!nextCallState(row.state, 'escalate', callSide(row.direction, 'here')).ok) return;
    const now = this.deps.clock.now();
    const rungs = (await readLadder(trx)).tiers[row.tier];
    const within = Number(row.acknowledge_within_ms);
    const reminders = Number(row.reminders);
    const next = escalation(rung, rungs.length, reminders);
    if (next.kind === 'exhausted') {
      await updateCall(trx, callId, { rung_deadline_at: null, timer_id: null, updated_at: now });
    } else {
      const timerId = randomUUID();
      await updateCall(trx, callId, {
        rung: next.rung,
        rungs: rungs.length,
        ...(next.kind === 'reminder' ? { reminders: reminders + 1 } : {}),
        rung_deadline_at: now + within,
        timer_id: timerId,
        updated_at: now,
      });
      const alerted = next.kind === 'rung' ? [next.rung] : rungs.map((_, index) => index + 1);
      await this.alertRungs(trx, hooks, row, alerted, next.kind, now);
      await this.deps.timers.schedule(trx, hooks, {
        id: timerId,
        kind: ESCALATE_TIMER,
        dueAt: now + within,
        payload: { callId, rung: next.rung },
      });
      await this.deps.news.tellPeer(trx, hooks, row, {
        state: next.kind,
        at: iso(now),
        rung: next.rung,
        rungs: rungs.length,
        rungDeadlineAt: iso(now + within),
      });
    }
    await appendAudit(trx, {
      actor: { kind: 'system', reason: 'hotline escalation' },
      at: now,
      action: 'hotline.escalate',
      entityType: 'hotline_call',
      entityId: callId,
      details: { from: rung, reminders },
    });
    await this.deps.news.publish(trx, hooks, callId);
  }

  /** Alerts the fallback of a call that could not be delivered; returns whom it reached. */
  private async fallback(trx: Db, row: CallRow, now: number): Promise<Reach> {
    const ladder = await readLadder(trx);
    const reach = await this.deps.roster.reach(trx, row.tier, ladder.fallback, now);
    const reached: string[] = reach.contacts.map((c) => c.name);
    await queueAlerts(trx, row, reach, {
      reason: 'not_delivered',
      rung: null,
      now,
      url: callUrl(this.deps.publicUrl, row.id),
    });
    if (ladder.fallback.emailPeerContacts) {
      reached.push(...(await queuePeerDutyEmails(trx, row, this.deps.nodeId, now)));
    }
    await appendCallEvent(trx, {
      callId: row.id,
      at: now,
      kind: 'fallback',
      by: reached.length > 0 ? reached.join(', ') : null,
      detail: describeChannels(reach),
    });
    return reach;
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
    const rungs = (await readLadder(trx)).tiers[row.tier];
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
      const url = callUrl(this.deps.publicUrl, row.id);
      await queueAlerts(trx, row, reach, { reason, rung: number, now, url });
      for (const id of reach.userIds) userIds.add(id);
    }
    const current = (await findCall(trx, row.id)) as CallRow;
    hooks.afterCommit(() => {
      this.deps.news.alertNow(presentCall(current), reason, [...userIds]);
      this.deps.nudgeNotifier();
    });
  }
}
