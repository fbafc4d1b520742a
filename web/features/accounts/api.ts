import { request, setCsrfToken } from '../../app/client';
import type {
  CreatedUserView,
  CreateUserBody,
  SessionView,
  UserView,
  UpdateUserBody,
} from '../../app/types';
import type {
  RecoveryCodes,
  SecondFactorEnrollment,
  SecondFactorStatus,
  SessionInfo,
} from '../../../src/core/schemas/accounts';

export function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  return request<void>('POST', '/api/me/password', { currentPassword, newPassword });
}

export async function listUsers(): Promise<UserView[]> {
  const { users } = await request<{ users: UserView[] }>('GET', '/api/users');
  return users;
}

export function createUser(user: CreateUserBody): Promise<CreatedUserView> {
  return request<CreatedUserView>('POST', '/api/users', user);
}

export function updateUser(id: string, patch: UpdateUserBody): Promise<UserView> {
  return request<UserView>('PATCH', `/api/users/${encodeURIComponent(id)}`, patch);
}

export async function resetPassword(id: string): Promise<string> {
  const { password } = await request<{ password: string }>(
    'POST',
    `/api/users/${encodeURIComponent(id)}/password-reset`,
  );
  return password;
}

// ---- the second factor and sessions ---------------------------------------------------------

/** A login that also answers the second factor: a current code or a recovery code. */
export async function loginWithSecondFactor(
  username: string,
  password: string,
  answer: { code: string } | { recoveryCode: string },
): Promise<SessionView> {
  const session = await request<SessionView>('POST', '/api/session', {
    username,
    password,
    ...answer,
  });
  setCsrfToken(session.csrfToken);
  return session;
}

export function secondFactorStatus(): Promise<SecondFactorStatus> {
  return request<SecondFactorStatus>('GET', '/api/me/second-factor');
}

/** Needs the account's current password: a session alone does not enrol a factor. */
export function beginSecondFactor(password: string): Promise<SecondFactorEnrollment> {
  return request<SecondFactorEnrollment>('POST', '/api/me/second-factor', { password });
}

export async function confirmSecondFactor(code: string): Promise<string[]> {
  const { recoveryCodes } = await request<RecoveryCodes>('POST', '/api/me/second-factor/confirm', {
    code,
  });
  return recoveryCodes;
}

/** The password or a current code proves the owner is at the keyboard. */
export type SecondFactorProof = { password: string } | { code: string };

export function disableSecondFactor(proof: SecondFactorProof): Promise<void> {
  return request<void>('POST', '/api/me/second-factor/disable', proof);
}

export async function regenerateRecoveryCodes(proof: SecondFactorProof): Promise<string[]> {
  const { recoveryCodes } = await request<RecoveryCodes>(
    'POST',
    '/api/me/second-factor/recovery-codes',
    proof,
  );
  return recoveryCodes;
}

export function resetSecondFactor(userId: string): Promise<void> {
  return request<void>('DELETE', `/api/users/${encodeURIComponent(userId)}/second-factor`);
}

export async function listMySessions(): Promise<SessionInfo[]> {
  const { sessions } = await request<{ sessions: SessionInfo[] }>('GET', '/api/me/sessions');
  return sessions;
}

export function revokeMySession(id: string): Promise<void> {
  return request<void>('DELETE', `/api/me/sessions/${encodeURIComponent(id)}`);
}
