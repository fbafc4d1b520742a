import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AddObjectBody,
  CaseDetail,
  CaseObjectsQuery,
  CaseLink,
  CaseList,
  CaseQuery,
  CaseReport,
  CaseView,
  CreateCaseBody,
  FeedbackBody,
  LookupQuery,
  LookupResults,
  MarkingBody,
  ObjectHistory,
  ObjectParams,
  ObjectPage,
  ObjectView,
  SearchQuery,
  SearchResults,
  ShareBody,
  ShareResult,
  UpdateCaseBody,
  UpdateObjectBody,
} from '../../../core/schemas/cases.js';
import { ERROR_RESPONSES, NodeId } from '../../../core/schemas/common.js';
import { PeriodQuery } from '../../../core/schemas/pings.js';
import { requireActor } from '../../http/auth.js';
import { toCsv } from '../../../core/csv.js';
import type { CasesService } from './cases.service.js';
import type { ObjectsService } from './objects.service.js';
import type { SearchService } from './search.service.js';
import type { SharingService } from './sharing.service.js';

/** The services the routes of cases call. */
export interface CaseRouteServices {
  cases: CasesService;
  objects: ObjectsService;
  sharing: SharingService;
  search: SearchService;
}

const errors = ERROR_RESPONSES;
const ExportQuery = z
  .object({
    case: z.string().uuid().optional(),
    type: z
      .string()
      .regex(/^[a-z0-9-]{3,250}$/, 'a STIX type name such as indicator')
      .optional(),
  })
  .strict();

/**
 * Streams a bundle. Its first chunk is read before answering, so an unknown case or a
 * missing right is still a clean 4xx, not a cut stream.
 */
async function sendBundle(reply: FastifyReply, chunks: AsyncGenerator<string>) {
  const first = await chunks.next();
  async function* all(): AsyncGenerator<string> {
    if (!first.done) yield first.value;
    yield* chunks;
  }
  return reply.type('application/stix+json;version=2.1').send(Readable.from(all()));
}
const CaseParams = z.object({ id: z.string().uuid() });

