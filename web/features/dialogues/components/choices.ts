import type {
  AttestationStatus,
  CommitmentState,
  DELEGATION_ROLES,
  MeasureComparator,
  OutcomeKind,
} from '../../../../src/core/schemas/dialogues';

// The choices the forms offer, as in core/schemas/dialogues.ts. Written out here so the
// pages do not bring zod into their chunks; `satisfies Record<…>` makes the compiler check
// each list against the schema's values, none missing and none extra.

export type DelegationRole = (typeof DELEGATION_ROLES)[number];

const keys = <T extends string>(set: Record<T, true>) => Object.keys(set) as T[];

export const ATTESTATION_STATUSES = keys({
  not_started: true,
  in_progress: true,
  done: true,
  blocked: true,
} satisfies Record<AttestationStatus, true>);

export const COMMITMENT_STATES = keys({
  not_started: true,
  in_progress: true,
  blocked: true,
  diverging: true,
  done: true,
} satisfies Record<CommitmentState, true>);

export const OUTCOME_KINDS = keys({
  agreement: true,
  statement: true,
  disagreement: true,
} satisfies Record<OutcomeKind, true>);

export const MEASURE_COMPARATORS = keys({
  gte: true,
  gt: true,
  lte: true,
  lt: true,
} satisfies Record<MeasureComparator, true>);

export const DELEGATION_ROLE_LIST = keys({
  head: true,
  deputy: true,
  member: true,
  expert: true,
  interpreter: true,
} satisfies Record<DelegationRole, true>);
