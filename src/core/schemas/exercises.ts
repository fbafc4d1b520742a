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
