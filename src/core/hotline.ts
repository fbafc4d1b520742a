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

export function isOpen(state: CallState): boolean {
  return state !== 'acknowledged' && state !== 'resolved';
}
