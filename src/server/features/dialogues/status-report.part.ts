import type { FastifyInstance } from 'fastify';
import type { Migration } from 'kysely';
import type { Db } from '../../store/database.js';
import { timerKind, type TimerKind } from '../../timers/timers.js';
import type { FeatureContext } from '../module.js';
import * as measuresTables from './migrations/2026_12_20_1100_dialogue_measures.js';
import { registerStatusReportRoutes } from './status-report.routes.js';
import {
  MEASURE_READING_TIMER,
  MeasureReadingPayload,
  StatusReportService,
} from './status-report.service.js';

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
  /** The value now (null: nothing to count yet, or a key this node does not compute). */
  current(db: Db, peer: string, key: string): Promise<MeasureReading>;
  /** The stored readings, newest first. */
  history(db: Db, peer: string, key: string, limit: number): Promise<MeasureReading[]>;
}

/** The status report and the measures: their tables, timers, routes and service. */
export interface StatusReportPart {
  migrations: Record<string, Migration>;
  timers: TimerKind[];
  routes(app: FastifyInstance): void;
  measures: Measures;
  /** The service behind the routes (the report, the measures over HTTP). */
  service: StatusReportService;
  /** After migration: makes sure the daily reading of the measures is scheduled. */
  start(): Promise<void>;
}

/**
 * The status report for the next meeting and the measures (docs/status-report.md): the
 * readings' table, the daily reading's timer kind, the routes. The daily reading is also
 * scheduled the first time any measure is read, in case `start` is not called.
 */
export function statusReportPart(ctx: FeatureContext): StatusReportPart {
  const service = new StatusReportService({
    store: ctx.store,
    clock: ctx.clock,
    timers: ctx.timers,
    nodeId: ctx.nodeId,
  });
  return {
    migrations: { '2026_12_20_1100_dialogue_measures': measuresTables },
    timers: [
      timerKind(MEASURE_READING_TIMER, MeasureReadingPayload, (trx, _payload, _timer, hooks) =>
        service.dailyReading(trx, hooks),
      ),
    ],
    routes: (app) => registerStatusReportRoutes(app, service),
    measures: service,
    service,
    start: () => service.ensureDaily(),
  };
}
