import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  PING_ACK_KIND,
  PING_KIND,
  type PeriodQuery,
  type PingReport,
  type PingView,
  type SendPingBody,
} from '../../../core/schemas/pings.js';
import { median, percentile, share } from '../../../core/stats.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { iso, isoOrNull } from '../../clock.js';
import { AppError, notFound } from '../../errors.js';
import { findPeer } from '../../federation/peers.js';
import type { Db, TxHooks } from '../../store/database.js';
import { cancelTimer, type TimerWorker } from '../../timers/timers.js';
import { listContacts } from '../contacts/public.js';
import type { PingRow } from './pings.table.js';
import { displayNameOf, type FeatureDeps } from '../feature-deps.js';

const EVERYONE = ['admin', 'officer', 'analyst', 'controller', 'observer'] as const;
export const PING_ROUND_TIMER = 'pings.round';
const PingRoundPayload = z.object({ peer: z.string() });
const HOUR = 3_600_000;

export function presentPing(row: PingRow): PingView {
  const sent = Number(row.sent_at);
  const acked = row.acknowledged_at === null ? null : Number(row.acknowledged_at);
  return {
    id: row.id,
    peer: row.peer_id,
    direction: row.direction,
    contactId: row.contact_id,
    contactName: row.contact_name,
    sentAt: iso(sent),
    acknowledgedAt: isoOrNull(acked),
    acknowledgedBy: row.acknowledged_by,
    timeToAcknowledgeMs: row.direction === 'out' && acked !== null ? acked - sent : null,
    scheduled: row.scheduled === 1,
  };
}

/**
 * Ping tests of the peers' points of contact: on demand or on a schedule, each published
 * contact of a peer gets a ping; the peer's duty officer acknowledges it with one click;
 * this node records how long that took. The report gives the share answered, the median
 * and 90th percentile time, and the contacts that never answered.
 */
export class PingsService {
  constructor(private readonly deps: FeatureDeps & { timers: TimerWorker }) {
    deps.timers.define(PING_ROUND_TIMER, PingRoundPayload, async (trx, payload, _timer, hooks) => {
      const { peer } = payload;
      const schedule = await trx
        .selectFrom('ping_schedules')
        .selectAll()
        .where('peer_id', '=', peer)
        .executeTakeFirst();
      if (!schedule || Number(schedule.every_hours) === 0) return;
      const now = deps.clock.now();
      if (await deps.federation.peerAccepts(trx, peer, PING_KIND)) {
        await this.pingContacts(
          trx,
          hooks,
          { kind: 'system', reason: 'ping schedule' },
          peer,
          undefined,
          true,
          now,
        );
      }
      await this.scheduleNext(trx, hooks, peer, Number(schedule.every_hours), now);
    });
  }

  async list(
    actor: Actor,
    query: { peer?: string; direction?: 'in' | 'out'; pending?: 'true' | 'false'; limit: number },
  ): Promise<PingView[]> {
    authorize(actor, 'contacts.read');
    let q = this.deps.store.db.selectFrom('pings').selectAll();
    if (query.peer) q = q.where('peer_id', '=', query.peer);
    if (query.direction) q = q.where('direction', '=', query.direction);
    if (query.pending === 'true') q = q.where('acknowledged_at', 'is', null);
    if (query.pending === 'false') q = q.where('acknowledged_at', 'is not', null);
    const rows = await q.orderBy('sent_at', 'desc').limit(query.limit).execute();
    return rows.map(presentPing);
  }

  async send(actor: Actor, body: SendPingBody): Promise<PingView[]> {
    authorize(actor, 'pings.send');
    const now = this.deps.clock.now();
    const rows = await this.deps.store.transaction(async (trx, hooks) => {
      const peer = await findPeer(trx, body.peer);
      if (!peer || peer.status !== 'active')
        throw notFound('peer_not_found', `No active peer has the node id ${body.peer}.`);
      return this.pingContacts(trx, hooks, actor, body.peer, body.contacts, false, now);
    });
    return rows.map(presentPing);
  }

  async schedule(
    actor: Actor,
    peerId: string,
  ): Promise<{ everyHours: number; nextAt: string | null }> {
    authorize(actor, 'contacts.read');
    const row = await this.deps.store.db
      .selectFrom('ping_schedules')
      .selectAll()
      .where('peer_id', '=', peerId)
      .executeTakeFirst();
    return row
      ? { everyHours: Number(row.every_hours), nextAt: iso(Number(row.next_at)) }
      : { everyHours: 0, nextAt: null };
  }

