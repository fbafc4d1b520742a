import { z } from 'zod';

/** The menu items that can wait on the user. */
export const ATTENTION_AREAS = ['requests', 'hotline', 'pings'] as const;
export type AttentionArea = (typeof ATTENTION_AREAS)[number];

/** How pressing an incoming item is: a request's urgency, a call's priority in three steps. */
export const ATTENTION_LEVELS = ['routine', 'urgent', 'emergency'] as const;
export type AttentionLevel = (typeof ATTENTION_LEVELS)[number];

/** Something a peer sent that waits for this node's answer. */
export const IncomingItem = z.object({
  area: z.enum(ATTENTION_AREAS),
  id: z.string(),
  peer: z.string(),
  /** The request's title, the call's subject, the pinged contact's name. */
  title: z.string(),
  /** The request's reference; null for calls and pings. */
  reference: z.string().nullable(),
  level: z.enum(ATTENTION_LEVELS),
  receivedAt: z.iso.datetime(),
  /** When the answer is due (the acknowledgement deadline, the call's rung); null if none. */
  dueAt: z.iso.datetime().nullable(),
  /** The exercise it belongs to (shown EXERCISE); absent or null when real. */
  exerciseId: z.string().nullable().optional(),
});
export type IncomingItem = z.infer<typeof IncomingItem>;

/**
 * What waits on the user, for the menu's counts, the home page's panel of new incoming
 * items and the banner of emergency and urgent ones (GET /api/attention).
 */
export const AttentionView = z.object({
  /** Per menu item, how many things wait for this user's action (0 when none or not theirs). */
  counts: z.object({ requests: z.number(), hotline: z.number(), pings: z.number() }),
  /** Per menu item, how many of those are past their deadline. */
  overdue: z.object({ requests: z.number(), hotline: z.number(), pings: z.number() }),
  /** New incoming items not yet acknowledged, most pressing first, at most 50. */
  incoming: z.array(IncomingItem),
});
export type AttentionView = z.infer<typeof AttentionView>;
