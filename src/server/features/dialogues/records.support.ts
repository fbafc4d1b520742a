import { nextRecordState, type RecordEvent, type RecordMover } from '../../../core/dialogues.js';
import type { RecordContent, RecordStatus } from '../../../core/schemas/dialogues.js';
import { conflict } from '../../errors.js';
import type { Db } from '../../store/database.js';
import {
  findCommitment,
  findDialogue,
  findMeeting,
  insertCommitment,
} from './dialogues.repository.js';
import type { DialogueMeetingRow, DialogueRecordVersionRow } from './dialogues.table.js';

/** What the record's refusals say (the same code for a person here and for a peer's message). */
export const MOVE_MESSAGES = {
  record_open: 'A version of this record is open: answer it (amend, accept, decline) first.',
  record_not_open: 'No version of this record is open to answer.',
  record_agreed: 'This record is agreed and signed by both nodes; it does not change.',
  not_your_move: 'This node wrote the open version; the peer answers it.',
} as const;

/** The 409 of a refused move (each code written out, so the error kit can list them). */
export function refusal(code: keyof typeof MOVE_MESSAGES) {
  switch (code) {
    case 'record_open':
      return conflict('record_open', MOVE_MESSAGES.record_open);
    case 'record_not_open':
      return conflict('record_not_open', MOVE_MESSAGES.record_not_open);
    case 'record_agreed':
      return conflict('record_agreed', MOVE_MESSAGES.record_agreed);
    case 'not_your_move':
      return conflict('not_your_move', MOVE_MESSAGES.not_your_move);
  }
}

/** Who makes a move on the open version: the node that wrote it, or the other. */
export function moverOf(open: DialogueRecordVersionRow, node: string): RecordMover {
  return open.proposed_by === node ? 'author' : 'answerer';
}

/** The record's next status, or 409 with the move's refusal (core/dialogues.ts decides). */
export function moveOrRefuse(
  status: RecordStatus,
  event: RecordEvent,
  by: RecordMover,
): RecordStatus {
  const move = nextRecordState(status, event, by);
  if (!move.ok) throw refusal(move.code);
  return move.status;
}

/** The open version, which must be `version`. */
export function openVersion(
  latest: DialogueRecordVersionRow | undefined,
  version: number,
): DialogueRecordVersionRow {
  if (!latest || latest.status !== 'open') {
    throw conflict('record_not_open', MOVE_MESSAGES.record_not_open);
  }
  if (Number(latest.version) !== version) {
    throw conflict(
      'record_version_stale',
      `Version ${version} is not the open one; version ${Number(latest.version)} is.`,
    );
  }
  return latest;
}

/** A meeting of a dialogue with `peer`, or the message is refused. */
export async function ofPeer(trx: Db, peer: string, dialogueId: string, meetingId: string) {
  const dialogue = await findDialogue(trx, dialogueId);
  const meeting = await findMeeting(trx, meetingId);
  if (!dialogue || dialogue.peer_id !== peer || !meeting || meeting.dialogue_id !== dialogue.id) {
    throw conflict('dialogue_not_ours', 'No meeting of a dialogue with the sender has this id.');
  }
  return { dialogue, meeting };
}

/** The agreed version's commitments, on both nodes alike (ordered by meeting, then record). */
export async function makeCommitments(
  trx: Db,
  meeting: DialogueMeetingRow,
  version: DialogueRecordVersionRow,
  now: number,
): Promise<void> {
  const content = JSON.parse(version.content) as RecordContent;
  for (const [i, c] of content.commitments.entries()) {
    if (await findCommitment(trx, c.id)) continue;
    await insertCommitment(trx, {
      id: c.id,
      dialogue_id: meeting.dialogue_id,
      meeting_id: meeting.id,
      meeting_number: Number(meeting.number),
      version: Number(version.version),
      position: Number(meeting.number) * 1000 + i,
      content: JSON.stringify(c),
      due_date: c.dueDate,
      state: 'not_started',
      created_at: now,
      updated_at: now,
    });
  }
}

/** The meeting's draft as it stands, or an empty one. */
export function draftOf(meeting: DialogueMeetingRow): RecordContent {
  return meeting.draft === null
    ? { outcomes: [], commitments: [] }
    : (JSON.parse(meeting.draft) as RecordContent);
}
