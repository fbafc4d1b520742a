/**
 * The hotline's vocabulary (pure; the server and the web app share it). DESIGN.md: "a
 * hotline call: an urgent message with an acknowledgement deadline and a ladder of
 * recipients; it escalates rung by rung until someone acknowledges".
 */
export const TIERS = ['technical', 'formal_inquiry', 'senior'] as const;
export type Tier = (typeof TIERS)[number];

export const PRIORITIES = ['routine', 'urgent', 'flash'] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * A call's state as both sides see it. `sent`: committed on the caller's node, not yet
 * confirmed by the peer; `not_delivered`: the peer did not confirm within the delivery
 * timeout (the caller's fallback fired; the call stays queued and is delivered when the
 * peer returns); `delivered`: the peer's node has it and its ladder runs; `seen`: shown to
 * someone there; `acknowledged`: someone took it; `resolved`: closed with an outcome.
 */
export const CALL_STATES = [
  'sent',
  'not_delivered',
  'delivered',
  'seen',
  'acknowledged',
  'resolved',
] as const;
export type CallState = (typeof CALL_STATES)[number];

/** What a call's timeline records. */
export const CALL_EVENT_KINDS = [
  'created',
  'not_delivered',
  'fallback',
  'delivered',
  'rung',
  'nobody_on_duty',
  'reminder',
  'seen',
  'acknowledged',
  'resolved',
  'notified',
  'notify_failed',
] as const;
export type CallEventKind = (typeof CALL_EVENT_KINDS)[number];

/** Channels a rung reaches its people by. */
export const CHANNELS = ['browser', 'email', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

/** After the last rung, every rung is alerted again each deadline, this many times. */
export const MAX_REMINDERS = 10;

/** The default minutes to acknowledge, per tier and priority, until an arrangement says otherwise. */
export const DEFAULT_ACKNOWLEDGE_MINUTES: Record<Tier, Record<Priority, number>> = {
  technical: { routine: 60, urgent: 15, flash: 5 },
  formal_inquiry: { routine: 240, urgent: 60, flash: 15 },
  senior: { routine: 240, urgent: 60, flash: 15 },
};

// ---- the call's moves ----------------------------------------------------------------------

/**
 * A call's two sides: the node that placed it (`caller`, its direction is `out`) and the
 * node that took it (`receiver`, direction `in`). Both keep the call's state; every change
 * of it, made here or reported by the peer, goes through `nextCallState`.
 */
export type CallSide = 'caller' | 'receiver';
export type CallDirection = 'out' | 'in';

/**
 * What can happen to a call. `time_out`: the caller's delivery timer fired before the peer
 * confirmed; `deliver`: the receiver has it; `escalate`: the receiver's ladder moved (the
 * next rung, a reminder, or the last reminder spent: the state stays); `see`: shown to
 * someone at the receiver; `acknowledge`: someone there took it; `resolve`: closed with an
 * outcome, by either side.
 */
export const CALL_EVENTS = [
  'time_out',
  'deliver',
  'escalate',
  'see',
  'acknowledge',
  'resolve',
] as const;
export type CallEvent = (typeof CALL_EVENTS)[number];

/** Acknowledged and resolved calls are settled: nobody waits for them, no ladder runs. */
export const SETTLED_CALL_STATES: readonly CallState[] = ['acknowledged', 'resolved'];
export const OPEN_CALL_STATES: readonly CallState[] = CALL_STATES.filter(
  (state) => !SETTLED_CALL_STATES.includes(state),
);

export function isOpen(state: CallState): boolean {
  return !SETTLED_CALL_STATES.includes(state);
}

/**
 * Why a move is refused. `not_your_move`: the event is the other side's; `call_moved_on`:
 * the call is past the point where the event applies (a late or repeated step, which a
 * node drops); the two others are the refusals a person is told about.
 */
export type CallRefusal =
  'not_your_move' | 'call_moved_on' | 'call_already_acknowledged' | 'call_already_resolved';

interface CallMove {
  side: CallSide | 'either';
  from: readonly CallState[];
  /** The state after; undefined keeps the state. */
  to?: CallState;
  /** The refusal when the call's state does not allow the move. */
  refusal: CallRefusal;
}

export const CALL_MOVES: Record<CallEvent, CallMove> = {
  time_out: { side: 'caller', from: ['sent'], to: 'not_delivered', refusal: 'call_moved_on' },
  deliver: {
    side: 'receiver',
    from: ['sent', 'not_delivered'],
    to: 'delivered',
    refusal: 'call_moved_on',
  },
  escalate: { side: 'receiver', from: OPEN_CALL_STATES, refusal: 'call_moved_on' },
  see: {
    side: 'receiver',
    from: ['sent', 'not_delivered', 'delivered'],
    to: 'seen',
    refusal: 'call_moved_on',
  },
  acknowledge: {
    side: 'receiver',
    from: OPEN_CALL_STATES,
    to: 'acknowledged',
    refusal: 'call_already_acknowledged',
  },
  resolve: {
    side: 'either',
    from: CALL_STATES.filter((state) => state !== 'resolved'),
    to: 'resolved',
    refusal: 'call_already_resolved',
  },
};

export type CallStep =
  { ok: true; to: CallState } | { ok: false; code: CallRefusal; reason: string };

/**
 * The state after `event`, made by `side`, on a call in `state`; or why not. The side is
 * checked first: a step reported by the wrong side is refused whatever the state.
 */
export function nextCallState(state: CallState, event: CallEvent, side: CallSide): CallStep {
  const move = CALL_MOVES[event];
  if (move.side !== 'either' && move.side !== side) {
    return {
      ok: false,
      code: 'not_your_move',
      reason: `${event} is the ${move.side}'s move, not the ${side}'s`,
    };
  }
  if (!move.from.includes(state)) {
    return {
      ok: false,
      code: move.refusal,
      reason: `${event} is not possible while the call is ${state} (only when ${move.from.join(', ')})`,
    };
  }
  return { ok: true, to: move.to ?? state };
}

/** Which side made a move: this node (`here`) or its peer, on a call of `direction` here. */
export function callSide(direction: CallDirection, by: 'here' | 'peer'): CallSide {
  const mine: CallSide = direction === 'out' ? 'caller' : 'receiver';
  if (by === 'here') return mine;
  return mine === 'caller' ? 'receiver' : 'caller';
}

/** The state a call starts in on each side: placed (not yet confirmed), or received. */
export const FIRST_CALL_STATE: Record<CallDirection, CallState> = {
  out: 'sent',
  in: 'delivered',
};

/** A call delivered from this state reached the peer after the caller was told it had not. */
export function deliveredLate(from: CallState): boolean {
  return from === 'not_delivered';
}

/** Where a rung's deadline without an acknowledgement takes the ladder. */
export type Escalation =
  { kind: 'rung'; rung: number } | { kind: 'reminder'; rung: number } | { kind: 'exhausted' };

/** The next rung; after the last, every rung again (a reminder), MAX_REMINDERS times. */
export function escalation(rung: number, rungs: number, reminders: number): Escalation {
  if (rung < rungs) return { kind: 'rung', rung: rung + 1 };
  if (reminders < MAX_REMINDERS) return { kind: 'reminder', rung: rungs };
  return { kind: 'exhausted' };
}
