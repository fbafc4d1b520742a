import type { FeatureFactory } from '../module.js';
import { CommitService } from './commit.service.js';
import { ExtractPool } from './extract.pool.js';
import { IngestService } from './ingest.service.js';
import { PeerReports } from './peer-reports.js';
import * as reportsTables from './migrations/2026_12_21_1000_reports.js';
import * as storyLinks from './migrations/2026_12_21_1100_story_links.js';
import { registerReportsRoutes } from './reports.routes.js';
import { ReportsService } from './reports.service.js';

declare module '../module.js' {
  interface FeatureServices {
    reports: ReportsService;
    reportCommits: CommitService;
    reportExtractor: ExtractPool;
  }
}

/**
 * Reports (issue 19): news and analytic texts ingested (paste, upload, URL), their
 * indicators, entities and attribution claims extracted with the node's allow-list, their
 * stories kept in SQL, each extraction reviewed, the accepted ones committed to a case as
 * STIX 2.1 (the case's sharing takes them to its peers).
 */
export const reportsModule: FeatureFactory = (ctx) => {
  const extractor = new ExtractPool(ctx.log.child({ component: 'reports.extract' }));
  const reports = new ReportsService({ ...ctx, extractor });
  const ingest = new IngestService({ reports, outbound: ctx.outbound });
  const objects = ctx.use('caseObjects');
  const commits = new CommitService({ ...ctx, reports, objects });
  const peers = new PeerReports({
    ...ctx,
    db: ctx.store.db,
    log: ctx.log.child({ component: 'reports' }),
    reports,
    objects,
  });
  return {
    name: 'reports',
    migrations: {
      '2026_12_21_1000_reports': reportsTables,
      '2026_12_21_1100_story_links': storyLinks,
    },
    services: { reports, reportCommits: commits, reportExtractor: extractor },
    routes: (app) =>
      registerReportsRoutes(app, { accounts: ctx.use('accounts'), reports, ingest, commits }),
    start: () => {
      peers.start();
      return Promise.resolve();
    },
    stop: async () => {
      await peers.stop();
      await extractor.close();
    },
  };
};
