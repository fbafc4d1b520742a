import type { FeatureFactory } from '../module.js';
import { TaxiiClient } from './taxii.client.js';
import { registerTaxiiRoutes } from './taxii.routes.js';
import { TaxiiService } from './taxii.service.js';

declare module '../module.js' {
  interface FeatureServices {
    taxii: TaxiiService;
    taxiiClient: TaxiiClient;
  }
}

/** The TAXII 2.1 server over cases, and the client that polls others' collections. */
export const taxiiModule: FeatureFactory = (ctx) => {
  const imports = ctx.use('imports');
  const taxii = new TaxiiService({
    ...ctx,
    log: ctx.log.child({ component: 'taxii' }),
    imports,
    cases: ctx.use('cases'),
  });
  const taxiiClient = new TaxiiClient({
    ...ctx,
    log: ctx.log.child({ component: 'taxii-client' }),
    imports,
  });
  return {
    name: 'taxii',
    services: { taxii, taxiiClient },
    routes: (app) => registerTaxiiRoutes(app, taxii, taxiiClient),
  };
};
