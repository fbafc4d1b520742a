import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths pino redacts wherever they appear in a log record: credentials never reach logs.
 * Fastify's request serializer does not log headers or bodies; this is the second belt.
 */
export const REDACT_PATHS = [
  'password',
  'newPassword',
  'currentPassword',
  'secret',
  'token',
  'privateKey',
  'csrfToken',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.secret',
  '*.token',
  '*.privateKey',
  '*.csrfToken',
  '*.d',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      ...(options.name ? { name: options.name } : {}),
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
