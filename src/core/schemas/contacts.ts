import { z } from 'zod';
import { isTimeZone } from '../time-zone.js';

export const CONTACT_ROLES = [
  'technical',
  'diplomatic',
  'duty_24_7',
  'supervisor',
  'mla_central_authority',
] as const;
export const CHANNEL_TYPES = ['email', 'phone', 'liaison_account'] as const;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const HourMinute = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 09:00');

export const ContactBody = z
  .object({
    name: z.string().trim().min(1, 'required').max(200),
    kind: z.enum(['person', 'desk']),
    roles: z.array(z.enum(CONTACT_ROLES)).min(1, 'at least one role').max(CONTACT_ROLES.length),
    channels: z
      .array(
        z
          .object({ type: z.enum(CHANNEL_TYPES), value: z.string().trim().min(1).max(200) })
          .strict(),
      )
      .max(10),
    languages: z.array(z.string().min(2).max(16)).max(10),
    workingHours: z
      .object({
        days: z.array(z.enum(WEEKDAYS)).max(7),
        start: HourMinute,
        end: HourMinute,
        /** Reachable around the clock (24/7 duty). */
        always: z.boolean().default(false),
      })
      .strict(),
    timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai'),
    published: z.boolean().default(false),
  })
  .strict();
export type ContactBody = z.infer<typeof ContactBody>;

export const ContactView = ContactBody.extend({
  id: z.string(),
  /** The node the contact belongs to (this node or a peer). */
  node: z.string(),
  confirmedAt: z.string(),
  updatedAt: z.string(),
  /** Not confirmed for twelve months: to be refreshed. */
  stale: z.boolean(),
});
export type ContactView = z.infer<typeof ContactView>;
export const ContactList = z.object({ contacts: z.array(ContactView) });
export const ContactQuery = z.object({
  node: z.string().min(1).max(64).optional(),
});

export const CONTACT_UPSERT_KIND = 'liaison.contact.upsert';
export const CONTACT_REMOVE_KIND = 'liaison.contact.remove';
export const ContactUpsertMessage = z
  .object({
    contact: ContactBody.omit({ published: true }).extend({
      id: z.string().uuid(),
      confirmedAt: z.string(),
      updatedAt: z.string(),
    }),
  })
  .strict();
export const CONTACT_SYNC_KIND = 'liaison.contact.sync';
/** The sender's whole published list: the receiver keeps exactly these for that node. */
export const ContactSyncMessage = z
  .object({ contacts: z.array(ContactUpsertMessage.shape.contact).max(10_000) })
  .strict();
export const ContactRemoveMessage = z.object({ id: z.string().uuid() }).strict();
