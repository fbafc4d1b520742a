import { request } from '../../app/client';
import type {
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
