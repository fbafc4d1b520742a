import { z } from 'zod';
import { PRIORITIES } from '../hotline.js';
import { REQUEST_FIELDS, REQUEST_TYPES, URGENCIES } from '../requests.js';
import {
  BilingualText,
  EXPECTED_ACTIONS,
  INJECT_CHANNELS,
  PLAYER_ROLES,
  SCENARIO_SIDES,
  TLP_LEVELS,
  type ExpectedActionKind,
} from '../exercises/scenario.js';

/** The API of tabletop scenarios (issue 17); the file format is core/exercises/scenario.ts. */

export const SCENARIO_ORIGINS = ['bundled', 'written'] as const;

const ExpectedActionView = z.object({
  id: z.string(),
  side: z.enum(SCENARIO_SIDES),
  action: z.enum(Object.keys(EXPECTED_ACTIONS) as [ExpectedActionKind, ...ExpectedActionKind[]]),
  objective: z.string(),
  withinMinutes: z.number().int(),
  text: BilingualText,
  requestType: z.enum(REQUEST_TYPES).optional(),
  fields: z.array(z.enum(REQUEST_FIELDS)).optional(),
  marking: z.enum(TLP_LEVELS).optional(),
});

export const InjectView = z.object({
  id: z.string(),
  atMinutes: z.number().int(),
  from: z.enum([...SCENARIO_SIDES, 'control']),
  to: z.object({ side: z.enum(SCENARIO_SIDES), role: z.enum(PLAYER_ROLES) }),
  channel: z.enum(INJECT_CHANNELS),
  title: BilingualText,
  body: BilingualText,
  priority: z.enum(PRIORITIES).optional(),
  requestType: z.enum(REQUEST_TYPES).optional(),
  urgency: z.enum(URGENCIES).optional(),
  pattern: z.string().optional(),
  marking: z.enum(TLP_LEVELS).optional(),
  /** Only for those who may see them (controllers of the side); empty for everyone else. */
  expect: z.array(ExpectedActionView),
});
export type InjectView = z.infer<typeof InjectView>;

export const ScenarioSummary = z.object({
  id: z.string(),
  version: z.number().int(),
  title: BilingualText,
  summary: BilingualText,
  origin: z.enum(SCENARIO_ORIGINS),
  durationMinutes: z.number().int(),
  objectives: z.number().int(),
  injects: z.number().int(),
  updatedAt: z.iso.datetime(),
});
export type ScenarioSummary = z.infer<typeof ScenarioSummary>;

export const ScenarioView = ScenarioSummary.omit({ objectives: true, injects: true }).extend({
  sides: z.object({
    A: z.object({ description: BilingualText }),
    B: z.object({ description: BilingualText }),
  }),
  objectives: z.array(
    z.object({ id: z.string(), text: BilingualText, capabilities: z.array(z.string()) }),
  ),
  injects: z.array(InjectView),
  /** Whether the expected actions are shown (the caller may manage exercises). */
  withExpectations: z.boolean(),
});
export type ScenarioView = z.infer<typeof ScenarioView>;

export const ScenarioList = z.object({
  scenarios: z.array(ScenarioSummary),
  next: z.string().nullable(),
});
export type ScenarioList = z.infer<typeof ScenarioList>;

export const ScenarioQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ScenarioQuery = z.infer<typeof ScenarioQuery>;

/** A scenario written or edited: its YAML text (scenarios/*.yaml shows the format). */
export const ScenarioBody = z.object({
  source: z
    .string()
    .min(1, 'required')
    .max(512 * 1024, 'at most 512 KiB'),
});
export type ScenarioBody = z.infer<typeof ScenarioBody>;

export const ScenarioSource = z.object({
  id: z.string(),
  version: z.number().int(),
  source: z.string(),
});
export type ScenarioSource = z.infer<typeof ScenarioSource>;

// ---- runs of a scenario between two nodes ------------------------------------------------

export const EXERCISE_PROPOSE_KIND = 'liaison.exercise.propose';
export const EXERCISE_ANSWER_KIND = 'liaison.exercise.answer';
export const EXERCISE_CLOCK_KIND = 'liaison.exercise.clock';
export const EXERCISE_INJECT_KIND = 'liaison.exercise.inject';

export const EXERCISE_STATUSES = ['proposed', 'accepted', 'declined'] as const;
export type ExerciseStatus = (typeof EXERCISE_STATUSES)[number];
export const INJECT_STATES = ['pending', 'fired', 'skipped'] as const;
export type InjectState = (typeof INJECT_STATES)[number];

