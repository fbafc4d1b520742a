import { registerCallAttention } from './hotline.attention.js';
import { z } from 'zod';
import { timerKind } from '../../timers/timers.js';
import type { FeatureFactory } from '../module.js';
import { CallNews } from './calls.news.js';
import { HotlineService } from './calls.service.js';
import { COVERAGE_TIMER, CoverageService } from './coverage.service.js';
import { hotlineMessages } from './hotline.messages.js';
import { Notifier } from './hotline.notifier.js';
import { registerHotlineRoutes } from './hotline.routes.js';
import { registerCallSearch } from './hotline.search.js';
import {
  DELIVERY_TIMER,
  DeliveryPayload,
  ESCALATE_TIMER,
  EscalatePayload,
  LadderService,
} from './ladder.service.js';
import { ExerciseCallHooks } from './hotline.exercise.js';
import * as hotlineTables from './migrations/2026_11_24_1900_hotline.js';
import * as exerciseMarker from './migrations/2026_12_10_1000_hotline_exercise.js';
import { CallMovesService } from './moves.service.js';
import { RosterService } from './roster.service.js';

declare module '../module.js' {
  interface FeatureServices {
    roster: RosterService;
    hotline: HotlineService;
    callMoves: CallMovesService;
    ladder: LadderService;
    coverage: CoverageService;
    notifier: Notifier;
  }
}

/**
 * Hotline calls (placed and received: calls.service; their moves: moves.service), their
 * escalation ladder (ladder.service), the duty roster and webhooks (roster.service), the
 * roster's coverage told to peers (coverage.service), and the notifier that sends e-mails
 * and webhook posts.
 */
export const hotlineModule: FeatureFactory = (ctx) => {
  registerCallAttention(ctx.use('attention'));
  const coverage = new CoverageService(ctx);
  const roster = new RosterService({ ...ctx, coverage });
  const search = ctx.use('search');
  registerCallSearch(search);
  const news = new CallNews({ ...ctx, search });
  // The notifier reports each e-mail or webhook post on the call's timeline.
  const notifier = new Notifier({
    store: ctx.store,
    clock: ctx.clock,
    bus: ctx.bus,
    log: ctx.log.child({ component: 'hotline-notifier' }),
    smtp: ctx.config.hotline.smtp,
    outbound: ctx.outbound,
    onSent: (callId) => void news.republish(callId),
  });
  const ladder = new LadderService({
    ...ctx,
    roster,
    coverage,
    news,
    nudgeNotifier: () => notifier.nudge(),
    deliveryTimeoutMs: ctx.config.hotline.deliveryTimeoutSeconds * 1000,
  });
  // Exercises hear of their calls through these hooks (the hotline never names them).
  const exercise = new ExerciseCallHooks();
  const callMoves = new CallMovesService({ ...ctx, ladder, news, exercise });
  const hotline = new HotlineService({
    ...ctx,
    ladder,
    news,
    exercise,
    log: ctx.log.child({ component: 'hotline' }),
  });
  // Overdue requests whose arrangement says so are raised on the hotline.
  ctx
    .use('requests')
    .onOverdue((trx, hooks, request, deadline) =>
      hotline.raiseOverdue(trx, hooks, request, deadline),
    );
  return {
    name: 'hotline',
    migrations: {
      '2026_11_24_1900_hotline': hotlineTables,
      '2026_12_10_1000_hotline_exercise': exerciseMarker,
    },
    services: { roster, hotline, callMoves, ladder, coverage, notifier },
    kinds: hotlineMessages(hotline, callMoves, coverage),
    timers: [
      timerKind(DELIVERY_TIMER, DeliveryPayload, (trx, payload, _timer, hooks) =>
        ladder.deliveryTimedOut(trx, hooks, payload.callId),
      ),
      timerKind(ESCALATE_TIMER, EscalatePayload, (trx, payload, _timer, hooks) =>
        ladder.deadlinePassed(trx, hooks, payload.callId, payload.rung),
      ),
      timerKind(COVERAGE_TIMER, z.null(), (trx, _payload, _timer, hooks) =>
        coverage.daily(trx, hooks),
      ),
    ],
    routes: (app) =>
      registerHotlineRoutes(app, { hotline, moves: callMoves, ladder, roster, coverage }),
    async start() {
      await coverage.ensureTimer();
      notifier.start();
    },
    stop: () => notifier.stop(),
  };
};
