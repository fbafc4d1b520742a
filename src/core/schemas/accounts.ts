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
  /** A second factor (TOTP) is enabled for this account. */
  secondFactor: z.boolean(),
  /**
   * The node requires a second factor of this account (auth.requireSecondFactor) and it has
   * none yet: until one is enrolled, its sessions may do nothing else.
   */
  mustEnrollSecondFactor: z.boolean(),
  timeZone: z.string().nullable(),
  language: Language.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type UserView = z.infer<typeof UserView>;

/** A 6-digit TOTP code (spaces allowed); checked by the node, not here, so that a malformed
 * code is answered like a wrong one (second_factor_invalid), after the password. */
export const SecondFactorCode = z.string().max(32, 'at most 32 characters');
export const LoginBody = z.object({
  username: z.string().min(1).max(128),
  password: Password,
  /** The current code of the account's authenticator app, when it has a second factor. */
  code: SecondFactorCode.optional(),
  /** Or one of its recovery codes (each works once). */
  recoveryCode: SecondFactorCode.optional(),
});
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

/** GET /api/me/second-factor: the account's second factor as its owner sees it. */
export const SecondFactorStatus = z.object({
  enabled: z.boolean(),
  enabledAt: z.string().nullable(),
  /** The node requires one of this account (auth.requireSecondFactor). */
  required: z.boolean(),
  /** Unused recovery codes left (0 when not enabled). */
  recoveryCodesLeft: z.number().int(),
});
export type SecondFactorStatus = z.infer<typeof SecondFactorStatus>;

/**
 * POST /api/me/second-factor: the account's current password, so that a stolen session
 * cookie alone cannot enrol the thief's authenticator and lock the owner out.
 */
export const BeginSecondFactorBody = z.object({ password: Password });
export type BeginSecondFactorBody = z.infer<typeof BeginSecondFactorBody>;

/** POST /api/me/second-factor: a new secret, not active until confirmed with a code. */
export const SecondFactorEnrollment = z.object({
  /** Base32, for typing into an authenticator app by hand. */
  secret: z.string(),
  /** otpauth://totp/… (what the QR code holds). */
  uri: z.string(),
  /** The URI as a QR code, an SVG document. */
  qrSvg: z.string(),
});
export type SecondFactorEnrollment = z.infer<typeof SecondFactorEnrollment>;

export const ConfirmSecondFactorBody = z.object({ code: SecondFactorCode.min(1, 'required') });
export type ConfirmSecondFactorBody = z.infer<typeof ConfirmSecondFactorBody>;

/** Proof that the account's owner is at the keyboard: the password or a current code. */
export const SecondFactorProofBody = z
  .object({ password: Password.optional(), code: SecondFactorCode.optional() })
  .refine((body) => body.password !== undefined || body.code !== undefined, {
    message: 'the password or a current code',
    path: ['password'],
  });
export type SecondFactorProofBody = z.infer<typeof SecondFactorProofBody>;

/** Recovery codes, shown once: only their hashes are kept. */
export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });
export type RecoveryCodes = z.infer<typeof RecoveryCodes>;