export const ClockMoveBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('start'), speed: z.number().int().min(1).max(60) }),
  z.strictObject({ kind: z.literal('pause') }),
  z.strictObject({ kind: z.literal('resume') }),
  z.strictObject({ kind: z.literal('speed'), speed: z.number().int().min(1).max(60) }),
  /** Scenario minutes to jump to (forward only). */
  z.strictObject({ kind: z.literal('jump'), toMinutes: z.number().int().min(0).max(100_000) }),
  z.strictObject({ kind: z.literal('end') }),
]);
export type ClockMoveBody = z.infer<typeof ClockMoveBody>;

/** A clock move as it travels: the wall time it was made at makes both clocks read alike. */
export const ClockMoveWire = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('start'), at: z.number().int(), speed: z.number().int() }),
  z.strictObject({ kind: z.literal('pause'), at: z.number().int() }),
  z.strictObject({ kind: z.literal('resume'), at: z.number().int() }),
  z.strictObject({ kind: z.literal('speed'), at: z.number().int(), speed: z.number().int() }),
  z.strictObject({ kind: z.literal('jump'), at: z.number().int(), to: z.number().int() }),
  z.strictObject({ kind: z.literal('end'), at: z.number().int() }),
]);

const ExerciseId = z.uuid();

/** The proposal: the MSEL and objectives, never the proposer's expected actions. */
export const ExerciseProposeMessage = z.strictObject({
  exerciseId: ExerciseId,
  scenario: ScenarioView,
  /** The side the proposing node plays; the receiver plays the other. */
  proposerSide: z.enum(SCENARIO_SIDES),
  proposedBy: z.string().min(1).max(120),
});
export type ExerciseProposeMessage = z.infer<typeof ExerciseProposeMessage>;

export const ExerciseAnswerMessage = z.strictObject({
  exerciseId: ExerciseId,
  accepted: z.boolean(),
  by: z.string().min(1).max(120),
});
export type ExerciseAnswerMessage = z.infer<typeof ExerciseAnswerMessage>;

export const ExerciseClockMessage = z.strictObject({
  exerciseId: ExerciseId,
  move: ClockMoveWire,
});
export type ExerciseClockMessage = z.infer<typeof ExerciseClockMessage>;

export const ProposeExerciseBody = z.strictObject({
  scenarioId: z.string().min(1).max(63),
  peer: z.string().min(1).max(32),
  /** The side this node plays. */
  side: z.enum(SCENARIO_SIDES),
});
export type ProposeExerciseBody = z.infer<typeof ProposeExerciseBody>;

export const ExerciseClockView = z.object({
  state: z.enum(['ready', 'running', 'paused', 'ended']),
  speed: z.number().int(),
  /** Scenario time now, in minutes, and as the clock reads it. */
  scenarioMinutes: z.number(),
  display: z.string(),
});

