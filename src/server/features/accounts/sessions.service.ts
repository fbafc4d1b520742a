import type { Logger } from 'pino';
import type { Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import type { SessionInfo, UserView } from '../../../core/schemas/accounts.js';
import type { Clock } from '../../clock.js';
import {
  badRequest,
  failure,
  forbidden,
  notFound,
  tooManyRequests,
  unauthorized,
} from '../../errors.js';
import type { Db, Store } from '../../store/database.js';
import {
  checkCredentials,
  normalizeUsername,
  throttledSeconds,
  throttleKeys,
  LOGIN_WINDOW_MS,
} from './credentials.js';
import {
  hasSecondFactor,
  presentUser,
  rolesOf,
  type SecondFactorPolicy,
} from './accounts.present.js';
import type { AuthCache, CachedCredential } from './auth-cache.js';
import * as repo from './accounts.repository.js';
import type { UserRow } from './accounts.table.js';
import { randomSecret, sha256Hex } from './passwords.js';
import type { SecondFactorAnswer, SecondFactorService } from './second-factor.service.js';

export interface SessionsDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  sessionIdleMs: number;
  sessionMaxMs: number;
  authCache: AuthCache;
  requireSecondFactor: SecondFactorPolicy;
  secondFactor: SecondFactorService;
}

export interface LoginResult {
  sessionSecret: string;
  csrfToken: string;
  expiresAt: number;
  user: UserView;
}

/** The actor of a user signed in by a session (or by HTTP Basic, `sessionId: 'basic'`). */
function userActor(user: UserRow, sessionId: string, mustChangePassword: boolean): Actor {
  return {
    kind: 'user',
    userId: user.id,
    username: user.username,
    roles: rolesOf(user),
    sessionId,
    mustChangePassword,
  };
}

/** Signing in with a password: cookie sessions (login, logout) and HTTP Basic for TAXII. */
export class SessionsService {
  constructor(private readonly deps: SessionsDeps) {}

  private get db(): Db {
    return this.deps.store.db;
  }

  private now(): number {
    return this.deps.clock.now();
  }

  /**
   * A password, and for an account with a second factor its code or a recovery code
   * (second-factor.service.ts). An account the node requires a second factor of that has
   * none yet gets a session too, which may only enrol one (http/auth.ts).
   */
  async login(
    usernameInput: string,
    password: string,
    address: string,
    answer: SecondFactorAnswer = {},
  ): Promise<LoginResult> {
    const username = normalizeUsername(usernameInput);
    const now = this.now();
    const keys = throttleKeys(username, address);
    const seconds = await throttledSeconds(this.db, keys, now);
    if (seconds !== undefined) {
      this.deps.log.warn({ username, address }, 'login throttled');
      throw tooManyRequests(
        'too_many_attempts',
        `Too many failed logins. Try again in ${seconds} seconds.`,
        seconds,
      );
    }
    const user = await checkCredentials(this.db, username, password);
    if (!user) {
      await repo.recordLoginFailure(this.db, keys, now);
      await repo.pruneLoginFailures(this.db, now - 60 * LOGIN_WINDOW_MS);
      this.deps.log.warn({ username, address }, 'login failed');
      throw unauthorized('invalid_credentials', 'The username or password is wrong.');
    }
    if (user.disabled === 1) {
      throw forbidden('This account is disabled. Ask the node administrator.', 'account_disabled');
    }
    await this.deps.secondFactor.checkAtLogin(user, answer, keys, address);
    const sessionSecret = randomSecret();
    const csrfToken = randomSecret(24);
    const expiresAt = Math.min(now + this.deps.sessionIdleMs, now + this.deps.sessionMaxMs);
    await this.deps.store.transaction(async (trx) => {
      const id = sha256Hex(sessionSecret);
      await repo.insertSession(trx, {
        id,
        user_id: user.id,
        csrf_token: csrfToken,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
      });
      await repo.clearLoginFailures(trx, `account:${username}`);
      await repo.deleteExpiredSessions(trx, now);
      await appendAudit(trx, {
        actor: { kind: 'system', reason: 'login' },
        at: now,
        action: 'session.login',
        entityType: 'user',
        entityId: user.id,
        details: { username: user.username, address, secondFactor: hasSecondFactor(user) },
      });
    });
    this.deps.log.info({ userId: user.id }, 'login');
    return {
      sessionSecret,
      csrfToken,
      expiresAt,
      user: presentUser(user, this.deps.requireSecondFactor),
    };
  }

  /**
   * The actor behind a session cookie, or undefined when it is unknown, expired or disabled.
   * A session verified in the last AUTH_CACHE_MS is not looked up again (auth-cache.ts).
   */
  async authenticateSession(
    secret: string,
  ): Promise<{ actor: Actor; csrfToken: string } | undefined> {
    if (secret.length < 20 || secret.length > 100) return undefined;
    const id = sha256Hex(secret);
    const epoch = await this.deps.authCache.fresh(this.deps.store);
    const cached = this.deps.authCache.get(`session:${id}`);
    if (cached?.csrfToken !== undefined && (cached.expiresAt ?? 0) > this.now()) {
      return { actor: cached.actor, csrfToken: cached.csrfToken };
    }
    const found = await this.verifySession(id);
    if (found) this.deps.authCache.set(`session:${id}`, found, epoch);
    return found && found.csrfToken !== undefined
      ? { actor: found.actor, csrfToken: found.csrfToken }
      : undefined;
  }

