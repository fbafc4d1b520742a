/**
 * Requests for assistance: types, fields, statuses and the moves between them (pure; the
 * server and the web app share it).
 *
 * Both nodes keep the request's timeline: the events each side made, with a Lamport number
 * (one more than the highest the actor had seen). Ordered by (lamport, node, id), the
 * timeline is the same on both sides, and the status is a fold over it: each event moves
 * the status if its move is allowed from the status reached so far, and is kept, without
 * effect, if not (two sides acting at once). So both sides converge on the same status.
 */
export const REQUEST_TYPES = [
  'preservation',
  'preservation_extension',
  'subscriber_information',
  'traffic_data',
  'content',
  'emergency_disclosure',
  'mutual_legal_assistance',
  'takedown',
  'incident_assistance',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const URGENCIES = ['routine', 'urgent', 'emergency'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** The fields a request can carry; the arrangement says which each type requires. */
export const REQUEST_FIELDS = [
  'requesting_authority',
  'reference_number',
  'offence',
  'brief_facts',
  'data_requested',
  'relation_to_offence',
  'custodian_location',
  'preservation_reason',
  'mla_to_follow',
  'identifiers',
  'time_range',
  'threat_to_life',
  'legal_basis',
  'takedown_target',
  'incident_description',
  'confirmation_contact',
] as const;
export type RequestField = (typeof REQUEST_FIELDS)[number];

/** Who asks, under which reference, about which offence: what most requests begin with. */
const CASE_FIELDS = ['requesting_authority', 'reference_number', 'offence', 'brief_facts'] as const;
/** Whose data, over which period, and why it matters to the case. */
const SUBJECT_FIELDS = ['identifiers', 'time_range', 'relation_to_offence'] as const;
/** A request for stored data that needs a legal basis. */
const EVIDENCE_FIELDS = [...CASE_FIELDS, 'data_requested', 'legal_basis'] as const;

/**
 * The fields each type requires under the default arrangement (built from the Council of
 * Europe T-CY templates, core/arrangements.ts); the sides may agree on others. The order
 * is the order a missing list is reported in, and part of the default terms' hash.
 */
export const DEFAULT_REQUIRED_FIELDS: Readonly<Record<RequestType, readonly RequestField[]>> = {
  preservation: [
    ...CASE_FIELDS,
    'data_requested',
    'relation_to_offence',
    'custodian_location',
    'preservation_reason',
    'mla_to_follow',
    'confirmation_contact',
  ],
  preservation_extension: [
    'requesting_authority',
    'reference_number',
    'data_requested',
    'preservation_reason',
  ],
  subscriber_information: [...CASE_FIELDS, ...SUBJECT_FIELDS, 'confirmation_contact'],
  traffic_data: [...CASE_FIELDS, ...SUBJECT_FIELDS, 'legal_basis'],
  content: EVIDENCE_FIELDS,
  emergency_disclosure: [
    'requesting_authority',
    'threat_to_life',
    'data_requested',
    'identifiers',
    'confirmation_contact',
  ],
  mutual_legal_assistance: EVIDENCE_FIELDS,
  takedown: ['requesting_authority', 'reference_number', 'takedown_target', 'brief_facts'],
  incident_assistance: ['requesting_authority', 'incident_description', 'confirmation_contact'],
};

/** Fields that are a statement to affirm (true) rather than a text. */
export const STATEMENT_FIELDS: readonly RequestField[] = ['mla_to_follow'];

export type RequestFields = Partial<Record<RequestField, string | boolean>>;

export const REQUEST_STATUSES = [
  'draft',
  'sent',
  'acknowledged',
  'in_progress',
  'more_information_needed',
  'fulfilled',
  'partially_fulfilled',
  'declined',
  'withdrawn',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const CLOSED_STATUSES: readonly RequestStatus[] = [
  'fulfilled',
  'partially_fulfilled',
  'declined',
  'withdrawn',
];
const OPEN: RequestStatus[] = ['sent', 'acknowledged', 'in_progress', 'more_information_needed'];

export const PRESERVATION_STATUSES = ['active', 'extended', 'expired', 'released'] as const;
export type PreservationStatus = (typeof PRESERVATION_STATUSES)[number];

/** Which side may make a move: the node that sent the request, or the one answering it. */
export type Side = 'requester' | 'responder';

export const REQUEST_ACTIONS = [
  'send',
  'acknowledge',
  'start',
  'request_information',
  'provide_information',
  'fulfil',
  'fulfil_partially',
  'decline',
  'withdraw',
  'message',
  'extend_preservation',
  'release_preservation',
  'expire_preservation',
] as const;
export type RequestAction = (typeof REQUEST_ACTIONS)[number];

interface Move {
  side: Side | 'either';
  from: readonly RequestStatus[];
  /** The status after; undefined keeps it. */
  to?: RequestStatus;
  /** The move needs a text (a reason, the question, the answer). */
  needsText?: boolean;
  /** Only for preservation requests, on their preservation status. */
  preservation?: { from: readonly (PreservationStatus | null)[]; to: PreservationStatus };
}

export const MOVES: Record<RequestAction, Move> = {
  send: { side: 'requester', from: ['draft'], to: 'sent' },
  acknowledge: { side: 'responder', from: ['sent'], to: 'acknowledged' },
  start: { side: 'responder', from: ['acknowledged'], to: 'in_progress' },
  request_information: {
    side: 'responder',
    from: ['sent', 'acknowledged', 'in_progress'],
    to: 'more_information_needed',
    needsText: true,
  },
  provide_information: {
    side: 'requester',
    from: ['more_information_needed'],
    to: 'in_progress',
    needsText: true,
  },
  fulfil: { side: 'responder', from: ['acknowledged', 'in_progress'], to: 'fulfilled' },
  fulfil_partially: {
    side: 'responder',
    from: ['acknowledged', 'in_progress'],
    to: 'partially_fulfilled',
    needsText: true,
  },
  decline: { side: 'responder', from: OPEN, to: 'declined', needsText: true },
  withdraw: { side: 'requester', from: OPEN, to: 'withdrawn' },
  message: { side: 'either', from: [...OPEN, ...CLOSED_STATUSES] },
  extend_preservation: {
    side: 'responder',
    from: ['fulfilled', 'partially_fulfilled'],
    preservation: { from: ['active', 'extended'], to: 'extended' },
  },
  release_preservation: {
    side: 'either',
    from: ['fulfilled', 'partially_fulfilled'],
    preservation: { from: ['active', 'extended'], to: 'released' },
  },
  expire_preservation: {
    side: 'responder',
    from: ['fulfilled', 'partially_fulfilled'],
    preservation: { from: ['active', 'extended'], to: 'expired' },
  },
};

/** Preservation becomes active when the responder (partly) fulfils a preservation request. */
export function startsPreservation(type: RequestType, action: RequestAction): boolean {
  return (
    (type === 'preservation' || type === 'preservation_extension') &&
    (action === 'fulfil' || action === 'fulfil_partially')
  );
}

export interface TimelineEvent {
  id: string;
  lamport: number;
  /** The node whose user (or timer) made the move. */
  node: string;
  action: RequestAction;
  at: number;
  /** The preservation period (or extension) in days the responder set; null: the terms'. */
  days?: number | null;
}

export function compareEvents(a: TimelineEvent, b: TimelineEvent): number {
  if (a.lamport !== b.lamport) return a.lamport - b.lamport;
  if (a.node !== b.node) return a.node < b.node ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface FoldedState {
  status: RequestStatus;
  preservation: PreservationStatus | null;
  /** Ids of events that had no effect (a move no longer allowed when it arrived). */
  superseded: string[];
  /** When the status first left `sent`, when it first closed. */
  acknowledgedAt: number | null;
  closedAt: number | null;
  /** When preservation began and the last extension (for the expiry clock). */
  preservationStartedAt: number | null;
  extensions: number;
  /** The period the responder set when preservation began (null: the terms' period). */
  preservationDays: number | null;
  /** Each extension's days as set (null: the terms' extension). */
  extensionDays: (number | null)[];
}

/**
 * The state of a request after its events, in timeline order. `sideOf` says which side the
 * node of an event is on.
 */
export function foldRequest(
  type: RequestType,
  events: readonly TimelineEvent[],
  sideOf: (node: string) => Side,
): FoldedState {
  const state: FoldedState = {
    status: 'draft',
    preservation: null,
    superseded: [],
    acknowledgedAt: null,
    closedAt: null,
    preservationStartedAt: null,
    extensions: 0,
    preservationDays: null,
    extensionDays: [],
  };
  for (const event of [...events].sort(compareEvents)) {
    const move = MOVES[event.action];
    const side = sideOf(event.node);
    const allowed =
      (move.side === 'either' || move.side === side) &&
      move.from.includes(state.status) &&
      (!move.preservation || move.preservation.from.includes(state.preservation));
    if (!allowed) {
      state.superseded.push(event.id);
      continue;
    }
    if (move.to) {
      if (state.acknowledgedAt === null && state.status === 'sent' && side === 'responder') {
        state.acknowledgedAt = event.at;
      }
      state.status = move.to;
      if (CLOSED_STATUSES.includes(move.to)) state.closedAt ??= event.at;
    }
    if (startsPreservation(type, event.action)) {
      state.preservation = 'active';
      state.preservationStartedAt = event.at;
      state.preservationDays = event.days ?? null;
    }
    if (move.preservation) {
      state.preservation = move.preservation.to;
      if (event.action === 'extend_preservation') {
        state.extensions++;
        state.extensionDays.push(event.days ?? null);
      }
    }
  }
  return state;
}

/** Whether `side` may make `action` now; a reason when not (for the error message). */
export function checkMove(
  action: RequestAction,
  side: Side,
  status: RequestStatus,
  preservation: PreservationStatus | null,
): string | undefined {
  const move = MOVES[action];
  if (move.side !== 'either' && move.side !== side) {
    return `${action} is the ${move.side}'s move; this node is the ${side} of the request`;
  }
  if (!move.from.includes(status)) {
    return `${action} is not possible while the request is ${status} (only when ${move.from.join(', ')})`;
  }
  if (move.preservation && !move.preservation.from.includes(preservation)) {
    return `${action} is not possible while preservation is ${preservation ?? 'not started'}`;
  }
  return undefined;
}

/** A field counts as filled when it is a non-blank text, or a statement affirmed (true). */
export function isFilled(value: string | boolean | undefined): boolean {
  if (typeof value === 'boolean') return value;
  return typeof value === 'string' && value.trim().length > 0;
}

export function missingFields(
  required: readonly RequestField[],
  fields: RequestFields,
): RequestField[] {
  return required.filter((field) => !isFilled(fields[field]));
}

/** Drops cleared fields (empty strings, false statements): what a draft keeps of an edit. */
export function cleanFields(fields: RequestFields): RequestFields {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => isFilled(value)));
}

/**
 * The largest attachment, before encoding. It travels base64 inside a message that is
 * signed and encrypted (two more base64url layers, × 2.37 in all), and an envelope is at
 * most 4 MiB: 1.5 MiB leaves room for the rest of the message.
 */
export const MAX_ATTACHMENT_BYTES = 1.5 * 1024 * 1024;
