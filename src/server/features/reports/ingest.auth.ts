import type { FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../actor.js';
import { forbidden, unauthorized } from '../../errors.js';
import { reauthenticate } from '../../http/auth.js';
import type { AccountsService } from '../accounts/public.js';

/**
 * The ingest routes' check of who calls, before the body is read (an `onRequest` hook): the
 * node's own check runs at `preValidation`, after the body (up to 10 MB for an upload) is
 * read. A caller without `reports.write` gets 403 (401 without a credential) at once, and
 * the connection is closed, so the rest of the body is not read. The node's check still
 * runs after (CSRF, a password to change, a second factor to enrol).
 */
export function authorizeBeforeBody(accounts: AccountsService) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const actor = await reauthenticate(accounts, request);
    if (actor && can(actor, 'reports.write')) return;
    void reply.header('connection', 'close');
    if (actor) throw forbidden('This needs the permission reports.write.');
    if (request.headers.authorization !== undefined) {
      throw unauthorized(
        'invalid_token',
        'The API token is unknown, revoked or expired (or its account must enrol a second factor first).',
      );
    }
    throw unauthorized('not_authenticated', 'Log in first, or send an API token.');
  };
}
