import type { Logger } from 'pino';
import type {
  RecoveryCodes,
  SecondFactorEnrollment,
  SecondFactorProofBody,
  SecondFactorStatus,
} from '../../../core/schemas/accounts.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { isoOrNull, type Clock } from '../../clock.js';
import {
  badRequest,
  conflict,
  forbidden,
  tooManyRequests,
  unauthorized,
  type AppError,
} from '../../errors.js';
import type { EventBus } from '../../events.js';
import type { Db, Store } from '../../store/database.js';
import {
  hasSecondFactor,
  mustEnrollSecondFactor,
  presentUser,
  rolesOf,
  secondFactorRequired,
  type SecondFactorPolicy,
} from './accounts.present.js';
import * as repo from './accounts.repository.js';
import type { UserRow } from './accounts.table.js';
import type { AuthCache } from './auth-cache.js';
import { LOGIN_WINDOW_MS, throttledSeconds, throttleKeys } from './credentials.js';
import { verifyPassword } from './passwords.js';
import * as factors from './second-factor.repository.js';
import {
  acceptedStep,
  enrollmentOf,
  newRecoveryCode,
  newTotpSecret,
  RECOVERY_CODE_COUNT,
  recoveryCodeHash,
} from './totp.js';
import { requireUser } from './users.service.js';

export interface SecondFactorDeps {
  store: Store;
  clock: Clock;
  bus: EventBus;
  log: Logger;
  authCache: AuthCache;
  nodeId: string;
  requireSecondFactor: SecondFactorPolicy;
}

/** What the login form sent besides the password. */
export interface SecondFactorAnswer {
  code?: string | undefined;
  recoveryCode?: string | undefined;
}

/**
 * The second factor (TOTP, RFC 6238, with single-use recovery codes): its enrolment by the
 * account's owner from a session with the account's password, its check at login, and its
 * reset by an administrator. Every code and password tried counts in the login throttle of
 * the account and the address (credentials.ts): a wrong code is a failure like a wrong
 * password.
 */
export class SecondFactorService {
  constructor(private readonly deps: SecondFactorDeps) {}

  private get db(): Db {
    return this.deps.store.db;
  }

  private now(): number {
    return this.deps.clock.now();
  }

  /**
   * Whether this user or token actor belongs to a user the node requires a second factor of
   * who has none yet (http/auth.ts then refuses all but the enrolment). Kept AUTH_CACHE_MS.
   */
  async mustEnroll(actor: Actor): Promise<boolean> {
    if (this.deps.requireSecondFactor === 'none') return false;
    if (actor.kind !== 'user' && actor.kind !== 'token') return false;
    const key = `enroll:${actor.userId}`;
    const known = this.deps.authCache.getFact(key);
    if (known !== undefined) return known;
    const user = await repo.findUser(this.db, actor.userId);
    const value = user ? mustEnrollSecondFactor(user, this.deps.requireSecondFactor) : false;
    this.deps.authCache.setFact(key, value);
    return value;
  }

  async status(actor: Actor): Promise<SecondFactorStatus> {
    const user = await this.requireSessionUser(actor);
    const enabled = hasSecondFactor(user);
    return {
      enabled,
      enabledAt: isoOrNull(user.totp_enabled_at === null ? null : Number(user.totp_enabled_at)),
      required: secondFactorRequired(this.deps.requireSecondFactor, rolesOf(user)),
      recoveryCodesLeft: enabled ? await factors.countRecoveryCodesLeft(this.db, user.id) : 0,
    };
  }

  /**
   * A new secret, kept pending until `confirm`; a pending one before it is replaced. Proved
   * by the account's password (throttled like a login): a session cookie alone, perhaps a
   * stolen one, must not enrol an authenticator the owner does not hold. Asking here rather
   * than at `confirm` also keeps such a session from replacing the owner's pending secret.
   */
  async begin(actor: Actor, password: string, address: string): Promise<SecondFactorEnrollment> {
    const user = await this.requireSessionUser(actor);
    if (hasSecondFactor(user)) throw alreadyEnabled();
    await this.prove(user, { password }, address);
    const secret = newTotpSecret();
    await factors.setPendingSecret(this.db, user.id, secret);
    const { uri, qrSvg } = await enrollmentOf(secret, user.username, this.deps.nodeId);
    return { secret, uri, qrSvg };
  }

