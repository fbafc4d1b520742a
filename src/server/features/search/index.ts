import type { FeatureFactory } from '../module.js';
import * as searchTables from './migrations/2026_12_03_0900_search.js';
import { registerSearchRoutes } from './search.routes.js';
import { SearchService } from './search.service.js';

declare module '../module.js' {
  interface FeatureServices {
    search: SearchService;
  }
}

/**
 * Full-text search across the features. It comes first in the list: the features that
 * hold searchable items `use('search')` to index them and to say who may see them.
 */
export const searchModule: FeatureFactory = (ctx) => {
  const search = new SearchService(ctx);
  return {
    name: 'search',
    migrations: { '2026_12_03_0900_search': searchTables },
    services: { search },
    routes: (app) => registerSearchRoutes(app, search),
  };
};
