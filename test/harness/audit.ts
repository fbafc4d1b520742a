import type { NodeHandle } from './node.js';

/** How many entries of the node's audit log record `action` on the entity `entityId`. */
export async function auditCount(
  node: NodeHandle,
  action: string,
  entityId: string,
): Promise<number> {
  const rows = await node.node.store.db
    .selectFrom('audit_log')
    .select('seq')
    .where('action', '=', action)
    .where('entity_id', '=', entityId)
    .execute();
  return rows.length;
}
