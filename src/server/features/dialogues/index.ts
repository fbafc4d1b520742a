import type { FeatureFactory } from '../module.js';
import { CommitmentsService } from './commitments.service.js';
import { dialogueMessages } from './dialogues.messages.js';
import { registerDialoguesRoutes } from './dialogues.routes.js';
import { DialoguesService } from './dialogues.service.js';
import * as dialoguesTables from './migrations/2026_12_20_1000_dialogues.js';
import { RecordsInbox } from './records.receive.js';
import { RecordsService } from './records.service.js';
import { statusReportPart } from './status-report.part.js';

declare module '../module.js' {
  interface FeatureServices {
    dialogues: DialoguesService;
    dialogueRecords: RecordsService;
    commitments: CommitmentsService;
  }
}

/**
 * The dialogue record (issue 18): dialogues, their meetings, outcomes and commitments; the
 * agreed record of a meeting, signed by both nodes; each side's attestation of each
 * commitment; and (status-report.part.ts) the measures tied to commitments and the status
 * report for the next meeting.
 */
export const dialoguesModule: FeatureFactory = (ctx) => {
  const report = statusReportPart(ctx);
  const dialogues = new DialoguesService(ctx);
  const records = new RecordsService({ ...ctx, dialogues, measures: report.measures });
  const commitments = new CommitmentsService({ ...ctx, measures: report.measures });
  return {
    name: 'dialogues',
    migrations: { '2026_12_20_1000_dialogues': dialoguesTables, ...report.migrations },
    services: { dialogues, dialogueRecords: records, commitments },
    kinds: dialogueMessages(dialogues, new RecordsInbox(ctx), commitments),
    timers: report.timers,
    routes: (app) => {
      registerDialoguesRoutes(app, { dialogues, records, commitments });
      report.routes(app);
    },
    start: () => report.start(),
  };
};
