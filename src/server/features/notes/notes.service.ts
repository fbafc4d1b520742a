import { randomUUID } from 'node:crypto';
import {
  NOTE_ACK_KIND,
  NOTE_KIND,
  type NoteAckMessage,
  type NoteQuery,
  type NoteView,
  type SendNoteBody,
} from '../../../core/schemas/notes.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../store/cursors.js';
import { ROLES } from '../../../core/roles.js';
import { conflict, notFound } from '../../errors.js';
import type { EventBus } from '../../events.js';
import type { TxHooks } from '../../store/database.js';
import { findNote, insertNote, listNotes, setNoteAcknowledged } from './notes.repository.js';
import type { NoteRow } from './notes.table.js';
import { displayNameOf, type FeatureDeps } from '../feature-deps.js';
import { presentNote } from './notes.present.js';
import { noteDoc } from './notes.search.js';
import type { SearchService } from '../search/public.js';

/** Shows a note, sent or received, live to every role once its transaction commits. */
export function announceNote(bus: EventBus, hooks: TxHooks, note: NoteRow, created = true): void {
  hooks.afterCommit(() =>
    bus.publish(
      created ? 'note.created' : 'note.changed',
      { note: presentNote(note) },
      {
        roles: ROLES,
      },
    ),
  );
}

/**
 * Notes: the simplest use of the stream — a short text to a peer, which may answer another
 * note and may ask the peer to acknowledge it.
 */
export class NotesService {
  constructor(private readonly deps: FeatureDeps & { search: SearchService }) {}

  async send(actor: Actor, body: SendNoteBody): Promise<NoteView> {
    authorize(actor, 'notes.send');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const answered = body.replyTo ? await findNote(trx, body.replyTo) : undefined;
      if (body.replyTo && (!answered || answered.peer_id !== body.peer)) {
        throw notFound('note_not_found', `No note with ${body.peer} has the id ${body.replyTo}.`);
      }
      const author = await displayNameOf(trx, actor, `${this.deps.nodeId} operator`);
      const id = randomUUID();
      const { seq } = await this.deps.federation.send(trx, hooks, body.peer, NOTE_KIND, {
        noteId: id,
        text: body.text,
        author,
        ...(answered?.origin_id ? { replyTo: answered.origin_id } : {}),
        ...(body.ackRequested ? { ackRequested: true } : {}),
      });
      const note: NoteRow = {
        id,
        direction: 'out',
        peer_id: body.peer,
        seq,
        text: body.text,
        author,
        sent_at: now,
        created_at: now,
        origin_id: id,
        reply_to: answered?.id ?? null,
        ack_requested: body.ackRequested ? 1 : 0,
        acknowledged_at: null,
        acknowledged_by: null,
      };
      await insertNote(trx, note);
      await this.deps.search.index(trx, [noteDoc(note)]);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'note.send',
        entityType: 'note',
        entityId: id,
        after: note,
        details: { peer: body.peer, seq },
      });
      announceNote(this.deps.bus, hooks, note);
      return note;
    });
    return presentNote(row);
  }

  /** The receiver's acknowledgement of a note that asked for one; it goes back to the writer. */
  async acknowledge(actor: Actor, id: string): Promise<NoteView> {
    authorize(actor, 'notes.send');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const note = await findNote(trx, id);
      if (!note) throw notFound('note_not_found', `No note has the id ${id}.`);
      if (note.direction !== 'in' || note.ack_requested !== 1 || !note.origin_id) {
        throw conflict(
          'ack_not_requested',
          'Only a received note that asks for it is acknowledged.',
        );
      }
      if (note.acknowledged_at !== null) return note;
      const by = await displayNameOf(trx, actor, `${this.deps.nodeId} operator`);
      await setNoteAcknowledged(trx, id, now, by);
      await this.deps.federation.send(trx, hooks, note.peer_id, NOTE_ACK_KIND, {
        noteId: note.origin_id,
        by,
        at: new Date(now).toISOString(),
      } satisfies NoteAckMessage);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'note.acknowledge',
        entityType: 'note',
        entityId: id,
        details: { peer: note.peer_id },
      });
      const acknowledged = { ...note, acknowledged_at: now, acknowledged_by: by };
      announceNote(this.deps.bus, hooks, acknowledged, false);
      return acknowledged;
    });
    return presentNote(row);
  }

  async list(actor: Actor, query: NoteQuery): Promise<{ notes: NoteView[]; next: string | null }> {
    authorize(actor, 'notes.read');
    const rows = await listNotes(this.deps.store.db, {
      ...(query.peer ? { peer: query.peer } : {}),
      limit: query.limit,
      ...(query.cursor ? { after: decodeTimeCursor(query.cursor) } : {}),
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      notes: page.map((row) => presentNote(row, row.acked_seq)),
      next:
        rows.length > query.limit && last
          ? encodeTimeCursor(Number(last.created_at), last.id)
          : null,
    };
  }
}
