import { randomUUID } from 'node:crypto';
import {
  NOTE_ACK_KIND,
  NOTE_KIND,
  NoteAckMessage,
  NoteMessage,
} from '../../../core/schemas/notes.js';
import { appendAudit } from '../../audit/audit.js';
import type { Clock } from '../../clock.js';
import type { EventBus } from '../../events.js';
import type { MessageKind } from '../../federation/kinds.js';
import { messageKind } from '../module.js';
import type { SearchService } from '../search/public.js';
import { findNote, findNoteByOrigin, insertNote, setNoteAcknowledged } from './notes.repository.js';
import { noteDoc } from './notes.search.js';
import { announceNote } from './notes.service.js';
import type { ExerciseNoteHooks } from './notes.exercise.js';

/**
 * `liaison.note`: a short text from a peer, stored and shown live, threaded under the note
 * it answers; `liaison.note_ack`: the peer acknowledged one of ours.
 */
export function noteMessages(
  clock: Clock,
  bus: EventBus,
  search: SearchService,
  exercise: ExerciseNoteHooks,
): MessageKind[] {
  return [
    messageKind({
      kind: NOTE_KIND,
      schema: NoteMessage,
      async handle(trx, body, { peer, message, hooks }) {
        const now = clock.now();
        const answered = body.replyTo
          ? await findNoteByOrigin(trx, peer.node_id, body.replyTo)
          : undefined;
        const row = {
          id: randomUUID(),
          direction: 'in' as const,
          peer_id: peer.node_id,
          seq: message.seq,
          text: body.text,
          author: body.author,
          sent_at: Date.parse(message.at),
          created_at: now,
          origin_id: body.noteId,
          reply_to: answered?.id ?? null,
          ack_requested: body.ackRequested ? 1 : 0,
          acknowledged_at: null,
          acknowledged_by: null,
          exercise_id: body.exerciseId ?? null,
          exercise_inject_id: body.exerciseId ? (body.exerciseInjectId ?? null) : null,
        };
        await insertNote(trx, row);
        await search.index(trx, [noteDoc(row)]);
        await appendAudit(trx, {
          actor: { kind: 'peer', nodeId: peer.node_id },
          at: now,
          action: 'note.receive',
          entityType: 'note',
          entityId: row.id,
          after: row,
          details: { peer: peer.node_id, seq: message.seq, messageId: message.id },
        });
        await exercise.emit(trx, hooks, row, 'received', now);
        announceNote(bus, hooks, row);
      },
    }),
    messageKind({
      kind: NOTE_ACK_KIND,
      schema: NoteAckMessage,
      async handle(trx, body, { peer, hooks }) {
        const note = await findNote(trx, body.noteId);
        // Ours, to this peer, asking for it; anything else is ignored (no one to tell).
        if (!note || note.direction !== 'out' || note.peer_id !== peer.node_id) return;
        if (note.ack_requested !== 1 || note.acknowledged_at !== null) return;
        const at = Date.parse(body.at);
        await setNoteAcknowledged(trx, note.id, at, body.by);
        await appendAudit(trx, {
          actor: { kind: 'peer', nodeId: peer.node_id },
          at: clock.now(),
          action: 'note.acknowledged',
          entityType: 'note',
          entityId: note.id,
          details: { by: body.by },
        });
        announceNote(bus, hooks, { ...note, acknowledged_at: at, acknowledged_by: body.by }, false);
      },
    }),
  ];
}
