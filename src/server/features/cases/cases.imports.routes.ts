import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_RESPONSES } from '../../../core/schemas/common.js';
import {
  ImportErrors,
  ImportErrorsQuery,
  ImportJobView,
  ImportList,
  StartImportQuery,
  StartUrlImportBody,
} from '../../../core/schemas/imports.js';
import type { Actor } from '../../actor.js';
import { requireActor } from '../../http/auth.js';
import { badRequest, tooLarge } from '../../errors.js';
import { presentImport } from './cases.present.js';
import type { ImportService } from './import.service.js';

const errors = ERROR_RESPONSES;

function uploadTooLarge(cap: number) {
  return tooLarge(
    'import_too_large',
    `An upload may be at most ${cap} bytes (limits.uploadBytes); import larger files with the CLI (liaison import).`,
  );
}

/** Passes bytes on until `cap`, then fails the upload (a sender may lie about its length). */
function capped(cap: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > cap) callback(uploadTooLarge(cap));
      else callback(null, chunk);
    },
  });
}
const CaseParams = z.object({ id: z.string().uuid() });
const JobParams = z.object({ id: z.string().uuid() });
const UploadQuery = StartImportQuery.extend({
  /** The file's name, to show in the list of imports. */
  name: z.string().max(200).optional(),
}).strict();

/**
 * Imports through the API: a file sent as the request body (streamed to the data
 * directory, then imported in the background) or a URL the node fetches. Progress comes on
 * the live stream (`import.progress`) and from GET /api/imports/:id.
 */
export function registerImportRoutes(parent: FastifyInstance, imports: ImportService): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['imports'];
  const start = async (actor: Actor, request: Parameters<ImportService['begin']>[1]) => {
    const job = await imports.begin(actor, request);
    imports.runInBackground(job);
    return job;
  };

  void app.register((scope, _options, registered) => {
    // The body is the file itself, of any size: streamed to disk, never parsed here.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/cases/:id/imports',
      {
        config: { permission: 'cases.write' },
        schema: {
          tags,
          summary:
            'Import a file into the case (the request body: a STIX 2.1 bundle or a MISP event); answers at once, the import runs on',
          params: CaseParams,
          querystring: UploadQuery,
          response: { 202: ImportJobView, ...errors },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const body = request.body as Readable | undefined;
        if (!body || typeof body.pipe !== 'function') {
          throw badRequest('empty_upload', 'Send the file as the request body.');
        }
        // Authorized, the case found and the size known before a byte is written (issue 16, row 7).
        const cap = await imports.mayUpload(actor, request.params.id);
        const declared = Number(request.headers['content-length'] ?? 0);
        if (declared > cap) throw uploadTooLarge(cap);
        const jobId = randomUUID();
        await mkdir(imports.uploadsDir, { recursive: true, mode: 0o700 });
        const file = imports.uploadPath(jobId);
        try {
          await pipeline(body, capped(cap), createWriteStream(file, { mode: 0o600 }));
          const job = await imports.begin(actor, {
            caseId: request.params.id,
            format: request.query.format,
            tlp: request.query.tlp,
            source: { kind: 'file', path: file, label: `upload:${request.query.name ?? 'file'}` },
            jobId,
          });
          imports.runInBackground(job);
          return reply.status(202).send(presentImport(job));
        } catch (error) {
          await rm(file, { force: true });
          throw error;
        }
      },
    );
    registered();
  });

  app.post(
    '/api/cases/:id/imports/url',
    {
      config: { permission: 'cases.write' },
      schema: {
        tags,
        summary: 'Import from a URL the node fetches (streamed); the import runs on',
        params: CaseParams,
        body: StartUrlImportBody,
        response: { 202: ImportJobView, ...errors },
      },
    },
    async (request, reply) => {
      const job = await start(requireActor(request), {
        caseId: request.params.id,
        format: request.body.format,
        tlp: request.body.tlp,
        source: { kind: 'url', url: request.body.url },
      });
      return reply.status(202).send(presentImport(job));
    },
  );
  app.get(
    '/api/cases/:id/imports',
    {
      config: { permission: 'cases.read' },
      schema: {
        tags,
        summary: 'The imports into the case, newest first',
        params: CaseParams,
        response: { 200: ImportList, ...errors },
      },
    },
    async (request) => ({
      imports: await imports.list(requireActor(request), request.params.id),
    }),
  );
  app.get(
    '/api/imports/:id',
    {
      config: { permission: 'cases.read' },
      schema: {
        tags,
        summary: 'One import: its counts and how far it is',
        params: JobParams,
        response: { 200: ImportJobView, ...errors },
      },
    },
    async (request) => imports.get(requireActor(request), request.params.id),
  );
  app.get(
    '/api/imports/:id/errors',
    {
      config: { permission: 'cases.read' },
      schema: {
        tags,
        summary: 'What the import could not take, each with the reason',
        params: JobParams,
        querystring: ImportErrorsQuery,
        response: { 200: ImportErrors, ...errors },
      },
    },
    async (request) => imports.errors(requireActor(request), request.params.id, request.query),
  );
  app.post(
    '/api/imports/:id/resume',
    {
      config: { permission: 'cases.write' },
      schema: {
        tags,
        summary: 'Resume an interrupted or failed import where it stopped',
        params: JobParams,
        response: { 202: ImportJobView, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const job = await imports.resume(actor, request.params.id);
      imports.runInBackground(job);
      return reply.status(202).send(presentImport(job));
    },
  );
}
