import { timerKind } from '../../timers/timers.js';
import type { FeatureFactory } from '../module.js';
import { CollectionsService } from './collections.service.js';
import { CollectionAccess } from './taxii.access.js';
import { POLL_TIMER, PollPayload, TaxiiClient } from './taxii.client.js';
import { registerTaxiiRoutes } from './taxii.routes.js';
import { TaxiiService } from './taxii.service.js';

declare module '../module.js' {
  interface FeatureServices {
    taxii: TaxiiService;
    taxiiCollections: CollectionsService;
    taxiiClient: TaxiiClient;
  }
}

/** The TAXII 2.1 server over cases, its collections, and the client that polls others'. */
export const taxiiModule: FeatureFactory = (ctx) => {
  const imports = ctx.use('imports');
  const log = ctx.log.child({ component: 'taxii' });
  // What the admin defines, read by every TAXII request, changed by the admin's API.
  const access = new CollectionAccess(() => ctx.store.db);
  const taxii = new TaxiiService({
    ...ctx,
    log,
    imports,
    objects: ctx.use('caseObjects'),
    access,
  });
  const collections = new CollectionsService({ ...ctx, log, access });
  const taxiiClient = new TaxiiClient({
    ...ctx,
    log: ctx.log.child({ component: 'taxii-client' }),
    imports,
  });
  return {
    name: 'taxii',
    services: { taxii, taxiiCollections: collections, taxiiClient },
    timers: [
      timerKind(POLL_TIMER, PollPayload, (trx, payload, _timer, hooks) =>
        taxiiClient.pollDue(trx, hooks, payload),
      ),
    ],
    routes: (app) => registerTaxiiRoutes(app, { taxii, collections, client: taxiiClient }),
  };
};
