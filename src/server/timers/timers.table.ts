import type { Selectable } from 'kysely';

export interface TimersTable {
  id: string;
  kind: string;
  /** JSON. */
  payload: string;
  due_at: number;
  created_at: number;
  fired_at: number | null;
  attempts: number;
  last_error: string | null;
}
export type TimerRow = Selectable<TimersTable>;

export interface TimersTables {
  timers: TimersTable;
}
