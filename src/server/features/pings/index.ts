import { registerPingAttention } from './pings.attention.js';
import { timerKind } from '../../timers/timers.js';
import type { FeatureFactory } from '../module.js';
import * as exerciseMarker from './migrations/2026_12_10_1010_pings_exercise.js';
import { ExercisePingHooks } from './pings.exercise.js';
import { pingMessages } from './pings.messages.js';
import { registerPingRoutes } from './pings.routes.js';
import { PING_ROUND_TIMER, PingRoundPayload, PingsService } from './pings.service.js';

declare module '../module.js' {
  interface FeatureServices {
    pings: PingsService;
  }
}

/** Ping tests of the peers' contact points, and their report. */
export const pingsModule: FeatureFactory = (ctx) => {
  registerPingAttention(ctx.use('attention'));
  // Exercises hear of their pings through these hooks (pings never name them).
  const pings = new PingsService({ ...ctx, exercise: new ExercisePingHooks() });
  return {
    name: 'pings',
    migrations: { '2026_12_10_1010_pings_exercise': exerciseMarker },
    services: { pings },
    kinds: pingMessages(pings),
    timers: [
      timerKind(PING_ROUND_TIMER, PingRoundPayload, (trx, payload, _timer, hooks) =>
        pings.roundDue(trx, hooks, payload.peer),
      ),
    ],
    routes: (app) => registerPingRoutes(app, pings),
  };
};
