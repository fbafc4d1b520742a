import type { Node } from '../../src/server/node.js';

/** The notes a node's store applied from `peerId`, in stream order. */
export async function appliedNotesIn(
  db: Node['store']['db'],
  peerId: string,
): Promise<{ seq: number; text: string }[]> {
  const rows = await db
    .selectFrom('notes')
    .select(['seq', 'text'])
    .where('direction', '=', 'in')
    .where('peer_id', '=', peerId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), text: r.text }));
}
