import { z } from 'zod';
import { INDICATOR_TYPES } from '../reports/types.js';
import { NodeId } from './common.js';
import { Tlp } from './cases.js';

/**
 * Reports (issue 19): news and analytic texts, what was extracted from them, the analyst's
 * review of each extraction, stories (clusters) and the node's allow-list. The web pages and
 * tools read these shapes.
 */

export const REPORT_LANGUAGES = ['en', 'zh'] as const;
export const REVIEW_STATES = ['pending', 'accepted', 'rejected'] as const;
export const EXTRACTION_KINDS = ['indicator', 'entity', 'claim'] as const;
/** Bytes a report's upload may have (raw body); its text is cut to MAX_REPORT_CHARS. */
export const MAX_REPORT_BYTES = 10 * 1024 * 1024;
export const MAX_REPORT_CHARS = 200_000;

export const IndicatorType = z.enum(INDICATOR_TYPES);
export const ReviewState = z.enum(REVIEW_STATES);
export const ExtractionKind = z.enum(EXTRACTION_KINDS);

/** Whether the YYYY-MM-DD a text starts with is a day of the calendar (not 2015-19-72). */
function realDay(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

const isoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/, 'an ISO date like 2015-12-01')
  .refine(realDay, 'a date that exists, like 2015-12-01')
  .refine((v) => !Number.isNaN(Date.parse(v)), 'an ISO date like 2015-12-01');
const shortText = (max: number) => z.string().trim().min(1, 'required').max(max);

/** `POST /api/reports`: a pasted text. */
export const CreateReportBody = z
  .object({
    text: z
      .string()
      .max(MAX_REPORT_CHARS, `at most ${MAX_REPORT_CHARS} characters`)
      .refine((t) => t.trim().length > 0, 'required, not empty'),
    title: shortText(500).optional(),
    /** Who published it (an outlet, a vendor) or where it came from. */
    source: shortText(500).optional(),
    publishedAt: isoDate.optional(),
    language: z.enum(REPORT_LANGUAGES).optional(),
  })
  .strict();
export type CreateReportBody = z.infer<typeof CreateReportBody>;

/** `POST /api/reports/upload`: the file is the raw body; these come in the query string. */
export const UploadReportQuery = z
  .object({
    title: shortText(500).optional(),
    source: shortText(500).optional(),
    publishedAt: isoDate.optional(),
    language: z.enum(REPORT_LANGUAGES).optional(),
    /** The file's name, shown when there is no title. */
    filename: shortText(255).optional(),
  })
  .strict();
export type UploadReportQuery = z.infer<typeof UploadReportQuery>;

/** `POST /api/reports/url`: fetched through the node's outbound guard. */
export const UrlReportBody = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'an http or https URL' }).max(2000),
    title: shortText(500).optional(),
    source: shortText(500).optional(),
    publishedAt: isoDate.optional(),
    language: z.enum(REPORT_LANGUAGES).optional(),
  })
  .strict();
export type UrlReportBody = z.infer<typeof UrlReportBody>;

