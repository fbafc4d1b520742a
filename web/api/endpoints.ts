import { request, setCsrfToken } from './client';
import type {
  AuditEntry,
  CreatedUser,
  MePatch,
  NewUser,
  NodeInfo,
  SessionView,
  User,
  UserPatch,
} from './types';

// One function per route of docs/api.md that the web app uses.

export async function getSession(): Promise<SessionView> {
  const session = await request<SessionView>('GET', '/api/session');
  setCsrfToken(session.csrfToken);
  return session;
}

export async function login(username: string, password: string): Promise<SessionView> {
  const session = await request<SessionView>('POST', '/api/session', { username, password });
  setCsrfToken(session.csrfToken);
  return session;
}

export async function logout(): Promise<void> {
  try {
    await request<void>('DELETE', '/api/session');
  } finally {
    setCsrfToken(null);
  }
}

export function getMe(): Promise<User> {
  return request<User>('GET', '/api/me');
}

export function updateMe(patch: MePatch): Promise<User> {
  return request<User>('PATCH', '/api/me', patch);
}

export function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  return request<void>('POST', '/api/me/password', { currentPassword, newPassword });
}

export function getNode(): Promise<NodeInfo> {
  return request<NodeInfo>('GET', '/api/node');
}

export async function listUsers(): Promise<User[]> {
  const { users } = await request<{ users: User[] }>('GET', '/api/users');
  return users;
}

export function createUser(user: NewUser): Promise<CreatedUser> {
  return request<CreatedUser>('POST', '/api/users', user);
}

export function updateUser(id: string, patch: UserPatch): Promise<User> {
  return request<User>('PATCH', `/api/users/${encodeURIComponent(id)}`, patch);
}

export async function resetPassword(id: string): Promise<string> {
  const { password } = await request<{ password: string }>(
    'POST',
    `/api/users/${encodeURIComponent(id)}/password-reset`,
  );
  return password;
}

export async function listAudit(
  opts: { limit?: number; before?: number } = {},
): Promise<AuditEntry[]> {
  const query = new URLSearchParams();
  query.set('limit', String(opts.limit ?? 50));
  if (opts.before !== undefined) query.set('before', String(opts.before));
  const { entries } = await request<{ entries: AuditEntry[] }>('GET', `/api/audit?${query}`);
  return entries;
}
