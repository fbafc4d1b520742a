import { request } from '../../app/client';
import type { CreatedUserView, CreateUserBody, UserView, UpdateUserBody } from '../../app/types';

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
