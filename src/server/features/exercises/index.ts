import type { FeatureFactory } from '../module.js';
import { exerciseMessages, exerciseTimers } from './exercises.messages.js';
import { registerExercisesRoutes } from './exercises.routes.js';
import * as runsTables from './migrations/2026_12_03_1600_exercises.js';
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
 * clock (injects fire on durable timers; delivery through the real channels is to come).
 */
export const exercisesModule: FeatureFactory = (ctx) => {
  const scenarios = new ScenariosService(ctx);
  const runs = new ExerciseRunsService(ctx);
  return {
    name: 'exercises',
    migrations: {
      '2026_12_03_1500_exercise_scenarios': scenariosTable,
      '2026_12_03_1600_exercises': runsTables,
    },
    services: { scenarios, exercises: runs },
    kinds: exerciseMessages(runs),
    timers: exerciseTimers(runs),
    routes: (app) => registerExercisesRoutes(app, scenarios, runs),
    start: () => scenarios.loadBundled(),
  };
};
