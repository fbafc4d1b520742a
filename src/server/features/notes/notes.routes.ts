import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ERROR_RESPONSES, IdParams } from '../../../core/schemas/common.js';
import { NoteList, NoteQuery, NoteView, SendNoteBody } from '../../../core/schemas/notes.js';
import { requireActor } from '../../http/auth.js';
import type { NotesService } from './notes.service.js';

const errors = ERROR_RESPONSES;

export function registerNotesRoutes(parent: FastifyInstance, notes: NotesService): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['notes'];
  app.get(
    '/api/notes',
    {
      config: { permission: 'notes.read' },
      schema: {
        tags,
        summary: 'Notes sent and received, newest first',
        querystring: NoteQuery,
        response: { 200: NoteList, ...errors },
      },
    },
    async (request) => notes.list(requireActor(request), request.query),
  );
  app.post(
    '/api/notes/:id/acknowledge',
    {
      config: { permission: 'notes.send' },
      schema: {
        tags,
        summary: 'Acknowledge a received note that asks for it (liaison.note_ack to its writer)',
        params: IdParams,
        response: { 200: NoteView, ...errors },
      },
    },
    async (request) => notes.acknowledge(requireActor(request), request.params.id),
  );
  app.post(
    '/api/notes',
    {
      config: { permission: 'notes.send' },
      schema: {
        tags,
        summary: 'Send a note to a peer (liaison.note)',
        body: SendNoteBody,
        response: { 201: NoteView, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await notes.send(requireActor(request), request.body)),
  );
}
