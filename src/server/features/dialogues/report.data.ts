import { iso } from '../../clock.js';
import type { Db } from '../../store/database.js';
import { feedbackCount, sharedObjectCounts } from '../cases/public.js';
import { exercisesWith, type ExerciseFigureRow } from '../exercises/public.js';
import { callsCreatedBetween, type CallRow } from '../hotline/public.js';
import { pingsBetween, type PingRow } from '../pings/public.js';
import { requestsSentIn, type RequestRow } from '../requests/public.js';

/** What one side started with the other, from the records both nodes hold. */
export interface SideRecords {
  node: string;
  requests: RequestRow[];
  calls: CallRow[];
  pings: PingRow[];
  /** Objects of this side's whose latest version reached the other side in the period. */
  objectsShared: number;
  /** Feedback this side gave in the period on the other side's objects. */
  feedbackGiven: number;
  /** The exercises with the other side, with this side's part of each AAR. */
  exercises: { id: string; endedAt: number | null; part: ExerciseFigureRow['ours'] }[];
}

export interface SharedRecords {
  here: SideRecords;
  there: SideRecords;
}

/**
 * The real (never exercise) records between this node and `peer` that both hold, split by
 * the side that started them: requests by who sent them, calls by who placed them, pings by
 * who sent them, objects by who shared them, feedback by who gave it, each exercise's AAR
 * part by who wrote it; all in [from, to) (requests, calls and pings by their send time),
 * but exercises: all of them, with their end.
 */
export async function sharedRecords(
  db: Db,
  nodeId: string,
  peer: string,
  period: { from: number; to: number },
): Promise<SharedRecords> {
  const [requests, calls, pings, objects, givenHere, givenThere, exercises] = await Promise.all([
    requestsSentIn(db, { peer, from: iso(period.from), to: iso(period.to) }),
    callsCreatedBetween(db, { peer, from: period.from, to: period.to }),
    pingsBetween(db, peer, period.from, period.to),
    sharedObjectCounts(db, nodeId, peer, period),
    feedbackCount(db, nodeId, peer, period),
    feedbackCount(db, peer, nodeId, period),
    exercisesWith(db, peer),
  ]);
  const out = <T extends { direction: 'out' | 'in' }>(rows: T[], d: 'out' | 'in') =>
    rows.filter((r) => r.direction === d);
  return {
    here: {
      node: nodeId,
      requests: out(requests, 'out'),
      calls: out(calls, 'out'),
      pings: out(pings, 'out'),
      objectsShared: objects.here,
      feedbackGiven: givenHere,
      exercises: exercises.map((e) => ({ id: e.id, endedAt: e.endedAt, part: e.ours })),
    },
    there: {
      node: peer,
      requests: out(requests, 'in'),
      calls: out(calls, 'in'),
      pings: out(pings, 'in'),
      objectsShared: objects.peer,
      feedbackGiven: givenThere,
      exercises: exercises.map((e) => ({ id: e.id, endedAt: e.endedAt, part: e.theirs })),
    },
  };
}
