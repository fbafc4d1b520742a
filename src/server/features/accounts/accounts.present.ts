import type { Role } from '../../../core/roles.js';
import type { Language, TokenView, UserView } from '../../../core/schemas/accounts.js';
import { iso, isoOrNull } from '../../clock.js';
import type { ApiTokenRow, UserRow } from './accounts.table.js';
import { sha256Hex } from './passwords.js';

/** Who must log in with a second factor (config auth.requireSecondFactor). */
export type SecondFactorPolicy = 'none' | 'admins' | 'all';

/** Whether the policy asks a second factor of a user with these roles. */
export function secondFactorRequired(policy: SecondFactorPolicy, roles: readonly Role[]): boolean {
  return policy === 'all' || (policy === 'admins' && roles.includes('admin'));
}

/** A second factor is confirmed and in use. */
export function hasSecondFactor(row: Pick<UserRow, 'totp_enabled_at'>): boolean {
  return row.totp_enabled_at !== null;
}

/** The policy asks a second factor of this user, who has none yet: they may only enrol. */
export function mustEnrollSecondFactor(row: UserRow, policy: SecondFactorPolicy): boolean {
  return secondFactorRequired(policy, rolesOf(row)) && !hasSecondFactor(row);
}

/** A user row as the audit log keeps it: no password hash, no TOTP secret. */
export function auditableUser(row: UserRow): Record<string, unknown> {
  return {
    ...row,
    password_hash: sha256Hex(row.password_hash),
    totp_secret: row.totp_secret === null ? null : '(set)',
  };
}

/** The roles a user or token row holds (stored as a JSON array). */
export function rolesOf(row: Pick<UserRow | ApiTokenRow, 'roles'>): Role[] {
  return JSON.parse(row.roles) as Role[];
}

export function presentUser(row: UserRow, policy: SecondFactorPolicy): UserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: rolesOf(row),
    disabled: row.disabled === 1,
    mustChangePassword: row.must_change_password === 1,
    secondFactor: hasSecondFactor(row),
    mustEnrollSecondFactor: mustEnrollSecondFactor(row, policy),
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
    roles: rolesOf(row),
    createdAt: iso(Number(row.created_at)),
    expiresAt: isoOrNull(row.expires_at === null ? null : Number(row.expires_at)),
    lastUsedAt: isoOrNull(row.last_used_at === null ? null : Number(row.last_used_at)),
  };
}
