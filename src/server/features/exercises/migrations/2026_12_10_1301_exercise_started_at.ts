import type { Kysely } from 'kysely';

/**
 * When the exercise clock was started (its `start` move's wall time), for the AAR's
 * overview; null until then. Backfilled from the audited `start` move of the exercises
 * started before this column (the only record of it then).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('exercises').addColumn('started_at', 'bigint').execute();
  const moves = (await db
    .selectFrom('audit_log')
    .select(['entity_id', 'details'])
    .where('entity_type', '=', 'exercise')
    .where('action', '=', 'exercise.clock')
    .orderBy('seq')
    .execute()) as { entity_id: string; details: string }[];
  const started = new Map<string, number>();
  for (const row of moves) {
    const move = (JSON.parse(row.details) as { move?: { kind?: string; at?: number } }).move;
    if (move?.kind === 'start' && typeof move.at === 'number' && !started.has(row.entity_id)) {
      started.set(row.entity_id, move.at);
    }
  }
  for (const [id, at] of started) {
    await db.updateTable('exercises').set({ started_at: at }).where('id', '=', id).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('exercises').dropColumn('started_at').execute();
}
