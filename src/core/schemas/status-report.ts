import { z } from 'zod';
import { NodeId } from './common.js';
import { ATTESTATION_STATUSES } from './dialogues.js';

/**
 * The status report for the next meeting and the measures (issue 18, docs/status-report.md):
 * the API's queries and views. Every figure is computed from records both nodes hold, so the
 * two nodes' reports agree number for number, their sides swapped.
 */

const Instant = z.iso.datetime({
  offset: true,
  error: 'an ISO 8601 time such as 2026-06-01T00:00:00Z',
});

export const REPORT_LANGUAGES = ['en', 'zh-CN'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

/** The period [from, to) and the peer (or the dialogue, whose peer it is). */
export const StatusReportQuery = z
  .object({
    peer: NodeId.optional(),
    dialogue: z.string().min(1).max(64).optional(),
    from: Instant,
    to: Instant,
  })
  .strict();
export type StatusReportQuery = z.infer<typeof StatusReportQuery>;

export const StatusReportDocxQuery = StatusReportQuery.extend({
  lang: z.enum(REPORT_LANGUAGES).default('en'),
}).strict();
export type StatusReportDocxQuery = z.infer<typeof StatusReportDocxQuery>;

/** Requests of one type (or `all`) sent by a side in the period, answered by the other. */
export const ReportRequestRow = z.object({
  type: z.string(),
  sent: z.number().int(),
  answered: z.number().int(),
  /** Answered or past the deadline to respond (not withdrawn): what "on time" is a share of. */
  decided: z.number().int(),
  onTime: z.number().int(),
  onTimeShare: z.number().nullable(),
  respondMedianMs: z.number().nullable(),
  respondP90Ms: z.number().nullable(),
});
export type ReportRequestRow = z.infer<typeof ReportRequestRow>;

/** What one side started in the period, and how the other side answered. */
export const ReportSide = z.object({
  node: z.string(),
  requests: z.array(ReportRequestRow),
  hotline: z.object({
    placed: z.number().int(),
    delivered: z.number().int(),
    acknowledgedWithinDeadline: z.number().int(),
    acknowledgedWithinDeadlineShare: z.number().nullable(),
    escalated: z.number().int(),
  }),
  pings: z.object({
    sent: z.number().int(),
    answered: z.number().int(),
    answeredShare: z.number().nullable(),
    medianMs: z.number().nullable(),
  }),
  sharing: z.object({ objectsShared: z.number().int(), feedbackGiven: z.number().int() }),
  exercises: z.object({
    aarShared: z.number().int(),
    ratings: z.object({
      P: z.number().int(),
      S: z.number().int(),
      M: z.number().int(),
      U: z.number().int(),
    }),
    openCorrectiveActions: z.number().int(),
  }),
  commitments: z.object({ saysDone: z.number().int() }),
});
export type ReportSide = z.infer<typeof ReportSide>;

const Text = z.object({ en: z.string(), zh: z.string() });

/** A commitment the next meeting should discuss. */
export const AgendaEntry = z.object({
  reason: z.enum(['overdue', 'diverging']),
  commitmentId: z.string(),
  dialogueId: z.string(),
  meetingNumber: z.number().int(),
  what: Text,
  dueDate: z.string(),
  here: z.enum(ATTESTATION_STATUSES).nullable(),
  peer: z.enum(ATTESTATION_STATUSES).nullable(),
});
export type AgendaEntry = z.infer<typeof AgendaEntry>;

export const StatusReport = z.object({
  node: z.string(),
  peer: z.string(),
  dialogue: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  /** The instant figures that depend on "now" are taken at: the earlier of now and `to`. */
  asOf: z.string(),
  here: ReportSide,
  /** The peer's side: on the peer's node, its `here`. */
  there: ReportSide,
  exercisesRun: z.number().int(),
  commitments: z.object({
    total: z.number().int(),
    doneByBoth: z.number().int(),
    diverging: z.number().int(),
    overdue: z.number().int(),
  }),
  agenda: z.array(AgendaEntry),
});
export type StatusReport = z.infer<typeof StatusReport>;

// ---- measures ---------------------------------------------------------------------------------

export const MEASURE_UNITS = ['share', 'flag', 'count', 'per_month'] as const;

export const MeasureDefinition = z.object({
  key: z.string(),
  unit: z.enum(MEASURE_UNITS),
  title: Text,
  definition: Text,
});

export const MeasureReading = z.object({
  key: z.string(),
  peer: z.string(),
  value: z.number().nullable(),
  at: z.string(),
});

export const MeasureCurrent = MeasureDefinition.extend({
  peer: z.string(),
  value: z.number().nullable(),
  at: z.string(),
});
export type MeasureCurrent = z.infer<typeof MeasureCurrent>;

export const MeasureList = z.object({ peer: z.string(), measures: z.array(MeasureCurrent) });

export const MeasureQuery = z.object({ peer: NodeId }).strict();
export const MeasureParams = z.object({ key: z.string().min(1).max(100) });
export const MeasureHistoryQuery = z
  .object({
    peer: NodeId,
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();
export type MeasureHistoryQuery = z.infer<typeof MeasureHistoryQuery>;

export const MeasureHistory = z.object({
  key: z.string(),
  peer: z.string(),
  readings: z.array(MeasureReading.extend({ reason: z.enum(['daily', 'change']) })),
  nextCursor: z.string().nullable(),
});
export type MeasureHistory = z.infer<typeof MeasureHistory>;
