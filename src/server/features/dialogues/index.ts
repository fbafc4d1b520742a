import type { FeatureFactory } from '../module.js';
import { CommitmentsService } from './commitments.service.js';
import { dialogueMessages } from './dialogues.messages.js';
import { registerDialoguesRoutes } from './dialogues.routes.js';
import { DialoguesService } from './dialogues.service.js';
import { registerEvidenceRoutes } from './evidence.routes.js';
import { EvidenceService } from './evidence.service.js';
import * as dialoguesTables from './migrations/2026_12_20_1000_dialogues.js';
import * as evidenceTables from './migrations/2026_12_22_1000_dialogue_evidence.js';
import { RecordsInbox } from './records.receive.js';
import { RecordsService } from './records.service.js';
import { statusReportPart } from './status-report.part.js';

declare module '../module.js' {
  interface FeatureServices {
    dialogues: DialoguesService;
    dialogueRecords: RecordsService;
    commitments: CommitmentsService;
    commitmentEvidence: EvidenceService;
  }
}

/**
 * The dialogue record (issue 18): dialogues, their meetings, outcomes and commitments; the
 * agreed record of a meeting, signed by both nodes; each side's attestation of each
 * commitment; and (status-report.part.ts) the measures tied to commitments and the status
 * report for the next meeting. Reports' claims attached to commitments as this node's evidence
 * (evidence.service.ts, issue 19) stay on this node.
 */
export const dialoguesModule: FeatureFactory = (ctx) => {
  const report = statusReportPart(ctx);
  const dialogues = new DialoguesService(ctx);
  const records = new RecordsService({ ...ctx, dialogues, measures: report.measures });
  const commitments = new CommitmentsService({ ...ctx, measures: report.measures });
  const evidence = new EvidenceService(ctx);
  return {
    name: 'dialogues',
    migrations: {
      '2026_12_20_1000_dialogues': dialoguesTables,
      '2026_12_22_1000_dialogue_evidence': evidenceTables,
      ...report.migrations,
    },
    services: { dialogues, dialogueRecords: records, commitments, commitmentEvidence: evidence },
    kinds: dialogueMessages(dialogues, new RecordsInbox(ctx), commitments),
    timers: report.timers,
    routes: (app) => {
      registerDialoguesRoutes(app, { dialogues, records, commitments });
      registerEvidenceRoutes(app, evidence);
      report.routes(app);
    },
    start: () => report.start(),
  };
};
