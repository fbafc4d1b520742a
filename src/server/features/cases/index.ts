import path from 'node:path';
import type { FeatureFactory } from '../module.js';
import { ImportService } from './cases.import.js';
import { registerImportRoutes } from './cases.imports.routes.js';
import { caseMessages } from './cases.messages.js';
import { registerCaseRoutes } from './cases.routes.js';
import { CasesService } from './cases.service.js';

declare module '../module.js' {
  interface FeatureServices {
    cases: CasesService;
    imports: ImportService;
  }
}

/** Cases and their STIX 2.1 objects, sharing under TLP 2.0, and bulk imports. */
export const casesModule: FeatureFactory = (ctx) => {
  const cases = new CasesService({ ...ctx, log: ctx.log.child({ component: 'cases' }) });
  const imports = new ImportService({
    ...ctx,
    log: ctx.log.child({ component: 'imports' }),
    uploadsDir: path.join(ctx.dataDir, 'imports'),
  });
  return {
    name: 'cases',
    services: { cases, imports },
    kinds: caseMessages(cases),
    async routes(app) {
      registerCaseRoutes(app, cases);
      registerImportRoutes(app, imports);
      return Promise.resolve();
    },
    start: () => imports.resumeAbandoned(),
    async stop() {
      await imports.interruptAll();
      await imports.close();
    },
  };
};
