import { dueSoonAt } from '../../../core/deadlines.js';
import type { RequestFields, Side } from '../../../core/requests.js';
import type {
  AttachmentView,
  RequestEventMessage,
  RequestEventView,
  RequestView,
} from '../../../core/schemas/requests.js';
import { iso, isoOrNull } from '../../clock.js';
import {
  type ExerciseDeadlines,
  exerciseMsAt,
  type ExerciseTime,
  wallAtExerciseMs,
} from './requests.exercise.js';
import type { RequestAttachmentRow, RequestEventRow, RequestRow } from './requests.table.js';

/** Pure functions from rows to what the API shows and what the peer receives. */

export function num(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}

/** The fields of a request (or of an event that provided some), stored as JSON. */
export function fieldsOf(row: { fields: string }): RequestFields {
  return JSON.parse(row.fields) as RequestFields;
}

/** The node that sent the request: this one for ours (out), the peer for theirs (in). */
export function requesterOf(row: RequestRow, nodeId: string): string {
  return row.direction === 'out' ? nodeId : row.peer_id;
}

/** Which side of the request a node is on. */
export function sideOf(row: RequestRow, nodeId: string, node: string): Side {
  return node === requesterOf(row, nodeId) ? 'requester' : 'responder';
}

function deadlineView(
  start: number | null,
  due: number | null,
  percent: number | null,
  metAt: number | null,
  now: number,
): RequestView['acknowledge'] {
  if (start === null || due === null) return null;
  const soon = dueSoonAt(start, due, percent ?? 75);
  const state =
    metAt !== null
      ? metAt <= due
        ? 'met'
        : 'missed'
      : now >= due
        ? 'overdue'
        : now >= soon
          ? 'due_soon'
          : 'pending';
  return { dueAt: iso(due), dueSoonAt: iso(soon), state, metAt: isoOrNull(metAt) };
}

/**
 * A deadline of an exercise request on the exercise clock (`time` as last told): due (and
 * due soon) at the wall instants it maps them to, its state by exercise time; met or missed
 * by the alert raised when it was met (the timers raise them on the exercise clock).
 */
function exerciseDeadlineView(
  time: ExerciseTime,
  sentMs: number,
  dueMs: number,
  due: number | null,
  percent: number | null,
  metAt: number | null,
  alert: string | null,
  now: number,
): RequestView['acknowledge'] {
  if (due === null) return null;
  const soonMs = dueSoonAt(sentMs, dueMs, percent ?? 75);
  const soon = wallAtExerciseMs(time, soonMs) ?? due - Math.ceil((dueMs - soonMs) / time.speed);
  const nowMs = exerciseMsAt(time, now);
  const state =
    metAt !== null
      ? alert === 'overdue'
        ? 'missed'
        : 'met'
      : nowMs >= dueMs
        ? 'overdue'
        : nowMs >= soonMs
          ? 'due_soon'
          : 'pending';
  return { dueAt: iso(due), dueSoonAt: iso(soon), state, metAt: isoOrNull(metAt) };
}

/** The acknowledge and respond deadlines of a request, on wall time or on its exercise clock. */
function deadlinesOf(
  row: RequestRow,
  now: number,
): Pick<RequestView, 'acknowledge' | 'respond' | 'exerciseDeadlines'> {
  const sent = num(row.sent_at);
  const percent = num(row.due_soon_percent);
  const closed = num(row.closed_at);
  const acked =
    num(row.acknowledged_at) ?? (closed !== null && row.status !== 'withdrawn' ? closed : null);
  if (sent !== null && row.exercise_deadlines && row.exercise_time) {
    const d = JSON.parse(row.exercise_deadlines) as ExerciseDeadlines;
    const time = JSON.parse(row.exercise_time) as ExerciseTime;
    const view = (dueMs: number, due: number | null, metAt: number | null, alert: string | null) =>
      exerciseDeadlineView(time, d.sentMs, dueMs, due, percent, metAt, alert, now);
    return {
      acknowledge: view(d.acknowledgeMs, num(row.due_ack_at), acked, row.ack_alert),
      respond: view(d.respondMs, num(row.due_respond_at), closed, row.respond_alert),
      exerciseDeadlines: { ...d, running: time.running },
    };
  }
  return {
    acknowledge: deadlineView(sent, num(row.due_ack_at), percent, acked, now),
    respond: deadlineView(sent, num(row.due_respond_at), percent, closed, now),
    exerciseDeadlines: null,
  };
}

/**
 * A request as the API shows it, on the node `nodeId` at `now`; `missing` is what the
 * terms in force still require of a draft (read by the caller).
 */
export function presentRequest(
  row: RequestRow,
  nodeId: string,
  now: number,
  missing: RequestView['missing'],
): RequestView {
  const sent = num(row.sent_at);
  return {
    id: row.id,
    reference: row.reference,
    peer: row.peer_id,
    direction: row.direction,
    requester: requesterOf(row, nodeId),
    responder: row.direction === 'out' ? row.peer_id : nodeId,
    type: row.type,
    urgency: row.urgency,
    title: row.title,
    fields: fieldsOf(row),
    status: row.status,
    preservation: row.preservation,
    preservedUntil: isoOrNull(num(row.preserved_until)),
    arrangementVersion: num(row.arrangement_version),
    requesterTimeZone: row.requester_time_zone,
    responderTimeZone: row.responder_time_zone,
    ...deadlinesOf(row, now),
    sentAt: isoOrNull(sent),
    createdAt: iso(Number(row.created_at)),
    updatedAt: iso(Number(row.updated_at)),
    missing,
    exerciseId: row.exercise_id ?? null,
  };
}

export function presentAttachment(row: Omit<RequestAttachmentRow, 'content'>): AttachmentView {
  return {
    id: row.id,
    name: row.name,
    mediaType: row.media_type,
    size: Number(row.size),
    sha256: row.sha256,
  };
}

function eventFields(event: RequestEventRow): Record<string, string | boolean> | null {
  return event.fields ? (JSON.parse(event.fields) as Record<string, string | boolean>) : null;
}

export function presentEvent(
  row: RequestRow,
  event: RequestEventRow,
  attachments: Map<string, AttachmentView>,
  nodeId: string,
): RequestEventView {
  return {
    id: event.id,
    lamport: Number(event.lamport),
    node: event.node_id,
    side: sideOf(row, nodeId, event.node_id),
    actor: event.actor,
    action: event.action,
    at: iso(Number(event.at)),
    text: event.text,
    fields: eventFields(event),
    attachment: event.attachment_id ? (attachments.get(event.attachment_id) ?? null) : null,
    preservationDays: event.preservation_days === null ? null : Number(event.preservation_days),
    applied: event.applied === 1,
  };
}

/** An event made here, as the peer receives it (with its attachment's content). */
export function presentEventMessage(
  event: RequestEventRow,
  attachment: RequestAttachmentRow | null,
): RequestEventMessage['event'] {
  return {
    id: event.id,
    lamport: Number(event.lamport),
    action: event.action,
    actor: event.actor,
    at: iso(Number(event.at)),
    text: event.text,
    fields: eventFields(event),
    attachment: attachment
      ? { ...presentAttachment(attachment), content: attachment.content }
      : null,
    preservationDays: event.preservation_days === null ? null : Number(event.preservation_days),
  };
}
