import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_RESPONSES, IdParams } from '../../../core/schemas/common.js';
import {
  CallDetail,
  CallList,
  CallQuery,
  CoverageQuery,
  CoverageView,
  EscalateRequestBody,
  Ladder,
  PeerCoverageView,
  PlaceCallBody,
  ResolveCallBody,
  ReviewReport,
  ShiftBody,
  ShiftList,
  ShiftView,
  UpdateWebhookBody,
  WebhookBody,
  WebhookList,
  WebhookView,
} from '../../../core/schemas/hotline.js';
import { NodeId } from '../../../core/schemas/common.js';
import { PeriodQuery } from '../../../core/schemas/pings.js';
import { requireActor } from '../../http/auth.js';
import type { HotlineService } from './calls.service.js';
import type { CoverageService } from './coverage.service.js';
import type { LadderService } from './ladder.service.js';
import type { CallMovesService } from './moves.service.js';
import type { RosterService } from './roster.service.js';

/** The services the hotline's routes call. */
export interface HotlineRouteServices {
  hotline: HotlineService;
  moves: CallMovesService;
  ladder: LadderService;
  roster: RosterService;
  coverage: CoverageService;
}

const errors = ERROR_RESPONSES;
const noContent = { 204: z.null(), ...errors };

export function registerHotlineRoutes(
  parent: FastifyInstance,
  { hotline, moves, ladder, roster, coverage }: HotlineRouteServices,
): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['hotline'];

  app.get(
    '/api/hotline/calls',
    {
      config: { permission: 'hotline.read' },
      schema: {
        tags,
        summary: 'Hotline calls placed and received, newest first',
        querystring: CallQuery,
        response: { 200: CallList, ...errors },
      },
    },
    async (request) => ({ calls: await hotline.list(requireActor(request), request.query) }),
  );
  app.post(
    '/api/hotline/calls',
    {
      config: { permission: 'hotline.call' },
      schema: {
        tags,
        summary: "Place a call to a peer's hotline",
        body: PlaceCallBody,
        response: { 201: CallDetail, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await hotline.place(requireActor(request), request.body)),
  );
  app.get(
    '/api/hotline/calls/:id',
    {
      config: { permission: 'hotline.read' },
      schema: {
        tags,
        summary: 'A call with its timeline',
        params: IdParams,
        response: { 200: CallDetail, ...errors },
      },
    },
    async (request) => hotline.get(requireActor(request), request.params.id),
  );
  app.post(
    '/api/hotline/calls/:id/seen',
    {
      config: { permission: 'hotline.answer' },
      schema: {
        tags,
        summary: "Mark a peer's call as seen (the alert was shown to a duty officer)",
        params: IdParams,
        response: { 200: CallDetail, ...errors },
      },
    },
    async (request) => moves.seen(requireActor(request), request.params.id),
  );
  app.post(
    '/api/hotline/calls/:id/acknowledge',
    {
      config: { permission: 'hotline.answer' },
      schema: {
        tags,
        summary: "Acknowledge a peer's call: stops its ladder",
        params: IdParams,
        response: { 200: CallDetail, ...errors },
      },
    },
    async (request) => moves.acknowledge(requireActor(request), request.params.id),
  );
  app.post(
    '/api/hotline/calls/:id/resolve',
    {
      // hotline.call for our calls, hotline.answer for the peer's: the service decides.
      config: { permission: 'hotline.read' },
      schema: {
        tags,
        summary: 'Close a call with its outcome (either side)',
        params: IdParams,
        body: ResolveCallBody,
        response: { 200: CallDetail, ...errors },
      },
    },
    async (request) =>
      moves.resolve(requireActor(request), request.params.id, request.body.outcome),
  );
  app.post(
    '/api/requests/:id/escalate',
    {
      config: { permission: 'hotline.call' },
      schema: {
        tags,
        summary: 'Raise a request as a hotline call, linked to it',
        params: IdParams,
        body: EscalateRequestBody,
        response: { 201: CallDetail, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await hotline.escalateRequest(requireActor(request), request.params.id, request.body),
        ),
  );

  app.get(
    '/api/hotline/review',
    {
      config: { permission: 'hotline.read' },
      schema: {
        tags,
        summary: 'The usage review: calls by tier and priority, times, rungs reached, unanswered',
        querystring: PeriodQuery,
        response: { 200: ReviewReport, ...errors },
      },
    },
    async (request) => hotline.review(requireActor(request), request.query),
  );
  app.get(
    '/api/hotline/review.csv',
    {
      config: { permission: 'hotline.read' },
      schema: {
        tags,
        summary: "The usage review's calls, one line each, as CSV",
        querystring: PeriodQuery,
      },
    },
    async (request, reply) => {
      const csv = await hotline.reviewCsv(requireActor(request), request.query);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="hotline-review.csv"')
        .send(csv);
    },
  );

  app.get(
    '/api/hotline/ladder',
    {
      config: { permission: 'hotline.read' },
      schema: {
        tags,
        summary: 'The ladder per tier, and the fallback for calls that cannot be delivered',
        response: { 200: Ladder, ...errors },
      },
    },
    async (request) => ladder.ladder(requireActor(request)),
  );
  app.put(
    '/api/hotline/ladder',
    {
      config: { permission: 'hotline.manage' },
      schema: {
        tags,
        summary: 'Replace the ladder',
        body: Ladder,
        response: { 200: Ladder, ...errors },
      },
    },
    async (request) => ladder.setLadder(requireActor(request), request.body),
  );

  app.get(
    '/api/hotline/shifts',
    {
      config: { permission: 'hotline.read' },
      schema: {
        tags,
        summary: 'The duty roster',
        response: { 200: ShiftList, ...errors },
      },
    },
    async (request) => ({ shifts: await roster.shifts(requireActor(request)) }),
  );
  app.post(
    '/api/hotline/shifts',
    {
      config: { permission: 'hotline.manage' },
      schema: {
        tags,
        summary: 'Add a shift to the duty roster',
        body: ShiftBody,
        response: { 201: ShiftView, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await roster.saveShift(requireActor(request), undefined, request.body)),
  );
  app.put(
    '/api/hotline/shifts/:id',
    {
      config: { permission: 'hotline.manage' },
      schema: {
        tags,
        summary: 'Change a shift',
        params: IdParams,
        body: ShiftBody,
        response: { 200: ShiftView, ...errors },
      },
    },
    async (request) => roster.saveShift(requireActor(request), request.params.id, request.body),
  );
  app.delete(
    '/api/hotline/shifts/:id',
    {
      config: { permission: 'hotline.manage' },
      schema: { tags, summary: 'Remove a shift', params: IdParams, response: noContent },
    },
    async (request, reply) => {
      await roster.deleteShift(requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/hotline/coverage',
    {
      config: { permission: 'hotline.manage' },
      schema: {
        tags,
        summary: 'Rung-1 coverage hour by hour (two weeks by default), with the gaps',
        querystring: CoverageQuery,
        response: { 200: CoverageView, ...errors },
      },
    },
    async (request) => coverage.coverage(requireActor(request), request.query),
  );
  app.get(
    '/api/hotline/coverage/peers/:peer',
    {
      config: { permission: 'hotline.read' },
      schema: {
        tags,
        summary: "A peer's rung-1 coverage as it last told it: gaps, and its published contacts",
        params: z.object({ peer: NodeId }),
        response: { 200: PeerCoverageView, ...errors },
      },
    },
    async (request) => coverage.peerCoverage(requireActor(request), request.params.peer),
  );

  app.get(
    '/api/hotline/webhooks',
    {
      config: { permission: 'hotline.manage' },
      schema: {
        tags,
        summary: 'Webhooks for SMS and pager gateways (the secrets are never shown)',
        response: { 200: WebhookList, ...errors },
      },
    },
    async (request) => ({ webhooks: await roster.webhooks(requireActor(request)) }),
  );
  app.post(
    '/api/hotline/webhooks',
    {
      config: { permission: 'hotline.webhooks' },
      schema: {
        tags,
        summary: 'Add a webhook',
        body: WebhookBody,
        response: { 201: WebhookView, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await roster.createWebhook(requireActor(request), request.body)),
  );
  app.patch(
    '/api/hotline/webhooks/:id',
    {
      config: { permission: 'hotline.webhooks' },
      schema: {
        tags,
        summary: 'Change a webhook',
        params: IdParams,
        body: UpdateWebhookBody,
        response: { 200: WebhookView, ...errors },
      },
    },
    async (request) => roster.updateWebhook(requireActor(request), request.params.id, request.body),
  );
  app.delete(
    '/api/hotline/webhooks/:id',
    {
      config: { permission: 'hotline.webhooks' },
      schema: { tags, summary: 'Remove a webhook', params: IdParams, response: noContent },
    },
    async (request, reply) => {
      await roster.deleteWebhook(requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
