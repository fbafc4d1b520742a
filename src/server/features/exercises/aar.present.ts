import type { BilingualText, ScenarioSide } from '../../../core/exercises/scenario.js';
import type {
  AarPart,
  AarView,
  CorrectiveActionView,
  ExpectedOutcome,
  TimelineEntry,
} from '../../../core/schemas/exercise-evaluation.js';
import type { ExerciseCorrectiveActionRow, ExerciseEvaluatorNoteRow } from './evaluation.table.js';
import { firedHere, mselOf } from './exercises.present.js';
import type {
  ExerciseFeedRow,
  ExerciseInjectRow,
  ExerciseObservationRow,
  ExerciseRow,
} from './exercises.table.js';
import { expectationsOf } from './observations.service.js';

const iso = (ms: number) => new Date(Number(ms)).toISOString();
const minutes = (ms: number) => Math.floor(Number(ms) / 6_000) / 10;
const plain = (text: string): BilingualText => ({ en: text, 'zh-CN': text });
const MINUTE = 60_000;

/** The merged timeline: by wall time, then by key, so both nodes list it alike. */
export function mergeTimeline(...parts: readonly (readonly TimelineEntry[])[]): TimelineEntry[] {
  return parts
    .flat()
    .slice()
    .sort((a, b) =>
      a.at < b.at ? -1 : a.at > b.at ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
    );
}

/** This side's expected actions and what the node observed of them (expected vs actual). */
export function expectedOutcomes(
  row: ExerciseRow,
  seen: ExerciseObservationRow[],
  skipped: ReadonlySet<string>,
): ExpectedOutcome[] {
  const bySeen = new Map(seen.map((o) => [o.expected_id, o]));
  const injects = new Map(mselOf(row).injects.map((i) => [i.id, i]));
  return expectationsOf(row).map((expected) => {
    const o = bySeen.get(expected.id);
    const at = injects.get(expected.injectId)?.atMinutes ?? 0;
    return {
      expectedId: expected.id,
      injectId: expected.injectId,
      action: expected.action,
      objective: expected.objective,
      text: expected.text,
      dueMinutes: at + expected.within,
      state: o?.state ?? (skipped.has(expected.injectId) ? 'skipped' : 'pending'),
      at: o?.at == null ? null : iso(o.at),
      scenarioMinutes: o?.scenario_ms == null ? null : minutes(o.scenario_ms),
    };
  });
}

/** This side's lines of the timeline: injects it fired, what arrived, what it observed. */
export function sideTimeline(
  row: ExerciseRow,
  injects: ExerciseInjectRow[],
  arrivals: ExerciseFeedRow[],
  expected: ExpectedOutcome[],
  notes: ExerciseEvaluatorNoteRow[],
): TimelineEntry[] {
  const side = row.side;
  const msel = new Map(mselOf(row).injects.map((i) => [i.id, i]));
  const entries: TimelineEntry[] = [];
  for (const state of injects) {
    const inject = msel.get(state.inject_id);
    if (!inject || state.state !== 'fired' || state.fired_at == null || !firedHere(inject, side))
      continue;
    entries.push({
      key: `${side}:inject_fired:${inject.id}`,
      side,
      kind: 'inject_fired',
      at: iso(state.fired_at),
      scenarioMinutes: Number(state.fired_scenario_ms ?? inject.atMinutes * MINUTE) / MINUTE,
      title: inject.title,
      detail: inject.channel,
    });
  }
  for (const item of arrivals) {
    entries.push({
      key: `${side}:received:${item.id}`,
      side,
      kind: 'received',
      at: iso(item.at),
      scenarioMinutes: minutes(item.scenario_ms),
      title: JSON.parse(item.title) as BilingualText,
      detail: item.kind,
    });
  }
  for (const outcome of expected) {
    if (outcome.at === null || outcome.state === 'pending' || outcome.state === 'skipped') continue;
    entries.push({
      key: `${side}:expected:${outcome.expectedId}`,
      side,
      kind: 'expected',
      at: outcome.at,
      scenarioMinutes: outcome.scenarioMinutes ?? 0,
      title: outcome.text,
      detail: outcome.state,
    });
  }
  for (const note of notes) {
    entries.push({
      key: `${side}:observation:${note.id}`,
      side,
      kind: 'observation',
      at: iso(note.at),
      scenarioMinutes: minutes(note.scenario_ms),
      title: plain(note.text),
      detail: note.kind,
    });
  }
  return mergeTimeline(entries);
}

