import { z } from 'zod';
import { CALL_EVENT_KINDS, CALL_STATES, CHANNELS, PRIORITIES, TIERS } from '../hotline.js';
import { WEEKDAY_NAMES } from '../roster.js';
import { isTimeZone } from '../time-zone.js';
import { NodeId } from './common.js';

export const Tier = z.enum(TIERS);
export const Priority = z.enum(PRIORITIES);

/** In an arrangement: minutes to acknowledge a call, per tier and priority. */
export const HotlineTerms = z
  .object({
    acknowledgeMinutes: z.record(
      Tier,
      z.record(
        Priority,
        z
          .number()
          .int()
          .min(1)
          .max(7 * 24 * 60),
      ),
    ),
  })
  .strict();
export type HotlineTerms = z.infer<typeof HotlineTerms>;

// ---- calls ---------------------------------------------------------------------------

export const PlaceCallBody = z
  .object({
    peer: NodeId,
    tier: Tier,
    priority: Priority,
    subject: z.string().trim().min(1, 'required').max(200, 'at most 200 characters'),
    text: z.string().trim().max(10_000, 'at most 10,000 characters').default(''),
    /** A request of this node with that peer, which the call is about. */
    requestId: z.string().uuid().optional(),
    /** A case the call is about (its id as both sides know it). */
    caseId: z.string().min(1).max(100).optional(),
  })
  .strict();
export type PlaceCallBody = z.infer<typeof PlaceCallBody>;

/** Raising a request as a call: tier and priority default to formal inquiry, urgent. */
export const EscalateRequestBody = z
  .object({
    tier: Tier.default('formal_inquiry'),
    priority: Priority.default('urgent'),
    text: z.string().trim().max(10_000).optional(),
  })
  .strict();
export type EscalateRequestBody = z.infer<typeof EscalateRequestBody>;

export const ResolveCallBody = z
  .object({ outcome: z.string().trim().min(1, 'required').max(2000, 'at most 2,000 characters') })
  .strict();

export const CallEventView = z.object({
  at: z.string(),
  kind: z.enum(CALL_EVENT_KINDS),
  rung: z.number().nullable(),
  /** Who acted, or who was reached. */
  by: z.string().nullable(),
  detail: z.string().nullable(),
});
export type CallEventView = z.infer<typeof CallEventView>;

export const CallView = z.object({
  id: z.string(),
  peer: z.string(),
  /** out: this node placed the call; in: a peer called this node. */
  direction: z.enum(['out', 'in']),
  tier: Tier,
  priority: Priority,
  subject: z.string(),
  text: z.string(),
  requestId: z.string().nullable(),
  requestReference: z.string().nullable(),
  caseId: z.string().nullable(),
  /** Who placed the call (name on the calling node). */
  caller: z.string(),
  state: z.enum(CALL_STATES),
  createdAt: z.string(),
  /** Each rung has this long to acknowledge. */
  acknowledgeWithinMs: z.number(),
  notDeliveredAt: z.string().nullable(),
  /** When the receiving node got it (its clock): the ladder starts then. */
  deliveredAt: z.string().nullable(),
  seenAt: z.string().nullable(),
  seenBy: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  outcome: z.string().nullable(),
  /** The rung alerted now, of how many, and until when it has to answer. */
  rung: z.number().nullable(),
  rungs: z.number().nullable(),
  rungDeadlineAt: z.string().nullable(),
  /** Whether the receiving node is out of rungs (every rung is being reminded). */
  exhausted: z.boolean(),
  updatedAt: z.string(),
  /** The exercise that placed it: an EXERCISE call (never counted in the review); null if real. */
  exerciseId: z.string().nullable(),
});
export type CallView = z.infer<typeof CallView>;

export const CallDetail = CallView.extend({ events: z.array(CallEventView) });
export type CallDetail = z.infer<typeof CallDetail>;

