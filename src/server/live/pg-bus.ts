import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import {
  EventBus,
  type Audience,
  type BusEvent,
  type EventMap,
  type EventType,
} from '../events.js';
import type { Store } from '../store/database.js';
import { PgListener } from './pg-listener.js';
import './live.table.js';

export const EVENTS_CHANNEL = 'liaison_events';
/** NOTIFY payloads must stay under 8000 bytes: a larger batch is sent by reference. */
const INLINE_LIMIT = 7_000;
/** Events written in one transaction at most (more wait for the next). */
const WRITE_BATCH = 200;
const READ_PAGE = 500;
const PRUNE_MS = 30_000;
/** The writers' advisory lock: held to the commit, it makes commit order sequence order. */
const WRITE_LOCK = 0x4c697665;

interface Pending {
  type: EventType;
  body: string;
  at: number;
}
/** A notification: the sequence numbers from `f` to `t`, with the events when they fit. */
interface Notice {
  f: number;
  t: number;
  e?: [seq: number, type: string, body: string, at: number][];
}

/**
 * The event bus of a node on PostgreSQL, shared by all its processes. `publish` (after the
 * commit, as on SQLite) queues the event; a writer puts what is queued into `live_events`
 * in one transaction, numbered by the table's global sequence under an advisory lock, and
 * NOTIFYs the batch (inline when small, otherwise only its sequence numbers). Each process
 * LISTENs on a connection of its own and delivers every event of every process, in
 * sequence order, reading from the table what came by reference or what it missed (a
 * gap in the numbers, a reconnection). Each process's streams filter by their viewer as on
 * SQLite. Ids are `<log>-<seq>`, the same in every process: a client may resume anywhere.
 */
export class PgEventBus extends EventBus {
  /** This process, in the events it writes (BusEvent.local). */
  private readonly process = randomBytes(6).toString('hex');
  /** The highest sequence number delivered here. */
  private delivered = 0;
  private listening = false;
  private readonly pending: Pending[] = [];
  private writing: Promise<void> | undefined;
  private reading: Promise<void> = Promise.resolve();
  private listener: PgListener | undefined;
  private pruner: NodeJS.Timeout | undefined;

  constructor(
    capacity: number,
    now: () => number,
    private readonly deps: { store: Store; url: string; log: Logger },
  ) {
    super(capacity, now);
  }

  override publish<K extends EventType>(type: K, data: EventMap[K], audience: Audience): void {
    this.pending.push({
      type,
      body: JSON.stringify({ data, audience, process: this.process }),
      at: this.now(),
    });
    this.writing ??= this.write();
  }

  override async start(): Promise<void> {
    const state = await this.deps.store.db
      .selectFrom('live_state')
      .select('boot')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    this.boot = state.boot;
    this.listener = new PgListener({
      url: this.deps.url,
      channels: [EVENTS_CHANNEL],
      log: this.deps.log,
      notified: (_channel, payload) => this.notified(payload),
      connected: () => this.enqueue(() => this.connected()),
    });
    await this.listener.start();
    this.pruner = setInterval(() => void this.prune(), PRUNE_MS);
    this.pruner.unref();
  }

  /** Writes what is queued, then stops listening. */
  override async stop(): Promise<void> {
    clearInterval(this.pruner);
    await this.writing;
    await this.listener?.stop();
    await this.reading;
  }

  override async since(lastEventId: string): Promise<BusEvent[] | 'gap'> {
    const seq = this.seqOf(lastEventId);
    if (seq === undefined) return 'gap';
    const oldest = this.recent[0]?.seq;
    if (oldest !== undefined && seq >= oldest - 1 && seq <= this.delivered)
      return this.recent.filter((event) => event.seq > seq);
    return this.sinceInTable(seq);
  }

  /** The events after `seq` from the table, when it still holds them all. */
  private async sinceInTable(seq: number): Promise<BusEvent[] | 'gap'> {
    const db = this.deps.store.db;
    const bounds = await db
      .selectFrom('live_events')
      .select((eb) => [eb.fn.min('seq').as('low'), eb.fn.max('seq').as('high')])
      .executeTakeFirst();
    const low = bounds?.low ?? null;
    const high = bounds?.high ?? null;
    if (low === null || high === null || seq < Number(low) - 1 || seq > Number(high)) return 'gap';
    const rows = await db
      .selectFrom('live_events')
      .selectAll()
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(this.capacity + 1)
      .execute();
    if (rows.length > this.capacity) return 'gap';
    return rows.map((row) => this.eventOf(Number(row.seq), row.type, row.body, Number(row.at)));
  }

