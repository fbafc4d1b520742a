import type { ExerciseClock } from '../../../core/exercises/clock.js';
import { AarPart } from '../../../core/schemas/exercise-evaluation.js';
import type { Db } from '../../store/database.js';

/** An exercise with a peer as the dialogue's report and measures count it. */
export interface ExerciseFigureRow {
  id: string;
  /** The wall time its clock was ended at (the same on both nodes); null while not ended. */
  endedAt: number | null;
  /** This node's part of the AAR as last shared, and the peer's as last received. */
  ours: AarPart | null;
  theirs: AarPart | null;
}

function part(text: string | undefined): AarPart | null {
  if (text === undefined) return null;
  const parsed = AarPart.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

/** The accepted exercises run with `peer`, each with its end and both AAR parts. */
export async function exercisesWith(db: Db, peer: string): Promise<ExerciseFigureRow[]> {
  const rows = await db
    .selectFrom('exercises')
    .select(['id', 'clock'])
    .where('peer_id', '=', peer)
    .where('status', '=', 'accepted')
    .orderBy('id')
    .execute();
  if (rows.length === 0) return [];
  const parts = await db
    .selectFrom('exercise_aar_parts')
    .select(['exercise_id', 'origin', 'part'])
    .where(
      'exercise_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  const of = (id: string, origin: 'ours' | 'theirs') =>
    parts.find((p) => p.exercise_id === id && p.origin === origin)?.part;
  return rows.map((row) => {
    const clock = JSON.parse(row.clock) as ExerciseClock;
    return {
      id: row.id,
      endedAt: clock.state === 'ended' ? Number(clock.anchorWall) : null,
      ours: part(of(row.id, 'ours')),
      theirs: part(of(row.id, 'theirs')),
    };
  });
}