export const CallList = z.object({ calls: z.array(CallView) });
export const CallQuery = z.object({
  direction: z.enum(['out', 'in']).optional(),
  /** true: not yet acknowledged or resolved. */
  open: z.enum(['true', 'false']).optional(),
  peer: NodeId.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

// ---- ladder --------------------------------------------------------------------------

export const LadderTarget = z.discriminatedUnion('kind', [
  /** The people the roster has on duty for the tier when the rung is reached. */
  z.object({ kind: z.literal('on_duty') }).strict(),
  /** One of this node's contacts, reached by its channels. */
  z.object({ kind: z.literal('contact'), contactId: z.string().uuid() }).strict(),
]);
export type LadderTarget = z.infer<typeof LadderTarget>;

export const Rung = z
  .object({
    targets: z.array(LadderTarget).min(1, 'at least one target').max(20),
    /**
     * browser: a live alert to the targets' Liaison accounts; email: to the targets' e-mail
     * channels; webhook: a signed POST to each webhook named here.
     */
    channels: z.array(z.enum(CHANNELS)).min(1, 'at least one channel').max(CHANNELS.length),
    webhooks: z.array(z.string().uuid()).max(10).default([]),
  })
  .strict();
export type Rung = z.infer<typeof Rung>;

export const Ladder = z
  .object({
    tiers: z.record(Tier, z.array(Rung).min(1, 'at least one rung').max(10)),
    /** Who this node alerts when one of its own calls cannot be delivered. */
    fallback: z
      .object({
        targets: z.array(LadderTarget).max(20),
        channels: z.array(z.enum(CHANNELS)).max(CHANNELS.length),
        webhooks: z.array(z.string().uuid()).max(10).default([]),
        /** Also e-mail the peer's published 24/7 contacts that the call could not reach them (no content). */
        emailPeerContacts: z.boolean().default(false),
      })
      .strict(),
  })
  .strict();
export type Ladder = z.infer<typeof Ladder>;

// ---- webhooks ------------------------------------------------------------------------

export const WebhookBody = z
  .object({
    name: z.string().trim().min(1, 'required').max(200),
    url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }),
    /** The shared secret for the HMAC-SHA256 signature (at least 16 characters). */
    secret: z.string().min(16, 'at least 16 characters').max(500),
    enabled: z.boolean().default(true),
  })
  .strict();
export type WebhookBody = z.infer<typeof WebhookBody>;
export const UpdateWebhookBody = WebhookBody.partial().strict();
export const WebhookView = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookView = z.infer<typeof WebhookView>;
export const WebhookList = z.object({ webhooks: z.array(WebhookView) });

// ---- roster --------------------------------------------------------------------------

const HourMinute = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 09:00');
const IsoDate = z.iso.date({ error: 'a date such as 2026-11-24' });

export const ShiftBody = z
  .object({
    tier: Tier,
    /** The contact on duty (a person or a desk of this node). */
    contactId: z.string().uuid(),
    days: z.array(z.enum(WEEKDAY_NAMES)).min(1, 'at least one day').max(7),
    start: HourMinute,
    /** At or before `start`: the shift ends the next day; equal: a 24-hour shift. */
    end: HourMinute,
    /** The zone the wall times are in; the contact's when left out. */
    timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai').optional(),
    from: IsoDate.nullable().default(null),
    until: IsoDate.nullable().default(null),
    /** On duty one week in `everyWeeks`: week `week` (0-based) counted from `from`'s week. */
    rotation: z
      .object({ everyWeeks: z.number().int().min(2).max(12), week: z.number().int().min(0) })
      .strict()
      .refine((r) => r.week < r.everyWeeks, 'week must be less than everyWeeks')
      .nullable()
      .default(null),
  })
  .strict();
export type ShiftBody = z.infer<typeof ShiftBody>;

export const ShiftView = ShiftBody.extend({
  id: z.string(),
  timeZone: z.string(),
  contactName: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ShiftView = z.infer<typeof ShiftView>;
export const ShiftList = z.object({ shifts: z.array(ShiftView) });

const IntervalView = z.object({ from: z.string(), to: z.string() });

export const CoverageQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  /** Hours from `from`; two weeks by default. */
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 62)
    .default(24 * 14),
});

export const TierCoverage = z.object({
  hours: z.array(
    z.object({
      start: z.string(),
      covered: z.boolean(),
      /** Who is on duty in that hour. */
      people: z.array(z.object({ contactId: z.string(), name: z.string() })),
    }),
  ),
  gaps: z.array(IntervalView),
});
export const CoverageView = z.object({
  from: z.string(),
  to: z.string(),
  tiers: z.record(Tier, TierCoverage),
});
export type CoverageView = z.infer<typeof CoverageView>;

