import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Tier } from '../../../core/hotline.js';
import { onDutyAt, WEEKDAY_NAMES } from '../../../core/roster.js';
import type {
  Rung,
  ShiftBody,
  ShiftView,
  UpdateWebhookBody,
  WebhookBody,
  WebhookView,
} from '../../../core/schemas/hotline.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit, type AuditEntryInput } from '../../audit/audit.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import type { Db, TxHooks } from '../../store/database.js';
import { findUserByUsername } from '../accounts/public.js';
import { findContact, listContacts, type ContactRow } from '../contacts/public.js';
import type { FeatureContext } from '../module.js';
import { publishRosterChanged, type CoverageService } from './coverage.service.js';
import { patternOf, presentShift, presentWebhook } from './hotline.present.js';
import type { ShiftRow, WebhookRow } from './hotline.table.js';
import { ladderWebhookIds, readLadder } from './ladder.service.js';
import {
  deleteShift,
  deleteWebhook,
  findShift,
  findWebhook,
  insertShift,
  insertWebhook,
  listShifts,
  listWebhooks,
  updateShift,
  updateWebhook,
} from './roster.repository.js';

export interface ContactChannels {
  contactId: string;
  name: string;
  emails: string[];
  phones: string[];
  usernames: string[];
}

/** Who a rung (or the fallback) reaches at an instant, and by what. */
export interface Reach {
  contacts: ContactChannels[];
  /** Users to alert in the browser (their Liaison accounts). */
  userIds: string[];
  emails: string[];
  webhooks: WebhookRow[];
}

function channelsOf(contact: ContactRow): ContactChannels {
  const channels = JSON.parse(contact.channels) as { type: string; value: string }[];
  const of = (type: string) => channels.filter((c) => c.type === type).map((c) => c.value);
  return {
    contactId: contact.id,
    name: contact.name,
    emails: of('email'),
    phones: of('phone'),
    usernames: of('liaison_account'),
  };
}

type RosterDeps = Pick<FeatureContext, 'store' | 'clock' | 'bus' | 'nodeId' | 'outbound'> & {
  coverage: CoverageService;
};

/**
 * Who the hotline reaches: the duty roster (shifts of this node's contacts per tier), the
 * webhooks of SMS and pager gateways, and who a rung reaches at an instant. A change of the
 * roster changes the coverage the peers are told.
 */
export class RosterService {
  constructor(private readonly deps: RosterDeps) {}

  // ---- roster ---------------------------------------------------------------------------

  async shifts(actor: Actor): Promise<ShiftView[]> {
    authorize(actor, 'hotline.read');
    const db = this.deps.store.db;
    const names = await this.contactNames(db);
    return (await listShifts(db)).map((row) => presentShift(row, names.get(row.contact_id) ?? '?'));
  }

