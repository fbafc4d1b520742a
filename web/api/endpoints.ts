import { request, setCsrfToken } from './client';
import type {
  AddPeer,
  AuditEntry,
  CreatedUser,
  MePatch,
  NewUser,
  NodeInfo,
  NoteView,
  PeerView,
  RejectionView,
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

export async function listPeers(): Promise<PeerView[]> {
  const { peers } = await request<{ peers: PeerView[] }>('GET', '/api/federation/peers');
  return peers;
}

export function addPeer(peer: AddPeer): Promise<PeerView> {
  return request<PeerView>('POST', '/api/federation/peers', peer);
}

export function setPeerActive(nodeId: string, active: boolean): Promise<PeerView> {
  const verb = active ? 'resume' : 'suspend';
  return request<PeerView>('POST', `/api/federation/peers/${encodeURIComponent(nodeId)}/${verb}`);
}

export function removePeer(nodeId: string): Promise<void> {
  return request<void>('DELETE', `/api/federation/peers/${encodeURIComponent(nodeId)}`);
}

export async function listRejections(limit = 100): Promise<RejectionView[]> {
  const { rejections } = await request<{ rejections: RejectionView[] }>(
    'GET',
    `/api/federation/rejections?limit=${limit}`,
  );
  return rejections;
}

export async function listNotes(opts: { peer?: string; limit?: number } = {}): Promise<NoteView[]> {
  const query = new URLSearchParams();
  query.set('limit', String(opts.limit ?? 100));
  if (opts.peer) query.set('peer', opts.peer);
  const { notes } = await request<{ notes: NoteView[] }>('GET', `/api/notes?${query}`);
  return notes;
}

export function sendNote(peer: string, text: string): Promise<NoteView> {
  return request<NoteView>('POST', '/api/notes', { peer, text });
}
