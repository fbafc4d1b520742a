import { TIERS, type Tier } from '../../../core/hotline.js';
import {
  coverage,
  WEEKDAY_NAMES,
  type CoverageHour,
  type ShiftPattern,
  type WeekdayName,
} from '../../../core/roster.js';
import {
  HOTLINE_COVERAGE_KIND,
  type CoverageView,
  type HotlineCoverageMessage,
  type LadderTarget,
  type PeerCoverageView,
} from '../../../core/schemas/hotline.js';
import { authorize, type Actor } from '../../actor.js';
import { iso } from '../../clock.js';
import { notFound } from '../../errors.js';
import type { EventBus } from '../../events.js';
import type { Db, TxHooks } from '../../store/database.js';
import { findPendingTimerOfKind } from '../../timers/timers.js';
import { listContacts, type ContactRow } from '../contacts/public.js';
import type { FeatureContext } from '../module.js';
import { patternOf, presentPeerCoverage } from './hotline.present.js';
import { readLadder } from './ladder.service.js';
import { findPeerCoverage, listShifts, replacePeerCoverage } from './roster.repository.js';

const HOUR = 3_600_000;
const TWO_WEEKS_HOURS = 14 * 24;
export const COVERAGE_TIMER = 'hotline.coverage';
const MANAGERS = ['admin', 'officer'] as const;

type CoverageDeps = Pick<
  FeatureContext,
  'store' | 'clock' | 'bus' | 'federation' | 'timers' | 'nodeId'
>;

/** Someone who puts a tier's rung 1 on duty, and when. */
interface RungOneShift {
  person: { contactId: string; name: string; published: boolean };
  pattern: ShiftPattern;
}

/** The supervisors' roster screens refresh (the roster, ladder, webhooks or coverage changed). */
export function publishRosterChanged(bus: EventBus, hooks: TxHooks): void {
  hooks.afterCommit(() => bus.publish('hotline.roster', {}, { roles: MANAGERS }));
}

/**
 * The coverage the roster gives rung 1 of each tier: shown to the supervisors hour by hour,
 * and told to the peers (gaps, and who is on duty only for published contacts) whenever the
 * roster or ladder changes, when a peer becomes active, and daily.
 */
export class CoverageService {
  constructor(private readonly deps: CoverageDeps) {
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
      if (!(await findPendingTimerOfKind(trx, COVERAGE_TIMER)))
        await this.scheduleDaily(trx, hooks);
    });
  }

  /** The daily timer fired: tell the peers (when there is a roster) and schedule the next. */
  async daily(trx: Db, hooks: TxHooks): Promise<void> {
    if ((await listShifts(trx)).length > 0) await this.broadcast(trx, hooks);
    await this.scheduleDaily(trx, hooks);
  }

  async coverage(actor: Actor, query: { from?: string; hours: number }): Promise<CoverageView> {
    authorize(actor, 'hotline.manage');
    const from = query.from ? Date.parse(query.from) : this.deps.clock.now();
    const perTier = await this.rungOneShifts(this.deps.store.db);
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
    const row = await findPeerCoverage(this.deps.store.db, peerId);
    if (!row) throw notFound('no_coverage', `${peerId} has not told this node its coverage.`);
    return presentPeerCoverage(row);
  }

  /** A peer's coverage arrived: keep the latest. */
  async coverageReceived(
    trx: Db,
    hooks: TxHooks,
    peerId: string,
    body: HotlineCoverageMessage,
  ): Promise<void> {
    await replacePeerCoverage(trx, peerId, this.deps.clock.now(), JSON.stringify(body));
    publishRosterChanged(this.deps.bus, hooks);
  }

  /** The roster or ladder changed: tell the peers and the supervisors' screens. */
  async changed(trx: Db, hooks: TxHooks): Promise<void> {
    await this.broadcast(trx, hooks);
    publishRosterChanged(this.deps.bus, hooks);
  }

  private async scheduleDaily(trx: Db, hooks: TxHooks): Promise<void> {
    await this.deps.timers.schedule(trx, hooks, {
      kind: COVERAGE_TIMER,
      dueAt: this.deps.clock.now() + 24 * HOUR,
    });
  }

  private async broadcast(trx: Db, hooks: TxHooks): Promise<void> {
    await this.deps.federation.broadcast(
      trx,
      hooks,
      HOTLINE_COVERAGE_KIND,
      await this.coverageMessage(trx),
    );
  }

  /** Per tier, the shift patterns that put someone on rung 1, with who they are. */
  private async rungOneShifts(db: Db): Promise<Record<Tier, RungOneShift[]>> {
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
    const out = {} as Record<Tier, RungOneShift[]>;
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
      tiers[tier] = {
        gaps: result.gaps.map((gap) => ({ from: iso(gap.from), to: iso(gap.to) })),
        published: publishedPeople(result.hours),
      };
    }
    return { computedAt: iso(now), from: iso(window.from), to: iso(window.to), tiers };
  }
}

/** Published people on duty, hour runs joined into intervals. */
function publishedPeople(
  hours: readonly CoverageHour<RungOneShift['person']>[],
): HotlineCoverageMessage['tiers'][Tier]['published'] {
  const published: HotlineCoverageMessage['tiers'][Tier]['published'] = [];
  for (const hour of hours) {
    for (const p of hour.people) {
      if (!p.published) continue;
      const last = published.findLast((x) => x.contactId === p.contactId);
      const start = iso(hour.start);
      const end = iso(hour.start + HOUR);
      if (last && last.to === start) last.to = end;
      else published.push({ contactId: p.contactId, name: p.name, from: start, to: end });
    }
  }
  return published;
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

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
