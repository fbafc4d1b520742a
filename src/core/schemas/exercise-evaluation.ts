import { z } from 'zod';
import { BilingualText, SCENARIO_SIDES } from '../exercises/scenario.js';
import { OBSERVATION_STATES } from './exercises.js';

/**
 * The evaluation half of a tabletop exercise (issue 17): who takes part on this node, the
 * evaluators' observations and ratings, the hotwash, and the after-action report with its
 * improvement plan. Everything here stays on the node until a controller shares the AAR:
 * then one message (`liaison.exercise.aar`) carries this side's part to the peer.
 */

const Page = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
};
export const EvaluationQuery = z.object(Page);
export type EvaluationQuery = z.infer<typeof EvaluationQuery>;

const Text = (max: number) =>
  z.string().trim().min(1, 'required').max(max, `at most ${max} characters`);
const Slug = z.string().trim().min(1).max(63);
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'write the date as YYYY-MM-DD');

// ---- participants ---------------------------------------------------------------------------

/** A participant's part in the exercise, on this node (never sent to the peer). */
export const EXERCISE_ROLES = ['controller', 'evaluator', 'player'] as const;
export type ExerciseRole = (typeof EXERCISE_ROLES)[number];

export const AssignParticipantBody = z.strictObject({
  /** One of this node's accounts. */
  username: z.string().trim().min(1).max(64),
  role: z.enum(EXERCISE_ROLES),
});
export type AssignParticipantBody = z.infer<typeof AssignParticipantBody>;

export const ParticipantParams = z.object({
  id: z.string().min(1).max(64),
  userId: z.string().min(1).max(64),
});

export const ParticipantView = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(EXERCISE_ROLES),
  assignedAt: z.iso.datetime(),
  assignedBy: z.string(),
});
export type ParticipantView = z.infer<typeof ParticipantView>;
export const ParticipantList = z.object({
  participants: z.array(ParticipantView),
  next: z.string().nullable(),
});
export type ParticipantList = z.infer<typeof ParticipantList>;

// ---- evaluators' observations and ratings ---------------------------------------------------

/** HSEEP's ratings: performed without challenges, with some, with major, unable to be performed. */
export const RATINGS = ['P', 'S', 'M', 'U'] as const;
export type Rating = (typeof RATINGS)[number];

/** What an observation says: a strength, an area for improvement, or a plain note. */
export const NOTE_KINDS = ['strength', 'improvement', 'note'] as const;

export const AddObservationBody = z.strictObject({
  text: Text(4000),
  kind: z.enum(NOTE_KINDS).default('note'),
  objective: Slug.optional(),
  capability: Slug.optional(),
  injectId: Slug.optional(),
  expectedId: Slug.optional(),
  /** Whether it goes to the peer with the AAR (default yes); false keeps it on this node. */
  share: z.boolean().default(true),
});
export type AddObservationBody = z.infer<typeof AddObservationBody>;

export const EvaluatorObservationView = z.object({
  id: z.string(),
  text: z.string(),
  kind: z.enum(NOTE_KINDS),
  objective: z.string().nullable(),
  capability: z.string().nullable(),
  injectId: z.string().nullable(),
  expectedId: z.string().nullable(),
  share: z.boolean(),
  author: z.string(),
  at: z.iso.datetime(),
  scenarioMinutes: z.number(),
});
export type EvaluatorObservationView = z.infer<typeof EvaluatorObservationView>;
export const EvaluatorObservationList = z.object({
  observations: z.array(EvaluatorObservationView),
  next: z.string().nullable(),
});
export type EvaluatorObservationList = z.infer<typeof EvaluatorObservationList>;
export const ObservationParams = z.object({
  id: z.string().min(1).max(64),
  observationId: z.string().min(1).max(64),
});

export const RateBody = z.strictObject({
  objective: Slug,
  /** One of the objective's capabilities; absent: the objective as a whole. */
  capability: Slug.optional(),
  rating: z.enum(RATINGS),
  note: z.string().trim().max(4000).default(''),
});
export type RateBody = z.infer<typeof RateBody>;

