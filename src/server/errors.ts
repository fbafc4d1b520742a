/**
 * An expected failure with a stable code (clients switch on it) and an HTTP status.
 * The one error handler (http/errors.ts) turns it into
 * {"error": {"code", "message", "requestId"}}. Code throws through the helpers below, one
 * per status, so that a status is chosen once and named; `new AppError` is for the helpers.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Extra fields of the error object, e.g. the receiver's watermark. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** What a helper may add to the error: fields of the error object, response headers. */
export interface ErrorDetails {
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
}

const make = (code: string, status: number, message: string, details: ErrorDetails = {}) =>
  new AppError(code, status, message, details.headers ?? {}, details.extra ?? {});

/** 400: the input is malformed or names something impossible. */
export const badRequest = (code: string, message: string, details?: ErrorDetails) =>
  make(code, 400, message, details);
/** 401: who is asking is not known (no session, a bad token or signature). */
export const unauthorized = (code: string, message: string, details?: ErrorDetails) =>
  make(code, 401, message, details);
/** 403: known, but not allowed. */
export const forbidden = (
  message = 'You do not have the role this action needs.',
  code = 'forbidden',
  details?: ErrorDetails,
) => make(code, 403, message, details);
/** 404: no such thing (or none this actor may know of). */
export const notFound = (code: string, message: string, details?: ErrorDetails) =>
  make(code, 404, message, details);
/** 409: the thing's state does not allow it now. */
export const conflict = (code: string, message: string, details?: ErrorDetails) =>
  make(code, 409, message, details);
/** 413: too large. */
export const tooLarge = (code: string, message: string, details?: ErrorDetails) =>
  make(code, 413, message, details);
/** 415: a media type this endpoint does not take. */
export const unsupportedMediaType = (code: string, message: string, details?: ErrorDetails) =>
  make(code, 415, message, details);
/** 422: well-formed, but the agreed terms refuse it (a required field missing, say). */
export const unprocessable = (code: string, message: string, details?: ErrorDetails) =>
  make(code, 422, message, details);
/** 429: too many attempts; `Retry-After` says when to come back. */
export const tooManyRequests = (
  code: string,
  message: string,
  retryAfterSeconds: number,
  details?: ErrorDetails,
) =>
  make(code, 429, message, {
    ...details,
    headers: { ...details?.headers, 'Retry-After': String(retryAfterSeconds) },
  });
/** 502: a server this node called answered wrongly or not at all. */
export const badGateway = (code: string, message: string, details?: ErrorDetails) =>
  make(code, 502, message, details);
/** Any other status, for the few codes whose status is decided at run time. */
export const failure = (code: string, status: number, message: string, details?: ErrorDetails) =>
  make(code, status, message, details);
