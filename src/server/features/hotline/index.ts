import type { FeatureFactory } from '../module.js';
import { hotlineMessages } from './hotline.messages.js';
import { Notifier } from './hotline.notify.js';
import { RosterService } from './hotline.roster.js';
import { registerHotlineRoutes } from './hotline.routes.js';
import { HotlineService } from './hotline.service.js';

declare module '../module.js' {
  interface FeatureServices {
    roster: RosterService;
    hotline: HotlineService;
    notifier: Notifier;
  }
}

/** Hotline calls, their escalation ladder, the duty roster and the notifier. */
export const hotlineModule: FeatureFactory = (ctx) => {
  const roster = new RosterService(ctx);
  // The notifier reports each e-mail or webhook post on the call's timeline.
  let republish: (callId: string) => void = () => undefined;
  const notifier = new Notifier({
    store: ctx.store,
    clock: ctx.clock,
    bus: ctx.bus,
    log: ctx.log.child({ component: 'hotline-notifier' }),
    smtp: ctx.config.hotline.smtp,
    onSent: (callId) => republish(callId),
  });
  const hotline = new HotlineService({
    ...ctx,
    roster,
    nudgeNotifier: () => notifier.nudge(),
    deliveryTimeoutMs: ctx.config.hotline.deliveryTimeoutSeconds * 1000,
    log: ctx.log.child({ component: 'hotline' }),
  });
  republish = (callId) => void hotline.republish(callId);
  // Overdue requests whose arrangement says so are raised on the hotline.
  ctx
    .use('requests')
    .onOverdue((trx, hooks, request, deadline) =>
      hotline.raiseOverdue(trx, hooks, request, deadline),
    );
  return {
    name: 'hotline',
    services: { roster, hotline, notifier },
    kinds: hotlineMessages(hotline, roster),
    routes: (app) => registerHotlineRoutes(app, hotline, roster),
    async start() {
      await roster.ensureTimer();
      notifier.start();
    },
    stop: () => notifier.stop(),
  };
};
