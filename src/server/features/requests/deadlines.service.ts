import { z } from 'zod';
import { dueSoonAt } from '../../../core/deadlines.js';
import { ROLES } from '../../../core/roles.js';
import { appendAudit } from '../../audit/audit.js';
import type { Db, TxHooks } from '../../store/database.js';
import { num } from './requests.present.js';
import { findRequest, updateRequest } from './requests.repository.js';
import type { RequestRow } from './requests.table.js';
import type { RequestsDeps, RequestTimeline } from './timeline.service.js';

export const DEADLINE_TIMER = 'requests.deadline';
export const PRESERVATION_TIMER = 'requests.preservation';

export const DeadlinePayload = z.object({
  requestId: z.string(),
  deadline: z.enum(['acknowledge', 'respond']),
  alert: z.enum(['due_soon', 'overdue']),
});
export type DeadlinePayload = z.infer<typeof DeadlinePayload>;
export const PreservationPayload = z.object({ requestId: z.string() });

/** Runs in the timer's transaction when a deadline of our request passes and the terms say `hotline`. */
export type OverdueHook = (
  trx: Db,
  hooks: TxHooks,
  request: RequestRow,
  deadline: DeadlinePayload['deadline'],
) => Promise<void>;

/**
 * The clocks of a request: its deadlines (due soon, overdue) on both nodes from when it is
 * sent, and the preservation period on the responder's node. Their timer kinds are listed
 * in the module (features/requests/index.ts).
 */
export class RequestDeadlines {
  private readonly overdueHooks: OverdueHook[] = [];

  constructor(
    private readonly deps: RequestsDeps,
    private readonly timeline: RequestTimeline,
  ) {}

  /** The hotline raises overdue requests whose arrangement says so. */
  onOverdue(hook: OverdueHook): void {
    this.overdueHooks.push(hook);
  }

  /** Sets the due-soon and overdue timers of a request just sent or received. */
  async schedule(trx: Db, hooks: TxHooks, row: RequestRow): Promise<void> {
    const sent = num(row.sent_at);
    const percent = row.due_soon_percent ?? 75;
    if (sent === null) return;
    for (const [deadline, due] of [
      ['acknowledge', num(row.due_ack_at)],
      ['respond', num(row.due_respond_at)],
    ] as const) {
      if (due === null) continue;
      for (const [alert, at] of [
        ['due_soon', dueSoonAt(sent, due, percent)],
        ['overdue', due],
      ] as const) {
        await this.deps.timers.schedule(trx, hooks, {
          kind: DEADLINE_TIMER,
          dueAt: at,
          payload: { requestId: row.id, deadline, alert },
        });
      }
    }
  }

  /** A deadline timer fired: the alert is raised unless the deadline was met meanwhile. */
  async deadlineFired(trx: Db, hooks: TxHooks, payload: DeadlinePayload): Promise<void> {
    const row = await findRequest(trx, payload.requestId);
    if (!row) return;
    const met =
      payload.deadline === 'acknowledge'
        ? row.acknowledged_at !== null || row.closed_at !== null
        : row.closed_at !== null;
    if (met) return;
    const column = payload.deadline === 'acknowledge' ? 'ack_alert' : 'respond_alert';
    if (row[column] === 'overdue') return;
    await updateRequest(trx, row.id, { [column]: payload.alert });
    if (payload.alert === 'overdue' && row.direction === 'out') {
      const terms = await this.timeline.termsOf(trx, row);
      if (terms.requestTypes[row.type]?.whenOverdue === 'hotline') {
        for (const hook of this.overdueHooks) await hook(trx, hooks, row, payload.deadline);
      }
    }
    await appendAudit(trx, {
      actor: { kind: 'system', reason: 'deadline' },
      at: this.deps.clock.now(),
      action: `request.${payload.deadline}_${payload.alert}`,
      entityType: 'request',
      entityId: row.id,
      details: { reference: row.reference },
    });
    hooks.afterCommit(() =>
      this.deps.bus.publish(
        'request.deadline',
        {
          requestId: row.id,
          reference: row.reference,
          deadline: payload.deadline,
          alert: payload.alert,
        },
        { roles: ROLES },
      ),
    );
    this.timeline.publish(hooks, row.id);
  }

  /** The preservation timer fired: preservation expires, unless it was extended meanwhile. */
  async preservationFired(trx: Db, hooks: TxHooks, requestId: string): Promise<void> {
    const row = await findRequest(trx, requestId);
    if (!row || row.direction !== 'in') return;
    if (row.preservation !== 'active' && row.preservation !== 'extended') return;
    const until = num(row.preserved_until);
    const now = this.deps.clock.now();
    if (until === null) return;
    if (until > now) {
      // Extended since this timer was set: look again when the new period ends.
      await this.deps.timers.schedule(trx, hooks, {
        kind: PRESERVATION_TIMER,
        dueAt: until,
        payload: { requestId },
      });
      return;
    }
    const event = await this.timeline.newEvent(
      trx,
      { kind: 'system', reason: 'preservation period ended' },
      row,
      'expire_preservation',
      now,
      null,
      null,
    );
    await this.timeline.apply(trx, hooks, row, event, null, undefined);
    await appendAudit(trx, {
      actor: { kind: 'system', reason: 'preservation' },
      at: now,
      action: 'request.expire_preservation',
      entityType: 'request',
      entityId: row.id,
      details: { event: event.id, preservedUntil: until },
    });
  }
}
