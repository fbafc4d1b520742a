import { foldCommitment, type AttestationFact } from '../../../core/dialogues.js';
import type { AgendaEntry, StatusReport } from '../../../core/schemas/status-report.js';
import type { Db } from '../../store/database.js';

/** A commitment with both sides' statements, as the report reads it. */
export interface CommitmentFacts {
  id: string;
  dialogueId: string;
  meetingNumber: number;
  position: number;
  what: { en: string; zh: string };
  dueDate: string;
  facts: AttestationFact[];
}

/** The commitments of the dialogues with `peer` (or of one dialogue), with their statements. */
export async function commitmentsWith(
  db: Db,
  scope: { peer: string; dialogue?: string | undefined },
): Promise<CommitmentFacts[]> {
  let q = db
    .selectFrom('dialogue_commitments as c')
    .innerJoin('dialogues as d', 'd.id', 'c.dialogue_id')
    .select(['c.id', 'c.dialogue_id', 'c.meeting_number', 'c.position', 'c.content', 'c.due_date'])
    .where('d.peer_id', '=', scope.peer);
  if (scope.dialogue) q = q.where('d.id', '=', scope.dialogue);
  const rows = await q.orderBy('c.dialogue_id').orderBy('c.position').orderBy('c.id').execute();
  if (rows.length === 0) return [];
  const statements = await db
    .selectFrom('dialogue_attestations')
    .select(['commitment_id', 'side', 'status', 'at'])
    .where(
      'commitment_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  return rows.map((row) => {
    const content = JSON.parse(row.content) as { what?: { en?: string; zh?: string } };
    return {
      id: row.id,
      dialogueId: row.dialogue_id,
      meetingNumber: Number(row.meeting_number),
      position: Number(row.position),
      what: { en: content.what?.en ?? '', zh: content.what?.zh ?? '' },
      dueDate: row.due_date,
      facts: statements
        .filter((s) => s.commitment_id === row.id)
        .map((s) => ({ side: s.side, status: s.status, at: Number(s.at) })),
    };
  });
}

/**
 * The commitments' figures and the draft agenda (pure). Each commitment is folded as the
 * record does it (core/dialogues.ts `foldCommitment`): done only when both sides say done,
 * diverging where their latest statements differ, overdue once its due date has passed (UTC)
 * at `asOf` and it is not done. The agenda lists the overdue commitments, then the diverging
 * ones that are not overdue, each in record order (dialogue, meeting, position).
 */
export function commitmentFigures(
  list: readonly CommitmentFacts[],
  sides: { here: string; there: string },
  asOf: number,
): {
  figures: StatusReport['commitments'];
  saysDone: { here: number; there: number };
  agenda: AgendaEntry[];
} {
  const overdue: AgendaEntry[] = [];
  const diverging: AgendaEntry[] = [];
  let doneByBoth = 0;
  let divergingCount = 0;
  const saysDone = { here: 0, there: 0 };
  for (const c of list) {
    const fold = foldCommitment(
      c.facts,
      { ours: sides.here, theirs: sides.there },
      c.dueDate,
      asOf,
    );
    if (fold.ours?.status === 'done') saysDone.here += 1;
    if (fold.theirs?.status === 'done') saysDone.there += 1;
    if (fold.state === 'done') doneByBoth += 1;
    if (fold.state === 'diverging') divergingCount += 1;
    const entry = (reason: AgendaEntry['reason']): AgendaEntry => ({
      reason,
      commitmentId: c.id,
      dialogueId: c.dialogueId,
      meetingNumber: c.meetingNumber,
      what: c.what,
      dueDate: c.dueDate,
      here: fold.ours?.status ?? null,
      peer: fold.theirs?.status ?? null,
    });
    if (fold.overdue) overdue.push(entry('overdue'));
    else if (fold.state === 'diverging') diverging.push(entry('diverging'));
  }
  return {
    figures: {
      total: list.length,
      doneByBoth,
      diverging: divergingCount,
      overdue: overdue.length,
    },
    saysDone,
    agenda: [...overdue, ...diverging],
  };
}
