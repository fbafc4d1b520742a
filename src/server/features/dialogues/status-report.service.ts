import { z } from 'zod';
import type { Permission } from '../../../core/roles.js';
import type {
  MeasureCurrent,
  MeasureHistory,
  MeasureHistoryQuery,
  StatusReport,
  StatusReportQuery,
} from '../../../core/schemas/status-report.js';
import { authorize, type Actor } from '../../actor.js';
import { iso, type Clock } from '../../clock.js';
import { badRequest, notFound } from '../../errors.js';
import { findPeer, listPeerRows } from '../../federation/peers.js';
import type { Db, Store, TxHooks } from '../../store/database.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../store/cursors.js';
import { findPendingTimerOfKind, type TimerWorker } from '../../timers/timers.js';
import { commitmentFigures, commitmentsWith } from './commitments.figures.js';
import { computeMeasures, findMeasure, MEASURES, MEASURE_KEYS } from './measures.js';
import { insertReading, lastReading, readingId, readingsPage } from './measures.repository.js';
import { sharedRecords } from './report.data.js';
import { exercisesRun, sideFigures, type ReportPeriod } from './report.figures.js';
import type { MeasureReading, Measures } from './status-report.part.js';

/** Who may read the report and the measures: the dialogue record's readers (every role). */
const READ: Permission = 'dialogues.read';

export const MEASURE_READING_TIMER = 'dialogues.measures.daily';
export const MeasureReadingPayload = z.object({}).strict();
const DAY = 86_400_000;

export interface StatusReportDeps {
  store: Store;
  clock: Clock;
  timers: TimerWorker;
  nodeId: string;
}

/**
 * The status report for the next meeting (figures per side from the records both nodes
 * hold) and the measures tied to commitments: their current values, read and recorded when
 * they change, a daily reading of each, and their history.
 */
export class StatusReportService implements Measures {
  private dailyEnsured = false;

  constructor(private readonly deps: StatusReportDeps) {}

  // ---- the report ----------------------------------------------------------------------------

  async report(actor: Actor, query: StatusReportQuery): Promise<StatusReport> {
    authorize(actor, READ);
    const db = this.deps.store.db;
    const from = Date.parse(query.from);
    const to = Date.parse(query.to);
    if (!(from < to)) {
      throw badRequest('invalid_period', 'The period’s `from` must come before its `to`.');
    }
    const peer = await this.scope(db, query);
    const period: ReportPeriod = { from, to, asOf: Math.min(this.deps.clock.now(), to) };
    const records = await sharedRecords(db, this.deps.nodeId, peer, period);
    const commitments = commitmentFigures(
      await commitmentsWith(db, { peer, dialogue: query.dialogue }),
      { here: this.deps.nodeId, there: peer },
      period.asOf,
    );
    return {
      node: this.deps.nodeId,
      peer,
      dialogue: query.dialogue ?? null,
      from: iso(from),
      to: iso(to),
      asOf: iso(period.asOf),
      here: sideFigures(records.here, period, commitments.saysDone.here),
      there: sideFigures(records.there, period, commitments.saysDone.there),
      exercisesRun: exercisesRun(records.here, period),
      commitments: commitments.figures,
      agenda: commitments.agenda,
    };
  }

  /** The peer the report is about: named, or the dialogue's; 4xx when unknown or at odds. */
  private async scope(db: Db, query: StatusReportQuery): Promise<string> {
    let peer = query.peer;
    if (query.dialogue) {
      const dialogue = await db
        .selectFrom('dialogues')
        .select('peer_id')
        .where('id', '=', query.dialogue)
        .executeTakeFirst();
      if (!dialogue) {
        throw notFound('dialogue_not_found', `No dialogue has the id ${query.dialogue}.`);
      }
      if (peer && peer !== dialogue.peer_id) {
        throw badRequest(
          'peer_not_in_dialogue',
          `The dialogue ${query.dialogue} is with ${dialogue.peer_id}, not ${peer}.`,
        );
      }
      peer = dialogue.peer_id;
    }
    if (!peer) throw badRequest('peer_required', 'Name the `peer` (or the `dialogue`).');
    await this.peerOr404(db, peer);
    return peer;
  }

  private async peerOr404(db: Db, peer: string): Promise<void> {
    const row = await findPeer(db, peer);
    if (!row || row.status === 'removed') {
      throw notFound('peer_not_found', `No peer has the node id ${peer}.`);
    }
  }

  // ---- the measures over HTTP ----------------------------------------------------------------

  async listMeasures(actor: Actor, peer: string): Promise<MeasureCurrent[]> {
    authorize(actor, READ);
    await this.ensureDailyOnce();
    const db = this.deps.store.db;
    await this.peerOr404(db, peer);
    const now = this.deps.clock.now();
    const values = await computeMeasures(db, this.deps.nodeId, peer, now);
    const out: MeasureCurrent[] = [];
    for (const m of MEASURES) {
      const value = values.get(m.key) ?? null;
      await this.recordIfChanged(db, peer, m.key, value, now);
      out.push(present(m, peer, value, now));
    }
    return out;
  }

