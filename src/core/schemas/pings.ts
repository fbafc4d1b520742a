import { z } from 'zod';
import { NodeId } from './common.js';

export const SendPingBody = z
  .object({
    peer: NodeId,
    /** Contacts to ping; all the peer's published contacts when left out. */
    contacts: z.array(z.string().uuid()).max(500).optional(),
  })
  .strict();
export type SendPingBody = z.infer<typeof SendPingBody>;

export const PingScheduleBody = z
  .object({
    /** Hours between rounds of pings; 0 stops the schedule. */
    everyHours: z
      .number()
      .int()
      .min(0)
      .max(24 * 90),
  })
  .strict();

export const PingView = z.object({
  id: z.string(),
  peer: z.string(),
  /** out: this node pinged the peer's contact; in: the peer pinged one of ours. */
  direction: z.enum(['out', 'in']),
  contactId: z.string(),
  contactName: z.string(),
  sentAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  /** Milliseconds from sending to the acknowledgement reaching the sender (out only). */
  timeToAcknowledgeMs: z.number().nullable(),
  scheduled: z.boolean(),
  /** The exercise that sent it: an EXERCISE ping (never in the report); null if real. */
  exerciseId: z.string().nullable(),
});
export type PingView = z.infer<typeof PingView>;
export const PingList = z.object({ pings: z.array(PingView) });
export const PingQuery = z.object({
  peer: NodeId.optional(),
  direction: z.enum(['out', 'in']).optional(),
  pending: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const PeriodQuery = z.object({
  peer: NodeId.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type PeriodQuery = z.infer<typeof PeriodQuery>;

export const PingReport = z.object({
  peer: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  sent: z.number(),
  answered: z.number(),
  answeredShare: z.number().nullable(),
  medianMs: z.number().nullable(),
  p90Ms: z.number().nullable(),
  contacts: z.array(
    z.object({
      peer: z.string(),
      contactId: z.string(),
      contactName: z.string(),
      sent: z.number(),
      answered: z.number(),
      medianMs: z.number().nullable(),
    }),
  ),
  /** Contacts pinged in the period that never answered. */
  neverAnswered: z.array(
    z.object({
      peer: z.string(),
      contactId: z.string(),
      contactName: z.string(),
      sent: z.number(),
    }),
  ),
});
export type PingReport = z.infer<typeof PingReport>;

export const PING_KIND = 'liaison.ping';
export const PING_ACK_KIND = 'liaison.ping.ack';
export const PingMessage = z
  .object({
    pingId: z.string().uuid(),
    contactId: z.string().uuid(),
    sentAt: z.string(),
    /** An EXERCISE ping: sent only on exercise pings (a real one reads as older nodes expect). */
    exerciseId: z.uuid().optional(),
    exerciseInjectId: z.string().min(1).max(63).optional(),
  })
  .strict();
export const PingAckMessage = z
  .object({ pingId: z.string().uuid(), at: z.string(), by: z.string().max(200) })
  .strict();
