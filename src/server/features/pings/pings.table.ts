import type { Selectable } from 'kysely';

/** Ping tests of contact points: sent to a peer's contacts (out), or received (in). */
export interface PingsTable {
  id: string;
  peer_id: string;
  direction: 'out' | 'in';
  contact_id: string;
  contact_name: string;
  sent_at: number;
  /** out: when the acknowledgement reached this node; in: when our officer acknowledged. */
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  scheduled: number;
  /** The exercise that sent it (an EXERCISE ping), and the inject it delivers; null if real. */
  exercise_id: string | null;
  exercise_inject_id: string | null;
  /** out: when the peer's officer acknowledged (the peer's acknowledgement says); else null. */
  answered_at: number | null;
}
type ExerciseMarker = 'exercise_id' | 'exercise_inject_id' | 'answered_at';
/** A ping as read; the EXERCISE marker is optional in the type only (rows made by hand). */
export type PingRow = Omit<Selectable<PingsTable>, ExerciseMarker> &
  Partial<Pick<Selectable<PingsTable>, ExerciseMarker>>;

export interface PingSchedulesTable {
  peer_id: string;
  every_hours: number;
  next_at: number;
  timer_id: string | null;
}
export type PingScheduleRow = Selectable<PingSchedulesTable>;

/** This feature's tables, added to the node's Database type (store/database.ts). */
declare module '../../store/database.js' {
  interface Database {
    pings: PingsTable;
    ping_schedules: PingSchedulesTable;
  }
}
