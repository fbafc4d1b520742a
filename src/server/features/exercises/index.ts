import type { FeatureFactory } from '../module.js';
import { registerExercisesRoutes } from './exercises.routes.js';
import * as scenariosTable from './migrations/2026_12_03_1500_exercise_scenarios.js';
import { ScenariosService } from './scenarios.service.js';

declare module '../module.js' {
  interface FeatureServices {
    scenarios: ScenariosService;
  }
}

/** Joint tabletop exercises (issue 17): so far the scenarios, bundled and written here. */
export const exercisesModule: FeatureFactory = (ctx) => {
  const scenarios = new ScenariosService(ctx);
  return {
    name: 'exercises',
    migrations: { '2026_12_03_1500_exercise_scenarios': scenariosTable },
    services: { scenarios },
    routes: (app) => registerExercisesRoutes(app, scenarios),
    start: () => scenarios.loadBundled(),
  };
};
