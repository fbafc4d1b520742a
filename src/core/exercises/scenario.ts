import { z } from 'zod';
import { PRIORITIES } from '../hotline.js';
import { REQUEST_FIELDS, REQUEST_TYPES, URGENCIES } from '../requests.js';
import { checkPatternValues, checkStixPattern } from '../stix/pattern.js';

/**
 * A tabletop scenario (HSEEP's words): objectives with the capabilities they test, and a
 * master scenario events list (MSEL) of injects, each with the actions expected of a side.
 * Written as YAML in scenarios/ (scenario-yaml.ts reads it and names the line of a mistake).
 *
 * A scenario is written for two sides, A and B; a run assigns each to a node. Each side's
 * expected actions are its own: a node keeps them, and never sends them to the other side
 * before the after-action report is shared.
 */
export const SCENARIO_FORMAT = 'liaison-scenario/1';

/** The sides of a scenario, and "control" for a controller playing a simulated actor. */
export const SCENARIO_SIDES = ['A', 'B'] as const;
export type ScenarioSide = (typeof SCENARIO_SIDES)[number];

/** How an inject reaches the players: the node's real channels, or a narrative message. */
export const INJECT_CHANNELS = [
  'call',
  'request',
  'case_object',
  'note',
  'ping',
  'narrative',
] as const;
export type InjectChannel = (typeof INJECT_CHANNELS)[number];

/** The roles of the players an inject is for (the node's roles that play). */
export const PLAYER_ROLES = ['officer', 'analyst'] as const;

/**
 * What a node can observe its players doing, by itself. `other` is rated by an evaluator.
 * Each names the channel of the inject it answers, when it answers one.
 */
export const EXPECTED_ACTIONS = {
  acknowledge_call: 'call',
  resolve_call: 'call',
  answer_ping: 'ping',
  acknowledge_request: 'request',
  fulfil_request: 'request',
  send_request: null,
  share_object: null,
  send_note: null,
  place_call: null,
  other: null,
} as const satisfies Record<string, InjectChannel | null>;
export type ExpectedActionKind = keyof typeof EXPECTED_ACTIONS;
const EXPECTED_ACTION_KINDS = Object.keys(EXPECTED_ACTIONS) as [
  ExpectedActionKind,
  ...ExpectedActionKind[],
];

/** HSEEP's ratings: performed without challenges, with some, with major ones, unable. */
export const RATINGS = ['P', 'S', 'M', 'U'] as const;
export type Rating = (typeof RATINGS)[number];

export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;

/** English and Chinese, both required: the two sides read their own language. */
export const BilingualText = z.strictObject({
  en: z.string().trim().min(1, 'the English text is empty'),
  'zh-CN': z.string().trim().min(1, 'the Chinese text is empty'),
});
export type BilingualText = z.infer<typeof BilingualText>;

const Slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lower-case letters, digits and hyphens (at most 63)');

/** Minutes from a text: "T+01:30" (scenario time) or "00:10" (a duration). */
function minutesOf(text: string): number {
  const [hours, minutes] = text.replace(/^T\+/, '').split(':');
  return Number(hours) * 60 + Number(minutes);
}

/** Scenario time of an inject, "T+hh:mm" from the exercise's start, as minutes. */
export const ScenarioTime = z
  .string()
  .regex(/^T\+\d{1,3}:[0-5]\d$/, 'write scenario time as T+hh:mm, e.g. T+01:30')
  .transform(minutesOf);

/** A duration "hh:mm", as minutes (at least one). */
export const Duration = z
  .string()
  .regex(/^\d{1,3}:[0-5]\d$/, 'write a duration as hh:mm, e.g. 00:10')
  .transform(minutesOf)
  .refine((minutes) => minutes > 0, 'a duration must be at least one minute');

export const Objective = z.strictObject({
  id: Slug,
  text: BilingualText,
  /** HSEEP core capabilities (or the sides' own names), kebab-case. */
  capabilities: z.array(Slug).min(1, 'name at least one capability'),
});
export type Objective = z.infer<typeof Objective>;