  private async verifySession(id: string): Promise<CachedCredential | undefined> {
    const session = await repo.findSession(this.db, id);
    const now = this.now();
    if (!session) return undefined;
    if (Number(session.expires_at) <= now) {
      await repo.deleteSession(this.db, id);
      return undefined;
    }
    const user = await repo.findUser(this.db, session.user_id);
    if (!user || user.disabled === 1) return undefined;
    let expiresAt = Number(session.expires_at);
    if (now - Number(session.last_seen_at) > 60_000) {
      expiresAt = Math.min(
        now + this.deps.sessionIdleMs,
        Number(session.created_at) + this.deps.sessionMaxMs,
      );
      await repo.touchSession(this.db, id, now, expiresAt);
    }
    return {
      actor: userActor(user, id, user.must_change_password === 1),
      csrfToken: session.csrf_token,
      expiresAt,
    };
  }

  async sessionCsrf(actor: Actor): Promise<string> {
    if (actor.kind !== 'user')
      throw badRequest('not_a_session', 'This request is not made with a session.');
    const session = await repo.findSession(this.db, actor.sessionId);
    if (!session) throw unauthorized('not_authenticated', 'The session has ended. Log in again.');
    return session.csrf_token;
  }

  /** The user's sessions, each named by a handle derived from its id (which opens nothing). */
  async listMine(actor: Actor): Promise<SessionInfo[]> {
    if (actor.kind !== 'user') throw forbidden('Sessions are those of a logged-in user.');
    const rows = await repo.sessionsOfUser(this.db, actor.userId, this.now());
    return rows.map((row) => ({
      id: sessionHandle(row.id),
      createdAt: new Date(Number(row.created_at)).toISOString(),
      lastSeenAt: new Date(Number(row.last_seen_at)).toISOString(),
      expiresAt: new Date(Number(row.expires_at)).toISOString(),
      current: row.id === actor.sessionId,
    }));
  }

  /** Ends one of the user's sessions (a browser left logged in elsewhere); audited. */
  async revokeMine(actor: Actor, handle: string): Promise<void> {
    if (actor.kind !== 'user') throw forbidden('Sessions are those of a logged-in user.');
    const rows = await repo.sessionsOfUser(this.db, actor.userId, this.now());
    const row = rows.find((r) => sessionHandle(r.id) === handle);
    if (!row) throw notFound('session_not_found', `You have no session ${handle}.`);
    await this.deps.store.transaction(async (trx) => {
      await repo.deleteSession(trx, row.id);
      await appendAudit(trx, {
        actor,
        at: this.now(),
        action: 'session.revoke',
        entityType: 'user',
        entityId: actor.userId,
        details: { session: handle },
      });
    });
    this.deps.authCache.clear();
  }

  async logout(actor: Actor): Promise<void> {
    if (actor.kind !== 'user') return;
    await this.deps.store.transaction(async (trx) => {
      await repo.deleteSession(trx, actor.sessionId);
      await appendAudit(trx, {
        actor,
        at: this.now(),
        action: 'session.logout',
        entityType: 'user',
        entityId: actor.userId,
      });
    });
    this.deps.authCache.clear();
  }

  /**
   * HTTP Basic for TAXII clients: the user's own password, throttled like a login. A good
   * answer is remembered for a minute (by a hash of the pair, with the password hash it
   * matched), so a client paging a collection does not pay a password hash per page; a
   * changed password takes effect at once, since the user's row is read each time the
   * actor is not cached. The actor itself is kept AUTH_CACHE_MS (auth-cache.ts), and
   * forgotten as soon as the accounts change through any process.
   */
  async authenticateBasic(
    usernameInput: string,
    password: string,
    address: string,
  ): Promise<Actor | undefined> {
    const username = normalizeUsername(usernameInput);
    const key = sha256Hex(`${username}\u0000${password}`);
    const epoch = await this.deps.authCache.fresh(this.deps.store);
    const known = this.deps.authCache.get(`basic:${key}`);
    if (known) return known.actor;
    const now = this.now();
    const cached = this.basicCache.get(key);
    let user =
      cached && cached.until > now ? await repo.findUser(this.db, cached.userId) : undefined;
    if (user && user.password_hash !== cached?.passwordHash) user = undefined;
    if (user === undefined) {
      const keys = throttleKeys(username, address);
      if ((await throttledSeconds(this.db, keys, now)) !== undefined) {
        // failure, not tooManyRequests: this answer has never carried a Retry-After header.
        throw failure('too_many_attempts', 429, 'Too many failed logins. Try again later.');
      }
      const found = await checkCredentials(this.db, username, password);
      if (!found) {
        await repo.recordLoginFailure(this.db, keys, now);
        return undefined;
      }
      user = found;
      if (this.basicCache.size > 1000) this.basicCache.clear();
      this.basicCache.set(key, {
        userId: user.id,
        passwordHash: user.password_hash,
        until: now + 60_000,
      });
    }
    if (user.disabled === 1 || user.must_change_password === 1) return undefined;
    if (hasSecondFactor(user)) {
      // A password alone must not open an account that has a second factor.
      throw unauthorized(
        'second_factor_required',
        'This account has a second factor: TAXII clients use an API token (Authorization: Bearer).',
      );
    }
    const actor = userActor(user, 'basic', false);
    this.deps.authCache.set(`basic:${key}`, { actor, expiresAt: null }, epoch);
    return actor;
  }

  private readonly basicCache = new Map<
    string,
    { userId: string; passwordHash: string; until: number }
  >();
}

/** A session's public name: a hash of its id, which is itself a hash of the cookie's secret. */
function sessionHandle(id: string): string {
  return sha256Hex(`handle:${id}`).slice(0, 16);
}
