import { randomUUID } from 'node:crypto';
import { TIERS, type Tier } from '../../../core/hotline.js';
import {
  coverage,
  onDutyAt,
  WEEKDAY_NAMES,
  type ShiftPattern,
  type WeekdayName,
} from '../../../core/roster.js';
import {
  HOTLINE_COVERAGE_KIND,
  Ladder,
  type CoverageView,
  type HotlineCoverageMessage,
  type LadderTarget,
  type PeerCoverageView,
  type Rung,
  type ShiftBody,
  type ShiftView,
  type UpdateWebhookBody,
  type WebhookBody,
  type WebhookView,
} from '../../../core/schemas/hotline.js';
import { z } from 'zod';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { iso } from '../../clock.js';
import { AppError, notFound } from '../../errors.js';
import type { Db, TxHooks } from '../../store/database.js';
import type { TimerWorker } from '../../timers/timers.js';
import { findUserByUsername } from '../accounts/public.js';
import { findContact, listContacts, type ContactRow } from '../contacts/public.js';
import type { FeatureDeps } from '../feature-deps.js';
import {
  findShift,
  findWebhook,
  listShifts,
  listWebhooks,
  readSetting,
  writeSetting,
} from './hotline.repository.js';
import type { ShiftRow, WebhookRow } from './hotline.table.js';

const HOUR = 3_600_000;
const TWO_WEEKS_HOURS = 14 * 24;
export const COVERAGE_TIMER = 'hotline.coverage';
const MANAGERS = ['admin', 'officer'] as const;

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

export function presentShift(row: ShiftRow, contactName: string): ShiftView {
  const pattern = patternOf(row);
  return {
    id: row.id,
    tier: row.tier,
    contactId: row.contact_id,
    contactName,
    ...pattern,
    days: [...pattern.days],
    createdAt: iso(Number(row.created_at)),
    updatedAt: iso(Number(row.updated_at)),
  };
}

export function presentWebhook(row: WebhookRow): WebhookView {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    enabled: row.enabled === 1,
    createdAt: iso(Number(row.created_at)),
    updatedAt: iso(Number(row.updated_at)),
  };
}

export function patternOf(row: ShiftRow): Required<ShiftPattern> {
  return {
    days: JSON.parse(row.days) as WeekdayName[],
    start: row.start_time,
    end: row.end_time,
    timeZone: row.time_zone,
    from: row.from_date,
    until: row.until_date,
    rotation: row.rotation
      ? (JSON.parse(row.rotation) as { everyWeeks: number; week: number })
      : null,
  };
}