  async saveShift(actor: Actor, id: string | undefined, body: ShiftBody): Promise<ShiftView> {
    authorize(actor, 'hotline.manage');
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      const contact = await findContact(trx, body.contactId);
      if (!contact || contact.node_id !== this.deps.nodeId) {
        throw notFound(
          'contact_not_found',
          `This node has no contact with the id ${body.contactId}.`,
        );
      }
      if (body.from && body.until && body.until < body.from) {
        throw badRequest('invalid_dates', 'until must not be before from.');
      }
      const existing = id ? await findShift(trx, id) : undefined;
      if (id && !existing) throw notFound('shift_not_found', `No shift has the id ${id}.`);
      const row: ShiftRow = {
        id: id ?? randomUUID(),
        tier: body.tier,
        contact_id: body.contactId,
        days: JSON.stringify(WEEKDAY_NAMES.filter((d) => body.days.includes(d))),
        start_time: body.start,
        end_time: body.end,
        time_zone: body.timeZone ?? contact.time_zone,
        from_date: body.from,
        until_date: body.until,
        rotation: body.rotation ? JSON.stringify(body.rotation) : null,
        created_at: existing ? Number(existing.created_at) : now,
        updated_at: now,
      };
      if (existing) await updateShift(trx, row);
      else await insertShift(trx, row);
      await appendAudit(trx, {
        actor,
        at: now,
        action: existing ? 'hotline.shift_update' : 'hotline.shift_create',
        entityType: 'hotline_shift',
        entityId: row.id,
        ...(existing ? { before: presentShift(existing, '') } : {}),
        after: presentShift(row, contact.name),
      });
      await this.deps.coverage.changed(trx, hooks);
      return presentShift(row, contact.name);
    });
  }

  async deleteShift(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'hotline.manage');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const existing = await findShift(trx, id);
      if (!existing) throw notFound('shift_not_found', `No shift has the id ${id}.`);
      await deleteShift(trx, id);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'hotline.shift_delete',
        entityType: 'hotline_shift',
        entityId: id,
        before: presentShift(existing, ''),
      });
      await this.deps.coverage.changed(trx, hooks);
    });
  }

  // ---- webhooks -------------------------------------------------------------------------

  /** Names and addresses (never the secrets): supervisors pick them for the ladder. */
  async webhooks(actor: Actor): Promise<WebhookView[]> {
    authorize(actor, 'hotline.manage');
    return (await listWebhooks(this.deps.store.db)).map(presentWebhook);
  }

  async createWebhook(actor: Actor, body: WebhookBody): Promise<WebhookView> {
    authorize(actor, 'hotline.webhooks');
    await this.deps.outbound.check(body.url);
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      const row: WebhookRow = {
        id: randomUUID(),
        name: body.name,
        url: body.url,
        secret: body.secret,
        enabled: body.enabled ? 1 : 0,
        created_at: now,
        updated_at: now,
      };
      await insertWebhook(trx, row);
      await this.webhookChanged(trx, hooks, actor, now, {
        action: 'hotline.webhook_create',
        entityId: row.id,
        after: presentWebhook(row),
      });
      return presentWebhook(row);
    });
  }

  async updateWebhook(
    actor: Actor,
    id: string,
    body: z.infer<typeof UpdateWebhookBody>,
  ): Promise<WebhookView> {
    authorize(actor, 'hotline.webhooks');
    if (body.url !== undefined) await this.deps.outbound.check(body.url);
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      const existing = await findWebhook(trx, id);
      if (!existing) throw notFound('webhook_not_found', `No webhook has the id ${id}.`);
      const row: WebhookRow = {
        ...existing,
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.url !== undefined ? { url: body.url } : {}),
        ...(body.secret !== undefined ? { secret: body.secret } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled ? 1 : 0 } : {}),
        updated_at: now,
      };
      await updateWebhook(trx, row);
      await this.webhookChanged(trx, hooks, actor, now, {
        action: 'hotline.webhook_update',
        entityId: id,
        before: presentWebhook(existing),
        after: presentWebhook(row),
        details: { secretChanged: body.secret !== undefined },
      });
      return presentWebhook(row);
    });
  }

  async deleteWebhook(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'hotline.webhooks');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const existing = await findWebhook(trx, id);
      if (!existing) throw notFound('webhook_not_found', `No webhook has the id ${id}.`);
      if (ladderWebhookIds(await readLadder(trx)).includes(id)) {
        throw conflict(
          'webhook_in_use',
          `The ladder still uses the webhook ${existing.name}; take it off the ladder first.`,
        );
      }
      await deleteWebhook(trx, id);
      await this.webhookChanged(trx, hooks, actor, now, {
        action: 'hotline.webhook_delete',
        entityId: id,
        before: presentWebhook(existing),
      });
    });
  }

  // ---- reaching people --------------------------------------------------------------------

  /** Who `targets` reach at `at` for `tier`, by `channels`. */
  async reach(
    db: Db,
    tier: Tier,
    rung: Pick<Rung, 'targets' | 'channels' | 'webhooks'>,
    at: number,
  ): Promise<Reach> {
    const contactIds = new Set<string>();
    const shifts = rung.targets.some((t) => t.kind === 'on_duty') ? await listShifts(db) : [];
    for (const target of rung.targets) {
      if (target.kind === 'contact') contactIds.add(target.contactId);
      else {
        for (const shift of shifts) {
          if (shift.tier === tier && onDutyAt(patternOf(shift), at)) {
            contactIds.add(shift.contact_id);
          }
        }
      }
    }
    const contacts: ContactChannels[] = [];
    for (const id of contactIds) {
      const contact = await findContact(db, id);
      if (contact && contact.node_id === this.deps.nodeId) contacts.push(channelsOf(contact));
    }
    const userIds: string[] = [];
    if (rung.channels.includes('browser')) {
      for (const username of new Set(contacts.flatMap((c) => c.usernames))) {
        const user = await findUserByUsername(db, username);
        if (user && user.disabled === 0) userIds.push(user.id);
      }
    }
    const emails = rung.channels.includes('email')
      ? [...new Set(contacts.flatMap((c) => c.emails))]
      : [];
    const webhooks: WebhookRow[] = [];
    if (rung.channels.includes('webhook')) {
      for (const id of rung.webhooks) {
        const hook = await findWebhook(db, id);
        if (hook && hook.enabled === 1) webhooks.push(hook);
      }
    }
    return { contacts, userIds, emails, webhooks };
  }

  /** A webhook was added, changed or removed: the audit log keeps it, the screens refresh. */
  private async webhookChanged(
    trx: Db,
    hooks: TxHooks,
    actor: Actor,
    at: number,
    change: Pick<AuditEntryInput, 'action' | 'entityId' | 'before' | 'after' | 'details'>,
  ): Promise<void> {
    await appendAudit(trx, { actor, at, entityType: 'hotline_webhook', ...change });
    publishRosterChanged(this.deps.bus, hooks);
  }

  private async contactNames(db: Db): Promise<Map<string, string>> {
    return new Map(
      (await listContacts(db, this.deps.nodeId)).map((contact) => [contact.id, contact.name]),
    );
  }
}
