import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEFAULT_ARRANGEMENT } from '../../../core/arrangements.js';
import {
  ArrangementState,
  ArrangementTerms,
  ArrangementView,
  PeerParams,
  ProposeArrangementBody,
  VersionParams,
} from '../../../core/schemas/arrangements.js';
import { ERROR_RESPONSES } from '../../../core/schemas/common.js';
import { requireActor } from '../../http/auth.js';
import type { ArrangementsService } from './arrangements.service.js';

const errors = ERROR_RESPONSES;

export function registerArrangementRoutes(
  parent: FastifyInstance,
  arrangements: ArrangementsService,
): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['arrangements'];
  app.get(
    '/api/arrangements/default',
    {
      schema: {
        tags,
        summary: 'The built-in default terms (Council of Europe T-CY templates)',
        response: { 200: z.object({ terms: ArrangementTerms }), ...errors },
      },
    },
    (request) => {
      requireActor(request);
      return Promise.resolve({ terms: DEFAULT_ARRANGEMENT });
    },
  );
  app.get(
    '/api/arrangements/:peer',
    {
      config: { permission: 'arrangements.read' },
      schema: {
        tags,
        summary: 'The arrangement with a peer: the version in force and every version',
        params: PeerParams,
        response: { 200: ArrangementState, ...errors },
      },
    },
    async (request) => arrangements.state(requireActor(request), request.params.peer),
  );
  app.post(
    '/api/arrangements/:peer',
    {
      config: { permission: 'arrangements.manage' },
      schema: {
        tags,
        summary: 'Propose a new version of the terms to the peer',
        params: PeerParams,
        body: ProposeArrangementBody,
        response: { 201: ArrangementView, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await arrangements.propose(
            requireActor(request),
            request.params.peer,
            request.body.terms,
          ),
        ),
  );
  for (const answer of ['accepted', 'declined'] as const) {
    app.post(
      `/api/arrangements/:peer/:version/${answer === 'accepted' ? 'accept' : 'decline'}`,
      {
        config: { permission: 'arrangements.manage' },
        schema: {
          tags,
          summary: `${answer === 'accepted' ? 'Accept' : 'Decline'} the version the peer proposed`,
          params: VersionParams,
          response: { 200: ArrangementView, ...errors },
        },
      },
      async (request) =>
        arrangements.answer(
          requireActor(request),
          request.params.peer,
          request.params.version,
          answer,
        ),
    );
  }
}
