import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';
import { AppError } from '../errors.js';
import { isUniqueViolation } from '../store/errors.js';

/**
 * The one error handler: every failure leaves as
 * {"error": {"code", "message", "requestId"}} with a stable code. Bad input is a 4xx that
 * says what is wrong; only real bugs become a 500, logged with the request id.
 */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_VALIDATION: 'invalid_request',
};

export function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): FastifyReply {
  for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
  if (request.url.startsWith('/taxii2/')) {
    // TAXII 2.1 clients get the error message resource of the specification (3.6.1).
    return reply
      .status(status)
      .type('application/taxii+json;version=2.1')
      .send(
        Buffer.from(
          JSON.stringify({
            title: code.replaceAll('_', ' '),
            description: message,
            error_id: request.id,
            error_code: code,
            http_status: String(status),
          }),
        ),
      );
  }
  return reply
    .status(status)
    .type('application/json; charset=utf-8')
    .send({ error: { ...extra, code, message, requestId: request.id } });
}

/** A real bug: the client gets the request id to quote, the log gets the details. */
function sendInternalError(reply: FastifyReply, request: FastifyRequest): FastifyReply {
  return sendError(
    reply,
    request,
    500,
    'internal_error',
    `Internal error; quote request id ${request.id}.`,
  );
}

interface ValidationIssue {
  instancePath: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Bounds and formats a client may put into its own words; the rest stays in the message. */
const ISSUE_PARAMS = ['minimum', 'maximum', 'format', 'expected', 'values', 'origin'] as const;

/**
 * Each problem as data, so a client can say it in its user's language and name the field:
 * `{field: "body.until", code: "too_small", params: {minimum: 1}, message}`; `code` is
 * zod's issue code (invalid_type, too_small, too_big, invalid_format, invalid_value,
 * unrecognized_keys, custom).
 */
function issuesOf(context: string | undefined, issues: readonly ValidationIssue[]) {
  return issues.slice(0, 10).map((issue) => {
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const params: Record<string, unknown> = {};
    for (const key of ISSUE_PARAMS) {
      const value = issue.params?.[key];
      if (value !== undefined && typeof value !== 'object') params[key] = value;
      else if (Array.isArray(value)) params[key] = value.map(String);
    }
    return {
      field: `${context ?? 'request'}${path ? `.${path}` : ''}`,
      code: issue.keyword ?? 'invalid',
      params,
      message: issue.message ?? 'is not valid',
    };
  });
}

function describeValidation(
  context: string | undefined,
  issues: readonly { instancePath: string; message?: string }[],
): string {
  const where = context ?? 'request';
  return issues
    .slice(0, 10)
    .map((issue) => {
      const field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
      return `${where}${field ? `.${field}` : ''}: ${issue.message ?? 'is not valid'}`;
    })
    .join('; ');
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      return sendError(
        reply,
        request,
        error.status,
        error.code,
        error.message,
        error.headers,
        error.extra,
      );
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation as ValidationIssue[];
      return sendError(
        reply,
        request,
        400,
        'invalid_request',
        describeValidation(error.validationContext, issues),
        {},
        { issues: issuesOf(error.validationContext, issues) },
      );
    }
    if (isResponseSerializationError(error)) {
      request.log.error(
        { err: error, issues: error.cause.issues },
        'response does not match its schema',
      );
      return sendInternalError(reply, request);
    }
    if (isUniqueViolation(error)) {
      return sendError(
        reply,
        request,
        409,
        'conflict',
        'This conflicts with something that already exists.',
      );
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      const code =
        FASTIFY_CODES[error.code] ??
        (status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : 'bad_request');
      const message =
        code === 'invalid_json'
          ? `The body is not valid JSON: ${error.message}`
          : code === 'unsupported_media_type'
            ? `${error.message}. Send JSON with Content-Type: application/json.`
            : error.message;
      return sendError(reply, request, status, code, message);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendInternalError(reply, request);
  });
}
