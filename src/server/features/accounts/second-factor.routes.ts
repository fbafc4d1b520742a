import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  BeginSecondFactorBody,
  ConfirmSecondFactorBody,
  RecoveryCodes,
  SecondFactorEnrollment,
  SecondFactorProofBody,
  SecondFactorStatus,
} from '../../../core/schemas/accounts.js';
import { ERROR_RESPONSES, IdParams } from '../../../core/schemas/common.js';
import { requireActor } from '../../http/auth.js';
import type { SecondFactorService } from './second-factor.service.js';

const errors = ERROR_RESPONSES;

/**
 * The second factor's routes. The enrolment's are open to a session the node holds back
 * until it enrols one (`duringEnrollment`, http/auth.ts); the rest need a full session.
 */
export function registerSecondFactorRoutes(
  parent: FastifyInstance,
  secondFactor: SecondFactorService,
): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['accounts'];

  app.get(
    '/api/me/second-factor',
    {
      config: { duringEnrollment: true },
      schema: {
        tags,
        summary: 'My second factor: enabled, required, recovery codes left',
        response: { 200: SecondFactorStatus, ...errors },
      },
    },
    (request) => secondFactor.status(requireActor(request)),
  );

  app.post(
    '/api/me/second-factor',
    {
      config: { duringEnrollment: true },
      schema: {
        tags,
        summary: 'Begin enrolling a TOTP second factor (with my current password)',
        description:
          "Needs the account's current password (a wrong one: 403 wrong_password, counted in the login throttle), so that a stolen session alone cannot enrol another authenticator. Returns a new secret (base32), its otpauth:// URI and a QR code (SVG). It is not active until confirmed with a code.",
        body: BeginSecondFactorBody,
        response: { 200: SecondFactorEnrollment, ...errors },
      },
    },
    (request) => secondFactor.begin(requireActor(request), request.body.password, request.ip),
  );

  app.post(
    '/api/me/second-factor/confirm',
    {
      config: { duringEnrollment: true },
      schema: {
        tags,
        summary: 'Turn the second factor on with a current code',
        description: 'Returns the recovery codes, once; only their hashes are kept.',
        body: ConfirmSecondFactorBody,
        response: { 200: RecoveryCodes, ...errors },
      },
    },
    (request) => secondFactor.confirm(requireActor(request), request.body.code, request.ip),
  );

  app.post(
    '/api/me/second-factor/disable',
    {
      schema: {
        tags,
        summary: 'Turn my second factor off (with my password or a current code)',
        body: SecondFactorProofBody,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await secondFactor.disable(requireActor(request), request.body, request.ip);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/me/second-factor/recovery-codes',
    {
      schema: {
        tags,
        summary:
          'New recovery codes (with my password or a current code); the old ones stop working',
        body: SecondFactorProofBody,
        response: { 200: RecoveryCodes, ...errors },
      },
    },
    (request) => secondFactor.regenerate(requireActor(request), request.body, request.ip),
  );

  app.delete(
    '/api/users/:id/second-factor',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags,
        summary: "Remove a user's second factor (admin)",
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await secondFactor.reset(requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
