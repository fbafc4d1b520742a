import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, type Actor } from '../actor.js';
import type { Permission } from '../../core/roles.js';
import { forbidden, unauthorized } from '../errors.js';
import type { AccountsService } from '../features/accounts/public.js';

/**
 * Who is calling: a session cookie (browsers) or `Authorization: Bearer` (machines).
 * Routes under /api need an actor unless their config says `auth: 'public'`.
 * Cookie-authenticated writes must carry X-CSRF-Token (the session's token) and, when the
 * browser sends an Origin, come from this node's own origin.
 */
export const SESSION_COOKIE = 'liaison_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | undefined;
    csrfToken: string | undefined;
  }
  interface FastifyContextConfig {
    /** 'public': no actor needed. Default: an actor is needed for /api routes. */
    auth?: 'public';
    /** Reachable while the user still has to change a one-time password. */
    duringPasswordChange?: boolean;
    /**
     * Reachable by a session of a user the node requires a second factor of who has none
     * yet (auth.requireSecondFactor): logging out, who am I, and enrolling one.
     */
    duringEnrollment?: boolean;
    /**
     * The permission the whole route needs, checked before the request is validated: a
     * caller without it learns 403, not the shape of the body the route expects.
     */
    permission?: Permission;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor)
    throw unauthorized('not_authenticated', 'Log in first, or send an API token.');
  return request.actor;
}

/**
 * The request's credential checked again now (a long-lived stream asks every second): the
 * actor it stands for today, or undefined once it was revoked, expired, logged out, or its
 * user disabled.
 */
export async function reauthenticate(
  accounts: AccountsService,
  request: FastifyRequest,
): Promise<Actor | undefined> {
  const authorization = request.headers.authorization;
  let actor: Actor | undefined;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    actor = match ? await accounts.tokens.authenticateToken(match[1] as string) : undefined;
  } else {
    const secret = request.cookies[SESSION_COOKIE];
    actor = secret ? (await accounts.sessions.authenticateSession(secret))?.actor : undefined;
  }
  // A user whose second factor an admin removed, on a node that requires one, is held back.
  return actor && !(await accounts.secondFactor.mustEnroll(actor)) ? actor : undefined;
}

function checkOrigin(request: FastifyRequest, allowedOrigins: readonly string[]): void {
  const origin = request.headers.origin;
  if (origin === undefined || SAFE_METHODS.has(request.method)) return;
  const host = request.headers.host;
  const own = host ? [`http://${host}`, `https://${host}`] : [];
  if (![...own, ...allowedOrigins].includes(origin)) {
    throw forbidden(`Requests from ${origin} are not accepted by this node.`, 'cross_origin');
  }
}

export function registerAuth(
  app: FastifyInstance,
  accounts: AccountsService,
  options: { secureCookies: boolean; publicOrigin: string },
): void {
  app.decorateRequest('actor', undefined);
  app.decorateRequest('csrfToken', undefined);

  app.addHook('preValidation', async (request: FastifyRequest, _reply: FastifyReply) => {
    const config = request.routeOptions.config;
    const url = request.routeOptions.url;
    // Unknown routes get their 404 from the not-found handler, whoever asks.
    if (url === undefined) return;
    const isApi = url.startsWith('/api/') && !url.startsWith('/api/docs');
    const authorization = request.headers.authorization;
    // The scraper's bearer is the metrics token, not an API token (http/metrics.ts).
    if (url === '/metrics') return;
    if (url.startsWith('/taxii2/')) {
      // TAXII clients: HTTP Basic or a bearer token, never the browser's cookie.
      request.actor = await taxiiActor(accounts, authorization, request.ip);
      await refuseUntilEnrolled(accounts, request.actor, false);
      return;
    }
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const actor = match ? await accounts.tokens.authenticateToken(match[1] as string) : undefined;
      if (!actor) {
        throw unauthorized('invalid_token', 'The API token is unknown, revoked or expired.');
      }
      request.actor = actor;
    } else {
      const secret = request.cookies[SESSION_COOKIE];
      if (secret) {
        const session = await accounts.sessions.authenticateSession(secret);
        if (session) {
          request.actor = session.actor;
          request.csrfToken = session.csrfToken;
        }
      }
    }

    checkOrigin(request, [options.publicOrigin]);
    if (!isApi || config.auth === 'public') return;
    const actor = requireActor(request);
    if (config.permission && !can(actor, config.permission)) {
      throw forbidden(`This needs the permission ${config.permission}.`);
    }
    if (actor.kind === 'user' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !request.csrfToken || !sameText(sent, request.csrfToken)) {
        throw forbidden(
          'This write needs the X-CSRF-Token header given at login (GET /api/session).',
          'csrf_token_invalid',
        );
      }
    }
    if (actor.kind === 'user' && actor.mustChangePassword && !config.duringPasswordChange) {
      throw forbidden(
        'Choose a new password first (POST /api/me/password).',
        'password_change_required',
      );
    }
    await refuseUntilEnrolled(accounts, actor, config.duringEnrollment === true);
  });
}

/**
 * A user the node requires a second factor of, who has none yet, may only enrol one: their
 * session reaches the routes marked `duringEnrollment`, their API tokens and TAXII
 * credentials nothing at all (a token must not be a way around the policy).
 */
async function refuseUntilEnrolled(
  accounts: AccountsService,
  actor: Actor,
  duringEnrollment: boolean,
): Promise<void> {
  if (duringEnrollment && actor.kind === 'user' && actor.sessionId !== 'basic') return;
  if (await accounts.secondFactor.mustEnroll(actor)) {
    throw forbidden(
      'This node requires a second factor of this account: enrol one first (POST /api/me/second-factor).',
      'second_factor_enrollment_required',
    );
  }
}

const TAXII_CHALLENGE = {
  headers: { 'www-authenticate': 'Basic realm="Liaison TAXII", charset="UTF-8"' },
};

async function taxiiActor(
  accounts: AccountsService,
  authorization: string | undefined,
  address: string,
): Promise<Actor> {
  if (authorization === undefined) {
    throw unauthorized(
      'not_authenticated',
      'Send HTTP Basic credentials or Authorization: Bearer with an API token.',
      TAXII_CHALLENGE,
    );
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (bearer) {
    const actor = await accounts.tokens.authenticateToken(bearer[1] as string);
    if (actor) return actor;
    throw unauthorized(
      'invalid_token',
      'The API token is unknown, revoked or expired.',
      TAXII_CHALLENGE,
    );
  }
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization);
  if (basic) {
    const pair = Buffer.from(basic[1] as string, 'base64').toString('utf8');
    const colon = pair.indexOf(':');
    if (colon > 0) {
      const actor = await accounts.sessions.authenticateBasic(
        pair.slice(0, colon),
        pair.slice(colon + 1),
        address,
      );
      if (actor) return actor;
    }
    throw unauthorized(
      'invalid_credentials',
      'The username or password is wrong.',
      TAXII_CHALLENGE,
    );
  }
  throw unauthorized(
    'not_authenticated',
    'Use HTTP Basic or Bearer authentication.',
    TAXII_CHALLENGE,
  );
}

export function setSessionCookie(
  reply: FastifyReply,
  secret: string,
  expiresAt: number,
  secure: boolean,
): void {
  void reply.setCookie(SESSION_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}