export function presentCorrective(
  row: ExerciseCorrectiveActionRow,
  side: ScenarioSide,
): CorrectiveActionView {
  return {
    id: row.id,
    title: row.title,
    capability: row.capability,
    ownerSide: row.owner_side,
    owner: row.owner,
    startDate: row.start_date,
    dueDate: row.due_date,
    status: row.status,
    side,
  };
}

/** Strengths or areas for improvement of a part: its evaluators' and its hotwash's. */
function findings(part: AarPart | null, kind: 'strength' | 'improvement') {
  if (!part) return [];
  const hotwash = kind === 'strength' ? part.hotwash.strengths : part.hotwash.improvements;
  return [...part.observations.filter((o) => o.kind === kind).map((o) => o.text), ...hotwash].map(
    (text) => ({ side: part.side, text }),
  );
}

/** What the overview and the side by side need beyond the two parts. */
export interface AarFrame {
  row: ExerciseRow;
  startedAt: number | null;
  endedAt: number | null;
  /** When this side shared its part (null: `ours` is the live evaluation, not yet sent). */
  sharedAt: string | null;
}

/** The AAR/IP: this side's part and the peer's, side by side; one timeline. */
export function presentAar(frame: AarFrame, ours: AarPart, theirs: AarPart | null): AarView {
  const { row } = frame;
  const msel = mselOf(row);
  const rating = (part: AarPart | null, objective: string, capability: string | null) =>
    part?.ratings.find((r) => r.objective === objective && r.capability === capability);
  return {
    exerciseId: row.id,
    overview: {
      title: msel.title,
      summary: msel.summary,
      scenarioId: row.scenario_id,
      scenarioVersion: Number(row.scenario_version),
      side: row.side,
      peer: row.peer_id,
      sides: { A: msel.sides.A.description, B: msel.sides.B.description },
      startedAt: frame.startedAt === null ? null : iso(frame.startedAt),
      endedAt: frame.endedAt === null ? null : iso(frame.endedAt),
      durationMinutes: msel.durationMinutes,
      participants: { ours: ours.participants, theirs: theirs?.participants ?? null },
    },
    sharedAt: { ours: frame.sharedAt, theirs: theirs?.sharedAt ?? null },
    objectives: msel.objectives.map((objective) => ({
      id: objective.id,
      text: objective.text,
      capabilities: objective.capabilities,
      ratings: [null, ...objective.capabilities].map((capability) => {
        const a = rating(ours, objective.id, capability);
        const b = rating(theirs, objective.id, capability);
        return {
          objective: objective.id,
          capability,
          ours: a?.rating ?? null,
          oursNote: a?.note ?? '',
          theirs: b?.rating ?? null,
          theirsNote: b?.note ?? '',
          diverge: !!a && !!b && a.rating !== b.rating,
        };
      }),
    })),
    timeline: mergeTimeline(ours.timeline, theirs?.timeline ?? []),
    expected: { ours: ours.expected, theirs: theirs?.expected ?? [] },
    strengths: [...findings(ours, 'strength'), ...findings(theirs, 'strength')],
    improvements: [...findings(ours, 'improvement'), ...findings(theirs, 'improvement')],
    correctiveActions: [
      ...ours.correctiveActions.map((a) => ({ ...a, side: ours.side })),
      ...(theirs?.correctiveActions ?? []).map((a) => ({ ...a, side: theirs?.side ?? ours.side })),
    ],
  };
}
