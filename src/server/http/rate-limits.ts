import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decodeProtectedHeader } from 'jose';
import { tooManyRequests } from '../errors.js';
import { databaseRateStore } from '../live/rate-store.js';
import type { Store } from '../store/database.js';

/**
 * Request rates at the doors an attacker can knock on without an account (issue 16): the
 * login, TAXII (Basic or bearer), the node's descriptor and the federation batch endpoint. Routes opt in with
 * `config.rateLimit` (see LIMITS); the rest of the API is behind authentication and the
 * login throttle. Behind a reverse proxy, set `http.trustProxy` so the address is the
 * client's, not the proxy's. On PostgreSQL the counts are in the database, one budget for
 * all the node's processes (live/rate-store.ts); on SQLite (one process) in memory.
 */
export const LIMITS = {
  /** Log-in attempts per address, on top of the per-account and per-address throttle. */
  login: { max: 60, timeWindow: 60_000 },
  /** Descriptor fetches per address: peering needs a handful. */
  descriptor: { max: 120, timeWindow: 60_000 },
  /**
   * Batches per sending peer and address (a peer named in an envelope it may not have
   * sealed only spends its sender's own budget): 100 a second outlasts any catch-up.
   */
  batch: {
    max: 6000,
    timeWindow: 60_000,
    hook: 'preHandler' as const,
    keyGenerator: (request: FastifyRequest) => `${request.ip}|${claimedSender(request)}`,
  },
  /**
   * TAXII requests per address and claimed user, counted before the credentials are checked
   * (a Basic password costs an argon2 verification): 50 a second outlasts a client paging
   * through a whole collection.
   */
  taxii: {
    max: 3000,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => `${request.ip}|${claimedUser(request)}`,
  },
} as const;

/** Who a TAXII request's credentials claim to be: the Basic user, or a token's first bytes. */
function claimedUser(request: FastifyRequest): string {
  const authorization = request.headers.authorization ?? '';
  const basic = /^Basic\s+([A-Za-z0-9+/=]{1,1024})$/i.exec(authorization);
  if (basic) {
    const pair = Buffer.from(basic[1] as string, 'base64').toString('utf8');
    return `basic:${pair.slice(0, Math.max(0, pair.indexOf(':'))).slice(0, 64)}`;
  }
  return `other:${authorization.slice(0, 24)}`;
}

/** The `from` an envelope of the batch claims (checked later, when it is opened). */
function claimedSender(request: FastifyRequest): string {
  const first = (request.body as { envelopes?: unknown[] } | undefined)?.envelopes?.[0];
  if (typeof first !== 'string') return '?';
  try {
    const from = decodeProtectedHeader(first)['from'];
    return typeof from === 'string' ? from.slice(0, 64) : '?';
  } catch {
    return '?';
  }
}

/**
 * `exempt`: addresses never limited (config limits.rateExempt: a monitoring host, a test).
 * `store`: the node's, to count in the database on PostgreSQL.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  exempt: readonly string[],
  store?: Store,
): Promise<void> {
  const free = new Set(exempt);
  await app.register(rateLimit, {
    global: false,
    ...(store?.dialect === 'postgres' ? { store: databaseRateStore(store.db) } : {}),
    allowList: (request) => free.has(request.ip),
    errorResponseBuilder: (_request, context) =>
      tooManyRequests(
        'rate_limited',
        `Too many requests; try again in ${Math.ceil(context.ttl / 1000)} seconds.`,
        Math.ceil(context.ttl / 1000),
      ),
  });
}
