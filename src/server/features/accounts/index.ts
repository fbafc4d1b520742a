import type { FeatureFactory } from '../module.js';
import { registerAccountsRoutes } from './accounts.routes.js';
import { AccountsService } from './accounts.service.js';

declare module '../module.js' {
  interface FeatureServices {
    accounts: AccountsService;
  }
}

/** Accounts: users, sessions, API tokens, login throttling. */
export const accountsModule: FeatureFactory = (ctx) => {
  const accounts = new AccountsService({
    store: ctx.store,
    clock: ctx.clock,
    bus: ctx.bus,
    log: ctx.log.child({ component: 'accounts' }),
    sessionIdleMs: ctx.config.auth.sessionIdleMinutes * 60_000,
    sessionMaxMs: ctx.config.auth.sessionMaxHours * 3_600_000,
  });
  return {
    name: 'accounts',
    services: { accounts },
    routes: (app) => registerAccountsRoutes(app, accounts, { secureCookies: ctx.secureCookies }),
  };
};
