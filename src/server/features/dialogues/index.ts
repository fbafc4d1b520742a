import type { FeatureFactory } from '../module.js';
import './dialogues.table.js';
import * as dialoguesTables from './migrations/2026_12_20_1000_dialogues.js';
import { statusReportPart } from './status-report.part.js';

/**
 * The dialogue record (issue 18): dialogues, their meetings, outcomes and commitments; the
 * agreed record of a meeting, signed by both nodes; each side's attestation of each
 * commitment; and (status-report.part.ts) the measures tied to commitments and the status
 * report for the next meeting.
 */
export const dialoguesModule: FeatureFactory = (ctx) => {
  const report = statusReportPart(ctx);
  return {
    name: 'dialogues',
    migrations: { '2026_12_20_1000_dialogues': dialoguesTables, ...report.migrations },
    services: {},
    timers: report.timers,
    routes: (app) => {
      report.routes(app);
    },
  };
};