/** A contact's working hours as a shift pattern (24/7 when it says `always`). */
function workingPattern(contact: ContactRow): ShiftPattern {
  const hours = JSON.parse(contact.working_hours) as {
    days: WeekdayName[];
    start: string;
    end: string;
    always?: boolean;
  };
  if (hours.always) {
    return { days: WEEKDAY_NAMES, start: '00:00', end: '00:00', timeZone: contact.time_zone };
  }
  return { days: hours.days, start: hours.start, end: hours.end, timeZone: contact.time_zone };
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

/**
 * The hotline's set-up on this node: the ladder per tier, the duty roster, the webhooks,
 * and the coverage the roster gives. Peers are told the coverage of rung 1 (gaps, and who
 * is on duty only for published contacts) whenever it changes, and daily.
 */
export class RosterService {
  constructor(private readonly deps: FeatureDeps & { timers: TimerWorker }) {
    deps.timers.define(COVERAGE_TIMER, z.null(), async (trx, _payload, _timer, hooks) => {
      if ((await listShifts(trx)).length > 0) await this.broadcastCoverage(trx, hooks);
      await deps.timers.schedule(trx, hooks, {
        kind: COVERAGE_TIMER,
        dueAt: deps.clock.now() + 24 * HOUR,
      });
    });
    deps.federation.onPeerActivated(async (trx, hooks, peerId) => {
      if ((await listShifts(trx)).length === 0) return;
      if (!(await deps.federation.peerAccepts(trx, peerId, HOTLINE_COVERAGE_KIND))) return;
      await deps.federation.send(
        trx,
        hooks,
        peerId,
        HOTLINE_COVERAGE_KIND,
        await this.coverageMessage(trx),
      );
    });
  }

  /** Makes sure the daily coverage broadcast is scheduled (at start). */
  async ensureTimer(): Promise<void> {
    await this.deps.store.transaction(async (trx, hooks) => {
      const pending = await trx
        .selectFrom('timers')
        .select('id')
        .where('kind', '=', COVERAGE_TIMER)
        .where('fired_at', 'is', null)
        .executeTakeFirst();
      if (!pending) {
        await this.deps.timers.schedule(trx, hooks, {
          kind: COVERAGE_TIMER,
          dueAt: this.deps.clock.now() + 24 * HOUR,
        });
      }
    });
  }

  // ---- ladder ---------------------------------------------------------------------------

  async ladder(actor: Actor): Promise<Ladder> {
    authorize(actor, 'hotline.read');
    return readLadder(this.deps.store.db);
  }

  async setLadder(actor: Actor, ladder: Ladder): Promise<Ladder> {
    authorize(actor, 'hotline.manage');
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      const contactIds = [
        ...Object.values(ladder.tiers).flatMap((rungs) => rungs.flatMap((r) => r.targets)),
        ...ladder.fallback.targets,
      ].flatMap((t) => (t.kind === 'contact' ? [t.contactId] : []));
      for (const id of new Set(contactIds)) {
        const contact = await findContact(trx, id);
        if (!contact || contact.node_id !== this.deps.nodeId) {
          throw notFound('contact_not_found', `This node has no contact with the id ${id}.`);
        }
      }
      const webhookIds = [
        ...Object.values(ladder.tiers).flatMap((rungs) => rungs.flatMap((r) => r.webhooks)),
        ...ladder.fallback.webhooks,
      ];
      for (const id of new Set(webhookIds)) {
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
      await this.changed(trx, hooks);
      return ladder;
    });
  }

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
        throw new AppError('invalid_dates', 400, 'until must not be before from.');
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
      if (existing) {
        const { id: _id, created_at: _created, ...changes } = row;
        await trx.updateTable('hotline_shifts').set(changes).where('id', '=', row.id).execute();
      } else {
        await trx.insertInto('hotline_shifts').values(row).execute();
      }
      await appendAudit(trx, {
        actor,
        at: now,
        action: existing ? 'hotline.shift_update' : 'hotline.shift_create',
        entityType: 'hotline_shift',
        entityId: row.id,
        ...(existing ? { before: presentShift(existing, '') } : {}),
        after: presentShift(row, contact.name),
      });
      await this.changed(trx, hooks);
      return presentShift(row, contact.name);
    });
  }

  async deleteShift(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'hotline.manage');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const existing = await findShift(trx, id);
      if (!existing) throw notFound('shift_not_found', `No shift has the id ${id}.`);
      await trx.deleteFrom('hotline_shifts').where('id', '=', id).execute();
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'hotline.shift_delete',
        entityType: 'hotline_shift',
        entityId: id,
        before: presentShift(existing, ''),
      });
      await this.changed(trx, hooks);
    });
  }

  // ---- coverage -------------------------------------------------------------------------

  async coverage(actor: Actor, query: { from?: string; hours: number }): Promise<CoverageView> {
    authorize(actor, 'hotline.manage');
    const from = query.from ? Date.parse(query.from) : this.deps.clock.now();
    const db = this.deps.store.db;
    const perTier = await this.rungOneShifts(db);
    const tiers = {} as CoverageView['tiers'];
    let window = { from, to: from };
    for (const tier of TIERS) {
      const result = coverage(perTier[tier], from, query.hours);
      window = { from: result.from, to: result.to };
      tiers[tier] = {
        hours: result.hours.map((hour) => ({
          start: iso(hour.start),
          covered: hour.covered,
          people: uniqueBy(hour.people, (p) => p.contactId).map(({ contactId, name }) => ({
            contactId,
            name,
          })),
        })),
        gaps: result.gaps.map((gap) => ({ from: iso(gap.from), to: iso(gap.to) })),
      };
    }
    return { from: iso(window.from), to: iso(window.to), tiers };
  }

  async peerCoverage(actor: Actor, peerId: string): Promise<PeerCoverageView> {
    authorize(actor, 'hotline.read');
    const row = await this.deps.store.db
      .selectFrom('hotline_peer_coverage')
      .selectAll()
      .where('peer_id', '=', peerId)
      .executeTakeFirst();
    if (!row) throw notFound('no_coverage', `${peerId} has not told this node its coverage.`);
    const body = JSON.parse(row.body) as HotlineCoverageMessage;
    return {
      peer: peerId,
      receivedAt: iso(Number(row.received_at)),
      from: body.from,
      to: body.to,
      tiers: body.tiers,
    };
  }

  /** A peer's coverage arrived: keep the latest. */
  async coverageReceived(
    trx: Db,
    hooks: TxHooks,
    peerId: string,
    body: HotlineCoverageMessage,
  ): Promise<void> {
    await trx.deleteFrom('hotline_peer_coverage').where('peer_id', '=', peerId).execute();
    await trx
      .insertInto('hotline_peer_coverage')
      .values({ peer_id: peerId, received_at: this.deps.clock.now(), body: JSON.stringify(body) })
      .execute();
    hooks.afterCommit(() => this.deps.bus.publish('hotline.roster', {}, { roles: MANAGERS }));
  }

  // ---- webhooks -------------------------------------------------------------------------

  /** Names and addresses (never the secrets): supervisors pick them for the ladder. */
  async webhooks(actor: Actor): Promise<WebhookView[]> {
    authorize(actor, 'hotline.manage');
    return (await listWebhooks(this.deps.store.db)).map(presentWebhook);
  }

  async createWebhook(actor: Actor, body: WebhookBody): Promise<WebhookView> {
    authorize(actor, 'hotline.webhooks');
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
      await trx.insertInto('hotline_webhooks').values(row).execute();
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'hotline.webhook_create',
        entityType: 'hotline_webhook',
        entityId: row.id,
        after: presentWebhook(row),
      });
      hooks.afterCommit(() => this.deps.bus.publish('hotline.roster', {}, { roles: MANAGERS }));
      return presentWebhook(row);
    });
  }

  async updateWebhook(
    actor: Actor,
    id: string,
    body: z.infer<typeof UpdateWebhookBody>,
  ): Promise<WebhookView> {
    authorize(actor, 'hotline.webhooks');
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
      const { id: _id, created_at: _created, ...changes } = row;
      await trx.updateTable('hotline_webhooks').set(changes).where('id', '=', id).execute();
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'hotline.webhook_update',
        entityType: 'hotline_webhook',
        entityId: id,
        before: presentWebhook(existing),
        after: presentWebhook(row),
        details: { secretChanged: body.secret !== undefined },
      });
      hooks.afterCommit(() => this.deps.bus.publish('hotline.roster', {}, { roles: MANAGERS }));
      return presentWebhook(row);
    });
  }

  async deleteWebhook(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'hotline.webhooks');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const existing = await findWebhook(trx, id);
      if (!existing) throw notFound('webhook_not_found', `No webhook has the id ${id}.`);
      const ladder = await readLadder(trx);
      const used = [
        ...Object.values(ladder.tiers).flatMap((rungs) => rungs.flatMap((r) => r.webhooks)),
        ...ladder.fallback.webhooks,
      ].includes(id);
      if (used) {
        throw new AppError(
          'webhook_in_use',
          409,
          `The ladder still uses the webhook ${existing.name}; take it off the ladder first.`,
        );
      }
      await trx.deleteFrom('hotline_webhooks').where('id', '=', id).execute();
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'hotline.webhook_delete',
        entityType: 'hotline_webhook',
        entityId: id,
        before: presentWebhook(existing),
      });
      hooks.afterCommit(() => this.deps.bus.publish('hotline.roster', {}, { roles: MANAGERS }));
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

  // ---- internals --------------------------------------------------------------------------

  private async contactNames(db: Db): Promise<Map<string, string>> {
    return new Map(
      (await listContacts(db, this.deps.nodeId)).map((contact) => [contact.id, contact.name]),
    );
  }

  /** Per tier, the shift patterns that put someone on rung 1, with who they are. */
  private async rungOneShifts(db: Db): Promise<
    Record<
      Tier,
      {
        person: { contactId: string; name: string; published: boolean };
        pattern: ShiftPattern;
      }[]
    >
  > {
    const ladder = await readLadder(db);
    const shifts = await listShifts(db);
    const contacts = new Map(
      (await listContacts(db, this.deps.nodeId)).map((contact) => [contact.id, contact]),
    );
    const person = (contact: ContactRow) => ({
      contactId: contact.id,
      name: contact.name,
      published: contact.published === 1,
    });
    const out = {} as Record<
      Tier,
      {
        person: { contactId: string; name: string; published: boolean };
        pattern: ShiftPattern;
      }[]
    >;
    for (const tier of TIERS) {
      const targets: LadderTarget[] = ladder.tiers[tier][0]?.targets ?? [];
      out[tier] = [];
      for (const target of targets) {
        if (target.kind === 'on_duty') {
          for (const shift of shifts.filter((s) => s.tier === tier)) {
            const contact = contacts.get(shift.contact_id);
            if (contact) out[tier].push({ person: person(contact), pattern: patternOf(shift) });
          }
        } else {
          const contact = contacts.get(target.contactId);
          if (contact)
            out[tier].push({ person: person(contact), pattern: workingPattern(contact) });
        }
      }
    }
    return out;
  }

  private async coverageMessage(db: Db): Promise<HotlineCoverageMessage> {
    const now = this.deps.clock.now();
    const perTier = await this.rungOneShifts(db);
    const tiers = {} as HotlineCoverageMessage['tiers'];
    let window = { from: now, to: now };
    for (const tier of TIERS) {
      const result = coverage(perTier[tier], now, TWO_WEEKS_HOURS);
      window = { from: result.from, to: result.to };
      const published: HotlineCoverageMessage['tiers'][Tier]['published'] = [];
      for (const hour of result.hours) {
        for (const p of hour.people) {
          if (!p.published) continue;
          const last = published.findLast((x) => x.contactId === p.contactId);
          const start = iso(hour.start);
          const end = iso(hour.start + HOUR);
          if (last && last.to === start) last.to = end;
          else published.push({ contactId: p.contactId, name: p.name, from: start, to: end });
        }
      }
      tiers[tier] = {
        gaps: result.gaps.map((gap) => ({ from: iso(gap.from), to: iso(gap.to) })),
        published,
      };
    }
    return { computedAt: iso(now), from: iso(window.from), to: iso(window.to), tiers };
  }

  private async broadcastCoverage(trx: Db, hooks: TxHooks): Promise<void> {
    await this.deps.federation.broadcast(
      trx,
      hooks,
      HOTLINE_COVERAGE_KIND,
      await this.coverageMessage(trx),
    );
  }

  /** The roster or ladder changed: tell the peers and the supervisors' screens. */
  private async changed(trx: Db, hooks: TxHooks): Promise<void> {
    await this.broadcastCoverage(trx, hooks);
    hooks.afterCommit(() => this.deps.bus.publish('hotline.roster', {}, { roles: MANAGERS }));
  }
}

export async function readLadder(db: Db): Promise<Ladder> {
  const stored = await readSetting(db, 'ladder');
  if (stored === undefined) return DEFAULT_LADDER;
  const parsed = Ladder.safeParse(stored);
  return parsed.success ? parsed.data : DEFAULT_LADDER;
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
