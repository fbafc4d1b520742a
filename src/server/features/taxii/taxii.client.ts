import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { SubscriptionBody, SubscriptionView } from '../../../core/schemas/taxii.js';
import { actorRef, authorize, can, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { AppError, badGateway, notFound } from '../../errors.js';
import type { Db, TxHooks } from '../../store/database.js';
import type { TimerWorker } from '../../timers/timers.js';
import { findCase, type ImportService } from '../cases/public.js';
import type { FeatureDeps } from '../feature-deps.js';
import { TAXII_MEDIA_TYPE, formatDateAdded, parseTimestampUs } from './taxii.media.js';
import { presentSubscription, type SubscriptionAuth } from './taxii.present.js';
import {
  deleteSubscription,
  findSubscription,
  insertSubscription,
  listSubscriptions,
  updateSubscription,
} from './taxii.repository.js';
import type { TaxiiSubscriptionRow } from './taxii.table.js';

/** The timer that polls a subscription, and its payload. */
export const POLL_TIMER = 'taxii.poll';
export const PollPayload = z.object({ subscription: z.string() });
export type PollPayload = z.infer<typeof PollPayload>;
/** Objects asked for per page. */
export const POLL_PAGE = 1000;
/** Pages per poll at most; the next poll goes on from there. */
const MAX_PAGES_PER_POLL = 1000;
const SYSTEM: Actor = { kind: 'system', reason: 'taxii-subscription' };

/**
 * The TAXII 2.1 client: a case subscribes to a remote collection (a peer's or a third
 * party's) and polls it on a schedule. Each page is imported like a file (validated per
 * object, idempotent) and the page's last date_added is saved with it, so a poll cut off
 * anywhere resumes from there. The next poll asks from a millisecond before that date:
 * a server that stamps several objects with one instant still gives each of them, and
 * those seen already are left as they are.
 */
export class TaxiiClient {
  private readonly polling = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: FeatureDeps & {
      log: Logger;
      imports: ImportService;
      timers: TimerWorker;
    },
  ) {}

  /** The poll timer fired (index.ts): the poll runs after this transaction, the next is booked. */
  async pollDue(trx: Db, hooks: TxHooks, payload: PollPayload): Promise<void> {
    const id = payload.subscription;
    const row = await findSubscription(trx, id);
    if (!row || row.status !== 'active') return;
    // The poll runs after this transaction, outside it; the next one is booked now.
    hooks.afterCommit(() => void this.poll(id));
    await this.deps.timers.schedule(trx, hooks, {
      kind: POLL_TIMER,
      dueAt: this.deps.clock.now() + row.interval_seconds * 1000,
      payload: { subscription: id },
    });
  }

  async list(actor: Actor): Promise<SubscriptionView[]> {
    authorize(actor, 'cases.read');
    // What went wrong talking to a remote server is the admins' to read (issue 16, row 2).
    const admin = can(actor, 'taxii.manage');
    return (await listSubscriptions(this.deps.store.db))
      .map(presentSubscription)
      .map((view) => (admin ? view : { ...view, lastError: null }));
  }

  async subscribe(actor: Actor, body: SubscriptionBody): Promise<SubscriptionView> {
    authorize(actor, 'taxii.manage');
    await this.deps.outbound.check(body.url);
    const now = this.deps.clock.now();
    const url = body.url.endsWith('/') ? body.url : `${body.url}/`;
    const row: TaxiiSubscriptionRow = {
      id: randomUUID(),
      case_id: body.caseId,
      url,
      auth: JSON.stringify(body.auth),
      tlp: body.tlp,
      interval_seconds: body.intervalSeconds,
      added_after: null,
      status: 'active',
      last_polled_at: null,
      last_error: null,
      received: 0,
      created_by: actorRef(actor),
      created_at: now,
    };
    await this.deps.store.transaction(async (trx, hooks) => {
      if (!(await findCase(trx, body.caseId))) {
        throw notFound('case_not_found', `No case has the id ${body.caseId}.`);
      }
      await insertSubscription(trx, row);
      await this.deps.timers.schedule(trx, hooks, {
        kind: POLL_TIMER,
        dueAt: now,
        payload: { subscription: row.id },
      });
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'taxii.subscribe',
        entityType: 'case',
        entityId: body.caseId,
        details: { subscription: row.id, url, auth: body.auth.kind, tlp: body.tlp },
      });
    });
    return presentSubscription(row);
  }

  async unsubscribe(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'taxii.manage');
    await this.deps.store.transaction(async (trx) => {
      const row = await findSubscription(trx, id);
      if (!row) throw notFound('subscription_not_found', `No subscription ${id}.`);
      await deleteSubscription(trx, id);
      await appendAudit(trx, {
        actor,
        at: this.deps.clock.now(),
        action: 'taxii.unsubscribe',
        entityType: 'case',
        entityId: row.case_id,
        details: { subscription: id, url: row.url },
      });
    });
  }

  /** Polls now and answers once the poll is over. */
  async pollNow(actor: Actor, id: string): Promise<SubscriptionView> {
    authorize(actor, 'cases.write');
    if (!(await findSubscription(this.deps.store.db, id))) {
      throw notFound('subscription_not_found', `No subscription ${id}.`);
    }
    await this.poll(id);
    const row = await findSubscription(this.deps.store.db, id);
    if (!row) throw notFound('subscription_not_found', `No subscription ${id}.`);
    return presentSubscription(row);
  }

  /** One poll at a time per subscription; a second ask waits for the running one. */
  poll(id: string): Promise<void> {
    const running = this.polling.get(id);
    if (running) return running;
    const run = this.pollPages(id).finally(() => this.polling.delete(id));
    this.polling.set(id, run);
    return run;
  }

  private async pollPages(id: string): Promise<void> {
    const db = this.deps.store.db;
    let next: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
        const row = await findSubscription(db, id);
        if (!row) return;
        const reply = await this.fetchPage(row, next);
        const objects = Array.isArray(reply.objects) ? reply.objects : [];
        let received = 0;
        if (objects.length > 0) {
          const { job } = await this.deps.imports.importObjects(
            SYSTEM,
            { caseId: row.case_id, tlp: row.tlp, label: `taxii:${row.url}` },
            objects,
          );
          received = job.imported + job.updated;
        }
        await updateSubscription(db, id, {
          added_after: reply.last ?? row.added_after,
          received: Number(row.received) + received,
          last_polled_at: this.deps.clock.now(),
          last_error: null,
        });
        if (!reply.more || typeof reply.next !== 'string') return;
        next = reply.next;
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deps.log.warn({ subscription: id, err: error }, 'TAXII poll failed');
      await updateSubscription(db, id, {
        last_error: message.slice(0, 1000),
        last_polled_at: this.deps.clock.now(),
      });
    }
  }

  private async fetchPage(
    row: TaxiiSubscriptionRow,
    next: string | undefined,
  ): Promise<{ objects?: unknown; more?: unknown; next?: unknown; last: string | null }> {
    const url = new URL('objects/', row.url);
    url.searchParams.set('limit', String(POLL_PAGE));
    if (next !== undefined) url.searchParams.set('next', next);
    if (row.added_after !== null) {
      const us = parseTimestampUs(row.added_after);
      if (us !== null) url.searchParams.set('added_after', formatDateAdded(Math.max(0, us - 1000)));
    }
    const headers: Record<string, string> = { accept: TAXII_MEDIA_TYPE };
    const auth = JSON.parse(row.auth) as SubscriptionAuth;
    if (auth.kind === 'bearer') headers['authorization'] = `Bearer ${auth.token}`;
    if (auth.kind === 'basic') {
      headers['authorization'] =
        `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    }
    let response: Response;
    try {
      // A page of POLL_PAGE objects: 256 MiB is far above any honest one.
      response = await this.deps.outbound.fetch(url.toString(), {
        headers,
        timeoutMs: 60_000,
        maxBytes: 256 * 1024 * 1024,
      });
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw badGateway('taxii_poll_failed', `${url.host} could not be reached.`);
    }
    const text = await response.text();
    if (!response.ok) {
      // Only the status: a remote body is never shown (it may be anything the server holds).
      throw badGateway('taxii_poll_failed', `${url.host} answered ${response.status}.`);
    }
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      throw badGateway('taxii_poll_failed', `${url.origin} answered something not JSON.`);
    }
    return {
      ...(body as Record<string, unknown>),
      last: response.headers.get('x-taxii-date-added-last'),
    };
  }
}
