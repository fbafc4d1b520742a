import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_RESPONSES, IdParams } from '../../../core/schemas/common.js';
import {
  AarQuery,
  AarView,
  AddObservationBody,
  AssignParticipantBody,
  CorrectiveActionBody,
  CorrectiveActionList,
  CorrectiveActionPatch,
  CorrectiveActionView,
  CorrectiveParams,
  EvaluationQuery,
  EvaluatorObservationList,
  EvaluatorObservationView,
  HotwashBody,
  HotwashList,
  HotwashView,
  ObservationParams,
  ParticipantList,
  ParticipantParams,
  ParticipantView,
  RateBody,
  RatingList,
  RatingView,
} from '../../../core/schemas/exercise-evaluation.js';
import { requireActor } from '../../http/auth.js';
import type { ExerciseAar } from './aar.service.js';
import type { ExerciseEvaluation } from './evaluation.service.js';
import type { ExerciseParticipants } from './participants.service.js';

const errors = ERROR_RESPONSES;
const tags = ['exercises'];

export interface EvaluationServices {
  participants: ExerciseParticipants;
  evaluation: ExerciseEvaluation;
  aar: ExerciseAar;
}

/** Participants, the evaluators' observations and ratings, the hotwash, and the AAR/IP. */
export function registerEvaluationRoutes(parent: FastifyInstance, s: EvaluationServices): void {
  registerParticipantRoutes(parent, s.participants);
  registerEvaluatorRoutes(parent, s.evaluation);
  registerHotwashRoutes(parent, s.evaluation);
  registerAarRoutes(parent, s.aar);
  registerCorrectiveRoutes(parent, s.aar);
}

function registerParticipantRoutes(parent: FastifyInstance, participants: ExerciseParticipants) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/exercises/:id/participants',
    {
      config: { permission: 'exercises.read' },
      schema: {
        tags,
        summary: "This node's accounts taking part, with their part (never sent to the peer)",
        params: IdParams,
        querystring: EvaluationQuery,
        response: { 200: ParticipantList, ...errors },
      },
    },
    async (request) => participants.list(requireActor(request), request.params.id, request.query),
  );
  app.post(
    '/api/exercises/:id/participants',
    {
      config: { permission: 'exercises.manage' },
      schema: {
        tags,
        summary: 'Assign one of this node’s accounts as controller, evaluator or player',
        params: IdParams,
        body: AssignParticipantBody,
        response: { 200: ParticipantView, ...errors },
      },
    },
    async (request) => participants.assign(requireActor(request), request.params.id, request.body),
  );
  app.delete(
    '/api/exercises/:id/participants/:userId',
    {
      config: { permission: 'exercises.manage' },
      schema: {
        tags,
        summary: 'Take an account off the exercise',
        params: ParticipantParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await participants.remove(requireActor(request), request.params.id, request.params.userId);
      return reply.status(204).send(null);
    },
  );
}