export const ReportQuery = z.object({
  /** Only the reports of this story. */
  clusterId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ReportQuery = z.infer<typeof ReportQuery>;

export const ClusterQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ClusterQuery = z.infer<typeof ClusterQuery>;

const SpanFields = { start: z.number().int(), end: z.number().int() };

export const IndicatorView = z.object({
  /** Its place in the report's list: what a review names. */
  index: z.number().int(),
  type: IndicatorType,
  value: z.string(),
  original: z.string(),
  defanged: z.boolean(),
  ...SpanFields,
  state: ReviewState,
});
export type IndicatorView = z.infer<typeof IndicatorView>;

export const DroppedView = z.object({
  type: IndicatorType,
  value: z.string(),
  original: z.string(),
  defanged: z.boolean(),
  ...SpanFields,
  /** Why the node's allow-list dropped it. */
  reason: z.string(),
});
export type DroppedView = z.infer<typeof DroppedView>;

export const EntityView = z.object({
  index: z.number().int(),
  kind: z.enum(['country', 'organisation', 'person', 'date', 'quantity']),
  /** Canonical id (gazetteer id, person:<slug>, ISO date, "<value> <unit>"). */
  id: z.string(),
  text: z.string(),
  via: z.enum(['gazetteer', 'nlp', 'pattern']),
  value: z.union([z.string(), z.number()]).nullable(),
  unit: z.string().nullable(),
  ...SpanFields,
  state: ReviewState,
});
export type EntityView = z.infer<typeof EntityView>;

export const ClaimParty = z.object({ id: z.string().nullable(), text: z.string() });
export const ClaimView = z.object({
  index: z.number().int(),
  source: ClaimParty,
  via: ClaimParty.nullable(),
  actor: ClaimParty.nullable(),
  target: ClaimParty.nullable(),
  stance: z.enum(['asserts', 'denies', 'declines_to_comment']),
  statement: z.string(),
  cue: z.string(),
  ...SpanFields,
  state: ReviewState,
});
export type ClaimView = z.infer<typeof ClaimView>;

export const ReportSummary = z.object({
  id: z.string(),
  /** The story: the smallest report id of the reports it tells the same story as. */
  clusterId: z.string(),
  title: z.string().nullable(),
  source: z.string().nullable(),
  publishedAt: z.string().nullable(),
  language: z.enum(REPORT_LANGUAGES),
  createdAt: z.string(),
  /** `upload`, `url`, `text`, or `peer` (a report received in a shared case). */
  origin: z.enum(['text', 'upload', 'url', 'peer']),
  /** The peer it came from (origin `peer`). */
  originNode: z.string().nullable(),
  counts: z.object({
    indicators: z.number().int(),
    entities: z.number().int(),
    claims: z.number().int(),
    dropped: z.number().int(),
  }),
  /** The case it was committed to, and its STIX report's id. */
  caseId: z.string().nullable(),
  stixId: z.string().nullable(),
  committedAt: z.string().nullable(),
});
export type ReportSummary = z.infer<typeof ReportSummary>;

export const ReportView = ReportSummary.extend({
  text: z.string(),
  indicators: z.array(IndicatorView),
  dropped: z.array(DroppedView),
  entities: z.array(EntityView),
  claims: z.array(ClaimView),
});
export type ReportView = z.infer<typeof ReportView>;

export const ReportList = z.object({
  items: z.array(ReportSummary),
  next: z.string().nullable(),
});
export type ReportList = z.infer<typeof ReportList>;

/** At most this many report ids in a story of the clusters list; the story's page has them all. */
export const CLUSTER_IDS_SHOWN = 20;

export const ClusterSummary = z.object({
  id: z.string(),
  size: z.number().int(),
  /** The story's first report ids (at most CLUSTER_IDS_SHOWN), smallest first. */
  reportIds: z.array(z.string()),
  latestAt: z.string(),
  /** The story's lead report (the one whose id names it), for its title. */
  lead: z.object({ id: z.string(), title: z.string().nullable(), source: z.string().nullable() }),
  /** The earliest and latest publication dates of its reports (null: none gave one). */
  firstPublished: z.string().nullable(),
  lastPublished: z.string().nullable(),
  languages: z.array(z.enum(REPORT_LANGUAGES)),
  /**
   * The countries, organisations and people most of its reports name (at most
   * STORY_TOP_ENTITIES, counted over its latest STORY_ENTITY_SAMPLE reports).
   */
  topEntities: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['country', 'organisation', 'person']),
      /** The gazetteer's English name, else the text as a report wrote it; and the Chinese name. */
      text: z.string(),
      zh: z.string().nullable(),
      reports: z.number().int(),
    }),
  ),
});
export const STORY_TOP_ENTITIES = 5;
export const STORY_ENTITY_SAMPLE = 25;
export type ClusterSummary = z.infer<typeof ClusterSummary>;

export const ClusterList = z.object({
  items: z.array(ClusterSummary),
  next: z.string().nullable(),
});
export type ClusterList = z.infer<typeof ClusterList>;

/** A story: its reports (paged) with the claims of each, side by side. */
export const StoryView = z.object({
  id: z.string(),
  size: z.number().int(),
  reports: z.array(ReportSummary.extend({ claims: z.array(ClaimView) })),
  next: z.string().nullable(),
});
export type StoryView = z.infer<typeof StoryView>;

export const ReviewBody = z
  .object({
    items: z
      .array(
        z
          .object({
            kind: ExtractionKind,
            index: z.number().int().min(0),
            state: ReviewState,
          })
          .strict(),
      )
      .min(1, 'at least one item')
      .max(5000),
  })
  .strict();
export type ReviewBody = z.infer<typeof ReviewBody>;

export const CommitBody = z
  .object({
    caseId: z.string().min(1).max(64),
    /** The marking of every object committed (AMBER by default). */
    tlp: Tlp.default('amber'),
    redRecipients: z.array(NodeId).max(50).default([]),
  })
  .strict();
export type CommitBody = z.infer<typeof CommitBody>;

export const CommitView = z.object({
  reportId: z.string(),
  caseId: z.string(),
  /** The STIX report object's id. */
  stixId: z.string(),
  /** Every object the report refers to, in the order they were added. */
  objectIds: z.array(z.string()),
});
export type CommitView = z.infer<typeof CommitView>;

export const AllowListEntryBody = z
  .object({
    type: IndicatorType,
    value: shortText(500),
    /** Domains: also every subdomain. */
    subdomains: z.boolean().default(false),
    reason: shortText(500),
  })
  .strict();
export type AllowListEntryBody = z.infer<typeof AllowListEntryBody>;

export const AllowListEntryView = z.object({
  id: z.string(),
  type: IndicatorType,
  value: z.string(),
  subdomains: z.boolean(),
  reason: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
});
export type AllowListEntryView = z.infer<typeof AllowListEntryView>;

export const AllowList = z.object({
  items: z.array(AllowListEntryView),
  next: z.string().nullable(),
});
export type AllowList = z.infer<typeof AllowList>;

export const AllowListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
});
export type AllowListQuery = z.infer<typeof AllowListQuery>;