export function registerCaseRoutes(
  parent: FastifyInstance,
  { cases, objects, sharing, search }: CaseRouteServices,
): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['cases'];

  app.get(
    '/api/cases',
    {
      config: { permission: 'cases.read' },
      schema: {
        tags,
        summary: 'Cases (each with the number of objects this user may see)',
        querystring: CaseQuery,
        response: { 200: CaseList, ...errors },
      },
    },
    async (request) => cases.list(requireActor(request), request.query),
  );
  app.post(
    '/api/cases',
    {
      config: { permission: 'cases.write' },
      schema: {
        tags,
        summary: 'Open a case',
        body: CreateCaseBody,
        response: { 201: CaseView, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await cases.create(requireActor(request), request.body)),
  );
  app.get(
    '/api/cases/report',
    {
      config: { permission: 'cases.read' },
      schema: {
        tags,
        summary:
          'Case status report per peer: opened, shared, with activity, requests linked, feedback',
        querystring: PeriodQuery,
        response: { 200: CaseReport, ...errors },
      },
    },
    async (request) => cases.report(requireActor(request), request.query),
  );
  app.get(
    '/api/cases/report.csv',
    {
      config: { permission: 'cases.read' },
      schema: { tags, summary: 'The case status report, as CSV', querystring: PeriodQuery },
    },
    async (request, reply) => {
      const report = await cases.report(requireActor(request), request.query);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="case-status-report.csv"')
        .send(
          toCsv(
            [
              'peer',
              'cases_opened',
              'cases_shared',
              'cases_with_activity',
              'requests_linked',
              'feedback_received',
            ],
            report.peers.map((p) => [
              p.peer,
              p.casesOpened,
              p.casesShared,
              p.casesWithActivity,
              p.requestsLinked,
              p.feedbackReceived,
            ]),
          ),
        );
    },
  );
  app.get(
    '/api/cases/search',
    {
      config: { permission: 'cases.read' },
      schema: {
        tags,
        summary: 'Objects whose names, descriptions, values, patterns or notes hold the text',
        querystring: SearchQuery,
        response: { 200: SearchResults, ...errors },
      },
    },
    async (request) => search.search(requireActor(request), request.query),
  );
  app.get(
    '/api/cases/lookup',
    {
      config: { permission: 'cases.read' },
      schema: {
        tags,
        summary:
          'Exact lookup of a value (address, domain, hash, pattern literal) across every case this user may see',
        querystring: LookupQuery,
        response: { 200: LookupResults, ...errors },
      },
    },
    async (request) => search.lookup(requireActor(request), request.query),
  );
  app.get(
    '/api/cases/:id',
    {
      config: { permission: 'cases.read' },
      schema: {
        tags,
        summary:
          'A case with the first page of the objects this user may see (filtered and sorted as asked)',
        params: CaseParams,
        querystring: CaseObjectsQuery,
        response: { 200: CaseDetail, ...errors },
      },
    },
    async (request) => cases.get(requireActor(request), request.params.id, request.query),
  );
  app.get(
    '/api/cases/:id/objects',
    {
      config: { permission: 'cases.read' },
      schema: {
        tags,
        summary:
          "A page of a case's objects this user may see: by type, marking, words, shared or not; sorted; after a cursor",
        params: CaseParams,
        querystring: CaseObjectsQuery,
        response: { 200: ObjectPage, ...errors },
      },
    },
    async (request) => cases.objects(requireActor(request), request.params.id, request.query),
  );
  app.patch(
    '/api/cases/:id',
    {
      config: { permission: 'cases.write' },
      schema: {
        tags,
        summary: 'Change a case (its owner)',
        params: CaseParams,
        body: UpdateCaseBody,
        response: { 200: CaseView, ...errors },
      },
    },
    async (request) => cases.update(requireActor(request), request.params.id, request.body),
  );
  app.post(
    '/api/cases/:id/participants',
    {
      config: { permission: 'cases.write' },
      schema: {
        tags,
        summary: 'Add a peer to the case (its owner)',
        params: CaseParams,
        body: z.object({ peer: NodeId }).strict(),
        response: { 200: CaseView, ...errors },
      },
    },
    async (request) =>
      cases.addParticipant(requireActor(request), request.params.id, request.body.peer),
  );
  app.post(
    '/api/cases/:id/links',
    {
      config: { permission: 'cases.write' },
      schema: {
        tags,
        summary: 'Link a request or a hotline call to the case',
        params: CaseParams,
        body: CaseLink.strict(),
        response: { 200: CaseView, ...errors },
      },
    },
    async (request) => cases.link(requireActor(request), request.params.id, request.body),
  );
  app.post(
    '/api/cases/:id/share',
    {
      config: { permission: 'cases.write' },
      schema: {
        tags,
        summary: 'Send objects of the case to a node of the case, as far as TLP allows',
        params: CaseParams,
        body: ShareBody,
        response: { 200: ShareResult, ...errors },
      },
    },
    async (request) => sharing.share(requireActor(request), request.params.id, request.body),
  );
  app.get(
    '/api/cases/:id/export',
    {
      config: { permission: 'cases.read' },
      schema: {
        tags,
        summary:
          'The case as a STIX 2.1 bundle, streamed (what this user may export; never TLP:RED)',
        params: CaseParams,
        querystring: ExportQuery.omit({ case: true }),
      },
    },
    async (request, reply) => {
      const chunks = search.exportBundle(requireActor(request), {
        caseId: request.params.id,
        type: request.query.type,
      });
      return sendBundle(reply, chunks);
    },
  );
  app.get(
    '/api/stix/export',
    {
      config: { permission: 'cases.read' },
      schema: {
        tags,
        summary:
          'A STIX 2.1 bundle of the objects a filter selects across cases, streamed (never TLP:RED)',
        querystring: ExportQuery,
      },
    },
    async (request, reply) => {
      const chunks = search.exportBundle(requireActor(request), {
        caseId: request.query.case,
        type: request.query.type,
      });
      return sendBundle(reply, chunks);
    },
  );
  app.post(
    '/api/cases/:id/objects',
    {
      config: { permission: 'cases.write' },
      schema: {
        tags,
        summary: 'Add a STIX 2.1 object to the case',
        params: CaseParams,
        body: AddObjectBody,
        response: { 201: ObjectView, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await objects.addObject(requireActor(request), request.params.id, request.body)),
  );
  app.get(
    '/api/cases/:id/objects/:objectId',
    {
      config: { permission: 'cases.read' },
      schema: {
        tags,
        summary: 'One object of the case as it is now, if this user may see it',
        params: ObjectParams,
        response: { 200: ObjectView, ...errors },
      },
    },
    async (request) =>
      objects.getObject(requireActor(request), request.params.id, request.params.objectId),
  );
  app.patch(
    '/api/cases/:id/objects/:objectId',
    {
      config: { permission: 'cases.write' },
      schema: {
        tags,
        summary: 'A new version of one of this node’s objects (same id, later modified)',
        params: ObjectParams,
        body: UpdateObjectBody,
        response: { 200: ObjectView, ...errors },
      },
    },
    async (request) =>
      objects.updateObject(
        requireActor(request),
        request.params.id,
        request.params.objectId,
        request.body.changes,
      ),
  );
  app.delete(
    '/api/cases/:id/objects/:objectId',
    {
      config: { permission: 'cases.write' },
      schema: {
        tags,
        summary: 'Delete one of this node’s objects here and at every peer it went to',
        params: ObjectParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await objects.deleteObject(requireActor(request), request.params.id, request.params.objectId);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/cases/:id/objects/:objectId/revoke',
    {
      config: { permission: 'cases.write' },
      schema: {
        tags,
        summary: 'Revoke one of this node’s objects (a last version with revoked: true)',
        params: ObjectParams,
        response: { 200: ObjectView, ...errors },
      },
    },
    async (request) =>
      objects.revokeObject(requireActor(request), request.params.id, request.params.objectId),
  );
  app.post(
    '/api/cases/:id/objects/:objectId/marking',
    {
      // Lowering the marking further needs cases.declassify (objects.service.ts).
      config: { permission: 'cases.write' },
      schema: {
        tags,
        summary: 'Raise or lower an object’s TLP marking (lowering: admin, with a reason, audited)',
        params: ObjectParams,
        body: MarkingBody,
        response: { 200: ObjectView, ...errors },
      },
    },
    async (request) =>
      objects.setMarking(
        requireActor(request),
        request.params.id,
        request.params.objectId,
        request.body,
      ),
  );
  app.get(
    '/api/cases/:id/objects/:objectId/history',
    {
      config: { permission: 'cases.read' },
      schema: {
        tags,
        summary: 'The versions of an object this user may see',
        params: ObjectParams,
        response: { 200: ObjectHistory, ...errors },
      },
    },
    async (request) =>
      objects.objectHistory(requireActor(request), request.params.id, request.params.objectId),
  );
  app.post(
    '/api/cases/:id/objects/:objectId/feedback',
    {
      config: { permission: 'cases.write' },
      schema: {
        tags,
        summary: 'How this node used a peer’s object; it goes back to the node that wrote it',
        params: ObjectParams,
        body: FeedbackBody,
        response: { 200: ObjectView, ...errors },
      },
    },
    async (request) =>
      sharing.feedback(
        requireActor(request),
        request.params.id,
        request.params.objectId,
        request.body,
      ),
  );
}
