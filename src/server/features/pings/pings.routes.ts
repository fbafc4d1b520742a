import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_RESPONSES, IdParams, NodeId } from '../../../core/schemas/common.js';
import {
  PeriodQuery,
  PingList,
  PingQuery,
  PingReport,
  PingScheduleBody,
  PingView,
  SendPingBody,
} from '../../../core/schemas/pings.js';
import { requireActor } from '../../http/auth.js';
import { toCsv } from '../../../core/csv.js';
import type { PingsService } from './pings.service.js';

const errors = ERROR_RESPONSES;

export function registerPingRoutes(parent: FastifyInstance, pings: PingsService): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['pings'];
  app.get(
    '/api/pings',
    {
      config: { permission: 'contacts.read' },
      schema: {
        tags,
        summary: 'Pings sent and received, newest first',
        querystring: PingQuery,
        response: { 200: PingList, ...errors },
      },
    },
    async (request) => ({ pings: await pings.list(requireActor(request), request.query) }),
  );
  app.post(
    '/api/pings',
    {
      config: { permission: 'pings.send' },
      schema: {
        tags,
        summary: "Ping a peer's published contacts (all, or the ones named)",
        body: SendPingBody,
        response: { 201: PingList, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send({ pings: await pings.send(requireActor(request), request.body) }),
  );
  app.post(
    '/api/pings/:id/acknowledge',
    {
      config: { permission: 'pings.answer' },
      schema: {
        tags,
        summary: "Acknowledge a peer's ping (one click)",
        params: IdParams,
        response: { 200: PingView, ...errors },
      },
    },
    async (request) => pings.acknowledge(requireActor(request), request.params.id),
  );
  app.get(
    '/api/pings/schedule/:peer',
    {
      config: { permission: 'contacts.read' },
      schema: {
        tags,
        summary: "How often the peer's contacts are pinged (0: not on a schedule)",
        params: z.object({ peer: NodeId }),
        response: {
          200: z.object({ everyHours: z.number(), nextAt: z.string().nullable() }),
          ...errors,
        },
      },
    },
    async (request) => pings.schedule(requireActor(request), request.params.peer),
  );
  app.put(
    '/api/pings/schedule/:peer',
    {
      config: { permission: 'pings.send' },
      schema: {
        tags,
        summary: "Ping the peer's contacts every N hours (0 stops)",
        params: z.object({ peer: NodeId }),
        body: PingScheduleBody,
        response: {
          200: z.object({ everyHours: z.number(), nextAt: z.string().nullable() }),
          ...errors,
        },
      },
    },
    async (request) =>
      pings.setSchedule(requireActor(request), request.params.peer, request.body.everyHours),
  );
  app.get(
    '/api/pings/report',
    {
      config: { permission: 'contacts.read' },
      schema: {
        tags,
        summary:
          'Ping test report: share answered, median and p90 time to acknowledge, contacts that never answered',
        querystring: PeriodQuery,
        response: { 200: PingReport, ...errors },
      },
    },
    async (request) => pings.report(requireActor(request), request.query),
  );
  app.get(
    '/api/pings/report.csv',
    {
      config: { permission: 'contacts.read' },
      schema: {
        tags,
        summary: 'The ping test report per contact, as CSV',
        querystring: PeriodQuery,
      },
    },
    async (request, reply) => {
      const report = await pings.report(requireActor(request), request.query);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="ping-report.csv"')
        .send(
          toCsv(
            ['peer', 'contact_id', 'contact_name', 'sent', 'answered', 'median_ms'],
            report.contacts.map((c) => [
              c.peer,
              c.contactId,
              c.contactName,
              c.sent,
              c.answered,
              c.medianMs,
            ]),
          ),
        );
    },
  );
}
