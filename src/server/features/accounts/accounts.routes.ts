import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ChangePasswordBody,
  CreatedTokenView,
  CreatedUserView,
  CreateTokenBody,
  CreateUserBody,
  LoginBody,
  OneTimePassword,
  SessionList,
  SessionView,
  TokenList,
  UpdateMeBody,
  UpdateUserBody,
  UserList,
  UserView,
} from '../../../core/schemas/accounts.js';
import { LIMITS } from '../../http/rate-limits.js';
import { ERROR_RESPONSES, IdParams } from '../../../core/schemas/common.js';
import { clearSessionCookie, requireActor, setSessionCookie } from '../../http/auth.js';
import type { AccountsService } from './accounts.service.js';
import { registerSecondFactorRoutes } from './second-factor.routes.js';

const errors = ERROR_RESPONSES;

export function registerAccountsRoutes(
  parent: FastifyInstance,
  accounts: AccountsService,
  options: { secureCookies: boolean },
): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['accounts'];

  app.post(
    '/api/session',
    {
      config: { auth: 'public', rateLimit: LIMITS.login },
      schema: {
        tags,
        summary: 'Log in',
        description:
          'An account with a second factor also sends `code` (or `recoveryCode`); without it the answer is 401 second_factor_required.',
        body: LoginBody,
        response: { 200: SessionView, ...errors },
      },
    },
    async (request, reply) => {
      const { username, password, code, recoveryCode } = request.body;
      const result = await accounts.sessions.login(username, password, request.ip, {
        code,
        recoveryCode,
      });
      setSessionCookie(reply, result.sessionSecret, result.expiresAt, options.secureCookies);
      return { user: result.user, csrfToken: result.csrfToken };
    },
  );

  app.get(
    '/api/session',
    {
      config: { duringPasswordChange: true, duringEnrollment: true },
      schema: { tags, summary: 'The current session', response: { 200: SessionView, ...errors } },
    },
    async (request) => {
      const actor = requireActor(request);
      return {
        user: await accounts.users.me(actor),
        csrfToken: await accounts.sessions.sessionCsrf(actor),
      };
    },
  );

  app.delete(
    '/api/session',
    {
      config: { duringPasswordChange: true, duringEnrollment: true },
      schema: { tags, summary: 'Log out', response: { 204: z.null(), ...errors } },
    },
    async (request, reply) => {
      await accounts.sessions.logout(requireActor(request));
      clearSessionCookie(reply, options.secureCookies);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/me/sessions',
    {
      schema: {
        tags,
        summary: 'My sessions (this browser and any other still logged in)',
        response: { 200: SessionList, ...errors },
      },
    },
    async (request) => ({
      sessions: await accounts.sessions.listMine(requireActor(request)),
    }),
  );

  app.delete(
    '/api/me/sessions/:id',
    {
      schema: {
        tags,
        summary: 'End one of my sessions',
        params: z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'a session id') }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await accounts.sessions.revokeMine(requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/me',
    {
      config: { duringPasswordChange: true, duringEnrollment: true },
      schema: { tags, summary: 'My account', response: { 200: UserView, ...errors } },
    },
    (request) => accounts.users.me(requireActor(request)),
  );

  app.patch(
    '/api/me',
    {
      schema: {
        tags,
        summary: 'Change my display name, time zone or language',
        body: UpdateMeBody,
        response: { 200: UserView, ...errors },
      },
    },
    (request) => accounts.users.updateMe(requireActor(request), request.body),
  );

  app.post(
    '/api/me/password',
    {
      config: { duringPasswordChange: true, duringEnrollment: true },
      schema: {
        tags,
        summary: 'Change my password',
        body: ChangePasswordBody,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await accounts.users.changePassword(requireActor(request), request.body);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/users',
    { schema: { tags, summary: 'List users (admin)', response: { 200: UserList, ...errors } } },
    async (request) => ({ users: await accounts.users.listUsers(requireActor(request)) }),
  );

  app.post(
    '/api/users',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags,
        summary: 'Create a user (admin)',
        description: 'Without a password, a one-time password is generated and returned once.',
        body: CreateUserBody,
        response: { 201: CreatedUserView, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await accounts.users.createUser(requireActor(request), request.body)),
  );

  app.get(
    '/api/users/:id',
    {
      schema: {
        tags,
        summary: 'One user (admin)',
        params: IdParams,
        response: { 200: UserView, ...errors },
      },
    },
    (request) => accounts.users.getUser(requireActor(request), request.params.id),
  );

  app.patch(
    '/api/users/:id',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags,
        summary: 'Change, disable or enable a user (admin)',
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: UserView, ...errors },
      },
    },
    (request) => accounts.users.updateUser(requireActor(request), request.params.id, request.body),
  );

  app.post(
    '/api/users/:id/password-reset',
    {
      schema: {
        tags,
        summary: "Reset a user's password to a one-time password (admin)",
        params: IdParams,
        response: { 200: OneTimePassword, ...errors },
      },
    },
    (request) => accounts.users.resetPassword(requireActor(request), request.params.id),
  );

  registerSecondFactorRoutes(app, accounts.secondFactor);

  app.get(
    '/api/tokens',
    {
      schema: {
        tags,
        summary: 'My API tokens (with all=true, every active token: users.manage)',
        querystring: z.object({ all: z.enum(['true', 'false']).optional() }),
        response: { 200: TokenList, ...errors },
      },
    },
    async (request) => ({
      tokens: await accounts.tokens.listTokens(requireActor(request), {
        all: request.query.all === 'true',
      }),
    }),
  );

  app.post(
    '/api/tokens',
    {
      schema: {
        tags,
        summary: 'Create an API token for my account',
        description: 'The secret is returned once; only its hash is kept.',
        body: CreateTokenBody,
        response: { 201: CreatedTokenView, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await accounts.tokens.createToken(requireActor(request), request.body)),
  );

  app.delete(
    '/api/tokens/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an API token',
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await accounts.tokens.revokeToken(requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
