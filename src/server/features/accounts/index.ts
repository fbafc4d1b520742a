import type { FeatureFactory } from '../module.js';
import * as secondFactor from './migrations/2026_12_04_0900_second_factor.js';
import { registerAccountsRoutes } from './accounts.routes.js';
import { AccountsService } from './accounts.service.js';

declare module '../module.js' {
  interface FeatureServices {
    accounts: AccountsService;
  }
}

/** Accounts: users, sessions, API tokens, login throttling, the second factor. */
export const accountsModule: FeatureFactory = (ctx) => {
  const accounts = new AccountsService({
    store: ctx.store,
    clock: ctx.clock,
    bus: ctx.bus,
    log: ctx.log.child({ component: 'accounts' }),
    sessionIdleMs: ctx.config.auth.sessionIdleMinutes * 60_000,
    sessionMaxMs: ctx.config.auth.sessionMaxHours * 3_600_000,
    nodeId: ctx.nodeId,
    requireSecondFactor: ctx.config.auth.requireSecondFactor,
  });
  return {
    name: 'accounts',
    migrations: { '2026_12_04_0900_second_factor': secondFactor },
    services: { accounts },
    routes: (app) => registerAccountsRoutes(app, accounts, { secureCookies: ctx.secureCookies }),
  };
};
