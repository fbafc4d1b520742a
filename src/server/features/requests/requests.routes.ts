import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_RESPONSES, IdParams } from '../../../core/schemas/common.js';
import {
  CreateRequestBody,
  MAX_ATTACHMENT_BYTES,
  MoveBody,
  RequestDetail,
  RequestFigures,
  RequestList,
  RequestQuery,
  UpdateDraftBody,
} from '../../../core/schemas/requests.js';
import { PeriodQuery } from '../../../core/schemas/pings.js';
import { requireActor } from '../../http/auth.js';
import { toCsv } from '../../../core/csv.js';
import type { RequestsService } from './requests.service.js';

const errors = ERROR_RESPONSES;
/** A move may carry an attachment of 1.5 MiB, base64 in JSON. */
const MOVE_BODY_LIMIT = Math.ceil((MAX_ATTACHMENT_BYTES * 4) / 3) + 256 * 1024;

export function registerRequestRoutes(parent: FastifyInstance, requests: RequestsService): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['requests'];
  app.get(
    '/api/requests',
    {
      config: { permission: 'requests.read' },
      schema: {
        tags,
        summary: 'Requests sent (out) and received (in), most recently changed first',
        querystring: RequestQuery,
        response: { 200: RequestList, ...errors },
      },
    },
    async (request) => ({ requests: await requests.list(requireActor(request), request.query) }),
  );
  app.get(
    '/api/requests/figures',
    {
      config: { permission: 'requests.read' },
      schema: {
        tags,
        summary:
          'Timeliness and quality figures per direction and type, for requests sent in the period',
        querystring: PeriodQuery,
        response: { 200: RequestFigures, ...errors },
      },
    },
    async (request) => requests.figures(requireActor(request), request.query),
  );
  app.get(
    '/api/requests/figures.csv',
    {
      config: { permission: 'requests.read' },
      schema: { tags, summary: 'The figures as CSV', querystring: PeriodQuery },
    },
    async (request, reply) => {
      const figures = await requests.figures(requireActor(request), request.query);
      const columns = [
        'direction',
        'type',
        'count',
        'acknowledged',
        'acknowledgeMedianMs',
        'acknowledgeP90Ms',
        'responded',
        'respondMedianMs',
        'respondP90Ms',
        'withinDeadlineShare',
        'completeFirstTimeShare',
        'moreInformationShare',
      ] as const;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="request-figures.csv"')
        .send(
          toCsv(
            columns,
            figures.rows.map((row) => columns.map((column) => row[column])),
          ),
        );
    },
  );
  app.get(
    '/api/requests/:id',
    {
      config: { permission: 'requests.read' },
      schema: {
        tags,
        summary: 'A request with its timeline',
        params: IdParams,
        response: { 200: RequestDetail, ...errors },
      },
    },
    async (request) => requests.get(requireActor(request), request.params.id),
  );
  app.post(
    '/api/requests',
    {
      config: { permission: 'requests.draft' },
      schema: {
        tags,
        summary: 'Draft a request to a peer',
        body: CreateRequestBody,
        response: { 201: RequestDetail, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await requests.create(requireActor(request), request.body)),
  );
  app.patch(
    '/api/requests/:id',
    {
      config: { permission: 'requests.draft' },
      schema: {
        tags,
        summary: 'Edit a draft (fields are merged; an empty string clears one)',
        params: IdParams,
        body: UpdateDraftBody,
        response: { 200: RequestDetail, ...errors },
      },
    },
    async (request) => requests.updateDraft(requireActor(request), request.params.id, request.body),
  );
  app.delete(
    '/api/requests/:id',
    {
      config: { permission: 'requests.draft' },
      schema: {
        tags,
        summary: 'Delete a draft of this node (409 not_a_draft once sent)',
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await requests.deleteDraft(requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/requests/:id/send',
    {
      config: { permission: 'requests.draft' },
      schema: {
        tags,
        summary: 'Send a draft; refused with the list of missing fields until it is complete',
        params: IdParams,
        response: { 200: RequestDetail, ...errors },
      },
    },
    async (request) => requests.send(requireActor(request), request.params.id),
  );
  app.post(
    '/api/requests/:id/moves',
    {
      // Which side's moves the caller may make is decided by the service (requests.draft or requests.handle).
      config: { permission: 'requests.read' },
      bodyLimit: MOVE_BODY_LIMIT,
      schema: {
        tags,
        summary:
          'Make a move on a request (acknowledge, start, request_information, provide_information, fulfil, fulfil_partially, decline, withdraw, message, extend_preservation, release_preservation)',
        params: IdParams,
        body: MoveBody,
        response: { 200: RequestDetail, ...errors },
      },
    },
    async (request) => requests.move(requireActor(request), request.params.id, request.body),
  );
  app.get(
    '/api/requests/:id/attachments/:attachmentId',
    {
      config: { permission: 'requests.read' },
      schema: {
        tags,
        summary: 'Download an attachment (its SHA-256 is in the X-Content-SHA256 header)',
        params: z.object({
          id: z.string().min(1).max(64),
          attachmentId: z.string().min(1).max(64),
        }),
      },
    },
    async (request, reply) => {
      const row = await requests.attachment(
        requireActor(request),
        request.params.id,
        request.params.attachmentId,
      );
      return reply
        .header('content-type', row.media_type)
        .header(
          'content-disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(row.name)}`,
        )
        .header('x-content-sha256', row.sha256)
        .send(Buffer.from(row.content, 'base64'));
    },
  );
}
