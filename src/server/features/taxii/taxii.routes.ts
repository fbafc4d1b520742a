import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_RESPONSES } from '../../../core/schemas/common.js';
import {
  CollectionAdminList,
  CollectionAdminView,
  CollectionBody,
  SubscriptionBody,
  SubscriptionList,
  SubscriptionView,
} from '../../../core/schemas/taxii.js';
import { requireActor } from '../../http/auth.js';
import { badRequest, failure, unsupportedMediaType } from '../../errors.js';
import type { CollectionsService } from './collections.service.js';
import type { TaxiiClient } from './taxii.client.js';
import { acceptsTaxii, isTaxiiContentType, TAXII_MEDIA_TYPE } from './taxii.media.js';
import type { TaxiiPage } from './taxii.present.js';
import { MAX_CONTENT_LENGTH, type TaxiiService } from './taxii.service.js';
import { LIMITS } from '../../http/rate-limits.js';

const errors = ERROR_RESPONSES;
/** Repeated parameters are read as one comma-separated list, as TAXII writes them. */
const param = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value.join(',') : value))
  .optional();
const Filters = z.object({
  added_after: param,
  limit: param,
  next: param,
  'match[id]': param,
  'match[type]': param,
  'match[version]': param,
  'match[spec_version]': param,
});
/** Any id: one the server does not hold is a 404 from the service, as TAXII says (3.6). */
const CollectionParams = z.object({ collection: z.string() });
const ObjectParams = CollectionParams.extend({ object: z.string() });
const Id = z.object({ id: z.string().uuid() });

/** As bytes: Fastify would rewrite the media type of a JSON string (adding a charset). */
function sendTaxii(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply
    .status(status)
    .header('content-type', TAXII_MEDIA_TYPE)
    .send(
      Buffer.isBuffer(body)
        ? body
        : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    );
}

function sendPage(reply: FastifyReply, page: TaxiiPage): FastifyReply {
  if (page.first) void reply.header('X-TAXII-Date-Added-First', page.first);
  if (page.last) void reply.header('X-TAXII-Date-Added-Last', page.last);
  return sendTaxii(reply, 200, page.body);
}

/**
 * TAXII 2.1 (section 4 and 5): discovery at /taxii2/, one API root at /taxii2/api/, its
 * collections, objects, manifest, versions and status; HTTP Basic or bearer tokens (the
 * auth hook); taxii+json only, 406 and 415 otherwise. And the admin's API under /api/taxii.
 */
