import type { Selectable } from 'kysely';
import type {
  PreservationStatus,
  RequestAction,
  RequestStatus,
  RequestType,
  Urgency,
} from '../../../core/requests.js';

/** Requests for assistance, sent (out) and received (in); the same id on both nodes. */
export interface RequestsTable {
  id: string;
  peer_id: string;
  direction: 'out' | 'in';
  reference: string;
  type: RequestType;
  urgency: Urgency;
  title: string;
  /** JSON RequestFields. */
  fields: string;
  /** Derived from the timeline (foldRequest); stored for lists and queries. */
  status: RequestStatus;
  preservation: PreservationStatus | null;
  preserved_until: number | null;
  arrangement_version: number | null;
  terms_hash: string | null;
  due_soon_percent: number | null;
  requester_time_zone: string;
  responder_time_zone: string;
  sent_at: number | null;
  due_ack_at: number | null;
  due_respond_at: number | null;
  acknowledged_at: number | null;
  closed_at: number | null;
  /** null, 'due_soon' or 'overdue': the last alert the deadline's timers raised. */
  ack_alert: string | null;
  respond_alert: string | null;
  /** Times sending was refused because fields were missing. */
  send_refusals: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  /** The exercise that sent it (an EXERCISE request), and the inject it delivers; null if real. */
  exercise_id: string | null;
  exercise_inject_id: string | null;
  /**
   * An exercise request's deadlines in exercise time (JSON ExerciseDeadlines), and the
   * exercise clock as last told (JSON ExerciseTime); null on real requests (and on exercise
   * requests from a node that sent none: their deadlines run on wall time).
   */
  exercise_deadlines: string | null;
  exercise_time: string | null;
}
type ExerciseMarker = 'exercise_id' | 'exercise_inject_id' | 'exercise_deadlines' | 'exercise_time';
/**
 * A request as read. The EXERCISE marker is optional in the type only, so rows made by hand
 * (tests, and code that predates the marker) still fit; a row read from the store has both
 * (null when real): read them with `?? null`.
 */
export type RequestRow = Omit<Selectable<RequestsTable>, ExerciseMarker> &
  Partial<Pick<Selectable<RequestsTable>, ExerciseMarker>>;

export interface RequestEventsTable {
  id: string;
  request_id: string;
  lamport: number;
  node_id: string;
  actor: string;
  action: RequestAction;
  at: number;
  text: string | null;
  fields: string | null;
  attachment_id: string | null;
  /** The preservation period or extension in days the responder set (null: the terms'). */
  preservation_days: number | null;
  /** 0 when the move had no effect (the other side had moved on). */
  applied: number;
}
export type RequestEventRow = Selectable<RequestEventsTable>;

/** The timers at an exercise request's deadlines, set again on every exercise clock move. */
export interface RequestDeadlineTimersTable {
  request_id: string;
  deadline: 'acknowledge' | 'respond';
  alert: 'due_soon' | 'overdue';
  timer_id: string | null;
}

export interface RequestAttachmentsTable {
  id: string;
  request_id: string;
  event_id: string;
  name: string;
  media_type: string;
  size: number;
  sha256: string;
  content: string;
  created_at: number;
}
export type RequestAttachmentRow = Selectable<RequestAttachmentsTable>;

/** This feature's tables, added to the node's Database type (store/database.ts). */
declare module '../../store/database.js' {
  interface Database {
    requests: RequestsTable;
    request_events: RequestEventsTable;
    request_attachments: RequestAttachmentsTable;
    request_deadline_timers: RequestDeadlineTimersTable;
  }
}
