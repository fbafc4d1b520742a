import path from 'node:path';
import type { FeatureFactory } from '../module.js';
import * as casesTables from './migrations/2026_11_24_2100_cases.js';
import * as objectsInCases from './migrations/2026_12_02_0900_objects_in_cases.js';
import * as casesInSearch from './migrations/2026_12_03_1000_cases_in_search.js';
import * as autoShare from './migrations/2026_12_03_1100_cases_auto_share.js';
import * as exerciseMarker from './migrations/2026_12_10_1012_cases_exercise.js';
import { ExerciseCases } from './cases.exercise.js';
import { CaseFlow } from './flow.service.js';
import { registerImportRoutes } from './cases.imports.routes.js';
import { caseMessages } from './cases.messages.js';
import { registerCaseRoutes } from './cases.routes.js';
import { CasesService } from './cases.service.js';
import { registerCaseSearch } from './cases.search.js';
import { CaseSupport } from './cases.support.js';
import { importedVersion } from './markings.rules.js';
import { ImportService } from './import.service.js';
import { ObjectsService } from './objects.service.js';
import { ReceivedObjects } from './objects.received.js';
import { SearchService } from './search.service.js';
import { SearchBackfill } from './search.backfill.js';
import { SharingService } from './sharing.service.js';
import { judgeRedHere } from './members.repository.js';

declare module '../module.js' {
  interface FeatureServices {
    cases: CasesService;
    caseObjects: ObjectsService;
    caseSharing: SharingService;
    caseSearch: SearchService;
    imports: ImportService;
    exerciseCases: ExerciseCases;
  }
}

/** Cases and their STIX 2.1 objects, sharing under TLP 2.0, search and export, and bulk imports. */
export const casesModule: FeatureFactory = (ctx) => {
  const searchIndex = ctx.use('search');
  const support = new CaseSupport({
    ...ctx,
    search: searchIndex,
    log: ctx.log.child({ component: 'cases' }),
  });
  registerCaseSearch(searchIndex, support);
  const backfill = new SearchBackfill(support);
  const flow = new CaseFlow(support);
  const cases = new CasesService(support, flow);
  // Exercises share their case objects and hear of them through this (cases never name them).
  const exerciseCases = new ExerciseCases(support, flow);
  const objects = new ObjectsService(support, flow, exerciseCases);
  const sharing = new SharingService(support);
  const search = new SearchService(support);
  const imports = new ImportService({
    ...ctx,
    log: ctx.log.child({ component: 'imports' }),
    uploadsDir: path.join(ctx.dataDir, 'imports'),
    record: async (trx, hooks, caseId, arriving, now) => {
      // A version of an object held here keeps its author and its marking (markings.rules.ts).
      const recorded = await support.record(trx, caseId, arriving, now, importedVersion);
      await flow.objects(trx, hooks, caseId, recorded.changed, now);
      await exerciseCases.imported(trx, hooks, caseId, recorded.changed, now);
      return recorded;
    },
  });
  return {
    name: 'cases',
    migrations: {
      '2026_11_24_2100_cases': casesTables,
      '2026_12_02_0900_objects_in_cases': objectsInCases,
      '2026_12_03_1000_cases_in_search': casesInSearch,
      '2026_12_03_1100_cases_auto_share': autoShare,
      '2026_12_10_1012_cases_exercise': exerciseMarker,
    },
    services: {
      cases,
      caseObjects: objects,
      caseSharing: sharing,
      caseSearch: search,
      imports,
      exerciseCases,
    },
    kinds: caseMessages({
      cases,
      received: new ReceivedObjects(support, exerciseCases),
      sharing,
    }),
    async routes(app) {
      registerCaseRoutes(app, { cases, objects, sharing, search });
      registerImportRoutes(app, imports);
      return Promise.resolve();
    },
    async start() {
      await judgeRedHere(ctx.store.db, ctx.nodeId);
      await imports.resumeAbandoned();
      backfill.start();
    },
    async stop() {
      await backfill.stop();
      await imports.interruptAll();
      await imports.close();
    },
  };
};
