import { z } from 'zod';
import { HotlineTerms } from './hotline.js';
import { REQUEST_FIELDS, REQUEST_TYPES, URGENCIES } from '../requests.js';

export const DeadlineClock = z
  .object({
    amount: z.number().int().min(1).max(3650),
    unit: z.enum(['hours', 'days']),
  })
  .strict();

const TypeTerms = z
  .object({
    allowed: z.boolean(),
    requiredFields: z.array(z.enum(REQUEST_FIELDS)).max(REQUEST_FIELDS.length),
    /** Per urgency: time to acknowledge and to respond, counted from sending. */
    deadlines: z.partialRecord(
      z.enum(URGENCIES),
      z.object({ acknowledge: DeadlineClock, respond: DeadlineClock }).strict(),
    ),
    /** Preservation types: how long data stays preserved, and each extension. */
    preservation: z.object({ period: DeadlineClock, extension: DeadlineClock }).strict().optional(),
    /** What happens when a deadline passes: shown to both sides; `hotline` raises a call. */
    whenOverdue: z.enum(['notify', 'hotline']),
  })
  .strict();

/** The agreed terms with a peer (DESIGN.md, "arrangement"). Deadlines are data. */
export const ArrangementTerms = z
  .object({
    title: z.string().min(1).max(200),
    languages: z.array(z.string().min(2).max(16)).min(1).max(10),
    /** A deadline is "due soon" once this share of its time has passed. */
    dueSoonPercent: z.number().int().min(1).max(99),
    requestTypes: z.partialRecord(z.enum(REQUEST_TYPES), TypeTerms),
    /** Minutes to acknowledge a hotline call; the built-in defaults when left out. */
    hotline: HotlineTerms.optional(),
  })
  .strict();
export type ArrangementTerms = z.infer<typeof ArrangementTerms>;
export type TypeTerms = z.infer<typeof TypeTerms>;

export const ARRANGEMENT_STATUSES = ['proposed', 'accepted', 'superseded', 'declined'] as const;

export const ArrangementView = z.object({
  peer: z.string(),
  /** 0 is the built-in default, in force until the sides accept a version of their own. */
  version: z.number().int(),
  status: z.enum(ARRANGEMENT_STATUSES),
  proposedBy: z.string().nullable(),
  proposedAt: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  termsHash: z.string(),
  terms: ArrangementTerms,
});
export type ArrangementView = z.infer<typeof ArrangementView>;

export const ArrangementState = z.object({
  peer: z.string(),
  /** The version that applies to new requests. */
  inForce: ArrangementView,
  /** Every version, newest first (without the default). */
  versions: z.array(ArrangementView),
});
export type ArrangementState = z.infer<typeof ArrangementState>;

export const ProposeArrangementBody = z.object({ terms: ArrangementTerms }).strict();
export const VersionParams = z.object({
  peer: z.string().min(1).max(64),
  version: z.coerce.number().int().min(1),
});
export const PeerParams = z.object({ peer: z.string().min(1).max(64) });

/** Federation messages. */
export const ARRANGEMENT_PROPOSE_KIND = 'liaison.arrangement.propose';
export const ARRANGEMENT_ANSWER_KIND = 'liaison.arrangement.answer';
export const ArrangementProposeMessage = z
  .object({ version: z.number().int().min(1), terms: ArrangementTerms, proposedAt: z.string() })
  .strict();
export const ArrangementAnswerMessage = z
  .object({
    version: z.number().int().min(1),
    termsHash: z.string().regex(/^[0-9a-f]{64}$/),
    answer: z.enum(['accepted', 'declined']),
    at: z.string(),
  })
  .strict();