/** What a peer tells about its rung-1 coverage: gaps, and who is on duty only if published. */
export const PeerCoverageView = z.object({
  peer: z.string(),
  receivedAt: z.string(),
  from: z.string(),
  to: z.string(),
  tiers: z.record(
    Tier,
    z.object({
      gaps: z.array(IntervalView),
      published: z.array(IntervalView.extend({ contactId: z.string(), name: z.string() })),
    }),
  ),
});
export type PeerCoverageView = z.infer<typeof PeerCoverageView>;

// ---- usage review ---------------------------------------------------------------------

const Times = z.object({
  count: z.number(),
  medianMs: z.number().nullable(),
  p90Ms: z.number().nullable(),
});

export const ReviewSide = z.object({
  calls: z.number(),
  byTier: z.record(Tier, z.record(Priority, z.number())),
  /** From the call's creation (caller's clock) to its arrival (receiver's clock). */
  deliver: Times,
  /** From arrival to the acknowledgement, both on the receiving node's clock. */
  acknowledge: Times,
  /** How many calls got as far as each rung ("1", "2", …). */
  rungsReached: z.record(z.string(), z.number()),
  notDelivered: z.number(),
  neverAcknowledged: z.array(
    z.object({
      id: z.string(),
      peer: z.string(),
      tier: Tier,
      priority: Priority,
      subject: z.string(),
      createdAt: z.string(),
      state: z.enum(CALL_STATES),
    }),
  ),
});
export type ReviewSide = z.infer<typeof ReviewSide>;

export const ReviewReport = z.object({
  peer: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  out: ReviewSide,
  in: ReviewSide,
});
export type ReviewReport = z.infer<typeof ReviewReport>;

// ---- federation messages --------------------------------------------------------------

export const HOTLINE_CALL_KIND = 'liaison.hotline.call';
export const HOTLINE_UPDATE_KIND = 'liaison.hotline.update';
export const HOTLINE_COVERAGE_KIND = 'liaison.hotline.coverage';

export const HotlineCallMessage = z
  .object({
    callId: z.string().uuid(),
    tier: Tier,
    priority: Priority,
    subject: z.string().min(1).max(200),
    text: z.string().max(10_000),
    /** The request as the receiver knows it (the same id on both sides). */
    requestId: z.string().uuid().nullable(),
    requestReference: z.string().max(200).nullable(),
    caseId: z.string().max(100).nullable(),
    caller: z.string().max(200),
    createdAt: z.iso.datetime(),
    acknowledgeWithinMs: z
      .number()
      .int()
      .min(1000)
      .max(7 * 24 * 3_600_000),
    /**
     * An EXERCISE call: the exercise and the inject it delivers. Sent only on exercise calls
     * (a real call's message is what older nodes expect); absent means a real call.
     */
    exerciseId: z.uuid().optional(),
    exerciseInjectId: z.string().min(1).max(63).optional(),
  })
  .strict();
export type HotlineCallMessage = z.infer<typeof HotlineCallMessage>;

/** A step of a call, from the side that took it (resolving may come from either side). */
export const HotlineUpdateMessage = z
  .object({
    callId: z.string().uuid(),
    state: z.enum(['delivered', 'rung', 'reminder', 'seen', 'acknowledged', 'resolved']),
    at: z.iso.datetime(),
    by: z.string().max(200).nullable(),
    rung: z.number().int().min(1).max(100).nullable(),
    rungs: z.number().int().min(0).max(100).nullable(),
    rungDeadlineAt: z.iso.datetime().nullable(),
    outcome: z.string().max(2000).nullable(),
  })
  .strict();
export type HotlineUpdateMessage = z.infer<typeof HotlineUpdateMessage>;

const MessageInterval = z.object({ from: z.iso.datetime(), to: z.iso.datetime() }).strict();
export const HotlineCoverageMessage = z
  .object({
    computedAt: z.iso.datetime(),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    tiers: z.record(
      Tier,
      z
        .object({
          gaps: z.array(MessageInterval).max(1000),
          published: z
            .array(
              MessageInterval.extend({ contactId: z.string().uuid(), name: z.string().max(200) }),
            )
            .max(5000),
        })
        .strict(),
    ),
  })
  .strict();
export type HotlineCoverageMessage = z.infer<typeof HotlineCoverageMessage>;
