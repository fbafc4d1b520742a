import { z } from 'zod';
import {
  EXERCISE_ANSWER_KIND,
  EXERCISE_CLOCK_KIND,
  EXERCISE_INJECT_KIND,
  EXERCISE_PROPOSE_KIND,
  ExerciseAnswerMessage,
  ExerciseClockMessage,
  ExerciseInjectMessage,
  ExerciseProposeMessage,
} from '../../../core/schemas/exercises.js';
import {
  EXERCISE_AAR_KIND,
  ExerciseAarMessage,
} from '../../../core/schemas/exercise-evaluation.js';
import type { MessageKind } from '../../federation/kinds.js';
import { timerKind, type TimerKind } from '../../timers/timers.js';
import { messageKind } from '../module.js';
import type { ExerciseAar } from './aar.service.js';
import { OBSERVE_TIMER, type ExerciseObservations } from './observations.service.js';
import { INJECT_TIMER, type ExerciseRunsService } from './runs.service.js';

/** The exercise's messages: a proposal, its answer, and each move of the clock. */
export function exerciseMessages(runs: ExerciseRunsService): MessageKind[] {
  return [
    messageKind({
      kind: EXERCISE_PROPOSE_KIND,
      schema: ExerciseProposeMessage,
      handle: (trx, body, { peer, hooks }) => runs.proposalReceived(trx, hooks, peer.node_id, body),
    }),
    messageKind({
      kind: EXERCISE_ANSWER_KIND,
      schema: ExerciseAnswerMessage,
      handle: (trx, body, { peer, hooks }) => runs.answerReceived(trx, hooks, peer.node_id, body),
    }),
    messageKind({
      kind: EXERCISE_CLOCK_KIND,
      schema: ExerciseClockMessage,
      handle: (trx, body, { peer, hooks }) => runs.clockReceived(trx, hooks, peer.node_id, body),
    }),
    messageKind({
      kind: EXERCISE_INJECT_KIND,
      schema: ExerciseInjectMessage,
      handle: (trx, body, { peer, hooks }) =>
        runs.console.changeReceived(trx, hooks, peer.node_id, body),
    }),
  ];
}

/** A side's part of the after-action report, shared by its controller. */
export function exerciseAarMessages(aar: ExerciseAar): MessageKind[] {
  return [
    messageKind({
      kind: EXERCISE_AAR_KIND,
      schema: ExerciseAarMessage,
      handle: (trx, body, { peer, hooks }) => aar.partReceived(trx, hooks, peer.node_id, body),
    }),
  ];
}

/** An inject of this node is due on the exercise clock; an expected action's deadline passed. */
export function exerciseTimers(
  runs: ExerciseRunsService,
  observations: ExerciseObservations,
): TimerKind[] {
  return [
    timerKind(
      INJECT_TIMER,
      z.object({ exerciseId: z.string(), injectId: z.string() }),
      (trx, payload, _timer, hooks) => runs.fire(trx, hooks, payload.exerciseId, payload.injectId),
    ),
    timerKind(
      OBSERVE_TIMER,
      z.object({ exerciseId: z.string(), expectedId: z.string() }),
      (trx, payload, _timer, hooks) =>
        observations.deadlinePassed(trx, hooks, payload.exerciseId, payload.expectedId),
    ),
  ];
}