  /** The first code from the app turns the factor on; the recovery codes are shown once. */
  async confirm(actor: Actor, code: string, address: string): Promise<RecoveryCodes> {
    const user = await this.requireSessionUser(actor);
    if (hasSecondFactor(user)) throw alreadyEnabled();
    if (user.totp_secret === null) {
      throw conflict(
        'second_factor_not_pending',
        'Begin the enrolment first (POST /api/me/second-factor).',
      );
    }
    const keys = await this.throttle(user, address);
    const now = this.now();
    const step = acceptedStep(user.totp_secret, code, now, user.totp_last_step);
    if (step === undefined || !(await factors.takeStep(this.db, user.id, step))) {
      await this.failed(keys, now);
      // A mistake in the form, not a refusal of the caller: 400, so the session stays.
      throw badRequest('second_factor_invalid', 'This code is wrong or was already used.');
    }
    const recoveryCodes = await this.deps.store.transaction(async (trx, hooks) => {
      await factors.enableSecondFactor(trx, user.id, now);
      const codes = await this.newRecoveryCodes(trx, user.id, now);
      await this.audit(trx, actor, 'second_factor.enroll', user.id, {});
      const after = await requireUser(trx, user.id);
      hooks.afterCommit(() => this.publishUser(after));
      return codes;
    });
    this.deps.authCache.clear();
    return { recoveryCodes };
  }

  /** Turns the factor off, proved by the password or a current code. */
  async disable(actor: Actor, proof: SecondFactorProofBody, address: string): Promise<void> {
    const user = await this.requireEnabled(actor);
    await this.prove(user, proof, address);
    await this.deps.store.transaction(async (trx, hooks) => {
      await factors.removeSecondFactor(trx, user.id, this.now());
      await this.audit(trx, actor, 'second_factor.disable', user.id, {});
      const after = await requireUser(trx, user.id);
      hooks.afterCommit(() => this.publishUser(after));
    });
    this.deps.authCache.clear();
  }

  /** New recovery codes (the old ones stop working), proved like `disable`. */
  async regenerate(
    actor: Actor,
    proof: SecondFactorProofBody,
    address: string,
  ): Promise<RecoveryCodes> {
    const user = await this.requireEnabled(actor);
    await this.prove(user, proof, address);
    const recoveryCodes = await this.deps.store.transaction(async (trx) => {
      const codes = await this.newRecoveryCodes(trx, user.id, this.now());
      await this.audit(trx, actor, 'second_factor.recovery_codes_regenerated', user.id, {});
      return codes;
    });
    return { recoveryCodes };
  }

  /** An administrator removes another user's factor (a lost phone); audited. */
  async reset(actor: Actor, userId: string): Promise<void> {
    authorize(actor, 'users.manage');
    await this.deps.store.transaction(async (trx, hooks) => {
      const user = await requireUser(trx, userId);
      await factors.removeSecondFactor(trx, userId, this.now());
      await this.audit(trx, actor, 'second_factor.reset', userId, {
        username: user.username,
        wasEnabled: hasSecondFactor(user),
      });
      const after = await requireUser(trx, userId);
      hooks.afterCommit(() => this.publishUser(after));
    });
    this.deps.authCache.clear();
  }

