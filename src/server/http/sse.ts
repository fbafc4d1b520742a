import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../actor.js';
import { authorize } from '../actor.js';
import { visibleTo, type BusEvent, type EventBus, type Viewer } from '../events.js';
import { requireActor } from './auth.js';

/**
 * The open streams and their credential checks. One timer for every stream: a revoked
 * token, a logout, a disabled user or changed roles end the stream within a second (cached
 * credentials make each check cheap).
 */
function openStreams(app: FastifyInstance, recheckMs: number) {
  const open = new Set<() => void>();
  const checks = new Map<() => void, () => Promise<void>>();
  const timer = setInterval(() => {
    for (const check of checks.values()) void check();
  }, recheckMs);
  timer.unref();
  app.addHook('onClose', (_instance, done) => {
    clearInterval(timer);
    for (const close of open) close();
    done();
  });
  return { open, checks };
}

/** Takes the response over from Fastify (keeping its headers) and starts the event stream. */
function startStream(reply: FastifyReply): ServerResponse {
  reply.hijack();
  const raw = reply.raw;
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) headers[name] = value;
  }
  raw.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write('retry: 2000\n\n');
  return raw;
}

/** Closes the stream once its credential stands for no one, someone else or other roles. */
function credentialCheck(
  request: FastifyRequest,
  viewer: Viewer,
  recheck: (request: FastifyRequest) => Promise<Actor | undefined>,
  close: () => void,
): () => Promise<void> {
  const roles = [...viewer.roles].sort().join(',');
  return async () => {
    const now = await recheck(request).catch(() => undefined);
    const still =
      now !== undefined &&
      (now.kind === 'user' || now.kind === 'token') &&
      now.userId === viewer.userId &&
      [...now.roles].sort().join(',') === roles;
    if (!still) close();
  };
}

/**
 * Subscribes `deliver` to the bus after replaying what followed `lastEventId` (or calling
 * `resync` when that cannot be done). Live events are held while the missed ones are read:
 * none can fall in between, and one both replayed and held is delivered once (by its seq).
 * Returns the unsubscribe.
 */
async function follow(
  bus: EventBus,
  lastEventId: string | string[] | undefined,
  deliver: (event: BusEvent) => void,
  resync: () => void,
): Promise<() => void> {
  let held: BusEvent[] | undefined = [];
  const unsubscribe = bus.subscribe((event) => (held ? held.push(event) : deliver(event)));
  let last = 0;
  if (typeof lastEventId === 'string' && lastEventId.length > 0) {
    const missed = await bus.since(lastEventId).catch(() => 'gap' as const);
    if (missed === 'gap') resync();
    else {
      for (const event of missed) deliver(event);
      // The client may be ahead of this process (PostgreSQL: it heard of an event through
      // another process before this one did).
      last = Math.max(bus.seqOf(lastEventId) ?? 0, missed[missed.length - 1]?.seq ?? 0);
    }
  }
  const pending = held;
  held = undefined;
  for (const event of pending) if (event.seq > last) deliver(event);
  return unsubscribe;
}

/**
 * GET /api/events: Server-Sent Events for the logged-in user. Each event carries its id;
 * a client that reconnects with Last-Event-ID gets what it missed from the bus's recent
 * log (on PostgreSQL, whichever process it reached), or one `resync` event when that is no
 * longer possible.
 */
export function registerEventStream(
  app: FastifyInstance,
  bus: EventBus,
  options: {
    heartbeatMs: number;
    /** The stream's credential checked again (http/auth.ts reauthenticate). */
    recheck: (request: FastifyRequest) => Promise<Actor | undefined>;
    /** How often every open stream's credential is checked again (default 1 s). */
    recheckMs?: number;
  },
): void {
  const { open, checks } = openStreams(app, options.recheckMs ?? 1000);

  app.get(
    '/api/events',
    {
      config: { permission: 'events.read' },
      schema: {
        summary: 'Live events (Server-Sent Events)',
        description:
          'A text/event-stream of the events this user may see. Send Last-Event-ID to resume.',
        tags: ['events'],
      },
    },
    async (request, reply) => {
      const actor: Actor = requireActor(request);
      authorize(actor, 'events.read');
      if (actor.kind !== 'user' && actor.kind !== 'token') return;
      const viewer: Viewer = { userId: actor.userId, roles: actor.roles };
      const lastEventId = request.headers['last-event-id'];

      const raw = startStream(reply);

      const send = (event: BusEvent): void => {
        raw.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
      };
      let closed = false;
      let unsubscribe = (): void => undefined;
      let heartbeat: NodeJS.Timeout | undefined = undefined;
      const close = (): void => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(close);
        checks.delete(close);
        raw.end();
      };
      const deliver = (event: BusEvent): void => {
        if (closed || !visibleTo(event, viewer)) return;
        send(event);
        if (event.type === 'session.revoked' && event.audience.userIds?.includes(viewer.userId))
          close();
      };

      request.raw.on('close', close);
      unsubscribe = await follow(bus, lastEventId, deliver, () => {
        raw.write('event: resync\ndata: {}\n\n');
      });
      if (closed) return unsubscribe();
      raw.write(': connected\n\n');

      heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), options.heartbeatMs);
      open.add(close);
      checks.set(close, credentialCheck(request, viewer, options.recheck, close));
    },
  );
}
