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
import type { Db, TxHooks } from '../../store/database.js';
import { findNote, insertNote, listNotes, setNoteAcknowledged } from './notes.repository.js';
import type { NoteRow } from './notes.table.js';
import { displayNameOf, type FeatureDeps } from '../feature-deps.js';
import { presentNote } from './notes.present.js';
import { noteDoc } from './notes.search.js';
import type { SearchService } from '../search/public.js';
import type { ExerciseNote, ExerciseNoteHooks, ExerciseNoteListener } from './notes.exercise.js';

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
  constructor(
    private readonly deps: FeatureDeps & { search: SearchService; exercise: ExerciseNoteHooks },
  ) {}

  async send(actor: Actor, body: SendNoteBody): Promise<NoteView> {
    authorize(actor, 'notes.send');
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const answered = body.replyTo ? await findNote(trx, body.replyTo) : undefined;
      if (body.replyTo && (!answered || answered.peer_id !== body.peer)) {
        throw notFound('note_not_found', `No note with ${body.peer} has the id ${body.replyTo}.`);
      }
      const author = await displayNameOf(trx, actor, `${this.deps.nodeId} operator`);
      // An answer to an EXERCISE note belongs to its exercise (marked, and observed there).
      const exercise = answered?.exercise_id
        ? { exercise_id: answered.exercise_id, exercise_inject_id: null }
        : undefined;
      return this.write(trx, hooks, actor, { ...body, author, answered, exercise });
    });
    return presentNote(row);
  }

  /** An exercise's inject sends a note, marked EXERCISE, in its transaction; returns its id. */
  async sendExercise(trx: Db, hooks: TxHooks, note: ExerciseNote): Promise<string> {
    const row = await this.write(
      trx,
      hooks,
      { kind: 'system', reason: 'exercise' },
      {
        peer: note.peer,
        text: note.text.slice(0, 2000),
        ackRequested: false,
        author: note.author,
        answered: undefined,
        exercise: { exercise_id: note.exerciseId, exercise_inject_id: note.injectId },
      },
    );
    return row.id;
  }

  /** The exercises feature hears of its notes here (received, sent in answer). */
  onExercise(listener: ExerciseNoteListener): void {
    this.deps.exercise.on(listener);
  }

  private async write(
    trx: Db,
    hooks: TxHooks,
    actor: Actor,
    body: Pick<SendNoteBody, 'peer' | 'text' | 'ackRequested'> & {
      author: string;
      answered: NoteRow | undefined;
      exercise: Pick<NoteRow, 'exercise_id' | 'exercise_inject_id'> | undefined;
    },
  ): Promise<NoteRow> {
    const { answered, author, exercise } = body;
    const now = this.deps.clock.now();
    const id = randomUUID();
    const { seq } = await this.deps.federation.send(trx, hooks, body.peer, NOTE_KIND, {
      noteId: id,
      text: body.text,
      author,
      ...(answered?.origin_id ? { replyTo: answered.origin_id } : {}),
      ...(body.ackRequested ? { ackRequested: true } : {}),
      // Only an exercise note carries its marker.
      ...(exercise?.exercise_id ? { exerciseId: exercise.exercise_id } : {}),
      ...(exercise?.exercise_inject_id ? { exerciseInjectId: exercise.exercise_inject_id } : {}),
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
      exercise_id: exercise?.exercise_id ?? null,
      exercise_inject_id: exercise?.exercise_inject_id ?? null,
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
    await this.deps.exercise.emit(trx, hooks, note, 'sent', now);
    announceNote(this.deps.bus, hooks, note);
    return note;
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
