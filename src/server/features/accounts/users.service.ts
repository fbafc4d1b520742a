import { randomUUID } from 'node:crypto';
import type {
  ChangePasswordBody,
  CreateUserBody,
  UpdateMeBody,
  UpdateUserBody,
  UserView,
} from '../../../core/schemas/accounts.js';
import { actorUserId, authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import type { Clock } from '../../clock.js';
import { badRequest, conflict, forbidden, notFound } from '../../errors.js';
import type { EventBus } from '../../events.js';
import type { Db, Store, Trx } from '../../store/database.js';
import {
  auditableUser,
  presentUser,
  rolesOf,
  type SecondFactorPolicy,
} from './accounts.present.js';
import type { AuthCache } from './auth-cache.js';
import * as repo from './accounts.repository.js';
import type { UserRow } from './accounts.table.js';
import { generateOneTimePassword, hashPassword, verifyPassword } from './passwords.js';

export interface UsersDeps {
  store: Store;
  clock: Clock;
  bus: EventBus;
  authCache: AuthCache;
  requireSecondFactor: SecondFactorPolicy;
}

/** The user row with this id; user_not_found otherwise. */
export async function requireUser(db: Db, id: string): Promise<UserRow> {
  const row = await repo.findUser(db, id);
  if (!row) throw notFound('user_not_found', `No user has the id ${id}.`);
  return row;
}

export function dedupe<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Users: one's own account, and their administration (users.manage). */
export class UsersService {
  constructor(private readonly deps: UsersDeps) {}

  private get db(): Db {
    return this.deps.store.db;
  }

  private now(): number {
    return this.deps.clock.now();
  }

  // ---- the user's own account ---------------------------------------------------------

  async me(actor: Actor): Promise<UserView> {
    return this.present(await this.requireSelf(this.db, actor));
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
    return this.present(row);
  }

  async changePassword(actor: Actor, body: ChangePasswordBody): Promise<void> {
    const user = await this.requireSelf(this.db, actor);
    if (!(await verifyPassword(user.password_hash, body.currentPassword))) {
      throw forbidden('The current password is wrong.', 'wrong_password');
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
    this.deps.authCache.clear();
  }

  // ---- administration ------------------------------------------------------------------

  async listUsers(actor: Actor): Promise<UserView[]> {
    authorize(actor, 'users.manage');
    return (await repo.listUsers(this.db)).map((row) => this.present(row));
  }

  async getUser(actor: Actor, id: string): Promise<UserView> {
    authorize(actor, 'users.manage');
    return this.present(await requireUser(this.db, id));
  }

  async findByUsername(actor: Actor, username: string): Promise<UserView> {
    authorize(actor, 'users.manage');
    const row = await repo.findUserByUsername(this.db, username.toLowerCase());
    if (!row) throw notFound('user_not_found', `No user is named ${username}.`);
    return this.present(row);
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
      const created = await requireUser(trx, id);
      await this.audit(trx, actor, 'user.create', undefined, created);
      hooks.afterCommit(() => this.publishUser(created));
      return created;
    });
    return { user: this.present(row), password: oneTime };
  }

  async updateUser(actor: Actor, id: string, body: UpdateUserBody): Promise<UserView> {
    authorize(actor, 'users.manage');
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const before = await requireUser(trx, id);
      const roles = body.roles ? dedupe(body.roles) : rolesOf(before);
      const disabled = body.disabled ?? before.disabled === 1;
      const wasActiveAdmin = before.disabled === 0 && rolesOf(before).includes('admin');
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
        if (disabled) this.revokeSessions(id, 'account_disabled');
      });
      return after;
    });
    this.deps.authCache.clear();
    return this.present(row);
  }

  /** Sets a new one-time password; the user must change it at next login. */
  async resetPassword(actor: Actor, id: string): Promise<{ password: string }> {
    authorize(actor, 'users.manage');
    const password = generateOneTimePassword();
    const hash = await hashPassword(password);
    await this.deps.store.transaction(async (trx, hooks) => {
      const before = await requireUser(trx, id);
      const after = await repo.updateUser(trx, id, {
        password_hash: hash,
        must_change_password: 1,
        updated_at: this.now(),
      });
      await repo.deleteUserSessions(trx, id);
      await this.audit(trx, actor, 'user.password_reset', before, after);
      hooks.afterCommit(() => {
        this.publishUser(after);
        this.revokeSessions(id, 'password_reset');
      });
    });
    this.deps.authCache.clear();
    return { password };
  }

  // ---- helpers -------------------------------------------------------------------------------

  private present(row: UserRow): UserView {
    return presentUser(row, this.deps.requireSecondFactor);
  }

  private async requireSelf(db: Db, actor: Actor): Promise<UserRow> {
    const id = actorUserId(actor);
    if (!id) throw badRequest('user_required', 'This action is for a user account.');
    return requireUser(db, id);
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
      before: before ? auditableUser(before) : undefined,
      after: auditableUser(after),
      details: {
        username: after.username,
        roles: JSON.parse(after.roles) as unknown,
        disabled: after.disabled === 1,
      },
    });
  }

  private publishUser(row: UserRow): void {
    const user = this.present(row);
    this.deps.bus.publish('user.changed', { user }, { roles: ['admin'], userIds: [row.id] });
  }

  /** Tells the user's browsers their sessions ended. */
  private revokeSessions(userId: string, reason: 'account_disabled' | 'password_reset'): void {
    this.deps.bus.publish('session.revoked', { reason }, { userIds: [userId] });
  }
}
