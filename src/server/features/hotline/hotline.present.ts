import type { ShiftPattern, WeekdayName } from '../../../core/roster.js';
import type {
  CallDetail,
  CallEventView,
  CallView,
  HotlineCallMessage,
  HotlineCoverageMessage,
  PeerCoverageView,
  ShiftView,
  WebhookView,
} from '../../../core/schemas/hotline.js';
import { iso, isoOrNull } from '../../clock.js';
import type {
  CallEventRow,
  CallRow,
  PeerCoverageRow,
  ShiftRow,
  WebhookRow,
} from './hotline.table.js';

// Rows become API objects here, and only here: pure functions of the rows (and of what the
// service read for them, such as a contact's name).

const num = (value: number | null) => (value === null ? null : Number(value));

export function presentCall(row: CallRow): CallView {
  return {
    id: row.id,
    peer: row.peer_id,
    direction: row.direction,
    tier: row.tier,
    priority: row.priority,
    subject: row.subject,
    text: row.text,
    requestId: row.request_id,
    requestReference: row.request_reference,
    caseId: row.case_id,
    caller: row.caller,
    state: row.state,
    createdAt: iso(Number(row.created_at)),
    acknowledgeWithinMs: Number(row.acknowledge_within_ms),
    notDeliveredAt: isoOrNull(num(row.not_delivered_at)),
    deliveredAt: isoOrNull(num(row.delivered_at)),
    seenAt: isoOrNull(num(row.seen_at)),
    seenBy: row.seen_by,
    acknowledgedAt: isoOrNull(num(row.acknowledged_at)),
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: isoOrNull(num(row.resolved_at)),
    resolvedBy: row.resolved_by,
    outcome: row.outcome,
    rung: num(row.rung),
    rungs: num(row.rungs),
    rungDeadlineAt: isoOrNull(num(row.rung_deadline_at)),
    exhausted: Number(row.reminders) > 0,
    updatedAt: iso(Number(row.updated_at)),
    exerciseId: row.exercise_id ?? null,
  };
}

/** The call as the peer is told it (the same fields as our view of it). */
export function callMessage(row: CallRow): HotlineCallMessage {
  const call = presentCall(row);
  const { tier, priority, subject, text, requestId, requestReference, caseId, caller } = call;
  return {
    callId: call.id,
    tier,
    priority,
    subject,
    text,
    requestId,
    requestReference,
    caseId,
    caller,
    createdAt: call.createdAt,
    acknowledgeWithinMs: call.acknowledgeWithinMs,
    // Only an exercise call carries its marker: a real call's message stays as older nodes know it.
    ...(row.exercise_id ? { exerciseId: row.exercise_id } : {}),
    ...(row.exercise_inject_id ? { exerciseInjectId: row.exercise_inject_id } : {}),
  };
}

export function presentEvent(row: CallEventRow): CallEventView {
  return {
    at: iso(Number(row.at)),
    kind: row.kind,
    rung: num(row.rung),
    by: row.actor,
    detail: row.detail,
  };
}

export function presentCallDetail(row: CallRow, events: CallEventRow[]): CallDetail {
  return { ...presentCall(row), events: events.map(presentEvent) };
}

/** A shift's stored pattern (its days and rotation are JSON). */
export function patternOf(row: ShiftRow): Required<ShiftPattern> {
  return {
    days: JSON.parse(row.days) as WeekdayName[],
    start: row.start_time,
    end: row.end_time,
    timeZone: row.time_zone,
    from: row.from_date,
    until: row.until_date,
    rotation: row.rotation
      ? (JSON.parse(row.rotation) as { everyWeeks: number; week: number })
      : null,
  };
}

export function presentShift(row: ShiftRow, contactName: string): ShiftView {
  const pattern = patternOf(row);
  return {
    id: row.id,
    tier: row.tier,
    contactId: row.contact_id,
    contactName,
    ...pattern,
    days: [...pattern.days],
    createdAt: iso(Number(row.created_at)),
    updatedAt: iso(Number(row.updated_at)),
  };
}

/** Names and addresses, never the secret. */
export function presentWebhook(row: WebhookRow): WebhookView {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    enabled: row.enabled === 1,
    createdAt: iso(Number(row.created_at)),
    updatedAt: iso(Number(row.updated_at)),
  };
}

export function presentPeerCoverage(row: PeerCoverageRow): PeerCoverageView {
  const body = JSON.parse(row.body) as HotlineCoverageMessage;
  return {
    peer: row.peer_id,
    receivedAt: iso(Number(row.received_at)),
    from: body.from,
    to: body.to,
    tiers: body.tiers,
  };
}