  /** Puts the queued events into the table and announces them, a batch at a time. */
  private async write(): Promise<void> {
    let failures = 0;
    while (this.pending.length > 0) {
      const batch = this.pending.slice(0, WRITE_BATCH);
      try {
        await this.insert(batch);
        this.pending.splice(0, batch.length);
        failures = 0;
      } catch (error) {
        failures += 1;
        this.deps.log.error({ err: error, failures }, 'live events could not be written');
        if (failures >= 5) {
          this.pending.splice(0, batch.length);
          this.deps.log.error({ lost: batch.length }, 'live events dropped');
          failures = 0;
        } else await new Promise((resolve) => setTimeout(resolve, 200 * failures));
      }
    }
    this.writing = undefined;
  }

  private async insert(batch: Pending[]): Promise<void> {
    await this.deps.store.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${WRITE_LOCK}::bigint)`.execute(trx);
      const rows = await trx
        .insertInto('live_events')
        .values(batch.map((p) => ({ type: p.type, body: p.body, at: p.at })))
        .returning('seq')
        .execute();
      const seqs = rows.map((row) => Number(row.seq)).sort((a, b) => a - b);
      const f = seqs[0] as number;
      const t = seqs[seqs.length - 1] as number;
      const inline = JSON.stringify({
        f,
        t,
        e: batch.map((p, i) => [seqs[i] as number, p.type, p.body, p.at]),
      } satisfies Notice);
      const payload = Buffer.byteLength(inline) <= INLINE_LIMIT ? inline : JSON.stringify({ f, t });
      await sql`select pg_notify(${EVENTS_CHANNEL}, ${payload})`.execute(trx);
    });
  }

  private notified(payload: string): void {
    let notice: Notice;
    try {
      notice = JSON.parse(payload) as Notice;
    } catch {
      return;
    }
    void this.enqueue(() => this.take(notice));
  }

  /** Runs `step` after every earlier one: events are delivered in sequence order. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    this.reading = this.reading.then(step).catch((error: unknown) => {
      this.deps.log.error({ err: error }, 'live events could not be read');
    });
    return this.reading;
  }

  private async take(notice: Notice): Promise<void> {
    if (!this.listening || notice.t <= this.delivered) return;
    if (notice.e && notice.f === this.delivered + 1) {
      for (const [seq, type, body, at] of notice.e) this.deliverRow(seq, type, body, at);
    } else await this.catchUp(notice.t);
  }

  /** Listening (again): from the newest event the first time, else what was missed. */
  private async connected(): Promise<void> {
    if (this.listening) return this.catchUp();
    const row = await this.deps.store.db
      .selectFrom('live_events')
      .select((eb) => eb.fn.max('seq').as('high'))
      .executeTakeFirst();
    this.delivered = Number(row?.high ?? 0);
    this.listening = true;
  }

  /** Delivers the table's events after the last delivered (up to `upTo`), a page at a time. */
  private async catchUp(upTo = Number.MAX_SAFE_INTEGER): Promise<void> {
    for (;;) {
      const rows = await this.deps.store.db
        .selectFrom('live_events')
        .selectAll()
        .where('seq', '>', this.delivered)
        .where('seq', '<=', upTo)
        .orderBy('seq')
        .limit(READ_PAGE)
        .execute();
      const first = rows[0];
      if (first && Number(first.seq) > this.delivered + 1 && this.delivered > 0)
        this.deps.log.warn({ after: this.delivered, next: first.seq }, 'live events were missed');
      for (const row of rows) this.deliverRow(Number(row.seq), row.type, row.body, Number(row.at));
      if (rows.length < READ_PAGE) return;
    }
  }

  private deliverRow(seq: number, type: string, body: string, at: number): void {
    if (seq <= this.delivered) return;
    this.delivered = seq;
    this.deliver(this.eventOf(seq, type, body, at));
  }

  private eventOf(seq: number, type: string, body: string, at: number): BusEvent {
    const { data, audience, process } = JSON.parse(body) as {
      data: unknown;
      audience: Audience;
      process?: string;
    };
    const local = process === this.process;
    return { id: `${this.boot}-${seq}`, seq, type, data, audience, at, local } as BusEvent;
  }

  /** Keeps the newest events the recent log's size allows (every process may do it). */
  private async prune(): Promise<void> {
    try {
      await sql`delete from live_events
        where seq <= (select max(seq) from live_events) - ${this.capacity}`.execute(
        this.deps.store.db,
      );
    } catch (error) {
      this.deps.log.warn({ err: error }, 'old live events could not be pruned');
    }
  }
}
