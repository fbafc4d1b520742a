import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../../core/schemas/common.js';
import { NodeView } from '../../core/schemas/node.js';
import { authorize } from '../actor.js';
import type { Store } from '../store/database.js';
import { requireActor } from './auth.js';

/** Liveness, readiness and the node's identity. */
export function registerSystemRoutes(
  parent: FastifyInstance,
  store: Store,
  node: NodeView,
  /** The current keys' fingerprint: a rotation changes it while the node runs. */
  fingerprint: () => Promise<string>,
): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const Status = z.object({ status: z.string(), reason: z.string().optional() });

  app.get(
    '/healthz',
    {
      config: { auth: 'public' },
      schema: { tags: ['operations'], summary: 'The process is alive', response: { 200: Status } },
    },
    () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['operations'],
        summary: 'The database is reachable and migrated',
        response: { 200: Status, 503: Status },
      },
    },
    async (request, reply) => {
      try {
        await store.ping();
        if (!(await store.migrated()))
          return reply.status(503).send({ status: 'not_ready', reason: 'migrations pending' });
        return { status: 'ready' };
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        return reply.status(503).send({ status: 'not_ready', reason: 'database unreachable' });
      }
    },
  );

  app.get(
    '/api/node',
    {
      config: { duringPasswordChange: true, permission: 'node.read' },
      schema: {
        tags: ['node'],
        summary: "This node's identity",
        response: { 200: NodeView, 401: ErrorBody },
      },
    },
    async (request) => {
      authorize(requireActor(request), 'node.read');
      return { ...node, fingerprint: await fingerprint() };
    },
  );
}
