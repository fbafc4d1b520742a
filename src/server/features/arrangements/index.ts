import type { FeatureFactory } from '../module.js';
import { arrangementMessages } from './arrangements.messages.js';
import { registerArrangementRoutes } from './arrangements.routes.js';
import { ArrangementsService } from './arrangements.service.js';

declare module '../module.js' {
  interface FeatureServices {
    arrangements: ArrangementsService;
  }
}

/** Versioned terms with each peer: propose, accept, decline. */
export const arrangementsModule: FeatureFactory = (ctx) => {
  const arrangements = new ArrangementsService(ctx);
  return {
    name: 'arrangements',
    services: { arrangements },
    kinds: arrangementMessages(ctx.clock, arrangements),
    routes: (app) => registerArrangementRoutes(app, arrangements),
  };
};
