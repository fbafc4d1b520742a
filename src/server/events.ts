import { randomBytes } from 'node:crypto';
import type { Role } from '../core/roles.js';
import type { UserView } from '../core/schemas/accounts.js';
import type { CallView } from '../core/schemas/hotline.js';
import type { ImportJobView } from '../core/schemas/imports.js';
import type { LedgerView } from '../core/schemas/federation.js';
import type { NoteView } from '../core/schemas/notes.js';
import type { PingView } from '../core/schemas/pings.js';
import type { RequestView } from '../core/schemas/requests.js';

/**
 * The event bus that feeds the live stream (/api/events). Features publish typed events
 * after their transaction commits; each event says who may see it, and each process
 * filters at delivery for its own clients. A bounded log of recent events lets a client
 * that reconnects with Last-Event-ID catch up on what it missed. On PostgreSQL the log is
 * a table and events reach every process of the node (live/pg-bus.ts).
 */
export interface EventMap {
  'user.changed': { user: UserView };
  'session.revoked': { reason: string };
  'federation.ledger': { peer: string; ledger: LedgerView };
  'federation.peers': { peer: string };
  'note.created': { note: NoteView };
  /** A note was acknowledged (by us or by the peer). */
  'note.changed': { note: NoteView };
  'ping.changed': { ping: PingView };
  'contact.changed': { node: string; id: string | null };
  'arrangement.changed': { peer: string };
  'request.changed': { request: RequestView };
  /** A draft of this node was deleted. */
  'request.deleted': { id: string };
  'hotline.changed': { call: CallView };
  'hotline.alert': { call: CallView; reason: HotlineAlertReason };
  'hotline.roster': Record<string, never>;
  'case.changed': { caseId: string };
  /** Only the id: the audience is set by the object's marking (core/tlp-rules.ts). */
  'case.object': { caseId: string; objectId: string };
  /** An exercise was proposed, answered, its clock moved or an inject fired. */
  'exercise.changed': { exerciseId: string };
  /** A bulk import moved on (after each stored batch). */
  'import.progress': { job: ImportJobView };
  'request.deadline': {
    requestId: string;
    reference: string;
    deadline: 'acknowledge' | 'respond';
    alert: 'due_soon' | 'overdue';
  };
}
export type EventType = keyof EventMap;
export type HotlineAlertReason =
  'incoming' | 'rung' | 'reminder' | 'not_delivered' | 'delivered' | 'acknowledged';

/** Who may receive an event. */
export interface Audience {
  roles?: readonly Role[];
  userIds?: readonly string[];
}

export interface BusEvent<K extends EventType = EventType> {
  /**
   * `<boot>-<seq>`: on SQLite unique per process lifetime and ordered within it; on
   * PostgreSQL `boot` names the database's event log and `seq` is global to the node.
   */
  id: string;
  seq: number;
  type: K;
  data: EventMap[K];
  audience: Audience;
  at: number;
  /**
   * Published by this process. A subscriber that acts on an event (rather than passing it
   * to a client) skips the others' on PostgreSQL: their own process acts on them.
   */
  local: boolean;
}

export interface Viewer {
  userId: string;
  roles: readonly Role[];
}

export function visibleTo(event: BusEvent, viewer: Viewer): boolean {
  const { roles, userIds } = event.audience;
  if (userIds?.includes(viewer.userId)) return true;
  if (roles?.some((role) => viewer.roles.includes(role))) return true;
  return false;
}

type Listener = (event: BusEvent) => void;

/**
 * The live events of one process: on SQLite (one serving process per file) the whole bus;
 * on PostgreSQL the base of live/pg-bus.ts, which shares the events of every process of
 * the node through the database and calls `deliver` as they arrive.
 */
export class EventBus {
  /** Distinguishes this process's ids from a previous run's. */
  boot = randomBytes(4).toString('hex');
  private seq = 0;
  protected readonly recent: BusEvent[] = [];
  private readonly listeners = new Set<Listener>();

  constructor(
    protected readonly capacity: number,
    protected readonly now: () => number,
  ) {}

  /** Tells every subscriber (of every process, on PostgreSQL); call after the commit. */
  publish<K extends EventType>(type: K, data: EventMap[K], audience: Audience): void {
    this.seq += 1;
    this.deliver({
      id: `${this.boot}-${this.seq}`,
      seq: this.seq,
      type,
      data,
      audience,
      at: this.now(),
      local: true,
    });
  }

  /** Keeps the event in the recent log and hands it to every listener, in order. */
  protected deliver(event: BusEvent): void {
    this.recent.push(event);
    if (this.recent.length > this.capacity)
      this.recent.splice(0, this.recent.length - this.capacity);
    for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The events after `lastEventId`, or 'gap' when they can no longer be replayed (another
   * process lifetime or database, or older than the recent log holds). Events delivered
   * while it runs may be in its answer too: compare `seq`.
   */
  since(lastEventId: string): Promise<BusEvent[] | 'gap'> {
    const seq = this.seqOf(lastEventId);
    if (seq === undefined || seq > this.seq) return Promise.resolve('gap');
    const oldest = this.recent[0]?.seq ?? this.seq + 1;
    if (seq < oldest - 1) return Promise.resolve('gap');
    return Promise.resolve(this.recent.filter((event) => event.seq > seq));
  }

  /** The sequence number of one of this bus's ids; undefined for another's. */
  seqOf(lastEventId: string): number | undefined {
    const match = /^([0-9a-f]{8})-(\d{1,15})$/.exec(lastEventId);
    if (!match || match[1] !== this.boot) return undefined;
    return Number(match[2]);
  }

  /** Starts sharing events with the node's other processes (PostgreSQL); nothing here. */
  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
