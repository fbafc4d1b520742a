import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { failure } from '../errors.js';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The event loop's delay is sampled every this many ms: prom-client's default (10 ms) wakes
 * an idle node 100 times a second, a third of its CPU at rest; a stall long enough to
 * matter (a tenth of a second) still shows.
 */
const EVENT_LOOP_PRECISION_MS = 100;

/** Prometheus metrics: request counts and latencies per route, plus process metrics. */
export function createMetrics(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({
    register: registry,
    prefix: 'liaison_',
    eventLoopMonitoringPrecision: EVENT_LOOP_PRECISION_MS,
  });
  return registry;
}

/** Whether `header` is `Bearer <token>` for the configured token (compared in constant time). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * `/metrics` tells request counts per route, peer ids, sequence numbers and memory: it
 * answers only a scraper holding the node's metrics token (config `metrics.token`), and is
 * closed while none is set.
 */
export function registerMetrics(
  app: FastifyInstance,
  registry: Registry,
  token: string | undefined,
): void {
  const requests = new Counter({
    name: 'liaison_http_requests_total',
    help: 'HTTP requests answered, by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'liaison_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method and route.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  app.get(
    '/metrics',
    { schema: { hide: true }, config: { auth: 'public' } },
    async (request, reply) => {
      if (!token || !bearerMatches(request.headers.authorization, token)) {
        throw failure(
          'metrics_token_required',
          401,
          token
            ? 'Scrape /metrics with Authorization: Bearer <metrics.token>.'
            : '/metrics is closed until the configuration sets metrics.token (LIAISON_METRICS_TOKEN).',
        );
      }
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    },
  );
}
