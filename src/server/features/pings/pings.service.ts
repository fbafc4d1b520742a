import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ROLES } from '../../../core/roles.js';
import {
  PING_ACK_KIND,
  PING_KIND,
  type PeriodQuery,
  type PingReport,
  type PingView,
  type SendPingBody,
} from '../../../core/schemas/pings.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { iso, isoOrNull } from '../../clock.js';
import { conflict, notFound } from '../../errors.js';
import { findPeer } from '../../federation/peers.js';
import type { Db, TxHooks } from '../../store/database.js';
import { cancelTimer, type TimerWorker } from '../../timers/timers.js';
import { findContact, listContacts, type ContactRow } from '../contacts/public.js';
import { displayNameOf, type FeatureDeps } from '../feature-deps.js';
import { presentPing, presentReport, presentSchedule, type ScheduleView } from './pings.present.js';
import {
  deleteSchedule,
  findPing,
  findSchedule,
  insertPing,
  insertSchedule,
  listPings,
  listSentIn,
  setAcknowledged,
  setAnsweredAt,
  type PingListQuery,
} from './pings.repository.js';
import type { PingRow } from './pings.table.js';
import type { ExercisePing, ExercisePingHooks, ExercisePingListener } from './pings.exercise.js';

export const PING_ROUND_TIMER = 'pings.round';
export const PingRoundPayload = z.object({ peer: z.string() });
const HOUR = 3_600_000;

/**
 * Ping tests of the peers' points of contact: on demand or on a schedule, each published
 * contact of a peer gets a ping; the peer's duty officer acknowledges it with one click;
 * this node records how long that took. The report gives the share answered, the median
 * and 90th percentile time, and the contacts that never answered.
 */
export class PingsService {
  constructor(
    private readonly deps: FeatureDeps & { timers: TimerWorker; exercise: ExercisePingHooks },
  ) {}

  /**
   * An exercise's inject pings every published contact of the peer, marked EXERCISE, in the
   * inject's transaction (refused before anything is written when the peer has none).
   * Returns the pings' ids.
   */
  async sendExercise(trx: Db, hooks: TxHooks, ping: ExercisePing): Promise<string[]> {
    const peer = await findPeer(trx, ping.peer);
    if (!peer || peer.status !== 'active')
      throw notFound('peer_not_found', `No active peer has the node id ${ping.peer}.`);
    const rows = await this.pingContacts(
      trx,
      hooks,
      { kind: 'system', reason: 'exercise' },
      ping.peer,
      undefined,
      false,
      this.deps.clock.now(),
      { exercise_id: ping.exerciseId, exercise_inject_id: ping.injectId },
    );
    return rows.map((row) => row.id);
  }

  /** The exercises feature hears of its pings here (received, acknowledged). */
  onExercise(listener: ExercisePingListener): void {
    this.deps.exercise.on(listener);
  }

  /** The round timer of a peer's schedule fired: ping its contacts, and set the next round. */
  async roundDue(trx: Db, hooks: TxHooks, peer: string): Promise<void> {
    const schedule = await findSchedule(trx, peer);
    if (!schedule || Number(schedule.every_hours) === 0) return;
    const now = this.deps.clock.now();
    if (await this.deps.federation.peerAccepts(trx, peer, PING_KIND)) {
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
  }

  async list(actor: Actor, query: PingListQuery): Promise<PingView[]> {
    authorize(actor, 'contacts.read');
    return (await listPings(this.deps.store.db, query)).map(presentPing);
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

  async schedule(actor: Actor, peerId: string): Promise<ScheduleView> {
    authorize(actor, 'contacts.read');
    return presentSchedule(await findSchedule(this.deps.store.db, peerId));
  }

  /** Pings a peer's published contacts every `everyHours` (0 stops). */
  async setSchedule(actor: Actor, peerId: string, everyHours: number): Promise<ScheduleView> {
    authorize(actor, 'pings.send');
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      const peer = await findPeer(trx, peerId);
      if (!peer || peer.status === 'removed')
        throw notFound('peer_not_found', `No peer has the node id ${peerId}.`);
      const existing = await findSchedule(trx, peerId);
      if (existing?.timer_id) await cancelTimer(trx, existing.timer_id);
      await deleteSchedule(trx, peerId);
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
      const row = await findPing(trx, id);
      if (!row || row.direction !== 'in')
        throw notFound('ping_not_found', `No ping from a peer has the id ${id}.`);
      if (row.acknowledged_at !== null) {
        throw conflict(
          'already_acknowledged',
          `This ping was acknowledged at ${iso(Number(row.acknowledged_at))} by ${row.acknowledged_by ?? 'someone'}.`,
        );
      }
      const by = await displayNameOf(trx, actor, this.deps.nodeId);
      await setAcknowledged(trx, id, now, by);
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
      // An exercise's ping: its exercise observes the answer, in this transaction.
      await this.deps.exercise.emit(trx, hooks, updated, 'acknowledged', now);
      this.changed(hooks, updated);
      return updated;
    });
    return presentPing(row);
  }

