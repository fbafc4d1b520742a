import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_RESPONSES, IdParams } from '../../../core/schemas/common.js';
import {
  AddInjectBody,
  ClockMoveBody,
  ExerciseInjectParams,
  ExerciseFeed,
  ExerciseInjectList,
  ExerciseList,
  ExerciseObservationList,
  ExerciseQuery,
  ExerciseView,
  ProposeExerciseBody,
  ScenarioBody,
  ScenarioList,
  ScenarioQuery,
  ScenarioSource,
  ScenarioView,
} from '../../../core/schemas/exercises.js';
import { requireActor } from '../../http/auth.js';
import type { ExerciseChannels } from './channels.service.js';
import type { ExerciseInjects } from './injects.service.js';
import type { ExerciseObservations } from './observations.service.js';
import type { ExerciseRunsService } from './runs.service.js';
import type { ScenariosService } from './scenarios.service.js';

const errors = ERROR_RESPONSES;

export function registerExercisesRoutes(
  parent: FastifyInstance,
  scenarios: ScenariosService,
  runs: ExerciseRunsService,
  play: { channels: ExerciseChannels; observations: ExerciseObservations },
): void {
  registerRunRoutes(parent, runs);
  registerPlayRoutes(parent, play.channels, play.observations);
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['exercises'];
  app.get(
    '/api/exercises/scenarios',
    {
      config: { permission: 'exercises.read' },
      schema: {
        tags,
        summary: 'Tabletop scenarios, by id',
        querystring: ScenarioQuery,
        response: { 200: ScenarioList, ...errors },
      },
    },
    async (request) => scenarios.list(requireActor(request), request.query),
  );
  app.get(
    '/api/exercises/scenarios/:id',
    {
      config: { permission: 'exercises.read' },
      schema: {
        tags,
        summary: 'A scenario; its expected actions only for those who manage exercises',
        params: IdParams,
        response: { 200: ScenarioView, ...errors },
      },
    },
    async (request) => scenarios.get(requireActor(request), request.params.id),
  );
  app.get(
    '/api/exercises/scenarios/:id/source',
    {
      config: { permission: 'exercises.manage' },
      schema: {
        tags,
        summary: "A scenario's YAML, to edit",
        params: IdParams,
        response: { 200: ScenarioSource, ...errors },
      },
    },
    async (request) => scenarios.source(requireActor(request), request.params.id),
  );
  app.post(
    '/api/exercises/scenarios',
    {
      config: { permission: 'exercises.manage' },
      schema: {
        tags,
        summary: 'Add a scenario from its YAML (400 invalid_scenario names each mistake by line)',
        body: ScenarioBody,
        response: { 201: ScenarioView, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await scenarios.create(requireActor(request), request.body.source)),
  );
  app.put(
    '/api/exercises/scenarios/:id',
    {
      config: { permission: 'exercises.manage' },
      schema: {
        tags,
        summary: 'Replace a scenario with a higher version of it',
        params: IdParams,
        body: ScenarioBody,
        response: { 200: ScenarioView, ...errors },
      },
    },
    async (request) =>
      scenarios.update(requireActor(request), request.params.id, request.body.source),
  );
  app.delete(
    '/api/exercises/scenarios/:id',
    {
      config: { permission: 'exercises.manage' },
      schema: {
        tags,
        summary: 'Remove a scenario',
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await scenarios.remove(requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}

function registerRunRoutes(parent: FastifyInstance, runs: ExerciseRunsService): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['exercises'];
  app.get(
    '/api/exercises',
    {
      config: { permission: 'exercises.read' },
      schema: {
        tags,
        summary: 'Exercises with peers, newest first',
        querystring: ExerciseQuery,
        response: { 200: ExerciseList, ...errors },
      },
    },
    async (request) => runs.list(requireActor(request), request.query),
  );
  app.post(
    '/api/exercises',
    {
      config: { permission: 'exercises.manage' },
      schema: {
        tags,
        summary:
          'Propose a run of a scenario to a peer (liaison.exercise.propose, no expected actions)',
        body: ProposeExerciseBody,
        response: { 201: ExerciseView, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await runs.propose(requireActor(request), request.body)),
  );
  app.get(
    '/api/exercises/:id',
    {
      config: { permission: 'exercises.read' },
      schema: {
        tags,
        summary: 'One exercise and its clock',
        params: IdParams,
        response: { 200: ExerciseView, ...errors },
      },
    },
    async (request) => runs.get(requireActor(request), request.params.id),
  );
  app.get(
    '/api/exercises/:id/injects',
    {
      config: { permission: 'exercises.manage' },
      schema: {
        tags,
        summary: 'The MSEL with the state of each inject (controllers)',
        params: IdParams,
        response: { 200: ExerciseInjectList, ...errors },
      },
    },
    async (request) => runs.console.list(requireActor(request), request.params.id),
  );
  registerConsoleRoutes(parent, runs.console);
  for (const [verb, accepted] of [
    ['accept', true],
    ['decline', false],
  ] as const) {
    app.post(
      `/api/exercises/:id/${verb}`,
      {
        config: { permission: 'exercises.manage' },
        schema: {
          tags,
          summary: `${verb === 'accept' ? 'Accept' : 'Decline'} a peer's proposal (liaison.exercise.answer)`,
          params: IdParams,
          response: { 200: ExerciseView, ...errors },
        },
      },
      async (request) => runs.answer(requireActor(request), request.params.id, accepted),
    );
  }
  app.post(
    '/api/exercises/:id/clock',
    {
      config: { permission: 'exercises.manage' },
      schema: {
        tags,
        summary:
          'Move the exercise clock: start, pause, resume, speed, jump, end (liaison.exercise.clock)',
        params: IdParams,
        body: ClockMoveBody,
        response: { 200: ExerciseView, ...errors },
      },
    },
    async (request) => runs.move(requireActor(request), request.params.id, request.body),
  );
}

/** What reached this node's players, and what it observed of its side (controllers). */
function registerPlayRoutes(
  parent: FastifyInstance,
  channels: ExerciseChannels,
  observations: ExerciseObservations,
): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['exercises'];
  app.get(
    '/api/exercises/:id/feed',
    {
      config: { permission: 'exercises.read' },
      schema: {
        tags,
        summary:
          "What reached this node's players, marked EXERCISE: narratives to its side, calls and requests received; newest first",
        params: IdParams,
        querystring: ExerciseQuery,
        response: { 200: ExerciseFeed, ...errors },
      },
    },
    async (request) => channels.feed(requireActor(request), request.params.id, request.query),
  );
  app.get(
    '/api/exercises/:id/observations',
    {
      config: { permission: 'exercises.manage' },
      schema: {
        tags,
        summary:
          "This side's expected actions and what the node observed (met, late, missed, pending); never sent to the peer",
        params: IdParams,
        response: { 200: ExerciseObservationList, ...errors },
      },
    },
    async (request) => observations.list(requireActor(request), request.params.id),
  );
}

/** The controllers' console: send an inject now, skip one, add one (liaison.exercise.inject). */
function registerConsoleRoutes(parent: FastifyInstance, injects: ExerciseInjects): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['exercises'];
  app.post(
    '/api/exercises/:id/injects',
    {
      config: { permission: 'exercises.manage' },
      schema: {
        tags,
        summary:
          'Add an ad-hoc inject this node sends, checked like a scenario inject (400 invalid_inject with problems[])',
        params: IdParams,
        body: AddInjectBody,
        response: { 201: ExerciseInjectList, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await injects.add(requireActor(request), request.params.id, request.body)),
  );
  for (const [verb, summary] of [
    ['send', "Send one of this node's pending injects now, through its channel"],
    ['skip', "Skip one of this node's pending injects: it never fires"],
  ] as const) {
    app.post(
      `/api/exercises/:id/injects/:injectId/${verb}`,
      {
        config: { permission: 'exercises.manage' },
        schema: {
          tags,
          summary,
          params: ExerciseInjectParams,
          response: { 200: ExerciseInjectList, ...errors },
        },
      },
      async (request) => {
        const { id, injectId } = request.params;
        const actor = requireActor(request);
        return verb === 'send'
          ? injects.sendNow(actor, id, injectId)
          : injects.skip(actor, id, injectId);
      },
    );
  }
}
