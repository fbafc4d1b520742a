import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AttentionView } from '../../../core/schemas/attention.js';
import { ERROR_RESPONSES } from '../../../core/schemas/common.js';
import { requireActor } from '../../http/auth.js';
import type { AttentionService } from './attention.service.js';

export function registerAttentionRoutes(
  parent: FastifyInstance,
  attention: AttentionService,
): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/attention',
    {
      schema: {
        tags: ['attention'],
        summary: 'What awaits the user: counts per menu item and the new incoming items',
        response: { 200: AttentionView, ...ERROR_RESPONSES },
      },
    },
    (request) => attention.forActor(requireActor(request)),
  );
}
