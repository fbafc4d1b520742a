import type { Selectable } from 'kysely';

export interface AuditLogTable {
  seq: number;
  at: number;
  /** Who: `user:<id>`, `token:<id>`, `cli:<os user>`, `system`, `peer:<nodeId>`. */
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before_digest: string | null;
  after_digest: string | null;
  /** JSON object with non-secret particulars. */
  details: string;
  prev_hash: string;
  hash: string;
}
export type AuditRow = Selectable<AuditLogTable>;

/** One row (id 1): the chain's head; locked while appending so appends are serialised. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface AuditTables {
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
}