export const RatingView = z.object({
  objective: z.string(),
  capability: z.string().nullable(),
  rating: z.enum(RATINGS),
  note: z.string(),
  ratedBy: z.string(),
  ratedAt: z.iso.datetime(),
});
export type RatingView = z.infer<typeof RatingView>;
export const RatingList = z.object({ ratings: z.array(RatingView) });
export type RatingList = z.infer<typeof RatingList>;

// ---- hotwash -------------------------------------------------------------------------------

export const HotwashBody = z.strictObject({
  strengths: z.string().trim().max(2000).default(''),
  improvements: z.string().trim().max(2000).default(''),
  text: z.string().trim().max(4000).default(''),
});
export type HotwashBody = z.infer<typeof HotwashBody>;

export const HotwashView = z.object({
  userId: z.string(),
  author: z.string(),
  strengths: z.string(),
  improvements: z.string(),
  text: z.string(),
  updatedAt: z.iso.datetime(),
});
export type HotwashView = z.infer<typeof HotwashView>;
export const HotwashList = z.object({ hotwash: z.array(HotwashView), next: z.string().nullable() });
export type HotwashList = z.infer<typeof HotwashList>;

// ---- corrective actions (the improvement plan) ----------------------------------------------

export const CORRECTIVE_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;

const CorrectiveFields = {
  title: Text(300),
  capability: Slug,
  ownerSide: z.enum(SCENARIO_SIDES),
  owner: Text(200),
  startDate: Day,
  dueDate: Day,
  status: z.enum(CORRECTIVE_STATUSES),
};
export const CorrectiveActionBody = z.strictObject({
  ...CorrectiveFields,
  status: CorrectiveFields.status.default('open'),
});
export type CorrectiveActionBody = z.infer<typeof CorrectiveActionBody>;
export const CorrectiveActionPatch = z.strictObject(CorrectiveFields).partial();
export type CorrectiveActionPatch = z.infer<typeof CorrectiveActionPatch>;
export const CorrectiveParams = z.object({
  id: z.string().min(1).max(64),
  actionId: z.string().min(1).max(64),
});

export const CorrectiveActionView = z.object({
  id: z.string(),
  title: z.string(),
  capability: z.string(),
  ownerSide: z.enum(SCENARIO_SIDES),
  owner: z.string(),
  startDate: z.string(),
  dueDate: z.string(),
  status: z.enum(CORRECTIVE_STATUSES),
  /** Which side wrote it (each side owns its own; the peer's arrive with its part). */
  side: z.enum(SCENARIO_SIDES),
});
export type CorrectiveActionView = z.infer<typeof CorrectiveActionView>;
export const CorrectiveActionList = z.object({
  actions: z.array(CorrectiveActionView),
  next: z.string().nullable(),
});
export type CorrectiveActionList = z.infer<typeof CorrectiveActionList>;

// ---- the after-action report -----------------------------------------------------------------

export const TIMELINE_KINDS = ['inject_fired', 'received', 'expected', 'observation'] as const;

