import type { FastifyInstance } from 'fastify';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The document the node serves at /api/openapi.json (the routes' zod schemas as JSON schema). */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}
export interface OpenApiOperation {
  parameters?: {
    in: 'path' | 'query' | 'header';
    name: string;
    required?: boolean;
    schema?: unknown;
  }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}

export async function openApiDocument(app: FastifyInstance): Promise<OpenApiDocument> {
  const r = await app.inject({ method: 'GET', url: '/api/openapi.json' });
  if (r.statusCode !== 200) throw new Error(`GET /api/openapi.json: ${r.statusCode}`);
  return r.json<OpenApiDocument>();
}

export function routeKey(route: { method: string; path: string }): string {
  return `${route.method.toUpperCase()} ${route.path}`;
}

/** "METHOD /path/{param}" of every operation of the document. */
export async function documentedRoutes(app: FastifyInstance): Promise<Set<string>> {
  const document = await openApiDocument(app);
  const keys = new Set<string>();
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const method of Object.keys(operations)) keys.add(routeKey({ method, path }));
  }
  return keys;
}