export const ExerciseView = z.object({
  id: z.string(),
  scenarioId: z.string(),
  scenarioVersion: z.number().int(),
  title: BilingualText,
  peer: z.string(),
  side: z.enum(SCENARIO_SIDES),
  /** Whether this node proposed it (its controllers drive the clock). */
  proposedHere: z.boolean(),
  proposedBy: z.string(),
  status: z.enum(EXERCISE_STATUSES),
  clock: ExerciseClockView,
  /** Expected actions of this node's side that this node holds (count; controllers see them). */
  expectations: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ExerciseView = z.infer<typeof ExerciseView>;

export const ExerciseList = z.object({
  exercises: z.array(ExerciseView),
  next: z.string().nullable(),
});
export const ExerciseQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ExerciseQuery = z.infer<typeof ExerciseQuery>;

export const ExerciseInjectView = z.object({
  id: z.string(),
  atMinutes: z.number().int(),
  from: z.enum([...SCENARIO_SIDES, 'control']),
  toSide: z.enum(SCENARIO_SIDES),
  channel: z.enum(INJECT_CHANNELS),
  title: BilingualText,
  /** Whether this node sends it (its side, or a narrative for its players). */
  firedHere: z.boolean(),
  state: z.enum(INJECT_STATES),
  firedAt: z.iso.datetime().nullable(),
  firedAtMinutes: z.number().nullable(),
  /** What the inject became when it fired here: the call's, request's, object's or note's id, the pings' ids. */
  delivered: z.string().nullable(),
  /** Why it could not go through its channel (the peer refused, the terms do not allow it). */
  problem: z.string().nullable(),
});
export const ExerciseInjectList = z.object({ injects: z.array(ExerciseInjectView) });
export type ExerciseInjectList = z.infer<typeof ExerciseInjectList>;
export type ExerciseList = z.infer<typeof ExerciseList>;

// ---- what reaches the players, and what the node observes -------------------------------

export const FEED_KINDS = ['narrative', 'call', 'request', 'case_object', 'note', 'ping'] as const;

/** One thing that reached this node's players in an exercise, marked EXERCISE. */
export const ExerciseFeedItem = z.object({
  id: z.string(),
  kind: z.enum(FEED_KINDS),
  injectId: z.string().nullable(),
  title: BilingualText,
  body: BilingualText,
  /** The call, request, case object, note or ping it arrived as (null for a narrative). */
  refId: z.string().nullable(),
  at: z.iso.datetime(),
  /** Scenario time when it reached the players, in minutes. */
  scenarioMinutes: z.number(),
});
export type ExerciseFeedItem = z.infer<typeof ExerciseFeedItem>;
export const ExerciseFeed = z.object({
  items: z.array(ExerciseFeedItem),
  next: z.string().nullable(),
});
export type ExerciseFeed = z.infer<typeof ExerciseFeed>;

/**
 * What became of an expected action: `skipped` when its inject was skipped (not applicable:
 * nothing reached the players to answer, so it is neither missed nor pending, and never
 * stored: it follows from the inject's state).
 */
export const OBSERVATION_STATES = ['pending', 'met', 'late', 'missed', 'skipped'] as const;
export type ObservationState = (typeof OBSERVATION_STATES)[number];

/** An expected action of this node's side and what the node observed (controllers only). */
export const ExerciseObservationView = z.object({
  expectedId: z.string(),
  injectId: z.string(),
  action: z.enum(Object.keys(EXPECTED_ACTIONS) as [ExpectedActionKind, ...ExpectedActionKind[]]),
  objective: z.string(),
  text: BilingualText,
  /** Scenario time by which it is due (the inject's time plus `within`), in minutes. */
  dueMinutes: z.number().int(),
  /** Whether the node observes this action by itself (else an evaluator rates it). */
  observed: z.boolean(),
  state: z.enum(OBSERVATION_STATES),
  /** When it was met, late or missed: wall time and scenario time. */
  at: z.iso.datetime().nullable(),
  scenarioMinutes: z.number().nullable(),
});
export type ExerciseObservationView = z.infer<typeof ExerciseObservationView>;
export const ExerciseObservationList = z.object({
  observations: z.array(ExerciseObservationView),
});
export type ExerciseObservationList = z.infer<typeof ExerciseObservationList>;

// ---- the controllers' console ------------------------------------------------------------

/** The path of one inject of an exercise. */
export const ExerciseInjectParams = z.object({
  id: z.string().min(1).max(64),
  injectId: z.string().min(1).max(63),
});
export type ExerciseInjectParams = z.infer<typeof ExerciseInjectParams>;

const Slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lower-case letters, digits and hyphens (at most 63)');

/** An expected action of an ad-hoc inject (this node's side only; never sent). */
const AdHocExpectation = z.strictObject({
  id: Slug,
  side: z.enum(SCENARIO_SIDES),
  action: z.enum(Object.keys(EXPECTED_ACTIONS) as [ExpectedActionKind, ...ExpectedActionKind[]]),
  objective: Slug,
  withinMinutes: z.number().int().min(1).max(100_000),
  text: BilingualText,
  requestType: z.enum(REQUEST_TYPES).optional(),
  fields: z.array(z.enum(REQUEST_FIELDS)).optional(),
  marking: z.enum(TLP_LEVELS).optional(),
});

/**
 * An inject a controller adds during a run, checked like a scenario's (core/exercises/
 * scenario.ts): from this node's side to the other, or a narrative (from control) to this
 * node's players. `atMinutes` is its scenario time (none: now).
 */
export const AddInjectBody = z.strictObject({
  id: Slug,
  atMinutes: z.number().int().min(0).max(100_000).optional(),
  from: z.enum([...SCENARIO_SIDES, 'control']),
  to: z.strictObject({
    side: z.enum(SCENARIO_SIDES),
    role: z.enum(PLAYER_ROLES).default('officer'),
  }),
  channel: z.enum(INJECT_CHANNELS),
  title: BilingualText,
  body: BilingualText,
  priority: z.enum(PRIORITIES).optional(),
  requestType: z.enum(REQUEST_TYPES).optional(),
  urgency: z.enum(URGENCIES).optional(),
  pattern: z.string().min(1).max(2000).optional(),
  marking: z.enum(TLP_LEVELS).optional(),
  expect: z.array(AdHocExpectation).max(20).default([]),
});
export type AddInjectBody = z.infer<typeof AddInjectBody>;

/**
 * A change to an inject, to the peer: it fired (sent by its timer or now), was skipped,
 * or was added during the run (the inject as both sides may see it: no expected actions).
 */
export const ExerciseInjectMessage = z.strictObject({
  exerciseId: ExerciseId,
  injectId: z.string().min(1).max(63),
  change: z.enum(['fired', 'skipped', 'added']),
  /** Wall time of the change, and the scenario time it fired at (fired). */
  at: z.number().int(),
  scenarioMs: z.number().int().min(0).optional(),
  inject: InjectView.optional(),
});
export type ExerciseInjectMessage = z.infer<typeof ExerciseInjectMessage>;
