import type { Selectable } from 'kysely';
import type { CallEventKind, CallState, Priority, Tier } from '../../../core/hotline.js';

/** Calls placed by this node (out) and received from peers (in). */
export interface HotlineCallsTable {
  id: string;
  peer_id: string;
  direction: 'out' | 'in';
  tier: Tier;
  priority: Priority;
  subject: string;
  text: string;
  request_id: string | null;
  request_reference: string | null;
  case_id: string | null;
  caller: string;
  /** out: the user who placed it (alerted if it cannot be delivered). */
  caller_user_id: string | null;
  state: CallState;
  created_at: number;
  acknowledge_within_ms: number;
  not_delivered_at: number | null;
  delivered_at: number | null;
  seen_at: number | null;
  seen_by: string | null;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  outcome: string | null;
  rung: number | null;
  rungs: number | null;
  rung_deadline_at: number | null;
  reminders: number;
  /** The pending delivery (out) or escalation (in) timer. */
  timer_id: string | null;
  updated_at: number;
  /** The exercise that placed it (an EXERCISE call), and the inject it delivers; null if real. */
  exercise_id: string | null;
  exercise_inject_id: string | null;
}
export type CallRow = Selectable<HotlineCallsTable>;

export interface HotlineCallEventsTable {
  call_id: string;
  n: number;
  at: number;
  kind: CallEventKind;
  rung: number | null;
  actor: string | null;
  detail: string | null;
}
export type CallEventRow = Selectable<HotlineCallEventsTable>;

export interface HotlineShiftsTable {
  id: string;
  tier: Tier;
  contact_id: string;
  /** JSON array of weekday names. */
  days: string;
  start_time: string;
  end_time: string;
  time_zone: string;
  from_date: string | null;
  until_date: string | null;
  /** JSON { everyWeeks, week } or null. */
  rotation: string | null;
  created_at: number;
  updated_at: number;
}
export type ShiftRow = Selectable<HotlineShiftsTable>;

/** Small documents of settings: `ladder`. */
export interface HotlineSettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface HotlineWebhooksTable {
  id: string;
  name: string;
  url: string;
  secret: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}
export type WebhookRow = Selectable<HotlineWebhooksTable>;

/** E-mails and webhook posts to send, at least once, outside any transaction. */
export interface HotlineNotificationsTable {
  id: string;
  call_id: string;
  channel: 'email' | 'webhook';
  /** An e-mail address, or a webhook id. */
  target: string;
  /** JSON: what to send. */
  payload: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  next_at: number;
  claimed_at: number | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}
export type NotificationRow = Selectable<HotlineNotificationsTable>;

/** The last coverage each peer told us about. */
export interface HotlinePeerCoverageTable {
  peer_id: string;
  received_at: number;
  body: string;
}
export type PeerCoverageRow = Selectable<HotlinePeerCoverageTable>;

/** This feature's tables, added to the node's Database type (store/database.ts). */
declare module '../../store/database.js' {
  interface Database {
    hotline_calls: HotlineCallsTable;
    hotline_call_events: HotlineCallEventsTable;
    hotline_shifts: HotlineShiftsTable;
    hotline_settings: HotlineSettingsTable;
    hotline_webhooks: HotlineWebhooksTable;
    hotline_notifications: HotlineNotificationsTable;
    hotline_peer_coverage: HotlinePeerCoverageTable;
  }
}
