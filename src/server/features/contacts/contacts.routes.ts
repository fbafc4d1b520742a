import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ERROR_RESPONSES, IdParams } from '../../../core/schemas/common.js';
import {
  ContactBody,
  ContactList,
  ContactQuery,
  ContactView,
} from '../../../core/schemas/contacts.js';
import { requireActor } from '../../http/auth.js';
import type { ContactsService } from './contacts.service.js';

const errors = ERROR_RESPONSES;

export function registerContactsRoutes(parent: FastifyInstance, contacts: ContactsService): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['contacts'];
  app.get(
    '/api/contacts',
    {
      config: { permission: 'contacts.read' },
      schema: {
        tags,
        summary: "This node's contacts and its peers' published ones",
        querystring: ContactQuery,
        response: { 200: ContactList, ...errors },
      },
    },
    async (request) => ({
      contacts: await contacts.list(requireActor(request), request.query.node),
    }),
  );
  app.get(
    '/api/contacts/:id',
    {
      config: { permission: 'contacts.read' },
      schema: {
        tags,
        summary: 'One contact',
        params: IdParams,
        response: { 200: ContactView, ...errors },
      },
    },
    async (request) => contacts.get(requireActor(request), request.params.id),
  );
  app.post(
    '/api/contacts',
    {
      config: { permission: 'contacts.manage' },
      schema: {
        tags,
        summary: 'Add a contact (published ones go to every peer)',
        body: ContactBody,
        response: { 201: ContactView, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await contacts.create(requireActor(request), request.body)),
  );
  app.put(
    '/api/contacts/:id',
    {
      config: { permission: 'contacts.manage' },
      schema: {
        tags,
        summary: 'Change a contact of this node',
        params: IdParams,
        body: ContactBody,
        response: { 200: ContactView, ...errors },
      },
    },
    async (request) => contacts.update(requireActor(request), request.params.id, request.body),
  );
  app.post(
    '/api/contacts/:id/confirm',
    {
      config: { permission: 'contacts.manage' },
      schema: {
        tags,
        summary: "Confirm a contact's details are current (the yearly refresh)",
        params: IdParams,
        response: { 200: ContactView, ...errors },
      },
    },
    async (request) => contacts.confirm(requireActor(request), request.params.id),
  );
  app.delete(
    '/api/contacts/:id',
    {
      config: { permission: 'contacts.manage' },
      schema: {
        tags,
        summary: 'Remove a contact of this node',
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await contacts.remove(requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
