import { request, setCsrfToken } from './client';
import type { UpdateMeBody, NodeView, SessionView, UserView } from './types';

// The session and the node: what the app shell calls (docs/api.md).

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

export function getMe(): Promise<UserView> {
  return request<UserView>('GET', '/api/me');
}

export function updateMe(patch: UpdateMeBody): Promise<UserView> {
  return request<UserView>('PATCH', '/api/me', patch);
}

export function getNode(): Promise<NodeView> {
  return request<NodeView>('GET', '/api/node');
}
