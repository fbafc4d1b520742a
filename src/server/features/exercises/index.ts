import type { FeatureFactory } from '../module.js';
import { ExerciseAar } from './aar.service.js';
import { ExerciseEvaluation } from './evaluation.service.js';
import { registerEvaluationRoutes } from './evaluation.routes.js';
import { exerciseAarMessages, exerciseMessages, exerciseTimers } from './exercises.messages.js';
import { registerExercisesRoutes } from './exercises.routes.js';
import { ExerciseChannels } from './channels.service.js';
import * as runsTables from './migrations/2026_12_03_1600_exercises.js';
import * as channelsTables from './migrations/2026_12_10_1002_exercise_channels.js';
import * as evaluationTables from './migrations/2026_12_10_1100_exercise_evaluation.js';
import * as deadlinesTable from './migrations/2026_12_10_1200_exercise_deadlines.js';
import * as startedAtColumn from './migrations/2026_12_10_1301_exercise_started_at.js';
import { ExerciseParticipants } from './participants.service.js';
import { ExerciseObservations } from './observations.service.js';
import { ExerciseRunsService } from './runs.service.js';
import * as scenariosTable from './migrations/2026_12_03_1500_exercise_scenarios.js';
import { ScenariosService } from './scenarios.service.js';

declare module '../module.js' {
  interface FeatureServices {
    scenarios: ScenariosService;
    exercises: ExerciseRunsService;
  }
}

/**
 * Joint tabletop exercises (issue 17): the scenarios, and runs with a peer on one exercise
 * clock (injects fire on durable timers, calls and requests through the real hotline and
 * requests, marked EXERCISE; narratives in the players' feed), and the observation of this
 * side's expected actions.
 */
export const exercisesModule: FeatureFactory = (ctx) => {
  const scenarios = new ScenariosService(ctx);
  const observations = new ExerciseObservations(ctx);
  const channels = new ExerciseChannels({
    ...ctx,
    hotline: ctx.use('hotline'),
    requests: ctx.use('requests'),
    observations,
  });
  const requests = ctx.use('requests');
  const runs = new ExerciseRunsService({ ...ctx, channels, observations, requests });
  // Participants, evaluation, hotwash and the AAR/IP (evaluation.routes.ts).
  const participants = new ExerciseParticipants(ctx);
  const evaluation = new ExerciseEvaluation({ ...ctx, participants });
  const aar = new ExerciseAar({ ...ctx, participants });
  // The hotline and requests tell us of the exercise calls and requests they carry.
  ctx.use('hotline').onExercise((trx, hooks, event) => channels.callEvent(trx, hooks, event));
  requests.onExercise((trx, hooks, event) => channels.requestEvent(trx, hooks, event));
  // An exercise request's deadlines run on its exercise's clock.
  requests.exerciseTimeFrom((trx, exerciseId) => runs.exerciseTime(trx, exerciseId));
  return {
    name: 'exercises',
    migrations: {
      '2026_12_03_1500_exercise_scenarios': scenariosTable,
      '2026_12_03_1600_exercises': runsTables,
      '2026_12_10_1002_exercise_channels': channelsTables,
      '2026_12_10_1100_exercise_evaluation': evaluationTables,
      '2026_12_10_1200_exercise_deadlines': deadlinesTable,
      '2026_12_10_1301_exercise_started_at': startedAtColumn,
    },
    services: { scenarios, exercises: runs },
    kinds: [...exerciseMessages(runs), ...exerciseAarMessages(aar)],
    timers: exerciseTimers(runs, observations),
    routes: (app) => {
      registerExercisesRoutes(app, scenarios, runs, { channels, observations });
      registerEvaluationRoutes(app, { participants, evaluation, aar });
    },
    start: () => scenarios.loadBundled(),
  };
};