export const ExpectedAction = z.strictObject({
  id: Slug,
  side: z.enum(SCENARIO_SIDES),
  action: z.enum(EXPECTED_ACTION_KINDS),
  objective: Slug,
  /** How long after the inject the side has, in exercise time. */
  within: Duration,
  text: BilingualText,
  /** For send_request: the type, and the fields the request must carry. */
  requestType: z.enum(REQUEST_TYPES).optional(),
  fields: z.array(z.enum(REQUEST_FIELDS)).optional(),
  /** For share_object: the marking it must carry (at most this level). */
  marking: z.enum(TLP_LEVELS).optional(),
});
export type ExpectedAction = z.infer<typeof ExpectedAction>;

const Target = z.strictObject({
  side: z.enum(SCENARIO_SIDES),
  role: z.enum(PLAYER_ROLES).default('officer'),
});

export const Inject = z.strictObject({
  id: Slug,
  at: ScenarioTime,
  /** The side that sends it through its node, or `control` (a simulated actor). */
  from: z.enum([...SCENARIO_SIDES, 'control']),
  to: Target,
  channel: z.enum(INJECT_CHANNELS),
  title: BilingualText,
  body: BilingualText,
  /** channel call: how urgent the call is. */
  priority: z.enum(PRIORITIES).optional(),
  /** channel request: its type and urgency. */
  requestType: z.enum(REQUEST_TYPES).optional(),
  urgency: z.enum(URGENCIES).optional(),
  /** channel case_object: the indicator's STIX pattern and its marking. */
  pattern: z.string().min(1).optional(),
  marking: z.enum(TLP_LEVELS).optional(),
  expect: z.array(ExpectedAction).default([]),
});
export type Inject = z.infer<typeof Inject>;

export const Scenario = z
  .strictObject({
    format: z.literal(SCENARIO_FORMAT, `write format: ${SCENARIO_FORMAT}`),
    id: Slug,
    version: z.number().int().min(1),
    title: BilingualText,
    summary: BilingualText,
    sides: z.strictObject({
      A: z.strictObject({ description: BilingualText }),
      B: z.strictObject({ description: BilingualText }),
    }),
    /** How long the exercise runs, in scenario time. */
    duration: Duration,
    objectives: z.array(Objective).min(1, 'a scenario needs at least one objective'),
    injects: z.array(Inject).min(1, 'a scenario needs at least one inject'),
  })
  .superRefine((scenario, ctx) => {
    for (const issue of crossChecks(scenario)) ctx.addIssue({ code: 'custom', ...issue });
  });
export type Scenario = z.infer<typeof Scenario>;
/** A scenario as written (before times become minutes). */
export type ScenarioInput = z.input<typeof Scenario>;

export interface CrossIssue {
  path: (string | number)[];
  message: string;
}

/** What the shape alone cannot say: ids unique and known, payloads that fit the channel. */
function crossChecks(scenario: {
  duration: number;
  objectives: Objective[];
  injects: Inject[];
}): CrossIssue[] {
  const issues: CrossIssue[] = [];
  const objectives = new Set<string>();
  scenario.objectives.forEach((objective, i) => {
    if (objectives.has(objective.id)) {
      issues.push({ path: ['objectives', i, 'id'], message: `${objective.id} is used twice` });
    }
    objectives.add(objective.id);
  });
  const ids = new Set<string>();
  scenario.injects.forEach((inject, i) => {
    const context = { duration: scenario.duration, objectives, ids };
    issues.push(...injectChecks(inject, context, ['injects', i]));
  });
  return issues;
}

/** What a scenario knows when one inject is checked against it. */
export interface InjectContext {
  duration: number;
  objectives: ReadonlySet<string>;
  /** Ids of injects and expected actions seen so far; this inject's are added. */
  ids: Set<string>;
}

/**
 * One inject's checks beyond its shape, at `where` (its path): a unique id, within the
 * duration, to the other side, its channel's own fields, and its expected actions (known
 * objective, fitting the channel and the side it reaches). Used for a scenario's MSEL and
 * for an inject a controller adds during a run.
 */
