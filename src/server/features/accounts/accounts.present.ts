import type { Role } from '../../../core/roles.js';
import type { Language, TokenView, UserView } from '../../../core/schemas/accounts.js';
import { iso, isoOrNull } from '../../clock.js';
import type { ApiTokenRow, UserRow } from './accounts.table.js';

/** The roles a user or token row holds (stored as a JSON array). */
export function rolesOf(row: Pick<UserRow | ApiTokenRow, 'roles'>): Role[] {
  return JSON.parse(row.roles) as Role[];
}

export function presentUser(row: UserRow): UserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: rolesOf(row),
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
    roles: rolesOf(row),
    createdAt: iso(Number(row.created_at)),
    expiresAt: isoOrNull(row.expires_at === null ? null : Number(row.expires_at)),
    lastUsedAt: isoOrNull(row.last_used_at === null ? null : Number(row.last_used_at)),
  };
}
