import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { jsonDepth } from '../core/json-limits.js';
import { badRequest } from './errors.js';
import { registerAuditRoutes } from './audit/audit.routes.js';
import { registerFederationRoutes } from './federation/federation.routes.js';
import { reauthenticate, registerAuth } from './http/auth.js';
import { registerErrorHandling } from './http/errors.js';
import { registerMetrics } from './http/metrics.js';
import { registerRateLimits } from './http/rate-limits.js';
import { registerOpenApi } from './http/openapi.js';
import { registerEventStream } from './http/sse.js';
import { registerWeb } from './http/static-web.js';
import { registerSystemRoutes } from './http/system.routes.js';
import type { Node } from './node.js';
import { VERSION } from './version.js';

/** The node's HTTP API and web app. Never listens: node.ts does, tests use inject(). */
export async function buildApp(node: Node): Promise<FastifyInstance> {
  const { config } = node;
  // Request ids: this process's random prefix and a counter (unique, and no call into the
  // random generator per request).
  const prefix = randomBytes(4).toString('hex');
  let requests = 0;
  const app = Fastify({
    loggerInstance: node.log,
    genReqId: () => `req-${prefix}-${(requests++).toString(36)}`,
    trustProxy: config.http.trustProxy,
    bodyLimit: 1024 * 1024,
    ...(node.https ? { https: node.https } : {}),
  }) as unknown as FastifyInstance;
  // JSON only: anything else is 415 unsupported_media_type.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  // A body nested deeper than the limit is refused before anything walks it (issue 16, row 8).
  const depthLimit = config.limits.jsonDepth;
  app.addHook('preValidation', (request, _reply, done) => {
    const body = request.body;
    const walkable =
      body !== null &&
      typeof body === 'object' &&
      (Array.isArray(body) || Object.getPrototypeOf(body) === Object.prototype);
    if (walkable && jsonDepth(body, depthLimit) > depthLimit) {
      done(
        badRequest(
          'too_deep',
          `The body nests deeper than ${depthLimit} levels; nothing was stored (limits.jsonDepth).`,
        ),
      );
      return;
    }
    done();
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    strictTransportSecurity: node.secureCookies ? { maxAge: 31_536_000 } : false,
    crossOriginEmbedderPolicy: false,
  });
  await app.register(fastifyCookie);
  await registerRateLimits(app, config.limits.rateExempt, node.store);
  registerMetrics(app, node.metrics, config.metrics.token);
  registerAuth(app, node.accounts, {
    secureCookies: node.secureCookies,
    publicOrigin: node.publicUrl,
  });
  await registerOpenApi(app, VERSION);

  registerSystemRoutes(app, node.store, node.info, () => node.federation.currentFingerprint());
  registerAuditRoutes(app, node.store);
  registerFederationRoutes(app, node.federation);
  for (const module of node.modules) await module.routes?.(app);
  registerEventStream(app, node.bus, {
    heartbeatMs: config.events.heartbeatSeconds * 1000,
    recheck: (request) => reauthenticate(node.accounts, request),
  });
  await registerWeb(app, node.webRoot);
  return app;
}
