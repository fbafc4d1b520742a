import { createHmac } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { OutboundGuard } from '../../outbound.js';
import type { EventBus } from '../../events.js';
import type { Store } from '../../store/database.js';
import {
  appendCallEvent,
  claimNotifications,
  dueNotifications,
  updateNotification,
} from './hotline.repository.js';
import { findWebhook } from './roster.repository.js';
import type { NotificationRow } from './hotline.table.js';

export interface EmailPayload {
  subject: string;
  text: string;
}

/** The JSON body of a webhook post (docs/api.md, "Hotline webhooks"). */
export interface WebhookPayload {
  event: 'hotline.alert';
  reason: string;
  callId: string;
  peer: string;
  direction: 'in' | 'out';
  tier: string;
  priority: string;
  subject: string;
  rung: number | null;
  url: string;
  recipients: { name: string; phones: string[]; emails: string[] }[];
}

const MAX_ATTEMPTS = 8;

/** A failure no retry can cure (no SMTP server configured, the webhook deleted). */
class PermanentFailure extends Error {}
const BATCH = 20;
/** A notification claimed this long ago by a sender that vanished is sent again. */
const STALE_CLAIM_MS = 60_000;

/**
 * `X-Liaison-Signature: v1=<hex>` where hex is HMAC-SHA256(secret, `${timestamp}.${body}`)
 * and timestamp is `X-Liaison-Timestamp` (Unix seconds): the receiver recomputes it and
 * refuses stale timestamps, so a captured post cannot be replayed later.
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Sends the queued hotline e-mails (SMTP, nodemailer) and webhook posts, outside any
 * transaction, at least once: a row is claimed, sent, then marked; a failure is retried
 * with backoff up to MAX_ATTEMPTS; a sender that died mid-send leaves a stale claim that
 * is picked up again. Each outcome is written on the call's timeline.
 */
export class Notifier {
  private running = false;
  private loopDone: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private transport: Transporter | undefined;

  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      log: Logger;
      bus: EventBus;
      smtp: Config['hotline']['smtp'];
      outbound: OutboundGuard;
      pollMs?: number;
      onSent: (callId: string) => void;
    },
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loopDone;
    this.transport?.close();
  }

  nudge(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        const sent = await this.runDue();
        if (sent > 0) continue;
      } catch (error) {
        if (!this.running) break;
        this.deps.log.error({ err: error }, 'notifier: a pass failed; retrying');
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const handle = setTimeout(() => {
          this.wake = undefined;
          resolve();
        }, this.deps.pollMs ?? 1000);
        this.wake = () => {
          clearTimeout(handle);
          resolve();
        };
      });
    }
  }

  /** Sends what is due; returns how many were handled. */
  async runDue(): Promise<number> {
    const now = this.deps.clock.now();
    // A plain read first: an idle node opens no write transaction each second.
    const store = this.deps.store;
    if ((await dueNotifications(store.db, now, now - STALE_CLAIM_MS, 1, false)).length === 0)
      return 0;
    const claimed = await store.transaction(async (trx) => {
      const rows = await dueNotifications(
        trx,
        now,
        now - STALE_CLAIM_MS,
        BATCH,
        store.dialect === 'postgres',
      );
      await claimNotifications(
        trx,
        rows.map((row) => row.id),
        now,
      );
      return rows;
    });
    await Promise.all(claimed.map((row) => this.deliver(row)));
    return claimed.length;
  }

  private async deliver(row: NotificationRow): Promise<void> {
    let error: string | null = null;
    let permanent = false;
    let label = row.target;
    try {
      if (row.channel === 'email') await this.sendEmail(row);
      else label = await this.postWebhook(row);
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
      permanent = caught instanceof PermanentFailure;
    }
    const now = this.deps.clock.now();
    const attempts = row.attempts + 1;
    const failed = error !== null && (permanent || attempts >= MAX_ATTEMPTS);
    await this.deps.store.transaction(async (trx) => {
      await updateNotification(
        trx,
        row.id,
        error === null
          ? { status: 'sent', sent_at: now, attempts, last_error: null }
          : {
              status: failed ? 'failed' : 'pending',
              attempts,
              last_error: error.slice(0, 1000),
              next_at: now + Math.min(300_000, 1000 * 2 ** attempts),
            },
      );
      const channel = row.channel === 'email' ? 'e-mail' : 'webhook';
      if (error === null) {
        await appendCallEvent(trx, {
          callId: row.call_id,
          at: now,
          kind: 'notified',
          by: label,
          detail: channel,
        });
      } else if (failed || attempts === 1) {
        // The first failure and the final one go on the timeline; retries in between do not.
        await appendCallEvent(trx, {
          callId: row.call_id,
          at: now,
          kind: 'notify_failed',
          by: label,
          detail: `${channel}: ${error.slice(0, 300)}${failed ? '' : ' (retrying)'}`,
        });
      }
    });
    if (error !== null) {
      this.deps.log.warn(
        { notification: row.id, channel: row.channel, attempts, err: error },
        'hotline notification failed',
      );
    }
    this.deps.onSent(row.call_id);
  }

  private async sendEmail(row: NotificationRow): Promise<void> {
    const smtp = this.deps.smtp;
    if (!smtp) throw new PermanentFailure('no SMTP server is configured (hotline.smtp)');
    // Loaded on the first e-mail: most nodes send none, and it costs memory in each process.
    const nodemailer = (await import('nodemailer')).default;
    this.transport ??= nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    const payload = JSON.parse(row.payload) as EmailPayload;
    await this.transport.sendMail({
      from: smtp.from,
      to: row.target,
      subject: payload.subject,
      text: payload.text,
      headers: { 'X-Liaison-Call': row.call_id },
    });
  }

  /** Posts to the webhook; returns its name for the timeline. */
  private async postWebhook(row: NotificationRow): Promise<string> {
    const hook = await findWebhook(this.deps.store.db, row.target);
    if (!hook) throw new PermanentFailure(`the webhook ${row.target} was deleted`);
    const body = row.payload;
    // The receiver checks the timestamp against its own wall clock, so this is real time
    // even when the node runs on a virtual clock (an exercise).
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await this.deps.outbound.fetch(hook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-liaison-timestamp': timestamp,
        'x-liaison-signature': webhookSignature(hook.secret, timestamp, body),
        'x-liaison-delivery': row.id,
      },
      body,
      timeoutMs: 10_000,
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`${hook.name} answered HTTP ${response.status}`);
    return hook.name;
  }
}
