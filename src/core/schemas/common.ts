import { z } from 'zod';

/** Every error answer. Some errors add fields (e.g. `applied`, the receiver's watermark). */
export const ErrorBody = z.object({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    requestId: z.string(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** The error answers a route may give, for its response schemas (and so the OpenAPI document). */
export const ERROR_RESPONSES = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  413: ErrorBody,
  422: ErrorBody,
  429: ErrorBody,
  502: ErrorBody,
} as const;

export const IdParams = z.object({ id: z.string().min(1).max(64) });
export type IdParams = z.infer<typeof IdParams>;

/** Node ids are short lowercase slugs, e.g. `us-doj`, `cn-mps`. */
export const NodeId = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/,
    'a lowercase slug of 3 to 32 letters, digits and dashes',
  );

/** ISO 3166-1 alpha-2 country code. */
export const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code such as US');
