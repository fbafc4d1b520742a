import type { Generated } from 'kysely';

/** The tables the processes of one node share (store/migrations/…_live_processes.ts). */
export interface LiveEventsTable {
  /** Global: every process of the node numbers its events from this one sequence. */
  seq: Generated<number>;
  type: string;
  /** JSON `{ data, audience, process }` (process: the writer's random id). */
  body: string;
  at: number;
}

export interface LiveStateTable {
  id: number;
  /** The event log's id: the `<boot>` of event ids on PostgreSQL. */
  boot: string;
  /** Moved by PostgreSQL triggers whenever a credential may have changed. */
  auth_epoch: number;
}

export interface RateCountsTable {
  /** The route and the limit's key (address, claimed user…). */
  key: string;
  /** When the window ends (epoch ms, real time). */
  reset_at: number;
  n: number;
}

declare module '../store/database.js' {
  interface Database {
    live_events: LiveEventsTable;
    live_state: LiveStateTable;
    rate_counts: RateCountsTable;
  }
}
