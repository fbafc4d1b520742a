import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_RESPONSES } from '../../../core/schemas/common.js';
import { CommitmentParams } from '../../../core/schemas/dialogues.js';
import {
  EvidenceBody,
  EvidenceList,
  EvidenceParams,
  EvidenceQuery,
  EvidenceView,
} from '../../../core/schemas/dialogue-evidence.js';
import { requireActor } from '../../http/auth.js';
import type { EvidenceService } from './evidence.service.js';

const errors = ERROR_RESPONSES;
const tags = ['dialogues'];
const path = '/api/dialogues/:id/commitments/:commitmentId/evidence';

/** Claims of reports attached to a commitment as this node's evidence (never sent). */
export function registerEvidenceRoutes(parent: FastifyInstance, evidence: EvidenceService): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const attest = { permission: 'dialogues.attest' } as const;
  app.get(
    path,
    {
      config: { permission: 'dialogues.read' },
      schema: {
        tags,
        summary: "A commitment's evidence from reports' claims, newest first (paged)",
        params: CommitmentParams,
        querystring: EvidenceQuery,
        response: { 200: EvidenceList, ...errors },
      },
    },
    async (request) =>
      evidence.list(
        requireActor(request),
        request.params.id,
        request.params.commitmentId,
        request.query,
      ),
  );
  app.post(
    path,
    {
      config: attest,
      schema: {
        tags,
        summary:
          "Attach a report's claim as evidence that the commitment is kept or broken (kept on this node, not sent)",
        params: CommitmentParams,
        body: EvidenceBody,
        response: { 201: EvidenceView, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await evidence.attach(
            requireActor(request),
            request.params.id,
            request.params.commitmentId,
            request.body,
          ),
        ),
  );
  app.delete(
    `${path}/:evidenceId`,
    {
      config: attest,
      schema: {
        tags,
        summary: 'Remove a claim from the evidence of a commitment',
        params: EvidenceParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const { id, commitmentId, evidenceId } = request.params;
      await evidence.remove(requireActor(request), id, commitmentId, evidenceId);
      return reply.status(204).send(null);
    },
  );
}