export function registerTaxiiRoutes(
  parent: FastifyInstance,
  {
    taxii,
    collections,
    client,
  }: { taxii: TaxiiService; collections: CollectionsService; client: TaxiiClient },
): void {
  void parent.register((scope, _options, registered) => {
    scope.addHook('onRequest', scope.rateLimit(LIMITS.taxii));
    // One parser for every media type: TAXII 2.1 JSON is parsed, anything else is a 415
    // that names the media type to send (not Fastify's, which speaks of application/json).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'string', bodyLimit: MAX_CONTENT_LENGTH },
      (request, body, done) => {
        if (!isTaxiiContentType(request.headers['content-type'])) {
          done(
            unsupportedMediaType(
              'unsupported_media_type',
              `Send ${TAXII_MEDIA_TYPE}, not ${request.headers['content-type'] ?? 'nothing'}.`,
            ),
          );
          return;
        }
        try {
          done(null, JSON.parse(body as string) as unknown);
        } catch (error) {
          done(
            badRequest(
              'invalid_json',
              `The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
            ),
          );
        }
      },
    );
    scope.addHook('preHandler', (request, _reply, done) => {
      if (!acceptsTaxii(request.headers.accept)) {
        done(
          failure(
            'not_acceptable',
            406,
            `This server answers ${TAXII_MEDIA_TYPE}; the Accept header asks for ${request.headers.accept ?? ''}.`,
          ),
        );
        return;
      }
      done();
    });
    const app = scope.withTypeProvider<ZodTypeProvider>();
    const tags = ['taxii'];
    const hide = { tags, hide: false };

    app.get('/taxii2/', { schema: { ...hide, summary: 'TAXII discovery' } }, (request, reply) => {
      requireActor(request);
      return sendTaxii(reply, 200, taxii.discovery());
    });
    app.get('/taxii2/api/', { schema: { ...hide, summary: 'The API root' } }, (request, reply) => {
      requireActor(request);
      return sendTaxii(reply, 200, taxii.apiRoot());
    });
    app.get(
      '/taxii2/api/collections/',
      {
        schema: {
          ...hide,
          summary: 'The collections this caller may read or write',
        },
      },
      async (request, reply) =>
        sendTaxii(reply, 200, await taxii.collections(requireActor(request))),
    );
    app.get(
      '/taxii2/api/collections/:collection/',
      { schema: { ...hide, summary: 'One collection', params: CollectionParams } },
      async (request, reply) =>
        sendTaxii(
          reply,
          200,
          await taxii.collection(requireActor(request), request.params.collection),
        ),
    );
    app.get(
      '/taxii2/api/collections/:collection/objects/',
      {
        schema: {
          ...hide,
          summary: 'Objects, in the order they were added; paged with next',
          params: CollectionParams,
          querystring: Filters,
        },
      },
      async (request, reply) =>
        sendPage(
          reply,
          await taxii.objects(requireActor(request), request.params.collection, request.query),
        ),
    );
    app.post(
      '/taxii2/api/collections/:collection/objects/',
      {
        schema: {
          ...hide,
          summary: "Add objects to the collection's case; answers a status resource",
          params: CollectionParams,
        },
      },
      async (request, reply) =>
        sendTaxii(
          reply,
          202,
          await taxii.add(requireActor(request), request.params.collection, request.body),
        ),
    );
    app.get(
      '/taxii2/api/collections/:collection/manifest/',
      {
        schema: {
          ...hide,
          summary: 'The manifest: id, date added, version, media type of each object',
          params: CollectionParams,
          querystring: Filters,
        },
      },
      async (request, reply) =>
        sendPage(
          reply,
          await taxii.manifest(requireActor(request), request.params.collection, request.query),
        ),
    );
    app.get(
      '/taxii2/api/collections/:collection/objects/:object/',
      {
        schema: {
          ...hide,
          summary: 'One object (its latest version unless match[version] says otherwise)',
          params: ObjectParams,
          querystring: Filters,
        },
      },
      async (request, reply) =>
        sendPage(
          reply,
          await taxii.object(
            requireActor(request),
            request.params.collection,
            request.params.object,
            request.query,
          ),
        ),
    );
    app.delete(
      '/taxii2/api/collections/:collection/objects/:object/',
      {
        schema: {
          ...hide,
          summary: 'Delete an object, or the versions match[version] names',
          params: ObjectParams,
          querystring: Filters,
        },
      },
      async (request, reply) => {
        await taxii.deleteObject(
          requireActor(request),
          request.params.collection,
          request.params.object,
          request.query,
        );
        return sendTaxii(reply, 200, '');
      },
    );
    app.get(
      '/taxii2/api/collections/:collection/objects/:object/versions/',
      {
        schema: {
          ...hide,
          summary: 'The versions of one object',
          params: ObjectParams,
          querystring: Filters,
        },
      },
      async (request, reply) =>
        sendPage(
          reply,
          await taxii.versions(
            requireActor(request),
            request.params.collection,
            request.params.object,
            request.query,
          ),
        ),
    );
    app.get(
      '/taxii2/api/status/:status/',
      {
        schema: {
          ...hide,
          summary: 'How an add went',
          params: z.object({ status: z.string() }),
        },
      },
      async (request, reply) =>
        sendTaxii(reply, 200, await taxii.status(requireActor(request), request.params.status)),
    );
    registered();
  });

  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['taxii admin'];
  app.get(
    '/api/taxii/collections',
    {
      config: { permission: 'taxii.manage' },
      schema: {
        tags,
        summary: 'The TAXII collections, with who may read and write them',
        response: { 200: CollectionAdminList, ...errors },
      },
    },
    async (request) => ({ collections: await collections.adminList(requireActor(request)) }),
  );
  app.post(
    '/api/taxii/collections',
    {
      config: { permission: 'taxii.manage' },
      schema: {
        tags,
        summary: 'Define a collection: a case (or every case) up to a marking level',
        body: CollectionBody,
        response: { 201: CollectionAdminView, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await collections.create(requireActor(request), request.body)),
  );
  app.put(
    '/api/taxii/collections/:id',
    {
      config: { permission: 'taxii.manage' },
      schema: {
        tags,
        summary: 'Change a collection and its rights',
        params: Id,
        body: CollectionBody,
        response: { 200: CollectionAdminView, ...errors },
      },
    },
    async (request) => collections.update(requireActor(request), request.params.id, request.body),
  );
  app.delete(
    '/api/taxii/collections/:id',
    {
      config: { permission: 'taxii.manage' },
      schema: {
        tags,
        summary: 'Remove a collection (the objects stay in their cases)',
        params: Id,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await collections.remove(requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/taxii/subscriptions',
    {
      config: { permission: 'cases.read' },
      schema: {
        tags,
        summary: "The cases' subscriptions to remote TAXII collections",
        response: { 200: SubscriptionList, ...errors },
      },
    },
    async (request) => ({ subscriptions: await client.list(requireActor(request)) }),
  );
  app.post(
    '/api/taxii/subscriptions',
    {
      config: { permission: 'taxii.manage' },
      schema: {
        tags,
        summary: 'Subscribe a case to a remote TAXII 2.1 collection, polled on a schedule',
        body: SubscriptionBody,
        response: { 201: SubscriptionView, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await client.subscribe(requireActor(request), request.body)),
  );
  app.post(
    '/api/taxii/subscriptions/:id/poll',
    {
      config: { permission: 'cases.write' },
      schema: {
        tags,
        summary: 'Poll now (resuming where the last poll stopped)',
        params: Id,
        response: { 200: SubscriptionView, ...errors },
      },
    },
    async (request) => client.pollNow(requireActor(request), request.params.id),
  );
  app.delete(
    '/api/taxii/subscriptions/:id',
    {
      config: { permission: 'taxii.manage' },
      schema: {
        tags,
        summary: 'Stop a subscription (what it brought stays in the case)',
        params: Id,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await client.unsubscribe(requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
