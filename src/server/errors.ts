/**
 * An expected failure with a stable code (clients switch on it) and an HTTP status.
 * The one error handler (http/errors.ts) turns it into
 * {"error": {"code", "message", "requestId"}}.
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

export const notFound = (code: string, message: string) => new AppError(code, 404, message);
export const forbidden = (message = 'You do not have the role this action needs.') =>
  new AppError('forbidden', 403, message);
export const badRequest = (code: string, message: string) => new AppError(code, 400, message);
export const conflict = (code: string, message: string) => new AppError(code, 409, message);
