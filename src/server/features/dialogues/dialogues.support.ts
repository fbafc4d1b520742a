import { PERMISSIONS } from '../../../core/roles.js';
import type { DialogueChangedEvent } from '../../../core/schemas/dialogues.js';
import type { Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { badRequest, notFound } from '../../errors.js';
import type { EventBus } from '../../events.js';
import type { Db, TxHooks } from '../../store/database.js';
import { findDialogue, findMeeting } from './dialogues.repository.js';
import type { DialogueMeetingRow, DialogueRow } from './dialogues.table.js';
import { recordProblems } from '../../../core/dialogues.js';

declare module '../../events.js' {
  interface EventMap {
    /** A dialogue, one of its meetings (and its record) or a commitment changed. */
    'dialogue.changed': DialogueChangedEvent;
  }
}

/** What every dialogue service does alike: find things, audit a change, tell the readers. */

export async function dialogueOr404(db: Db, id: string): Promise<DialogueRow> {
  const row = await findDialogue(db, id);
  if (!row) throw notFound('dialogue_not_found', `No dialogue has the id ${id}.`);
  return row;
}

export async function meetingOr404(
  db: Db,
  dialogueId: string,
  meetingId: string,
): Promise<DialogueMeetingRow> {
  const row = await findMeeting(db, meetingId);
  if (!row || row.dialogue_id !== dialogueId) {
    throw notFound('meeting_not_found', `The dialogue has no meeting with the id ${meetingId}.`);
  }
  return row;
}

export function partiesOf(row: DialogueRow): string[] {
  return JSON.parse(row.parties) as string[];
}

export function auditDialogue(
  trx: Db,
  actor: Actor,
  at: number,
  action: string,
  id: string,
  details: Record<string, unknown>,
) {
  return appendAudit(trx, { actor, at, action, entityType: 'dialogue', entityId: id, details });
}

/** After the commit, whoever may read dialogues hears of the change (never a peer's users). */
export function dialogueChanged(
  bus: EventBus,
  hooks: TxHooks,
  dialogueId: string,
  meetingId: string | null = null,
  commitmentId: string | null = null,
): void {
  hooks.afterCommit(() =>
    bus.publish(
      'dialogue.changed',
      { dialogueId, meetingId, commitmentId },
      { roles: PERMISSIONS['dialogues.read'] },
    ),
  );
}

/** 400 invalid_record naming the first field a record's content gets wrong. */
export function checkRecord(
  content: Parameters<typeof recordProblems>[0],
  parties: readonly string[],
): void {
  const problem = recordProblems(content, parties)[0];
  if (problem) {
    throw badRequest('invalid_record', `${problem.field}: ${problem.message}.`, {
      extra: { field: problem.field },
    });
  }
}

/** The day (YYYY-MM-DD) in UTC at `now`. */
export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}
