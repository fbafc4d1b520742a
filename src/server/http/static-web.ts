import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendError } from './errors.js';

/** dist/web, whether this file runs from src/ (tests) or from dist/ (built). */
export const WEB_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../dist/web',
);

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Liaison</title>
<body style="font-family:sans-serif;margin:3rem"><h1>Liaison</h1>
<p>The web app is not built on this machine. Run <code>npm run build</code> and reload.</p>
<p>The API is up: <a href="/api/docs">/api/docs</a>.</p></body></html>`;

/**
 * Serves the React app at / and answers unknown routes: JSON 404 for the API and for
 * non-HTML clients, the app's index.html for browser navigation (client-side routes).
 */
export async function registerWeb(app: FastifyInstance, root: string = WEB_ROOT): Promise<void> {
  const built = existsSync(path.join(root, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root, wildcard: false, index: false, maxAge: '1h' });
  }
  const sendIndex = async (reply: FastifyReply) => {
    if (!built) return reply.type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { maxAge: 0 });
  };
  app.get('/', { schema: { hide: true }, config: { auth: 'public' } }, (_request, reply) =>
    sendIndex(reply),
  );

  app.setNotFoundHandler((request, reply) => {
    const isApi = /^\/(api|healthz|readyz|metrics|\.well-known)(\/|$|\?)/.test(request.url);
    const wantsHtml = (request.headers.accept ?? '').includes('text/html');
    if (
      request.method === 'GET' &&
      !isApi &&
      wantsHtml &&
      !path.extname(request.url.split('?')[0] ?? '')
    ) {
      return sendIndex(reply);
    }
    return sendError(
      reply,
      request,
      404,
      'not_found',
      `No route ${request.method} ${request.url.split('?')[0]}.`,
    );
  });
}
