import type { FastifyInstance } from 'fastify';
import type { Migration } from 'kysely';
import type { Db } from '../../store/database.js';
import type { TimerKind } from '../../timers/timers.js';
import type { FeatureContext } from '../module.js';

/** One reading of a measure the node computes, for commitments tied to it. */
export interface MeasureReading {
  key: string;
  peer: string;
  value: number | null;
  /** ISO time of the reading. */
  at: string;
}

/** The measures (their keys, current values and history), used by the commitments. */
export interface Measures {
  keys(): readonly string[];
  current(db: Db, peer: string, key: string): Promise<MeasureReading>;
  history(db: Db, peer: string, key: string, limit: number): Promise<MeasureReading[]>;
}

/** The status report and the measures: their tables, timers, routes and service. */
export interface StatusReportPart {
  migrations: Record<string, Migration>;
  timers: TimerKind[];
  routes(app: FastifyInstance): void;
  measures: Measures;
}

export function statusReportPart(_ctx: FeatureContext): StatusReportPart {
  return {
    migrations: {},
    timers: [],
    routes: () => {},
    measures: {
      keys: () => [],
      current: (_db, peer, key) =>
        Promise.resolve({ key, peer, value: null, at: new Date(0).toISOString() }),
      history: () => Promise.resolve([]),
    },
  };
}
