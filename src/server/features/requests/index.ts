import { registerRequestAttention } from './requests.attention.js';
import { timerKind } from '../../timers/timers.js';
import * as preservationDays from './migrations/2026_12_03_1200_preservation_days.js';
import * as exerciseMarker from './migrations/2026_12_10_1001_requests_exercise.js';
import * as exerciseDeadlines from './migrations/2026_12_10_1300_request_exercise_deadlines.js';
import { ExerciseRequestHooks } from './requests.exercise.js';
import type { FeatureFactory } from '../module.js';
import {
  DEADLINE_TIMER,
  DeadlinePayload,
  EXERCISE_CLOCK_TIMER,
  ExerciseClockPayload,
  PRESERVATION_TIMER,
  PreservationPayload,
  RequestDeadlines,
} from './deadlines.service.js';
import { RequestDrafts } from './drafts.service.js';
import { RequestMoves } from './moves.service.js';
import { RequestReceiver } from './receive.service.js';
import { requestMessages } from './requests.messages.js';
import { registerRequestRoutes } from './requests.routes.js';
import { registerRequestSearch } from './requests.search.js';
import { RequestsService } from './requests.service.js';
import { RequestTimeline } from './timeline.service.js';

declare module '../module.js' {
  interface FeatureServices {
    requests: RequestsService;
  }
}

/** Requests for assistance: drafts, sending, moves, attachments, deadlines, figures. */
export const requestsModule: FeatureFactory = (ctx) => {
  registerRequestAttention(ctx.use('attention'));
  const search = ctx.use('search');
  registerRequestSearch(search);
  // Exercises hear of their requests through these hooks (requests never name them).
  const exercise = new ExerciseRequestHooks();
  const deps = { ...ctx, log: ctx.log.child({ component: 'requests' }), search, exercise };
  const timeline = new RequestTimeline(deps);
  const deadlines = new RequestDeadlines(deps, timeline);
  const requests = new RequestsService(deps, {
    timeline,
    deadlines,
    drafts: new RequestDrafts(deps, timeline, deadlines),
    moves: new RequestMoves(deps, timeline),
    receiver: new RequestReceiver(deps, timeline, deadlines),
  });
  return {
    name: 'requests',
    migrations: {
      '2026_12_03_1200_preservation_days': preservationDays,
      '2026_12_10_1001_requests_exercise': exerciseMarker,
      '2026_12_10_1300_request_exercise_deadlines': exerciseDeadlines,
    },
    services: { requests },
    kinds: requestMessages(requests),
    timers: [
      timerKind(DEADLINE_TIMER, DeadlinePayload, (trx, payload, _timer, hooks) =>
        deadlines.deadlineFired(trx, hooks, payload),
      ),
      timerKind(PRESERVATION_TIMER, PreservationPayload, (trx, payload, _timer, hooks) =>
        deadlines.preservationFired(trx, hooks, payload.requestId),
      ),
      timerKind(EXERCISE_CLOCK_TIMER, ExerciseClockPayload, (trx, payload, _timer, hooks) =>
        deadlines.exerciseClockRetold(trx, hooks, payload.requestId),
      ),
    ],
    routes: (app) => registerRequestRoutes(app, requests),
  };
};
