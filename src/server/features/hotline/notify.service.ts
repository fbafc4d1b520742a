import { randomUUID } from 'node:crypto';
import { iso } from '../../clock.js';
import type { HotlineAlertReason } from '../../events.js';
import type { Db } from '../../store/database.js';
import { listPublished } from '../contacts/public.js';
import { insertNotification } from './hotline.repository.js';
import type { EmailPayload, WebhookPayload } from './hotline.notifier.js';
import type { CallRow } from './hotline.table.js';
import type { Reach } from './roster.service.js';

// What a call's alerts say and to whom, queued in the transaction that raised them; the
// notifier (hotline.notifier.ts) sends them after the commit.

/** Queues an e-mail or webhook post in the caller's transaction; the notifier sends it after. */
export async function queueNotification(
  db: Db,
  now: number,
  notification: {
    callId: string;
    channel: 'email' | 'webhook';
    target: string;
    payload: EmailPayload | WebhookPayload;
  },
): Promise<void> {
  await insertNotification(db, {
    id: randomUUID(),
    call_id: notification.callId,
    channel: notification.channel,
    target: notification.target,
    payload: JSON.stringify(notification.payload),
    status: 'pending',
    attempts: 0,
    next_at: now,
    claimed_at: null,
    last_error: null,
    created_at: now,
    sent_at: null,
  });
}

/** Where a call is seen on this node's web app. */
export function callUrl(publicUrl: string, callId: string): string {
  return `${publicUrl.replace(/\/$/, '')}/hotline/${callId}`;
}

function headline(row: CallRow): string {
  return row.direction === 'in'
    ? `${row.priority.toUpperCase()} ${row.tier.replace('_', ' ')} call from ${row.peer_id}`
    : `Your ${row.priority} call to ${row.peer_id} was NOT DELIVERED`;
}

function alertEmail(row: CallRow, rung: number | null, url: string): EmailPayload {
  return {
    subject: `[Liaison] ${headline(row)}: ${row.subject}`.slice(0, 250),
    text: [
      headline(row) + (rung ? ` (rung ${rung})` : ''),
      `Subject: ${row.subject}`,
      '',
      row.direction === 'in'
        ? 'Open Liaison to read and acknowledge it:'
        : 'The call stays queued and goes through when the peer is reachable. Consider the fallback channels:',
      url,
    ].join('\n'),
  };
}

function alertWebhook(
  row: CallRow,
  reach: Reach,
  reason: HotlineAlertReason,
  rung: number | null,
  url: string,
): WebhookPayload {
  return {
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
    recipients: reach.contacts.map((c) => ({ name: c.name, phones: c.phones, emails: c.emails })),
  };
}

/** Queues the e-mails and webhook posts that `reach` calls for. */
export async function queueAlerts(
  trx: Db,
  row: CallRow,
  reach: Reach,
  alert: { reason: HotlineAlertReason; rung: number | null; now: number; url: string },
): Promise<void> {
  const { reason, rung, now, url } = alert;
  for (const email of reach.emails) {
    await queueNotification(trx, now, {
      callId: row.id,
      channel: 'email',
      target: email,
      payload: alertEmail(row, rung, url),
    });
  }
  for (const hook of reach.webhooks) {
    await queueNotification(trx, now, {
      callId: row.id,
      channel: 'webhook',
      target: hook.id,
      payload: alertWebhook(row, reach, reason, rung, url),
    });
  }
}

/**
 * Our call could not reach the peer's node: its published 24/7 contacts are told by e-mail
 * that a call waits (nothing of the call's content leaves by e-mail). Returns who.
 */
export async function queuePeerDutyEmails(
  trx: Db,
  row: CallRow,
  nodeId: string,
  now: number,
): Promise<string[]> {
  const reached: string[] = [];
  for (const contact of await listPublished(trx, row.peer_id)) {
    const roles = JSON.parse(contact.roles) as string[];
    if (!roles.includes('duty_24_7')) continue;
    const channels = JSON.parse(contact.channels) as { type: string; value: string }[];
    for (const channel of channels.filter((c) => c.type === 'email')) {
      await queueNotification(trx, now, {
        callId: row.id,
        channel: 'email',
        target: channel.value,
        payload: {
          subject: `[Liaison] ${nodeId} could not reach your node with an urgent call`,
          text: [
            `${nodeId} placed a ${row.priority} ${row.tier.replace('_', ' ')} hotline call to ${row.peer_id} at ${iso(Number(row.created_at))},`,
            'and your Liaison node did not confirm it. The call is queued and will be delivered',
            'as soon as your node is reachable. Please check your node and its connection.',
          ].join('\n'),
        },
      });
      reached.push(`${contact.name} (${row.peer_id})`);
    }
  }
  return reached;
}

/** The channels a reach used, for the call's timeline. */
export function describeChannels(reach: Reach): string {
  const parts: string[] = [];
  if (reach.userIds.length > 0) parts.push(`browser ×${reach.userIds.length}`);
  if (reach.emails.length > 0) parts.push(`e-mail ×${reach.emails.length}`);
  if (reach.webhooks.length > 0)
    parts.push(reach.webhooks.map((w) => `webhook ${w.name}`).join(', '));
  return parts.join(', ') || 'no channel';
}
