import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Role } from '../../../core/roles.js';
import type {
  ChangePasswordBody,
  CreateTokenBody,
  CreateUserBody,
  Language,
  UpdateMeBody,
  UpdateUserBody,
  UserView,
  TokenView,
} from '../../../core/schemas/accounts.js';
import { actorUserId, authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { iso, isoOrNull, type Clock } from '../../clock.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../errors.js';
import type { EventBus } from '../../events.js';
import type { Db, Store, Trx } from '../../store/database.js';
import * as repo from './accounts.repository.js';
import type { ApiTokenRow, UserRow } from './accounts.table.js';
import {
  generateOneTimePassword,
  hashPassword,
  randomSecret,
  sameSecretHash,
  sha256Hex,
  verifyDummy,
  verifyPassword,
} from './passwords.js';

export const LOGIN_WINDOW_MS = 60_000;
export const LOGIN_MAX_FAILURES = 5;
const TOKEN_PREFIX = 'lsn_';

export function presentUser(row: UserRow): UserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: JSON.parse(row.roles) as Role[],
    disabled: row.disabled === 1,
    mustChangePassword: row.must_change_password === 1,
    timeZone: row.time_zone,
    language: row.language as Language | null,
    createdAt: iso(Number(row.created_at)),
    updatedAt: iso(Number(row.updated_at)),
  };
}

export function presentToken(row: ApiTokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    userId: row.user_id,
    roles: JSON.parse(row.roles) as Role[],
    createdAt: iso(Number(row.created_at)),
    expiresAt: isoOrNull(row.expires_at === null ? null : Number(row.expires_at)),
    lastUsedAt: isoOrNull(row.last_used_at === null ? null : Number(row.last_used_at)),
  };
}

export interface LoginResult {
  sessionSecret: string;
  csrfToken: string;
  expiresAt: number;
  user: UserView;
}

export interface AccountsDeps {
  store: Store;
  clock: Clock;
  bus: EventBus;
  log: Logger;
  sessionIdleMs: number;
  sessionMaxMs: number;
}

/** Accounts: users, sessions, API tokens and login throttling. */
export class AccountsService {
  constructor(private readonly deps: AccountsDeps) {}

  private get db(): Db {
    return this.deps.store.db;
  }

  private now(): number {
    return this.deps.clock.now();
  }

  // ---- sessions -------------------------------------------------------------------

