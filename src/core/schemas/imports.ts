import { z } from 'zod';
import { Tlp } from './cases.js';

/** Bulk imports into a case: STIX 2.1 bundles (streamed) and MISP events. */
export const IMPORT_FORMATS = ['stix', 'misp'] as const;
export const IMPORT_STATUSES = ['running', 'done', 'failed', 'interrupted'] as const;

export const ImportJobView = z.object({
  id: z.string(),
  caseId: z.string(),
  format: z.enum(IMPORT_FORMATS),
  source: z.string(),
  tlp: Tlp,
  status: z.enum(IMPORT_STATUSES),
  /** Objects read from the source so far (good and bad). */
  read: z.number(),
  imported: z.number(),
  /** Objects held already in an older version, now updated. */
  updated: z.number(),
  /** Objects held already, as they are: a repeated import adds nothing. */
  unchanged: z.number(),
  /** Objects another case holds already: an object belongs to one case, so none is copied. */
  elsewhere: z.number(),
  failed: z.number(),
  bytesRead: z.number(),
  bytesTotal: z.number().nullable(),
  message: z.string().nullable(),
  startedAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ImportJobView = z.infer<typeof ImportJobView>;

export const ImportList = z.object({ imports: z.array(ImportJobView) });

export const ImportErrorView = z.object({
  n: z.number(),
  /** The object's position in the source (0-based), when the error is about one object. */
  position: z.number().nullable(),
  objectId: z.string().nullable(),
  reason: z.string(),
});
export type ImportErrorView = z.infer<typeof ImportErrorView>;

export const ImportErrors = z.object({
  errors: z.array(ImportErrorView),
  /** Pass as `after` for the next page; null at the end. */
  next: z.number().nullable(),
});

export const ImportErrorsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const StartImportQuery = z
  .object({
    format: z.enum(IMPORT_FORMATS).default('stix'),
    /** The marking for objects that carry no TLP marking of their own. */
    tlp: Tlp.default('amber'),
  })
  .strict();
export type StartImportQuery = z.infer<typeof StartImportQuery>;

export const StartUrlImportBody = z
  .object({
    url: z
      .string()
      .url()
      .refine((u) => /^https?:/i.test(u), 'must be an http(s) URL'),
    format: z.enum(IMPORT_FORMATS).default('stix'),
    tlp: Tlp.default('amber'),
  })
  .strict();
