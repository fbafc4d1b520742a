import { z } from 'zod';
import { ROLES } from '../roles.js';
import { isTimeZone } from '../time-zone.js';

export const Role = z.enum(ROLES);

export const LANGUAGES = ['en', 'zh-CN'] as const;
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;

export const Username = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{1,63}$/,
    '2 to 64 characters: lowercase letters, digits, dot, dash or underscore',
  );
export const Password = z.string().min(1, 'required').max(1024, 'at most 1024 characters');
/** A new password: long rather than complicated. */
export const NewPassword = z
  .string()
  .min(12, 'at least 12 characters')
  .max(256, 'at most 256 characters');
export const DisplayName = z.string().trim().min(1, 'required').max(120, 'at most 120 characters');
export const TimeZone = z
  .string()
  .refine(isTimeZone, 'an IANA time zone name such as Asia/Shanghai');
export const Roles = z.array(Role).min(1, 'at least one role').max(5);

export const UserView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(Role),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  timeZone: z.string().nullable(),
  language: Language.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type UserView = z.infer<typeof UserView>;

export const LoginBody = z.object({ username: z.string().min(1).max(128), password: Password });
export type LoginBody = z.infer<typeof LoginBody>;

export const SessionView = z.object({ user: UserView, csrfToken: z.string() });
export type SessionView = z.infer<typeof SessionView>;

/** One of the user's sessions (GET /api/me/sessions); `id` names it, it opens nothing. */
export const SessionInfo = z.object({
  id: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  /** The session this request came with. */
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;
export const SessionList = z.object({ sessions: z.array(SessionInfo) });

export const UpdateMeBody = z
  .object({
    displayName: DisplayName.optional(),
    timeZone: TimeZone.nullable().optional(),
    language: Language.nullable().optional(),
  })
  .strict();
export type UpdateMeBody = z.infer<typeof UpdateMeBody>;

export const ChangePasswordBody = z.object({ currentPassword: Password, newPassword: NewPassword });
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

export const CreateUserBody = z
  .object({
    username: Username,
    displayName: DisplayName,
    roles: Roles,
    password: NewPassword.optional(),
  })
  .strict();
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export const CreatedUserView = z.object({ user: UserView, password: z.string().nullable() });
export type CreatedUserView = z.infer<typeof CreatedUserView>;

export const UpdateUserBody = z
  .object({
    displayName: DisplayName.optional(),
    roles: Roles.optional(),
    disabled: z.boolean().optional(),
  })
  .strict();
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

export const UserList = z.object({ users: z.array(UserView) });
export const OneTimePassword = z.object({ password: z.string() });

export const TokenView = z.object({
  id: z.string(),
  name: z.string(),
  userId: z.string(),
  roles: z.array(Role),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type TokenView = z.infer<typeof TokenView>;

export const CreateTokenBody = z
  .object({
    name: z.string().trim().min(1, 'required').max(80, 'at most 80 characters'),
    roles: Roles,
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();
export type CreateTokenBody = z.infer<typeof CreateTokenBody>;

export const CreatedTokenView = z.object({ token: TokenView, secret: z.string() });
export const TokenList = z.object({ tokens: z.array(TokenView) });
