import { z } from 'zod';
import { Tlp } from './cases.js';

/** The admin's side of TAXII 2.1: collections, who may read and write them, subscriptions. */
export const TaxiiAccessEntry = z
  .object({
    /** `user:<id>` or `token:<id>`; a token also has what its user is granted. */
    principal: z.string().regex(/^(user|token):[0-9a-zA-Z-]{1,64}$/, 'user:<id> or token:<id>'),
    canRead: z.boolean(),
    canWrite: z.boolean(),
  })
  .strict();
export type TaxiiAccessEntry = z.infer<typeof TaxiiAccessEntry>;

export const CollectionBody = z
  .object({
    title: z.string().trim().min(1, 'required').max(200),
    description: z.string().trim().max(2000).default(''),
    /** The case whose objects it holds; none: every case (read only). */
    caseId: z.string().uuid().nullable().default(null),
    /** The highest marking it carries. RED is never served over TAXII. */
    maxTlp: Tlp.refine((level) => level !== 'red', 'RED is never served over TAXII').default(
      'green',
    ),
    access: z.array(TaxiiAccessEntry).max(200).default([]),
  })
  .strict();
export type CollectionBody = z.infer<typeof CollectionBody>;

export const CollectionAdminView = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  caseId: z.string().nullable(),
  maxTlp: Tlp,
  access: z.array(TaxiiAccessEntry),
  /** The collection's address for TAXII clients. */
  url: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CollectionAdminView = z.infer<typeof CollectionAdminView>;
export const CollectionAdminList = z.object({ collections: z.array(CollectionAdminView) });

export const SubscriptionBody = z
  .object({
    caseId: z.string().uuid(),
    /** The remote collection: …/collections/<id>/ */
    url: z
      .string()
      .url()
      .refine((u) => /^https?:\/\/.+\/collections\/[^/]+\/?$/i.test(u), {
        message: 'must be the URL of a TAXII collection, ending in /collections/<id>/',
      }),
    auth: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('none') }).strict(),
        z.object({ kind: z.literal('bearer'), token: z.string().min(1).max(500) }).strict(),
        z
          .object({
            kind: z.literal('basic'),
            username: z.string().min(1).max(200),
            password: z.string().min(1).max(500),
          })
          .strict(),
      ])
      .default({ kind: 'none' }),
    /** The marking for objects that arrive without a TLP marking. */
    tlp: Tlp.default('amber'),
    intervalSeconds: z.number().int().min(10).max(86_400).default(300),
  })
  .strict();
export type SubscriptionBody = z.infer<typeof SubscriptionBody>;

export const SubscriptionView = z.object({
  id: z.string(),
  caseId: z.string(),
  url: z.string(),
  /** The kind of credentials only: secrets are never shown again. */
  auth: z.enum(['none', 'bearer', 'basic']),
  tlp: Tlp,
  intervalSeconds: z.number(),
  status: z.enum(['active', 'paused']),
  addedAfter: z.string().nullable(),
  lastPolledAt: z.string().nullable(),
  lastError: z.string().nullable(),
  received: z.number(),
  createdAt: z.string(),
});
export type SubscriptionView = z.infer<typeof SubscriptionView>;
export const SubscriptionList = z.object({ subscriptions: z.array(SubscriptionView) });
