/**
 * A small typed fetch client for the node's API: JSON in and out, the session cookie
 * (same origin), the CSRF token on every write, and one error type for every failure.
 */

import type { PeriodQuery } from './types';

/** A failed API call: the server's stable error code, the HTTP status and its message. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly requestId: string | undefined;
  /** Seconds to wait before trying again (Retry-After), when the server said so. */
  readonly retryAfter: number | undefined;
  /** Whatever else the server said about the error (e.g. `missing` for request_incomplete). */
  readonly details: Record<string, unknown>;

  constructor(
    code: string,
    status: number,
    message: string,
    opts: {
      requestId?: string | undefined;
      retryAfter?: number | undefined;
      details?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.requestId = opts.requestId;
    this.retryAfter = opts.retryAfter;
    this.details = opts.details ?? {};
  }
}

/** Status 0: the node could not be reached at all. */
export const NETWORK_ERROR = 'network_error';

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

/** Remembers the token from POST/GET /api/session; null after logout. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a call made with a session answers 401 (the session ended elsewhere). */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return send<T>(method, path, headers, body === undefined ? null : JSON.stringify(body));
}

/**
 * POSTs a file as the request body, as it is (not JSON): a bulk import of any size, which
 * the node streams to disk. The answer is JSON, handled as `request`'s.
 */
export function upload<T>(
  path: string,
  file: Blob,
  contentType = 'application/octet-stream',
): Promise<T> {
  return send<T>('POST', path, { Accept: 'application/json', 'Content-Type': contentType }, file);
}

async function send<T>(
  method: Method,
  path: string,
  headers: Record<string, string>,
  body: BodyInit | null,
): Promise<T> {
  if (method !== 'GET' && csrfToken !== null) headers['X-CSRF-Token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body });
  } catch (cause) {
    throw new ApiError(
      NETWORK_ERROR,
      0,
      cause instanceof Error ? cause.message : 'The node could not be reached.',
    );
  }

  if (!response.ok) {
    const error = await toApiError(response);
    if (error.status === 401 && !path.startsWith('/api/session') && onUnauthenticated) {
      onUnauthenticated();
    }
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError('invalid_response', response.status, 'The node sent an unreadable answer.');
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  let code = `http_${response.status}`;
  let message = response.statusText || `HTTP ${response.status}`;
  let requestId: string | undefined;
  let details: Record<string, unknown> = {};
  try {
    const parsed: unknown = await response.json();
    const error = isRecord(parsed) ? parsed['error'] : undefined;
    if (isRecord(error)) {
      if (typeof error['code'] === 'string') code = error['code'];
      if (typeof error['message'] === 'string') message = error['message'];
      if (typeof error['requestId'] === 'string') requestId = error['requestId'];
      details = error;
    }
  } catch {
    // Not JSON (a proxy's error page, say): keep the status-based code.
  }
  return new ApiError(code, response.status, message, { requestId, retryAfter, details });
}

/** Retry-After is either a number of seconds or an HTTP date. */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `?peer=…&from=…&to=…` of a report's period; empty when the period is all time. */
export function periodSearch(period: PeriodQuery): string {
  const query = new URLSearchParams();
  if (period.peer) query.set('peer', period.peer);
  if (period.from) query.set('from', period.from);
  if (period.to) query.set('to', period.to);
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}
