import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_RESPONSES, ErrorBody, IdParams } from '../../../core/schemas/common.js';
import {
  AllowList,
  AllowListEntryBody,
  AllowListEntryView,
  AllowListQuery,
  ClusterList,
  ClusterQuery,
  CommitBody,
  CommitView,
  CreateReportBody,
  MAX_REPORT_BYTES,
  ReportList,
  ReportQuery,
  ReportView,
  ReviewBody,
  StoryView,
  UploadReportQuery,
  UrlReportBody,
} from '../../../core/schemas/reports.js';
import { badRequest } from '../../errors.js';
import { requireActor } from '../../http/auth.js';
import type { AccountsService } from '../accounts/public.js';
import type { CommitService } from './commit.service.js';
import { authorizeBeforeBody } from './ingest.auth.js';
import type { IngestService } from './ingest.service.js';
import type { ReportsService } from './reports.service.js';

const errors = ERROR_RESPONSES;
/** An ingest may also find the extraction's queue full: 503 reports_busy with Retry-After. */
const ingestErrors = { ...ERROR_RESPONSES, 503: ErrorBody } as const;
const tags = ['reports'];
/** A pasted text as JSON: its characters' UTF-8 bytes, with room for JSON escapes. */
const JSON_BODY_LIMIT = 4 * 1024 * 1024;

interface Services {
  accounts: AccountsService;
  reports: ReportsService;
  ingest: IngestService;
  commits: CommitService;
}

export function registerReportsRoutes(parent: FastifyInstance, services: Services): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { reports, commits } = services;
  const onRequest = authorizeBeforeBody(services.accounts);
  app.post(
    '/api/reports',
    {
      bodyLimit: JSON_BODY_LIMIT,
      onRequest,
      config: { permission: 'reports.write' },
      schema: {
        tags,
        summary: 'Ingest a pasted text: extraction with the node allow-list, then its story',
        body: CreateReportBody,
        response: { 201: ReportView, ...ingestErrors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await reports.ingest(requireActor(request), { ...request.body, origin: 'text' })),
  );
  registerUpload(app, services.ingest, onRequest);
  app.post(
    '/api/reports/url',
    {
      onRequest,
      config: { permission: 'reports.write' },
      schema: {
        tags,
        summary:
          'Ingest a web page (its article text), a PDF, DOCX or text file by URL, fetched through the outbound guard',
        body: UrlReportBody,
        response: { 201: ReportView, ...ingestErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await services.ingest.url(requireActor(request), request.body)),
  );
  app.get(
    '/api/reports',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags,
        summary: 'Reports, newest first (one story with clusterId)',
        querystring: ReportQuery,
        response: { 200: ReportList, ...errors },
      },
    },
    async (request) => reports.list(requireActor(request), request.query),
  );
  app.get(
    '/api/reports/clusters',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags,
        summary:
          'Stories (clusters of reports), the latest active first, with their first report ids',
        querystring: ClusterQuery,
        response: { 200: ClusterList, ...errors },
      },
    },
    async (request) => reports.clusters(requireActor(request), request.query),
  );
  app.get(
    '/api/reports/clusters/:id',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags,
        summary: 'A story: its reports (paged) with the claims of each side by side',
        params: IdParams,
        querystring: ClusterQuery,
        response: { 200: StoryView, ...errors },
      },
    },
    async (request) => reports.story(requireActor(request), request.params.id, request.query),
  );
  registerAllowList(parent, reports);
  app.get(
    '/api/reports/:id',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags,
        summary:
          'A report: its text, every extraction with its span and review state, dropped values',
        params: IdParams,
        response: { 200: ReportView, ...errors },
      },
    },
    async (request) => reports.get(requireActor(request), request.params.id),
  );
  app.post(
    '/api/reports/:id/review',
    {
      config: { permission: 'reports.write' },
      schema: {
        tags,
        summary: 'Accept or reject extractions (indicators, entities, claims) by their index',
        params: IdParams,
        body: ReviewBody,
        response: { 200: ReportView, ...errors },
      },
    },
    async (request) => reports.review(requireActor(request), request.params.id, request.body),
  );
  app.post(
    '/api/reports/:id/commit',
    {
      config: { permission: 'reports.write' },
      schema: {
        tags,
        summary:
          'Commit the accepted extractions to a case as STIX 2.1 (a report SDO and what it refers to) under a TLP marking',
        params: IdParams,
        body: CommitBody,
        response: { 201: CommitView, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await commits.commit(requireActor(request), request.params.id, request.body)),
  );
}

/** The upload: the file is the raw body, capped before it is read whole (413 beyond). */
function registerUpload(
  parent: FastifyInstance,
  ingest: IngestService,
  onRequest: ReturnType<typeof authorizeBeforeBody>,
): void {
  void parent.register((scope, _options, registered) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: MAX_REPORT_BYTES },
      (_request, body, done) => done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/reports/upload',
      {
        bodyLimit: MAX_REPORT_BYTES,
        onRequest,
        config: { permission: 'reports.write' },
        schema: {
          tags,
          summary: `Ingest a file, the request body: plain text, HTML (its article text), PDF or DOCX, at most ${MAX_REPORT_BYTES} bytes`,
          querystring: UploadReportQuery,
          response: { 201: ReportView, ...ingestErrors },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const body = request.body;
        if (!Buffer.isBuffer(body))
          throw badRequest('report_empty', 'Send the file as the request body.');
        const type = request.headers['content-type'] ?? '';
        return reply.status(201).send(await ingest.file(actor, body, type, request.query));
      },
    );
    registered();
  });
}

function registerAllowList(parent: FastifyInstance, reports: ReportsService): void {
  const api = parent.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/api/reports/allow-list',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags,
        summary: 'The node allow-list: values dropped from extractions, each with its reason',
        querystring: AllowListQuery,
        response: { 200: AllowList, ...errors },
      },
    },
    async (request) => reports.allowList(requireActor(request), request.query),
  );
  api.post(
    '/api/reports/allow-list',
    {
      config: { permission: 'reports.allowlist' },
      schema: {
        tags,
        summary: 'Add a value to the allow-list (later reports drop it, visibly, with the reason)',
        body: AllowListEntryBody,
        response: { 201: AllowListEntryView, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await reports.allow(requireActor(request), request.body)),
  );
  api.delete(
    '/api/reports/allow-list/:id',
    {
      config: { permission: 'reports.allowlist' },
      schema: {
        tags,
        summary: 'Remove an entry from the allow-list',
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await reports.disallow(requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
