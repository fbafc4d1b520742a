import { randomUUID } from 'node:crypto';
import { NOTE_KIND, type NoteView, type SendNoteBody } from '../../../core/schemas/notes.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { ROLES } from '../../../core/roles.js';
import type { EventBus } from '../../events.js';
import type { TxHooks } from '../../store/database.js';
import { insertNote, listNotes } from './notes.repository.js';
import type { NoteRow } from './notes.table.js';
import { displayNameOf, type FeatureDeps } from '../feature-deps.js';
import { presentNote } from './notes.present.js';
import { noteDoc } from './notes.search.js';
import type { SearchService } from '../search/public.js';

/** Shows a note, sent or received, live to every role once its transaction commits. */
export function announceNote(bus: EventBus, hooks: TxHooks, note: NoteRow): void {
  hooks.afterCommit(() =>
    bus.publish('note.created', { note: presentNote(note) }, { roles: ROLES }),
  );
}

/** Notes: the simplest use of the stream — a short text to a peer. */
export class NotesService {
  constructor(private readonly deps: FeatureDeps & { search: SearchService }) {}

  async send(actor: Actor, body: SendNoteBody): Promise<NoteView> {
    authorize(actor, 'notes.send');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const author = await displayNameOf(trx, actor, `${this.deps.nodeId} operator`);
      const id = randomUUID();
      const { seq } = await this.deps.federation.send(trx, hooks, body.peer, NOTE_KIND, {
        noteId: id,
        text: body.text,
        author,
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

  async list(actor: Actor, options: { peer?: string; limit: number }): Promise<NoteView[]> {
    authorize(actor, 'notes.read');
    return (await listNotes(this.deps.store.db, options)).map(presentNote);
  }
}
