import type { Insertable, Selectable, Updateable } from 'kysely';

/** Times are epoch milliseconds (bigint); flags are 0/1 integers, the same on both dialects. */
export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  /** JSON array of roles. */
  roles: string;
  disabled: number;
  must_change_password: number;
  time_zone: string | null;
  language: string | null;
  created_at: number;
  updated_at: number;
  /** Base32 TOTP secret: pending until totp_enabled_at is set (migrations/…_second_factor). */
  totp_secret: string | null;
  totp_enabled_at: number | null;
  /** The time step of the last code accepted: a code is never taken twice. */
  totp_last_step: number | null;
}
export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;

export interface SessionsTable {
  /** SHA-256 of the cookie's secret: a stolen database does not give live sessions. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}
export type SessionRow = Selectable<SessionsTable>;

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** SHA-256 of the token's secret. */
  secret_hash: string;
  roles: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}
export type ApiTokenRow = Selectable<ApiTokensTable>;

export interface LoginFailuresTable {
  /** `account:<username>` or `address:<ip>`. */
  key: string;
  at: number;
}

export interface RecoveryCodesTable {
  user_id: string;
  /** SHA-256 of the normalized code. */
  code_hash: string;
  created_at: number;
  used_at: number | null;
}

/** This feature's tables, added to the node's Database type (store/database.ts). */
declare module '../../store/database.js' {
  interface Database {
    users: UsersTable;
    sessions: SessionsTable;
    api_tokens: ApiTokensTable;
    login_failures: LoginFailuresTable;
    recovery_codes: RecoveryCodesTable;
  }
}