function registerEvaluatorRoutes(parent: FastifyInstance, evaluation: ExerciseEvaluation) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/exercises/:id/evaluation/observations',
    {
      config: { permission: 'exercises.read' },
      schema: {
        tags,
        summary: "The evaluators' observations, newest first (evaluators and controllers only)",
        params: IdParams,
        querystring: EvaluationQuery,
        response: { 200: EvaluatorObservationList, ...errors },
      },
    },
    async (request) =>
      evaluation.observations(requireActor(request), request.params.id, request.query),
  );
  app.post(
    '/api/exercises/:id/evaluation/observations',
    {
      config: { permission: 'exercises.read' },
      schema: {
        tags,
        summary: 'An evaluator’s observation (stays on this node until the AAR is shared)',
        params: IdParams,
        body: AddObservationBody,
        response: { 201: EvaluatorObservationView, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await evaluation.observe(requireActor(request), request.params.id, request.body)),
  );
  app.delete(
    '/api/exercises/:id/evaluation/observations/:observationId',
    {
      config: { permission: 'exercises.read' },
      schema: {
        tags,
        summary: 'Remove an observation (its author, or a controller)',
        params: ObservationParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const { id, observationId } = request.params;
      await evaluation.unobserve(requireActor(request), id, observationId);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/exercises/:id/evaluation/ratings',
    {
      config: { permission: 'exercises.read' },
      schema: {
        tags,
        summary: "This side's P/S/M/U ratings (evaluators and controllers only)",
        params: IdParams,
        response: { 200: RatingList, ...errors },
      },
    },
    async (request) => evaluation.ratings(requireActor(request), request.params.id),
  );
  app.put(
    '/api/exercises/:id/evaluation/ratings',
    {
      config: { permission: 'exercises.read' },
      schema: {
        tags,
        summary: 'Rate an objective or one of its capabilities: P, S, M or U (evaluators)',
        params: IdParams,
        body: RateBody,
        response: { 200: RatingView, ...errors },
      },
    },
    async (request) => evaluation.rate(requireActor(request), request.params.id, request.body),
  );
}

function registerHotwashRoutes(parent: FastifyInstance, evaluation: ExerciseEvaluation) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/exercises/:id/hotwash',
    {
      config: { permission: 'exercises.read' },
      schema: {
        tags,
        summary: 'The hotwash: everyone’s for evaluators, one’s own for anyone else',
        params: IdParams,
        querystring: EvaluationQuery,
        response: { 200: HotwashList, ...errors },
      },
    },
    async (request) => evaluation.hotwash(requireActor(request), request.params.id, request.query),
  );
  app.put(
    '/api/exercises/:id/hotwash',
    {
      config: { permission: 'exercises.read' },
      schema: {
        tags,
        summary: 'Write or change one’s hotwash (after the end, until the AAR is shared)',
        params: IdParams,
        body: HotwashBody,
        response: { 200: HotwashView, ...errors },
      },
    },
    async (request) =>
      evaluation.submitHotwash(requireActor(request), request.params.id, request.body),
  );
}

function registerAarRoutes(parent: FastifyInstance, aar: ExerciseAar) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/exercises/:id/aar',
    {
      config: { permission: 'exercises.read' },
      schema: {
        tags,
        summary:
          'The after-action report and improvement plan (evaluators only until this side shares it)',
        params: IdParams,
        response: { 200: AarView, ...errors },
      },
    },
    async (request) => aar.get(requireActor(request), request.params.id),
  );
  app.get(
    '/api/exercises/:id/aar.docx',
    {
      config: { permission: 'exercises.read' },
      schema: {
        tags,
        summary: 'The AAR/IP as a Word document in HSEEP’s layout, in English or Chinese',
        params: IdParams,
        querystring: AarQuery,
      },
    },
    async (request, reply) => {
      const view = await aar.get(requireActor(request), request.params.id);
      // The Word library (docx, a few MB of heap) is loaded on the first export, not at start.
      const { aarDocx } = await import('./aar.docx.js');
      const bytes = await aarDocx(view, request.query.lang);
      return reply
        .header(
          'content-type',
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        )
        .header(
          'content-disposition',
          `attachment; filename="aar-${view.overview.scenarioId}.docx"`,
        )
        .send(bytes);
    },
  );
  app.post(
    '/api/exercises/:id/aar/share',
    {
      config: { permission: 'exercises.manage' },
      schema: {
        tags,
        summary: "Send this side's part of the AAR to the peer (liaison.exercise.aar)",
        params: IdParams,
        response: { 200: AarView, ...errors },
      },
    },
    async (request) => aar.share(requireActor(request), request.params.id),
  );
}

function registerCorrectiveRoutes(parent: FastifyInstance, aar: ExerciseAar) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/exercises/:id/corrective-actions',
    {
      config: { permission: 'exercises.read' },
      schema: {
        tags,
        summary: "This side's corrective actions (evaluators only until the AAR is shared)",
        params: IdParams,
        querystring: EvaluationQuery,
        response: { 200: CorrectiveActionList, ...errors },
      },
    },
    async (request) =>
      aar.correctiveActions(requireActor(request), request.params.id, request.query),
  );
  app.post(
    '/api/exercises/:id/corrective-actions',
    {
      config: { permission: 'exercises.manage' },
      schema: {
        tags,
        summary: 'Add a corrective action to this side’s improvement plan',
        params: IdParams,
        body: CorrectiveActionBody,
        response: { 201: CorrectiveActionView, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await aar.addCorrective(requireActor(request), request.params.id, request.body)),
  );
  app.patch(
    '/api/exercises/:id/corrective-actions/:actionId',
    {
      config: { permission: 'exercises.manage' },
      schema: {
        tags,
        summary: 'Change a corrective action',
        params: CorrectiveParams,
        body: CorrectiveActionPatch,
        response: { 200: CorrectiveActionView, ...errors },
      },
    },
    async (request) => {
      const { id, actionId } = request.params;
      return aar.changeCorrective(requireActor(request), id, actionId, request.body);
    },
  );
  app.delete(
    '/api/exercises/:id/corrective-actions/:actionId',
    {
      config: { permission: 'exercises.manage' },
      schema: {
        tags,
        summary: 'Remove a corrective action',
        params: CorrectiveParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const { id, actionId } = request.params;
      await aar.removeCorrective(requireActor(request), id, actionId);
      return reply.status(204).send(null);
    },
  );
}
