import { request } from '../../app/client';
import type {
  AddInjectBody,
  ClockMoveBody,
  ExerciseFeed,
  ExerciseInjectList,
  ExerciseList,
  ExerciseObservationList,
  ExerciseView,
  ProposeExerciseBody,
  ScenarioList,
  ScenarioSource,
  ScenarioView,
} from '../../../src/core/schemas/exercises';
import type {
  AarView,
  AddObservationBody,
  AssignParticipantBody,
  CorrectiveActionBody,
  CorrectiveActionList,
  CorrectiveActionView,
  EvaluatorObservationList,
  EvaluatorObservationView,
  HotwashBody,
  HotwashList,
  HotwashView,
  ParticipantList,
  RateBody,
  RatingList,
  RatingView,
} from '../../../src/core/schemas/exercise-evaluation';

/** Tabletop exercises (docs/exercises.md): scenarios, runs with a peer, their clock and feed. */

const enc = encodeURIComponent;

function paged(limit: number, cursor?: string | null): string {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor) query.set('cursor', cursor);
  return `?${query}`;
}

export function listScenarios(cursor?: string | null): Promise<ScenarioList> {
  return request('GET', `/api/exercises/scenarios${paged(100, cursor)}`);
}

export function getScenario(id: string): Promise<ScenarioView> {
  return request('GET', `/api/exercises/scenarios/${enc(id)}`);
}

export function getScenarioSource(id: string): Promise<ScenarioSource> {
  return request('GET', `/api/exercises/scenarios/${enc(id)}/source`);
}

export function createScenario(source: string): Promise<ScenarioView> {
  return request('POST', '/api/exercises/scenarios', { source });
}

export function updateScenario(id: string, source: string): Promise<ScenarioView> {
  return request('PUT', `/api/exercises/scenarios/${enc(id)}`, { source });
}

export function listExercises(cursor?: string | null): Promise<ExerciseList> {
  return request('GET', `/api/exercises${paged(50, cursor)}`);
}

export function getExercise(id: string): Promise<ExerciseView> {
  return request('GET', `/api/exercises/${enc(id)}`);
}

export function proposeExercise(body: ProposeExerciseBody): Promise<ExerciseView> {
  return request('POST', '/api/exercises', body);
}

export function answerExercise(id: string, accept: boolean): Promise<ExerciseView> {
  return request('POST', `/api/exercises/${enc(id)}/${accept ? 'accept' : 'decline'}`);
}

export function moveClock(id: string, move: ClockMoveBody): Promise<ExerciseView> {
  return request('POST', `/api/exercises/${enc(id)}/clock`, move);
}

export function listInjects(id: string): Promise<ExerciseInjectList> {
  return request('GET', `/api/exercises/${enc(id)}/injects`);
}

export function listObservations(id: string): Promise<ExerciseObservationList> {
  return request('GET', `/api/exercises/${enc(id)}/observations`);
}

export function getFeed(id: string, cursor?: string | null): Promise<ExerciseFeed> {
  return request('GET', `/api/exercises/${enc(id)}/feed${paged(100, cursor)}`);
}

// ---- participants, evaluation, hotwash and the after-action report ------------------------

export function listParticipants(id: string): Promise<ParticipantList> {
  return request('GET', `/api/exercises/${enc(id)}/participants${paged(200)}`);
}

export function assignParticipant(id: string, body: AssignParticipantBody): Promise<unknown> {
  return request('POST', `/api/exercises/${enc(id)}/participants`, body);
}

export function removeParticipant(id: string, userId: string): Promise<void> {
  return request('DELETE', `/api/exercises/${enc(id)}/participants/${enc(userId)}`);
}

export function listEvaluatorObservations(
  id: string,
  cursor?: string | null,
): Promise<EvaluatorObservationList> {
  return request('GET', `/api/exercises/${enc(id)}/evaluation/observations${paged(100, cursor)}`);
}

export function addEvaluatorObservation(
  id: string,
  body: Partial<AddObservationBody> & { text: string },
): Promise<EvaluatorObservationView> {
  return request('POST', `/api/exercises/${enc(id)}/evaluation/observations`, body);
}

export function removeEvaluatorObservation(id: string, observationId: string): Promise<void> {
  return request(
    'DELETE',
    `/api/exercises/${enc(id)}/evaluation/observations/${enc(observationId)}`,
  );
}

export function listRatings(id: string): Promise<RatingList> {
  return request('GET', `/api/exercises/${enc(id)}/evaluation/ratings`);
}

export function rate(id: string, body: RateBody): Promise<RatingView> {
  return request('PUT', `/api/exercises/${enc(id)}/evaluation/ratings`, body);
}

export function listHotwash(id: string): Promise<HotwashList> {
  return request('GET', `/api/exercises/${enc(id)}/hotwash${paged(200)}`);
}

export function writeHotwash(id: string, body: HotwashBody): Promise<HotwashView> {
  return request('PUT', `/api/exercises/${enc(id)}/hotwash`, body);
}

export function getAar(id: string): Promise<AarView> {
  return request('GET', `/api/exercises/${enc(id)}/aar`);
}

export function aarDocxUrl(id: string, language: string): string {
  return `/api/exercises/${enc(id)}/aar.docx?${new URLSearchParams({ lang: language === 'zh-CN' ? 'zh-CN' : 'en' })}`;
}

export function shareAar(id: string): Promise<AarView> {
  return request('POST', `/api/exercises/${enc(id)}/aar/share`);
}

export function listCorrectiveActions(id: string): Promise<CorrectiveActionList> {
  return request('GET', `/api/exercises/${enc(id)}/corrective-actions${paged(200)}`);
}

export function addCorrectiveAction(
  id: string,
  body: CorrectiveActionBody,
): Promise<CorrectiveActionView> {
  return request('POST', `/api/exercises/${enc(id)}/corrective-actions`, body);
}

export function removeCorrectiveAction(id: string, actionId: string): Promise<void> {
  return request('DELETE', `/api/exercises/${enc(id)}/corrective-actions/${enc(actionId)}`);
}

export function sendInjectNow(id: string, injectId: string): Promise<ExerciseInjectList> {
  return request('POST', `/api/exercises/${enc(id)}/injects/${enc(injectId)}/send`);
}

export function skipInject(id: string, injectId: string): Promise<ExerciseInjectList> {
  return request('POST', `/api/exercises/${enc(id)}/injects/${enc(injectId)}/skip`);
}

export function addInject(id: string, body: AddInjectBody): Promise<ExerciseInjectList> {
  return request('POST', `/api/exercises/${enc(id)}/injects`, body);
}