  /**
   * At login, after the password was found right: nothing to do for an account without a
   * second factor; otherwise a current code or an unused recovery code, or a 401 that says
   * only that one is needed (second_factor_required) or that it is wrong
   * (second_factor_invalid). `keys` are the attempt's throttle keys.
   */
  async checkAtLogin(
    user: UserRow,
    answer: SecondFactorAnswer,
    keys: string[],
    address: string,
  ): Promise<void> {
    if (!hasSecondFactor(user) || user.totp_secret === null) return;
    const now = this.now();
    if (answer.code !== undefined && answer.code.trim() !== '') {
      const step = acceptedStep(user.totp_secret, answer.code, now, user.totp_last_step);
      if (step !== undefined && (await factors.takeStep(this.db, user.id, step))) return;
    } else if (answer.recoveryCode !== undefined && answer.recoveryCode.trim() !== '') {
      const used = await this.deps.store.transaction(async (trx) => {
        const hash = recoveryCodeHash(answer.recoveryCode as string);
        if (!(await factors.useRecoveryCode(trx, user.id, hash, now))) return false;
        const left = await factors.countRecoveryCodesLeft(trx, user.id);
        await appendAudit(trx, {
          actor: { kind: 'system', reason: 'login' },
          at: now,
          action: 'second_factor.recovery_code_used',
          entityType: 'user',
          entityId: user.id,
          details: { username: user.username, address, left },
        });
        return true;
      });
      if (used) return;
    } else {
      throw unauthorized(
        'second_factor_required',
        'This account needs the code of its authenticator app (or a recovery code).',
      );
    }
    await this.failed(keys, now);
    this.deps.log.warn({ username: user.username, address }, 'second factor refused');
    throw unauthorized('second_factor_invalid', 'This code is wrong or was already used.');
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** The factor's owner, from a session: a token cannot enrol or remove one. */
  private async requireSessionUser(actor: Actor): Promise<UserRow> {
    if (actor.kind !== 'user' || actor.sessionId === 'basic') {
      throw forbidden(
        'The second factor is managed from a logged-in session, not with an API token.',
        'not_a_session',
      );
    }
    return requireUser(this.db, actor.userId);
  }

  private async requireEnabled(actor: Actor): Promise<UserRow> {
    const user = await this.requireSessionUser(actor);
    if (!hasSecondFactor(user)) {
      throw conflict('second_factor_not_enabled', 'This account has no second factor.');
    }
    return user;
  }

  /** The login throttle's keys for this user at `address`; 429 while they are locked. */
  private async throttle(user: UserRow, address: string): Promise<string[]> {
    const keys = throttleKeys(user.username, address);
    const seconds = await throttledSeconds(this.db, keys, this.now());
    if (seconds !== undefined) {
      throw tooManyRequests(
        'too_many_attempts',
        `Too many failed attempts. Try again in ${seconds} seconds.`,
        seconds,
      );
    }
    return keys;
  }

  private async failed(keys: string[], now: number): Promise<void> {
    await repo.recordLoginFailure(this.db, keys, now);
    await repo.pruneLoginFailures(this.db, now - 60 * LOGIN_WINDOW_MS);
  }

  /** The password or a current code of this user, throttled; 403 when wrong. */
  private async prove(user: UserRow, proof: SecondFactorProofBody, address: string): Promise<void> {
    const keys = await this.throttle(user, address);
    const now = this.now();
    let refusal: AppError;
    if (proof.code !== undefined && user.totp_secret !== null) {
      const step = acceptedStep(user.totp_secret, proof.code, now, user.totp_last_step);
      if (step !== undefined && (await factors.takeStep(this.db, user.id, step))) return;
      refusal = forbidden('This code is wrong or was already used.', 'second_factor_invalid');
    } else {
      if (await verifyPassword(user.password_hash, proof.password ?? '')) return;
      refusal = forbidden('The current password is wrong.', 'wrong_password');
    }
    await this.failed(keys, now);
    throw refusal;
  }

  private async newRecoveryCodes(db: Db, userId: string, now: number): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await factors.replaceRecoveryCodes(db, userId, codes.map(recoveryCodeHash), now);
    return codes;
  }

  private async audit(
    db: Db,
    actor: Actor,
    action: string,
    userId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await appendAudit(db, {
      actor,
      at: this.now(),
      action,
      entityType: 'user',
      entityId: userId,
      details,
    });
  }

  private publishUser(row: UserRow): void {
    const user = presentUser(row, this.deps.requireSecondFactor);
    this.deps.bus.publish('user.changed', { user }, { roles: ['admin'], userIds: [row.id] });
  }
}

function alreadyEnabled(): AppError {
  return conflict(
    'second_factor_enabled',
    'A second factor is already enabled; disable it first to enrol another.',
  );
}
