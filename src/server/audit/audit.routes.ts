import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AuditList, AuditQuery } from '../../core/schemas/audit.js';
import { ErrorBody } from '../../core/schemas/common.js';
import { authorize } from '../actor.js';
import { requireActor } from '../http/auth.js';
import type { Store } from '../store/database.js';
import { listAudit, presentAudit } from './audit.js';

export function registerAuditRoutes(parent: FastifyInstance, store: Store): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/audit',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'Recent audit entries, newest first (admin)',
        querystring: AuditQuery,
        response: { 200: AuditList, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      authorize(requireActor(request), 'audit.read');
      const rows = await listAudit(store.db, request.query.limit, request.query.before);
      return { entries: rows.map(presentAudit) };
    },
  );
}
