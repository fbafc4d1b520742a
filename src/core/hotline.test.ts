import { describe, expect, it } from 'vitest';
import {
  CALL_EVENTS,
  CALL_STATES,
  callSide,
  deliveredLate,
  escalation,
  isOpen,
  MAX_REMINDERS,
  nextCallState,
  type CallEvent,
  type CallSide,
  type CallState,
} from './hotline.js';

/**
 * Every state × event, made by the side whose move it is (the receiver, but for the
 * delivery time-out, which is the caller's): the state after, or the refusal's code.
 * `moved_on` stands for `call_moved_on`, `already_ack` for `call_already_acknowledged`,
 * `already_resolved` for `call_already_resolved`.
 */
const TABLE: Record<CallState, Record<CallEvent, string>> = {
  sent: {
    time_out: 'not_delivered',
    deliver: 'delivered',
    escalate: 'sent',
    see: 'seen',
    acknowledge: 'acknowledged',
    resolve: 'resolved',
  },
  not_delivered: {
    time_out: 'moved_on',
    deliver: 'delivered',
    escalate: 'not_delivered',
    see: 'seen',
    acknowledge: 'acknowledged',
    resolve: 'resolved',
  },
  delivered: {
    time_out: 'moved_on',
    deliver: 'moved_on',
    escalate: 'delivered',
    see: 'seen',
    acknowledge: 'acknowledged',
    resolve: 'resolved',
  },
  seen: {
    time_out: 'moved_on',
    deliver: 'moved_on',
    escalate: 'seen',
    see: 'moved_on',
    acknowledge: 'acknowledged',
    resolve: 'resolved',
  },
  acknowledged: {
    time_out: 'moved_on',
    deliver: 'moved_on',
    escalate: 'moved_on',
    see: 'moved_on',
    acknowledge: 'already_ack',
    resolve: 'resolved',
  },
  resolved: {
    time_out: 'moved_on',
    deliver: 'moved_on',
    escalate: 'moved_on',
    see: 'moved_on',
    acknowledge: 'already_ack',
    resolve: 'already_resolved',
  },
};

/** Whose move each event is: 'yes' where the side may make it, in any state it applies to. */
const SIDES: Record<CallEvent, Record<CallSide, 'yes' | 'no'>> = {
  time_out: { caller: 'yes', receiver: 'no' },
  deliver: { caller: 'no', receiver: 'yes' },
  escalate: { caller: 'no', receiver: 'yes' },
  see: { caller: 'no', receiver: 'yes' },
  acknowledge: { caller: 'no', receiver: 'yes' },
  resolve: { caller: 'yes', receiver: 'yes' },
};

const SHORT: Record<string, string> = {
  call_moved_on: 'moved_on',
  call_already_acknowledged: 'already_ack',
  call_already_resolved: 'already_resolved',
  not_your_move: 'not_your_move',
};

function outcome(state: CallState, event: CallEvent, side: CallSide): string {
  const step = nextCallState(state, event, side);
  return step.ok ? step.to : (SHORT[step.code] ?? step.code);
}

const rightSide = (event: CallEvent): CallSide =>
  SIDES[event].receiver === 'yes' ? 'receiver' : 'caller';

describe('a call’s moves', () => {
  it('the table covers every state and event', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...CALL_STATES].sort());
    for (const state of CALL_STATES) {
      expect(Object.keys(TABLE[state]).sort()).toEqual([...CALL_EVENTS].sort());
    }
    expect(Object.keys(SIDES).sort()).toEqual([...CALL_EVENTS].sort());
  });

  for (const state of CALL_STATES) {
    for (const event of CALL_EVENTS) {
      it(`${event} on a ${state} call: ${TABLE[state][event]}`, () => {
        expect(outcome(state, event, rightSide(event))).toBe(TABLE[state][event]);
      });
    }
  }

  for (const event of CALL_EVENTS) {
    for (const side of ['caller', 'receiver'] as const) {
      it(`${event} by the ${side}: ${SIDES[event][side] === 'yes' ? 'its move' : 'refused'}`, () => {
        for (const state of CALL_STATES) {
          const got = outcome(state, event, side);
          if (SIDES[event][side] === 'yes') expect(got).toBe(TABLE[state][event]);
          else expect(got).toBe('not_your_move');
        }
      });
    }
  }

  it('says why a move is refused', () => {
    expect(nextCallState('delivered', 'see', 'caller')).toEqual({
      ok: false,
      code: 'not_your_move',
      reason: "see is the receiver's move, not the caller's",
    });
    expect(nextCallState('resolved', 'resolve', 'caller')).toEqual({
      ok: false,
      code: 'call_already_resolved',
      reason:
        'resolve is not possible while the call is resolved (only when sent, not_delivered, delivered, seen, acknowledged)',
    });
  });

  it('tells the sides apart from here and from the peer', () => {
    expect(callSide('out', 'here')).toBe('caller');
    expect(callSide('in', 'here')).toBe('receiver');
    expect(callSide('out', 'peer')).toBe('receiver');
    expect(callSide('in', 'peer')).toBe('caller');
  });

  it('knows open calls and late deliveries', () => {
    expect(CALL_STATES.filter(isOpen)).toEqual(['sent', 'not_delivered', 'delivered', 'seen']);
    expect(CALL_STATES.filter(deliveredLate)).toEqual(['not_delivered']);
  });

  it('escalates rung by rung, then reminds every rung, then stops', () => {
    expect(escalation(1, 3, 0)).toEqual({ kind: 'rung', rung: 2 });
    expect(escalation(2, 3, 0)).toEqual({ kind: 'rung', rung: 3 });
    expect(escalation(3, 3, 0)).toEqual({ kind: 'reminder', rung: 3 });
    expect(escalation(3, 3, MAX_REMINDERS - 1)).toEqual({ kind: 'reminder', rung: 3 });
    expect(escalation(3, 3, MAX_REMINDERS)).toEqual({ kind: 'exhausted' });
    // The ladder was shortened while the call waited: the reminders start at its new end.
    expect(escalation(4, 2, 0)).toEqual({ kind: 'reminder', rung: 2 });
  });
});
