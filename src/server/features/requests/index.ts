import type { FeatureFactory } from '../module.js';
import { requestMessages } from './requests.messages.js';
import { registerRequestRoutes } from './requests.routes.js';
import { RequestsService } from './requests.service.js';

declare module '../module.js' {
  interface FeatureServices {
    requests: RequestsService;
  }
}

/** Requests for assistance: drafts, sending, moves, attachments, deadlines, figures. */
export const requestsModule: FeatureFactory = (ctx) => {
  const requests = new RequestsService({
    ...ctx,
    log: ctx.log.child({ component: 'requests' }),
  });
  return {
    name: 'requests',
    services: { requests },
    kinds: requestMessages(requests),
    routes: (app) => registerRequestRoutes(app, requests),
  };
};