  async measure(actor: Actor, peer: string, key: string): Promise<MeasureCurrent> {
    authorize(actor, READ);
    await this.ensureDailyOnce();
    const db = this.deps.store.db;
    const m = measureOr404(key);
    await this.peerOr404(db, peer);
    const reading = await this.current(db, peer, key);
    return present(m, peer, reading.value, Date.parse(reading.at));
  }

  async measureHistory(
    actor: Actor,
    key: string,
    query: MeasureHistoryQuery,
  ): Promise<MeasureHistory> {
    authorize(actor, READ);
    const db = this.deps.store.db;
    measureOr404(key);
    await this.peerOr404(db, query.peer);
    const after = query.cursor ? decodeTimeCursor(query.cursor) : undefined;
    const rows = await readingsPage(db, {
      peer: query.peer,
      key,
      ...(after ? { after } : {}),
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      key,
      peer: query.peer,
      readings: page.map((r) => ({
        key: r.key,
        peer: r.peer_id,
        value: r.value === null ? null : Number(r.value),
        at: iso(Number(r.at)),
        reason: r.reason,
      })),
      nextCursor:
        rows.length > query.limit && last ? encodeTimeCursor(Number(last.at), last.id) : null,
    };
  }

  // ---- Measures: what the commitments read ------------------------------------------------

  keys(): readonly string[] {
    return MEASURE_KEYS;
  }

  /** The value now; recorded as a reading when it differs from the last one stored. */
  async current(db: Db, peer: string, key: string): Promise<MeasureReading> {
    const now = this.deps.clock.now();
    // A key this node does not compute (a peer's newer measure): unknown, never recorded.
    if (!findMeasure(key)) return { key, peer, value: null, at: iso(now) };
    const value = (await computeMeasures(db, this.deps.nodeId, peer, now)).get(key) ?? null;
    await this.recordIfChanged(db, peer, key, value, now);
    return { key, peer, value, at: iso(now) };
  }

  async history(db: Db, peer: string, key: string, limit: number): Promise<MeasureReading[]> {
    const rows = await readingsPage(db, { peer, key, limit });
    return rows.map((r) => ({
      key,
      peer,
      value: r.value === null ? null : Number(r.value),
      at: iso(Number(r.at)),
    }));
  }

  private async recordIfChanged(
    db: Db,
    peer: string,
    key: string,
    value: number | null,
    now: number,
  ): Promise<void> {
    const last = await lastReading(db, peer, key);
    const lastValue = last ? (last.value === null ? null : Number(last.value)) : undefined;
    if (lastValue === value) return;
    await insertReading(db, {
      id: readingId(now),
      peer_id: peer,
      key,
      value,
      at: now,
      reason: 'change',
    });
  }

  // ---- the daily reading ---------------------------------------------------------------------

  /** Makes sure the chain of daily readings runs (one pending timer of the kind). */
  async ensureDaily(): Promise<void> {
    await this.deps.store.transaction(async (trx, hooks) => {
      if (await findPendingTimerOfKind(trx, MEASURE_READING_TIMER)) return;
      await this.deps.timers.schedule(trx, hooks, {
        kind: MEASURE_READING_TIMER,
        dueAt: this.deps.clock.now(),
        payload: {},
      });
    });
  }

  /** From a request (never inside a transaction): the chain, if `start` did not run. */
  private async ensureDailyOnce(): Promise<void> {
    if (this.dailyEnsured) return;
    await this.ensureDaily();
    this.dailyEnsured = true;
  }

  /** A reading of every measure with every peer, then the next one a day later. */
  async dailyReading(trx: Db, hooks: TxHooks): Promise<void> {
    const now = this.deps.clock.now();
    for (const peer of await listPeerRows(trx)) {
      const values = await computeMeasures(trx, this.deps.nodeId, peer.node_id, now);
      for (const [key, value] of values) {
        await insertReading(trx, {
          id: readingId(now),
          peer_id: peer.node_id,
          key,
          value,
          at: now,
          reason: 'daily',
        });
      }
    }
    await this.deps.timers.schedule(trx, hooks, {
      kind: MEASURE_READING_TIMER,
      dueAt: now + DAY,
      payload: {},
    });
  }
}

function measureOr404(key: string) {
  const m = findMeasure(key);
  if (!m) throw notFound('measure_not_found', `No measure has the key ${key}.`);
  return m;
}

function present(
  m: (typeof MEASURES)[number],
  peer: string,
  value: number | null,
  at: number,
): MeasureCurrent {
  return {
    key: m.key,
    unit: m.unit,
    title: m.title,
    definition: m.definition,
    peer,
    value,
    at: iso(at),
  };
}
