/**
 * The dialogue record's rules (pure; the server and the web app share them): the moves of a
 * meeting's record between the two nodes, the combined state of a commitment from both
 * sides' statements, a tied measure against its threshold, and the checks a record's
 * content must pass. docs/dialogues.md tells the protocol around them.
 */
import type {
  AttestationStatus,
  CommitmentState,
  MeasureComparator,
  RecordStatus,
} from './schemas/dialogues.js';

// ---- the record's moves ------------------------------------------------------------------

/**
 * What can happen to a meeting's record: one node `propose`s a version; the other answers
 * the open version: `amend` (a counter-version, which is open in turn and answered by the
 * first), `accept` (both sign it: the record is agreed) or `decline`.
 */
export const RECORD_EVENTS = ['propose', 'amend', 'accept', 'decline'] as const;
export type RecordEvent = (typeof RECORD_EVENTS)[number];

/** Who makes the move, relative to the open version: the node that wrote it, or the other. */
export const RECORD_MOVERS = ['author', 'answerer'] as const;
export type RecordMover = (typeof RECORD_MOVERS)[number];

export type RecordMove =
  | { ok: true; status: RecordStatus }
  | { ok: false; code: 'record_open' | 'record_not_open' | 'record_agreed' | 'not_your_move' };

/**
 * The one transition function of a meeting's record, used by every path that changes it:
 * a person on this node (a refusal is a 409 with the code) and a peer's message (a refusal
 * drops the message as out of turn). `by` only matters while a version is open.
 */
export function nextRecordState(
  status: RecordStatus,
  event: RecordEvent,
  by: RecordMover,
): RecordMove {
  switch (status) {
    case 'draft':
    case 'declined':
      return event === 'propose'
        ? { ok: true, status: 'proposed' }
        : { ok: false, code: 'record_not_open' };
    case 'agreed':
      return { ok: false, code: 'record_agreed' };
    case 'proposed':
      if (event === 'propose') return { ok: false, code: 'record_open' };
      if (by !== 'answerer') return { ok: false, code: 'not_your_move' };
      if (event === 'amend') return { ok: true, status: 'proposed' };
      return { ok: true, status: event === 'accept' ? 'agreed' : 'declined' };
  }
}

/** What a move makes of the open version (an amendment leaves it `amended`). */
export function versionStatusAfter(
  event: Exclude<RecordEvent, 'propose'>,
): 'amended' | 'accepted' | 'declined' {
  return event === 'amend' ? 'amended' : event === 'accept' ? 'accepted' : 'declined';
}

/**
 * Two first proposals that cross (each node proposed the same version number before the
 * other's arrived): the proposal of the node whose id sorts first stands, on both nodes, so
 * they converge without anyone withdrawing. The node whose id sorts after gives way: it drops
 * its own open proposal and takes the peer's; the other refuses the peer's.
 */
export function crossedProposal(thisNode: string, peerNode: string): 'give_way' | 'stand' {
  return peerNode < thisNode ? 'give_way' : 'stand';
}

// ---- attestations ------------------------------------------------------------------------

/** One side's statement of a commitment at a time (epoch ms). */
export interface AttestationFact {
  side: string;
  status: AttestationStatus;
  at: number;
}

export interface CommitmentFold {
  /** The latest statement of each side, if it made one. */
  ours: AttestationFact | null;
  theirs: AttestationFact | null;
  state: CommitmentState;
  overdue: boolean;
}

/** The day after `day` (YYYY-MM-DD) begins, in UTC: the same instant on both nodes. */
export function dueEndsAt(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) + 86_400_000;
}

/**
 * The combined state of a commitment: each side's latest statement (by time; a side that
 * said nothing counts as not started); `done` only when both say done, `diverging` where
 * they differ, else the status they share. Overdue once the due date has passed (UTC)
 * and it is not done. Both nodes hold the same statements, so both fold to the same state.
 */
export function foldCommitment(
  facts: readonly AttestationFact[],
  sides: { ours: string; theirs: string },
  dueDate: string,
  now: number,
): CommitmentFold {
  let ours: AttestationFact | null = null;
  let theirs: AttestationFact | null = null;
  for (const fact of facts) {
    if (fact.side === sides.ours && (!ours || fact.at >= ours.at)) ours = fact;
    if (fact.side === sides.theirs && (!theirs || fact.at >= theirs.at)) theirs = fact;
  }
  const a = ours?.status ?? 'not_started';
  const b = theirs?.status ?? 'not_started';
  const state: CommitmentState = a === b ? a : 'diverging';
  return { ours, theirs, state, overdue: state !== 'done' && now >= dueEndsAt(dueDate) };
}

// ---- tied measures -----------------------------------------------------------------------

/** Whether a measure's value meets its threshold; null while the value is unknown. */
export function measureMet(
  value: number | null,
  comparator: MeasureComparator,
  threshold: number,
): boolean | null {
  if (value === null || !Number.isFinite(value)) return null;
  switch (comparator) {
    case 'gte':
      return value >= threshold;
    case 'gt':
      return value > threshold;
    case 'lte':
      return value <= threshold;
    case 'lt':
      return value < threshold;
  }
}

// ---- a record's content ------------------------------------------------------------------

export interface RecordProblem {
  /** Where, as a path into the content (e.g. `commitments.2.paragraph`). */
  field: string;
  message: string;
}

interface CheckedContent {
  outcomes: readonly { paragraph: number }[];
  commitments: readonly {
    id?: string | undefined;
    paragraph: number;
    ownerSides: readonly string[];
  }[];
}

/**
 * What the schema cannot see: paragraph numbers unique, each commitment hanging from an
 * outcome of the record, its owners parties of the dialogue, ids unique. Empty when sound.
 */
export function recordProblems(
  content: CheckedContent,
  parties: readonly string[],
): RecordProblem[] {
  const problems: RecordProblem[] = [];
  const paragraphs = new Set<number>();
  content.outcomes.forEach((o, i) => {
    if (paragraphs.has(o.paragraph)) {
      problems.push({
        field: `outcomes.${i}.paragraph`,
        message: `paragraph ${o.paragraph} is numbered twice`,
      });
    }
    paragraphs.add(o.paragraph);
  });
  const ids = new Set<string>();
  content.commitments.forEach((c, i) => {
    if (!paragraphs.has(c.paragraph)) {
      problems.push({
        field: `commitments.${i}.paragraph`,
        message: `no outcome has paragraph ${c.paragraph}`,
      });
    }
    const stranger = c.ownerSides.find((side) => !parties.includes(side));
    if (stranger !== undefined) {
      problems.push({
        field: `commitments.${i}.ownerSides`,
        message: `${stranger} is not a party to the dialogue`,
      });
    }
    if (new Set(c.ownerSides).size !== c.ownerSides.length) {
      problems.push({ field: `commitments.${i}.ownerSides`, message: 'a side is named twice' });
    }
    if (c.id !== undefined) {
      if (ids.has(c.id))
        problems.push({ field: `commitments.${i}.id`, message: 'the id is used twice' });
      ids.add(c.id);
    }
  });
  return problems;
}