/** One line of a side's timeline, as that side wrote it. */
export const TimelineEntry = z.strictObject({
  /** Unique within the exercise: side, kind and what it is about. */
  key: z.string().max(200),
  side: z.enum(SCENARIO_SIDES),
  kind: z.enum(TIMELINE_KINDS),
  at: z.iso.datetime(),
  scenarioMinutes: z.number(),
  title: BilingualText,
  /** The channel, the observed state (met, late, missed) or the observation's kind. */
  detail: z.string().max(60),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const ExpectedOutcome = z.strictObject({
  expectedId: z.string().max(100),
  injectId: z.string().max(100),
  action: z.string().max(40),
  objective: z.string().max(100),
  text: BilingualText,
  dueMinutes: z.number().int(),
  state: z.enum(OBSERVATION_STATES),
  at: z.iso.datetime().nullable(),
  scenarioMinutes: z.number().nullable(),
});
export type ExpectedOutcome = z.infer<typeof ExpectedOutcome>;

const SharedRating = z.strictObject({
  objective: z.string().max(100),
  capability: z.string().max(100).nullable(),
  rating: z.enum(RATINGS),
  note: z.string().max(4000),
});
const SharedObservation = z.strictObject({
  id: z.string().max(64),
  kind: z.enum(NOTE_KINDS),
  text: z.string().max(4000),
  objective: z.string().max(100).nullable(),
  capability: z.string().max(100).nullable(),
  at: z.iso.datetime(),
  scenarioMinutes: z.number(),
});
const SharedCorrective = CorrectiveActionView.omit({ side: true }).strict();

/** A side's part of the AAR as it travels (`liaison.exercise.aar`), and as the peer keeps it. */
export const AarPart = z.strictObject({
  side: z.enum(SCENARIO_SIDES),
  sharedAt: z.iso.datetime(),
  participants: z.strictObject({
    controllers: z.number().int().min(0),
    evaluators: z.number().int().min(0),
    players: z.number().int().min(0),
  }),
  ratings: z.array(SharedRating).max(1000),
  observations: z.array(SharedObservation).max(2000),
  /** The hotwash's strengths and improvements, without names (the free text stays home). */
  hotwash: z.strictObject({
    strengths: z.array(z.string().max(2000)).max(1000),
    improvements: z.array(z.string().max(2000)).max(1000),
  }),
  expected: z.array(ExpectedOutcome).max(1000),
  timeline: z.array(TimelineEntry).max(5000),
  correctiveActions: z.array(SharedCorrective).max(500),
});
export type AarPart = z.infer<typeof AarPart>;

export const EXERCISE_AAR_KIND = 'liaison.exercise.aar';
export const ExerciseAarMessage = z.strictObject({
  exerciseId: z.uuid(),
  part: AarPart,
});
export type ExerciseAarMessage = z.infer<typeof ExerciseAarMessage>;

export const RatingPair = z.object({
  objective: z.string(),
  capability: z.string().nullable(),
  ours: z.enum(RATINGS).nullable(),
  oursNote: z.string(),
  theirs: z.enum(RATINGS).nullable(),
  theirsNote: z.string(),
  /** Both sides rated it, differently. */
  diverge: z.boolean(),
});

export const AarView = z.object({
  exerciseId: z.string(),
  overview: z.object({
    title: BilingualText,
    summary: BilingualText,
    scenarioId: z.string(),
    scenarioVersion: z.number().int(),
    side: z.enum(SCENARIO_SIDES),
    peer: z.string(),
    sides: z.object({ A: BilingualText, B: BilingualText }),
    startedAt: z.iso.datetime().nullable(),
    endedAt: z.iso.datetime().nullable(),
    durationMinutes: z.number().int(),
    participants: z.object({
      ours: AarPart.shape.participants,
      theirs: AarPart.shape.participants.nullable(),
    }),
  }),
  /** When each side shared its part (null: not yet). */
  sharedAt: z.object({ ours: z.iso.datetime().nullable(), theirs: z.iso.datetime().nullable() }),
  objectives: z.array(
    z.object({
      id: z.string(),
      text: BilingualText,
      capabilities: z.array(z.string()),
      ratings: z.array(RatingPair),
    }),
  ),
  timeline: z.array(TimelineEntry),
  expected: z.object({ ours: z.array(ExpectedOutcome), theirs: z.array(ExpectedOutcome) }),
  strengths: z.array(z.object({ side: z.enum(SCENARIO_SIDES), text: z.string() })),
  improvements: z.array(z.object({ side: z.enum(SCENARIO_SIDES), text: z.string() })),
  correctiveActions: z.array(CorrectiveActionView),
});
export type AarView = z.infer<typeof AarView>;

export const AarQuery = z.object({ lang: z.enum(['en', 'zh-CN']).default('en') });
