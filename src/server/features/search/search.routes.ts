import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ERROR_RESPONSES } from '../../../core/schemas/common.js';
import { SearchQuery, SearchResults } from '../../../core/schemas/search.js';
import { requireActor } from '../../http/auth.js';
import type { SearchService } from './search.service.js';

export function registerSearchRoutes(parent: FastifyInstance, search: SearchService): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/search',
    {
      schema: {
        tags: ['search'],
        summary:
          'The search box: requests, notes, calls, cases and objects this user may see; values (addresses, domains, hashes…) in the query exactly first, then its words, best first',
        querystring: SearchQuery,
        response: { 200: SearchResults, ...ERROR_RESPONSES },
      },
    },
    async (request) => search.search(requireActor(request), request.query),
  );
}