export function injectChecks(
  inject: Inject,
  context: InjectContext,
  where: (string | number)[],
): CrossIssue[] {
  const issues: CrossIssue[] = [];
  const { ids, objectives } = context;
  const at = (field: string | number, ...rest: (string | number)[]) => [...where, field, ...rest];
  if (ids.has(inject.id)) issues.push({ path: at('id'), message: `${inject.id} is used twice` });
  ids.add(inject.id);
  if (inject.at > context.duration) {
    issues.push({ path: at('at'), message: 'comes after the end of the scenario (duration)' });
  }
  if (inject.from === inject.to.side) {
    issues.push({ path: at('to', 'side'), message: 'an inject goes to the other side' });
  }
  issues.push(...channelChecks(inject).map(([field, message]) => ({ path: at(field), message })));
  inject.expect.forEach((expected, j) => {
    const path = (field: string) => at('expect', j, field);
    if (ids.has(expected.id)) {
      issues.push({ path: path('id'), message: `${expected.id} is used twice` });
    }
    ids.add(expected.id);
    issues.push(
      ...expectedChecks(inject, expected).map(([f, message]) => ({ path: path(f), message })),
    );
    if (!objectives.has(expected.objective)) {
      issues.push({ path: path('objective'), message: `no objective ${expected.objective}` });
    }
  });
  return issues;
}

/** An expected action against its inject: the channel it answers, the side, its fields. */
function expectedChecks(inject: Inject, expected: ExpectedAction): [string, string][] {
  const problems: [string, string][] = [];
  const answers = EXPECTED_ACTIONS[expected.action];
  if (answers !== null && answers !== inject.channel) {
    problems.push([
      'action',
      `${expected.action} answers a ${answers} inject, and this one is a ${inject.channel}`,
    ]);
  }
  if (answers !== null && expected.side !== inject.to.side) {
    problems.push(['side', 'only the side the inject reaches can answer it']);
  }
  if (expected.action === 'send_request' && !expected.requestType) {
    problems.push(['requestType', 'say which type of request is expected']);
  }
  return problems;
}

/** A channel's own fields: required where the channel needs them, refused where it does not. */
function channelChecks(inject: Inject): [string, string][] {
  const wants: Record<InjectChannel, (keyof Inject)[]> = {
    call: ['priority'],
    request: ['requestType', 'urgency'],
    case_object: ['pattern', 'marking'],
    note: [],
    ping: [],
    narrative: [],
  };
  const all: (keyof Inject)[] = ['priority', 'requestType', 'urgency', 'pattern', 'marking'];
  const needed = wants[inject.channel];
  const problems: [string, string][] = [];
  for (const field of all) {
    const present = inject[field] !== undefined;
    if (needed.includes(field) && !present) {
      problems.push([field, `a ${inject.channel} inject needs ${field}`]);
    } else if (!needed.includes(field) && present) {
      problems.push([field, `a ${inject.channel} inject has no ${field}`]);
    }
  }
  if (inject.pattern !== undefined) {
    const errors = [...checkStixPattern(inject.pattern), ...checkPatternValues(inject.pattern)];
    if (errors.length > 0) problems.push(['pattern', errors.join('; ')]);
  }
  if (inject.from === 'control' && inject.channel !== 'narrative') {
    problems.push(['from', 'a controller sends only narrative injects; real channels need a side']);
  }
  return problems;
}

/** Every expected action of one side, with the inject it follows. */
export function expectedActionsOf(
  scenario: Scenario,
  side: ScenarioSide,
): { inject: Inject; expected: ExpectedAction }[] {
  return scenario.injects.flatMap((inject) =>
    inject.expect.filter((e) => e.side === side).map((expected) => ({ inject, expected })),
  );
}

/** The scenario as the other side may see it: the MSEL and objectives, no expected actions. */
export function withoutExpectations(scenario: Scenario): Scenario {
  return { ...scenario, injects: scenario.injects.map((inject) => ({ ...inject, expect: [] })) };
}
