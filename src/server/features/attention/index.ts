import type { FeatureFactory } from '../module.js';
import { registerAttentionRoutes } from './attention.routes.js';
import { AttentionService } from './attention.service.js';

declare module '../module.js' {
  interface FeatureServices {
    attention: AttentionService;
  }
}

/**
 * What waits on each user (the menu's counts, the home page's new incoming items). Early
 * in the list: the features whose items wait on someone `use('attention')` to say so.
 */
export const attentionModule: FeatureFactory = (ctx) => {
  const attention = new AttentionService(ctx);
  return {
    name: 'attention',
    services: { attention },
    routes: (app) => registerAttentionRoutes(app, attention),
  };
};