  async report(actor: Actor, query: PeriodQuery): Promise<PingReport> {
    authorize(actor, 'contacts.read');
    return presentReport(query, await listSentIn(this.deps.store.db, query));
  }

  // ---- federation ----------------------------------------------------------------------

  async received(
    trx: Db,
    hooks: TxHooks,
    peerId: string,
    body: {
      pingId: string;
      contactId: string;
      sentAt: string;
      exerciseId?: string | undefined;
      exerciseInjectId?: string | undefined;
    },
  ): Promise<void> {
    if (await findPing(trx, body.pingId)) return;
    const contact = await findContact(trx, body.contactId);
    if (!contact || contact.node_id !== this.deps.nodeId) {
      throw notFound('contact_not_found', `This node has no contact ${body.contactId}.`);
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
      exercise_id: body.exerciseId ?? null,
      exercise_inject_id: body.exerciseId ? (body.exerciseInjectId ?? null) : null,
    };
    await insertPing(trx, row);
    const now = this.deps.clock.now();
    await appendAudit(trx, {
      actor: { kind: 'peer', nodeId: peerId },
      at: now,
      action: 'ping.receive',
      entityType: 'ping',
      entityId: row.id,
      details: {
        contact: body.contactId,
        ...(row.exercise_id ? { exercise: row.exercise_id } : {}),
      },
    });
    await this.deps.exercise.emit(trx, hooks, row, 'received', now);
    this.changed(hooks, row);
  }

  async acknowledged(
    trx: Db,
    hooks: TxHooks,
    peerId: string,
    body: { pingId: string; at: string; by: string },
  ): Promise<void> {
    const row = await findPing(trx, body.pingId);
    if (!row || row.direction !== 'out' || row.peer_id !== peerId) {
      throw notFound('ping_not_found', `No ping ${body.pingId} was sent to ${peerId}.`);
    }
    if (row.acknowledged_at !== null) return;
    // The time to acknowledge is measured on this node's clock: sent → answer received.
    const now = this.deps.clock.now();
    await setAcknowledged(trx, row.id, now, body.by);
    // The officer's own time too: the dialogue's report counts from it on both nodes.
    const answeredAt = Date.parse(body.at);
    if (Number.isFinite(answeredAt)) await setAnsweredAt(trx, row.id, answeredAt);
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
    exercise?: Pick<PingRow, 'exercise_id' | 'exercise_inject_id'>,
  ): Promise<PingRow[]> {
    const chosen = chooseContacts(peerId, await listContacts(trx, peerId), contactIds, scheduled);
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
        exercise_id: exercise?.exercise_id ?? null,
        exercise_inject_id: exercise?.exercise_inject_id ?? null,
      };
      await insertPing(trx, row);
      await this.deps.federation.send(trx, hooks, peerId, PING_KIND, {
        pingId: row.id,
        contactId: contact.id,
        sentAt: iso(now),
        // Only an exercise ping carries its marker.
        ...(row.exercise_id ? { exerciseId: row.exercise_id } : {}),
        ...(row.exercise_inject_id ? { exerciseInjectId: row.exercise_inject_id } : {}),
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
      details: {
        pings: rows.map((r) => r.id),
        scheduled,
        ...(exercise?.exercise_id ? { exercise: exercise.exercise_id } : {}),
      },
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
    await deleteSchedule(trx, peerId);
    await insertSchedule(trx, {
      peer_id: peerId,
      every_hours: everyHours,
      next_at: nextAt,
      timer_id: timerId,
    });
    return nextAt;
  }

  private changed(hooks: TxHooks, row: PingRow): void {
    hooks.afterCommit(() =>
      this.deps.bus.publish('ping.changed', { ping: presentPing(row) }, { roles: ROLES }),
    );
  }
}

/**
 * The contacts to ping: the ones named (each must be one the peer published), or all; a
 * ping on demand needs at least one, a scheduled round may find none.
 */
function chooseContacts(
  peerId: string,
  published: readonly ContactRow[],
  contactIds: string[] | undefined,
  scheduled: boolean,
): readonly ContactRow[] {
  const chosen = contactIds ? published.filter((c) => contactIds.includes(c.id)) : published;
  if (contactIds) {
    const unknown = contactIds.filter((id) => !published.some((c) => c.id === id));
    if (unknown.length > 0) {
      throw notFound(
        'contact_not_found',
        `${peerId} has published no contact with the id ${unknown.join(', ')}.`,
      );
    }
  }
  if (chosen.length === 0 && !scheduled) {
    throw conflict('no_contacts', `${peerId} has published no contacts to ping.`);
  }
  return chosen;
}
