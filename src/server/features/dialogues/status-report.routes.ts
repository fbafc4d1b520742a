import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ERROR_RESPONSES } from '../../../core/schemas/common.js';
import {
  MeasureCurrent,
  MeasureHistory,
  MeasureHistoryQuery,
  MeasureList,
  MeasureParams,
  MeasureQuery,
  StatusReport,
  StatusReportDocxQuery,
  StatusReportQuery,
} from '../../../core/schemas/status-report.js';
import { requireActor } from '../../http/auth.js';
import type { StatusReportService } from './status-report.service.js';

const errors = ERROR_RESPONSES;
const tags = ['dialogues'];
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The status report (JSON, DOCX) and the measures (current values, history). */
export function registerStatusReportRoutes(
  parent: FastifyInstance,
  service: StatusReportService,
): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/status-report',
    {
      config: { permission: 'dialogues.read' },
      schema: {
        tags,
        summary:
          'The status report for the next meeting: per side, for the period [from, to), from the records both nodes hold',
        querystring: StatusReportQuery,
        response: { 200: StatusReport, ...errors },
      },
    },
    async (request) => service.report(requireActor(request), request.query),
  );
  app.get(
    '/api/status-report.docx',
    {
      config: { permission: 'dialogues.read' },
      schema: {
        tags,
        summary: 'The status report as a Word document, in English or Chinese',
        querystring: StatusReportDocxQuery,
      },
    },
    async (request, reply) => {
      const { lang, ...query } = request.query;
      const report = await service.report(requireActor(request), query);
      // The Word library (docx, a few MB of heap) is loaded on the first export, not at start.
      const { reportDocx } = await import('./report.docx.js');
      const bytes = await reportDocx(report, lang);
      const day = (text: string) => text.slice(0, 10);
      return reply
        .header('content-type', DOCX)
        .header(
          'content-disposition',
          `attachment; filename="status-report-${report.peer}-${day(report.from)}-${day(report.to)}.docx"`,
        )
        .send(bytes);
    },
  );
  app.get(
    '/api/measures',
    {
      config: { permission: 'dialogues.read' },
      schema: {
        tags,
        summary: 'Every measure with a peer: its definition, unit and current value',
        querystring: MeasureQuery,
        response: { 200: MeasureList, ...errors },
      },
    },
    async (request) => ({
      peer: request.query.peer,
      measures: await service.listMeasures(requireActor(request), request.query.peer),
    }),
  );
  app.get(
    '/api/measures/:key',
    {
      config: { permission: 'dialogues.read' },
      schema: {
        tags,
        summary: 'One measure with a peer: its current value',
        params: MeasureParams,
        querystring: MeasureQuery,
        response: { 200: MeasureCurrent, ...errors },
      },
    },
    async (request) =>
      service.measure(requireActor(request), request.query.peer, request.params.key),
  );
  app.get(
    '/api/measures/:key/history',
    {
      config: { permission: 'dialogues.read' },
      schema: {
        tags,
        summary: 'A measure’s readings with a peer, newest first, paged',
        params: MeasureParams,
        querystring: MeasureHistoryQuery,
        response: { 200: MeasureHistory, ...errors },
      },
    },
    async (request) =>
      service.measureHistory(requireActor(request), request.params.key, request.query),
  );
}