  /** Pings a peer's published contacts every `everyHours` (0 stops). */
  async setSchedule(
    actor: Actor,
    peerId: string,
    everyHours: number,
  ): Promise<{ everyHours: number; nextAt: string | null }> {
    authorize(actor, 'pings.send');
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      const peer = await findPeer(trx, peerId);
      if (!peer || peer.status === 'removed')
        throw notFound('peer_not_found', `No peer has the node id ${peerId}.`);
      const existing = await trx
        .selectFrom('ping_schedules')
        .selectAll()
        .where('peer_id', '=', peerId)
        .executeTakeFirst();
      if (existing?.timer_id) await cancelTimer(trx, existing.timer_id);
      await trx.deleteFrom('ping_schedules').where('peer_id', '=', peerId).execute();
      let nextAt: number | null = null;
      if (everyHours > 0) nextAt = await this.scheduleNext(trx, hooks, peerId, everyHours, now);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'ping.schedule',
        entityType: 'peer',
        entityId: peerId,
        after: { everyHours },
      });
      return { everyHours, nextAt: isoOrNull(nextAt) };
    });
  }

  async acknowledge(actor: Actor, id: string): Promise<PingView> {
    authorize(actor, 'pings.answer');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const row = await trx.selectFrom('pings').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row || row.direction !== 'in')
        throw notFound('ping_not_found', `No ping from a peer has the id ${id}.`);
      if (row.acknowledged_at !== null) {
        throw new AppError(
          'already_acknowledged',
          409,
          `This ping was acknowledged at ${iso(Number(row.acknowledged_at))} by ${row.acknowledged_by ?? 'someone'}.`,
        );
      }
      const by = await displayNameOf(trx, actor, this.deps.nodeId);
      await trx
        .updateTable('pings')
        .set({ acknowledged_at: now, acknowledged_by: by })
        .where('id', '=', id)
        .execute();
      await this.deps.federation.send(trx, hooks, row.peer_id, PING_ACK_KIND, {
        pingId: id,
        at: iso(now),
        by,
      });
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'ping.acknowledge',
        entityType: 'ping',
        entityId: id,
        details: { peer: row.peer_id },
      });
      const updated = { ...row, acknowledged_at: now, acknowledged_by: by };
      this.changed(hooks, updated);
      return updated;
    });
    return presentPing(row);
  }

  async report(actor: Actor, query: PeriodQuery): Promise<PingReport> {
    authorize(actor, 'contacts.read');
    let q = this.deps.store.db.selectFrom('pings').selectAll().where('direction', '=', 'out');
    if (query.peer) q = q.where('peer_id', '=', query.peer);
    if (query.from) q = q.where('sent_at', '>=', Date.parse(query.from));
    if (query.to) q = q.where('sent_at', '<', Date.parse(query.to));
    const rows = await q.execute();
    const times = (list: PingRow[]) =>
      list
        .filter((r) => r.acknowledged_at !== null)
        .map((r) => Number(r.acknowledged_at) - Number(r.sent_at));
    const byContact = new Map<string, PingRow[]>();
    for (const row of rows) {
      const key = `${row.peer_id}\n${row.contact_id}`;
      byContact.set(key, [...(byContact.get(key) ?? []), row]);
    }
    const contacts = [...byContact.values()].map((list) => {
      const first = list[0] as PingRow;
      const answered = times(list);
      return {
        peer: first.peer_id,
        contactId: first.contact_id,
        contactName: first.contact_name,
        sent: list.length,
        answered: answered.length,
        medianMs: median(answered),
      };
    });
    contacts.sort(
      (a, b) => a.peer.localeCompare(b.peer) || a.contactName.localeCompare(b.contactName),
    );
    const all = times(rows);
    return {
      peer: query.peer ?? null,
      from: query.from ?? null,
      to: query.to ?? null,
      sent: rows.length,
      answered: all.length,
      answeredShare: share(all.length, rows.length),
      medianMs: median(all),
      p90Ms: percentile(all, 90),
      contacts,
      neverAnswered: contacts
        .filter((c) => c.answered === 0)
        .map(({ peer, contactId, contactName, sent }) => ({ peer, contactId, contactName, sent })),
    };
  }

  // ---- federation ----------------------------------------------------------------------

  async received(
    trx: Db,
    hooks: TxHooks,
    peerId: string,
    body: { pingId: string; contactId: string; sentAt: string },
  ): Promise<void> {
    if (await trx.selectFrom('pings').select('id').where('id', '=', body.pingId).executeTakeFirst())
      return;
    const contact = await trx
      .selectFrom('contacts')
      .select(['name', 'node_id', 'published'])
      .where('id', '=', body.contactId)
      .executeTakeFirst();
    if (!contact || contact.node_id !== this.deps.nodeId) {
      throw new AppError('contact_not_found', 404, `This node has no contact ${body.contactId}.`);
    }
    const row: PingRow = {
      id: body.pingId,
      peer_id: peerId,
      direction: 'in',
      contact_id: body.contactId,
      contact_name: contact.name,
      sent_at: Date.parse(body.sentAt),
      acknowledged_at: null,
      acknowledged_by: null,
      scheduled: 0,
    };
    await trx.insertInto('pings').values(row).execute();
    await appendAudit(trx, {
      actor: { kind: 'peer', nodeId: peerId },
      at: this.deps.clock.now(),
      action: 'ping.receive',
      entityType: 'ping',
      entityId: row.id,
      details: { contact: body.contactId },
    });
    this.changed(hooks, row);
  }

  async acknowledged(
    trx: Db,
    hooks: TxHooks,
    peerId: string,
    body: { pingId: string; at: string; by: string },
  ): Promise<void> {
    const row = await trx
      .selectFrom('pings')
      .selectAll()
      .where('id', '=', body.pingId)
      .executeTakeFirst();
    if (!row || row.direction !== 'out' || row.peer_id !== peerId) {
      throw new AppError('ping_not_found', 404, `No ping ${body.pingId} was sent to ${peerId}.`);
    }
    if (row.acknowledged_at !== null) return;
    // The time to acknowledge is measured on this node's clock: sent → answer received.
    const now = this.deps.clock.now();
    await trx
      .updateTable('pings')
      .set({ acknowledged_at: now, acknowledged_by: body.by })
      .where('id', '=', row.id)
      .execute();
    await appendAudit(trx, {
      actor: { kind: 'peer', nodeId: peerId },
      at: now,
      action: 'ping.acknowledged_by_peer',
      entityType: 'ping',
      entityId: row.id,
      details: { by: body.by, at: body.at },
    });
    this.changed(hooks, { ...row, acknowledged_at: now, acknowledged_by: body.by });
  }

  // ---- internals -----------------------------------------------------------------------

  private async pingContacts(
    trx: Db,
    hooks: TxHooks,
    actor: Actor,
    peerId: string,
    contactIds: string[] | undefined,
    scheduled: boolean,
    now: number,
  ): Promise<PingRow[]> {
    const published = await listContacts(trx, peerId);
    const chosen = contactIds ? published.filter((c) => contactIds.includes(c.id)) : published;
    if (contactIds) {
      const unknown = contactIds.filter((id) => !published.some((c) => c.id === id));
      if (unknown.length > 0) {
        throw new AppError(
          'contact_not_found',
          404,
          `${peerId} has published no contact with the id ${unknown.join(', ')}.`,
        );
      }
    }
    if (chosen.length === 0 && !scheduled) {
      throw new AppError('no_contacts', 409, `${peerId} has published no contacts to ping.`);
    }
    const rows: PingRow[] = [];
    for (const contact of chosen) {
      const row: PingRow = {
        id: randomUUID(),
        peer_id: peerId,
        direction: 'out',
        contact_id: contact.id,
        contact_name: contact.name,
        sent_at: now,
        acknowledged_at: null,
        acknowledged_by: null,
        scheduled: scheduled ? 1 : 0,
      };
      await trx.insertInto('pings').values(row).execute();
      await this.deps.federation.send(trx, hooks, peerId, PING_KIND, {
        pingId: row.id,
        contactId: contact.id,
        sentAt: iso(now),
      });
      this.changed(hooks, row);
      rows.push(row);
    }
    await appendAudit(trx, {
      actor,
      at: now,
      action: 'ping.send',
      entityType: 'peer',
      entityId: peerId,
      details: { pings: rows.map((r) => r.id), scheduled },
    });
    return rows;
  }

  private async scheduleNext(
    trx: Db,
    hooks: TxHooks,
    peerId: string,
    everyHours: number,
    now: number,
  ): Promise<number> {
    const nextAt = now + everyHours * HOUR;
    const timerId = await this.deps.timers.schedule(trx, hooks, {
      kind: PING_ROUND_TIMER,
      dueAt: nextAt,
      payload: { peer: peerId },
    });
    await trx.deleteFrom('ping_schedules').where('peer_id', '=', peerId).execute();
    await trx
      .insertInto('ping_schedules')
      .values({ peer_id: peerId, every_hours: everyHours, next_at: nextAt, timer_id: timerId })
      .execute();
    return nextAt;
  }

  private changed(hooks: TxHooks, row: PingRow): void {
    hooks.afterCommit(() =>
      this.deps.bus.publish('ping.changed', { ping: presentPing(row) }, { roles: EVERYONE }),
    );
  }
}