  async login(usernameInput: string, password: string, address: string): Promise<LoginResult> {
    const username = usernameInput.trim().toLowerCase();
    const now = this.now();
    const keys = [`account:${username}`, `address:${address}`];
    const recent = await repo.recentLoginFailures(this.db, keys, now - LOGIN_WINDOW_MS);
    const blocked = recent.filter((r) => r.count >= LOGIN_MAX_FAILURES);
    if (blocked.length > 0) {
      const retryAt = Math.max(...blocked.map((r) => r.oldest + LOGIN_WINDOW_MS));
      const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
      this.deps.log.warn({ username, address }, 'login throttled');
      throw new AppError(
        'too_many_attempts',
        429,
        `Too many failed logins. Try again in ${seconds} seconds.`,
        { 'retry-after': String(seconds) },
      );
    }
    const user = await repo.findUserByUsername(this.db, username);
    const ok = user
      ? await verifyPassword(user.password_hash, password)
      : (await verifyDummy(password), false);
    if (!user || !ok) {
      await repo.recordLoginFailure(this.db, keys, now);
      await repo.pruneLoginFailures(this.db, now - 60 * LOGIN_WINDOW_MS);
      this.deps.log.warn({ username, address }, 'login failed');
      throw new AppError('invalid_credentials', 401, 'The username or password is wrong.');
    }
    if (user.disabled === 1) {
      throw new AppError(
        'account_disabled',
        403,
        'This account is disabled. Ask the node administrator.',
      );
    }
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
        details: { username: user.username, address },
      });
    });
    this.deps.log.info({ userId: user.id }, 'login');
    return { sessionSecret, csrfToken, expiresAt, user: presentUser(user) };
  }

  /** The actor behind a session cookie, or undefined when it is unknown, expired or disabled. */
  async authenticateSession(
    secret: string,
  ): Promise<{ actor: Actor; csrfToken: string } | undefined> {
    if (secret.length < 20 || secret.length > 100) return undefined;
    const id = sha256Hex(secret);
    const session = await repo.findSession(this.db, id);
    const now = this.now();
    if (!session) return undefined;
    if (Number(session.expires_at) <= now) {
      await repo.deleteSession(this.db, id);
      return undefined;
    }
    const user = await repo.findUser(this.db, session.user_id);
    if (!user || user.disabled === 1) return undefined;
    if (now - Number(session.last_seen_at) > 60_000) {
      const expiresAt = Math.min(
        now + this.deps.sessionIdleMs,
        Number(session.created_at) + this.deps.sessionMaxMs,
      );
      await repo.touchSession(this.db, id, now, expiresAt);
    }
    return {
      actor: {
        kind: 'user',
        userId: user.id,
        username: user.username,
        roles: JSON.parse(user.roles) as Role[],
        sessionId: id,
        mustChangePassword: user.must_change_password === 1,
      },
      csrfToken: session.csrf_token,
    };
  }

  async sessionCsrf(actor: Actor): Promise<string> {
    if (actor.kind !== 'user')
      throw badRequest('not_a_session', 'This request is not made with a session.');
    const session = await repo.findSession(this.db, actor.sessionId);
    if (!session)
      throw new AppError('not_authenticated', 401, 'The session has ended. Log in again.');
    return session.csrf_token;
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
  }

  /**
   * HTTP Basic for TAXII clients: the user's own password, throttled like a login. A good
   * answer is remembered for a minute (by a hash of the pair), so a client paging a
   * collection does not pay a password hash per page; a disabled user or a changed
   * password takes effect within that minute.
   */
  async authenticateBasic(
    usernameInput: string,
    password: string,
    address: string,
  ): Promise<Actor | undefined> {
    const username = usernameInput.trim().toLowerCase();
    const key = sha256Hex(`${username}\u0000${password}`);
    const now = this.now();
    const cached = this.basicCache.get(key);
    let userId = cached && cached.until > now ? cached.userId : undefined;
    if (userId === undefined) {
      const keys = [`account:${username}`, `address:${address}`];
      const recent = await repo.recentLoginFailures(this.db, keys, now - LOGIN_WINDOW_MS);
      if (recent.some((r) => r.count >= LOGIN_MAX_FAILURES)) {
        throw new AppError('too_many_attempts', 429, 'Too many failed logins. Try again later.');
      }
      const found = await repo.findUserByUsername(this.db, username);
      const ok = found
        ? await verifyPassword(found.password_hash, password)
        : (await verifyDummy(password), false);
      if (!found || !ok) {
        await repo.recordLoginFailure(this.db, keys, now);
        return undefined;
      }
      userId = found.id;
      if (this.basicCache.size > 1000) this.basicCache.clear();
      this.basicCache.set(key, { userId, until: now + 60_000 });
    }
    const user = await repo.findUser(this.db, userId);
    if (!user || user.disabled === 1 || user.must_change_password === 1) return undefined;
    return {
      kind: 'user',
      userId: user.id,
      username: user.username,
      roles: JSON.parse(user.roles) as Role[],
      sessionId: 'basic',
      mustChangePassword: false,
    };
  }

  private readonly basicCache = new Map<string, { userId: string; until: number }>();

  /** The actor behind an API token (`lsn_<id>.<secret>`), or undefined. */
  async authenticateToken(token: string): Promise<Actor | undefined> {
    const match = /^lsn_([0-9a-f-]{36})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
    if (!match) return undefined;
    const [, id, secret] = match as unknown as [string, string, string];
    const row = await repo.findToken(this.db, id);
    const now = this.now();
    if (!row || row.revoked_at !== null) return undefined;
    if (!sameSecretHash(row.secret_hash, sha256Hex(secret))) return undefined;
    if (row.expires_at !== null && Number(row.expires_at) <= now) return undefined;
    const user = await repo.findUser(this.db, row.user_id);
    if (!user || user.disabled === 1) return undefined;
    // A token never has more rights than its user has now.
    const userRoles = JSON.parse(user.roles) as Role[];
    const roles = (JSON.parse(row.roles) as Role[]).filter((role) => userRoles.includes(role));
    if (row.last_used_at === null || now - Number(row.last_used_at) > 60_000) {
      await repo.markTokenUsed(this.db, id, now);
    }
    return { kind: 'token', userId: user.id, username: user.username, roles, tokenId: id };
  }

  // ---- the user's own account ---------------------------------------------------------

  async me(actor: Actor): Promise<UserView> {
    return presentUser(await this.requireSelf(this.db, actor));
  }

  async updateMe(actor: Actor, body: UpdateMeBody): Promise<UserView> {
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const before = await this.requireSelf(trx, actor);
      const after = await repo.updateUser(trx, before.id, {
        ...(body.displayName !== undefined ? { display_name: body.displayName } : {}),
        ...(body.timeZone !== undefined ? { time_zone: body.timeZone } : {}),
        ...(body.language !== undefined ? { language: body.language } : {}),
        updated_at: this.now(),
      });
      await this.audit(trx, actor, 'user.update_self', before, after);
      hooks.afterCommit(() => this.publishUser(after));
      return after;
    });
    return presentUser(row);
  }

  async changePassword(actor: Actor, body: ChangePasswordBody): Promise<void> {
    const user = await this.requireSelf(this.db, actor);
    if (!(await verifyPassword(user.password_hash, body.currentPassword))) {
      throw new AppError('wrong_password', 403, 'The current password is wrong.');
    }
    if (body.newPassword === body.currentPassword) {
      throw badRequest('weak_password', 'The new password must differ from the current one.');
    }
    if (body.newPassword.toLowerCase().includes(user.username)) {
      throw badRequest('weak_password', 'The new password must not contain the username.');
    }
    const hash = await hashPassword(body.newPassword);
    await this.deps.store.transaction(async (trx) => {
      const after = await repo.updateUser(trx, user.id, {
        password_hash: hash,
        must_change_password: 0,
        updated_at: this.now(),
      });
      // Other sessions of this user end: whoever else knew the old password is out.
      await repo.deleteUserSessions(
        trx,
        user.id,
        actor.kind === 'user' ? actor.sessionId : undefined,
      );
      await this.audit(trx, actor, 'user.password_change', user, after);
    });
  }

  // ---- administration ------------------------------------------------------------------

  async listUsers(actor: Actor): Promise<UserView[]> {
    authorize(actor, 'users.manage');
    return (await repo.listUsers(this.db)).map(presentUser);
  }

  async getUser(actor: Actor, id: string): Promise<UserView> {
    authorize(actor, 'users.manage');
    return presentUser(await this.requireUser(this.db, id));
  }

  async findByUsername(actor: Actor, username: string): Promise<UserView> {
    authorize(actor, 'users.manage');
    const row = await repo.findUserByUsername(this.db, username.toLowerCase());
    if (!row) throw notFound('user_not_found', `No user is named ${username}.`);
    return presentUser(row);
  }

  /**
   * Creates a user. Without a password, a one-time password is generated and returned
   * (once); the user must change it at first login.
   */
  async createUser(
    actor: Actor,
    body: CreateUserBody,
    options: { mustChangePassword?: boolean } = {},
  ): Promise<{ user: UserView; password: string | null }> {
    authorize(actor, 'users.manage');
    const oneTime = body.password === undefined ? generateOneTimePassword() : null;
    const hash = await hashPassword(body.password ?? (oneTime as string));
    const now = this.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      if (await repo.findUserByUsername(trx, body.username)) {
        throw conflict('username_taken', `The username ${body.username} is already taken.`);
      }
      const id = randomUUID();
      await repo.insertUser(trx, {
        id,
        username: body.username,
        display_name: body.displayName,
        password_hash: hash,
        roles: JSON.stringify(dedupe(body.roles)),
        disabled: 0,
        must_change_password: (options.mustChangePassword ?? oneTime !== null) ? 1 : 0,
        time_zone: null,
        language: null,
        created_at: now,
        updated_at: now,
      });
      const created = await this.requireUser(trx, id);
      await this.audit(trx, actor, 'user.create', undefined, created);
      hooks.afterCommit(() => this.publishUser(created));
      return created;
    });
    return { user: presentUser(row), password: oneTime };
  }

  async updateUser(actor: Actor, id: string, body: UpdateUserBody): Promise<UserView> {
    authorize(actor, 'users.manage');
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const before = await this.requireUser(trx, id);
      const roles = body.roles ? dedupe(body.roles) : (JSON.parse(before.roles) as Role[]);
      const disabled = body.disabled ?? before.disabled === 1;
      const wasActiveAdmin =
        before.disabled === 0 && (JSON.parse(before.roles) as Role[]).includes('admin');
      const staysActiveAdmin = !disabled && roles.includes('admin');
      if (wasActiveAdmin && !staysActiveAdmin && (await repo.countActiveAdmins(trx)) <= 1) {
        throw conflict(
          'last_admin',
          'This is the last active administrator; the node would have none.',
        );
      }
      const after = await repo.updateUser(trx, id, {
        ...(body.displayName !== undefined ? { display_name: body.displayName } : {}),
        roles: JSON.stringify(roles),
        disabled: disabled ? 1 : 0,
        updated_at: this.now(),
      });
      const action =
        body.disabled === true && before.disabled === 0
          ? 'user.disable'
          : body.disabled === false && before.disabled === 1
            ? 'user.enable'
            : 'user.update';
      if (disabled) await repo.deleteUserSessions(trx, id);
      await this.audit(trx, actor, action, before, after);
      hooks.afterCommit(() => {
        this.publishUser(after);
        if (disabled)
          this.deps.bus.publish(
            'session.revoked',
            { reason: 'account_disabled' },
            { userIds: [id] },
          );
      });
      return after;
    });
    return presentUser(row);
  }

  /** Sets a new one-time password; the user must change it at next login. */
  async resetPassword(actor: Actor, id: string): Promise<{ password: string }> {
    authorize(actor, 'users.manage');
    const password = generateOneTimePassword();
    const hash = await hashPassword(password);
    await this.deps.store.transaction(async (trx, hooks) => {
      const before = await this.requireUser(trx, id);
      const after = await repo.updateUser(trx, id, {
        password_hash: hash,
        must_change_password: 1,
        updated_at: this.now(),
      });
      await repo.deleteUserSessions(trx, id);
      await this.audit(trx, actor, 'user.password_reset', before, after);
      hooks.afterCommit(() => {
        this.publishUser(after);
        this.deps.bus.publish('session.revoked', { reason: 'password_reset' }, { userIds: [id] });
      });
    });
    return { password };
  }

  // ---- API tokens --------------------------------------------------------------------------

  /** Creates an API token for the actor (or, for an admin, for another user). */
  async createToken(
    actor: Actor,
    body: CreateTokenBody,
    forUserId?: string,
  ): Promise<{ token: TokenView; secret: string }> {
    const ownId = actorUserId(actor);
    const userId = forUserId ?? ownId;
    if (!userId) throw badRequest('user_required', 'Name the user the token acts for.');
    if (userId !== ownId) authorize(actor, 'users.manage');
    if (actor.kind === 'token') throw forbidden('An API token cannot create tokens.');
    const now = this.now();
    const id = randomUUID();
    const secret = randomSecret();
    const row = await this.deps.store.transaction(async (trx) => {
      const user = await this.requireUser(trx, userId);
      const userRoles = JSON.parse(user.roles) as Role[];
      const extra = body.roles.filter((role) => !userRoles.includes(role));
      if (extra.length > 0) {
        throw forbidden(`A token cannot have roles its user does not have: ${extra.join(', ')}.`);
      }
      const token: ApiTokenRow = {
        id,
        user_id: userId,
        name: body.name,
        secret_hash: sha256Hex(secret),
        roles: JSON.stringify(dedupe(body.roles)),
        created_at: now,
        expires_at: body.expiresInDays ? now + body.expiresInDays * 86_400_000 : null,
        last_used_at: null,
        revoked_at: null,
      };
      await repo.insertToken(trx, token);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'token.create',
        entityType: 'api_token',
        entityId: id,
        after: { ...token, secret_hash: undefined },
        details: { name: body.name, userId, roles: body.roles },
      });
      return token;
    });
    return { token: presentToken(row), secret: `${TOKEN_PREFIX}${id}.${secret}` };
  }

  async listTokens(actor: Actor, options: { all?: boolean } = {}): Promise<TokenView[]> {
    if (options.all) authorize(actor, 'users.manage');
    const rows = await repo.listTokens(this.db, options.all ? undefined : actorUserId(actor));
    return rows.map(presentToken);
  }

  async revokeToken(actor: Actor, id: string): Promise<void> {
    await this.deps.store.transaction(async (trx) => {
      const row = await repo.findToken(trx, id);
      if (!row || row.revoked_at !== null)
        throw notFound('token_not_found', `No active token has the id ${id}.`);
      if (row.user_id !== actorUserId(actor)) authorize(actor, 'users.manage');
      await repo.revokeToken(trx, id, this.now());
      await appendAudit(trx, {
        actor,
        at: this.now(),
        action: 'token.revoke',
        entityType: 'api_token',
        entityId: id,
        details: { name: row.name, userId: row.user_id },
      });
    });
  }

  // ---- helpers -------------------------------------------------------------------------------

  private async requireUser(db: Db, id: string): Promise<UserRow> {
    const row = await repo.findUser(db, id);
    if (!row) throw notFound('user_not_found', `No user has the id ${id}.`);
    return row;
  }

  private async requireSelf(db: Db, actor: Actor): Promise<UserRow> {
    const id = actorUserId(actor);
    if (!id) throw badRequest('user_required', 'This action is for a user account.');
    return this.requireUser(db, id);
  }

  private async audit(
    trx: Trx,
    actor: Actor,
    action: string,
    before: UserRow | undefined,
    after: UserRow,
  ): Promise<void> {
    await appendAudit(trx, {
      actor,
      at: this.now(),
      action,
      entityType: 'user',
      entityId: after.id,
      before: before ? { ...before, password_hash: sha256Hex(before.password_hash) } : undefined,
      after: { ...after, password_hash: sha256Hex(after.password_hash) },
      details: {
        username: after.username,
        roles: JSON.parse(after.roles) as unknown,
        disabled: after.disabled === 1,
      },
    });
  }

  private publishUser(row: UserRow): void {
    const user = presentUser(row);
    this.deps.bus.publish('user.changed', { user }, { roles: ['admin'], userIds: [row.id] });
  }
}

function dedupe<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
