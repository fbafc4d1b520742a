import { randomUUID } from 'node:crypto';
import { NOTE_KIND, NoteMessage } from '../../../core/schemas/notes.js';
import { appendAudit } from '../../audit/audit.js';
import type { Clock } from '../../clock.js';
import type { EventBus } from '../../events.js';
import type { MessageKind } from '../../federation/kinds.js';
import { messageKind } from '../module.js';
import type { SearchService } from '../search/public.js';
import { insertNote } from './notes.repository.js';
import { noteDoc } from './notes.search.js';
import { announceNote } from './notes.service.js';

/** `liaison.note`: a short text from a peer, stored and shown live. */
export function noteMessages(clock: Clock, bus: EventBus, search: SearchService): MessageKind[] {
  return [
    messageKind({
      kind: NOTE_KIND,
      schema: NoteMessage,
      async handle(trx, body, { peer, message, hooks }) {
        const now = clock.now();
        const row = {
          id: randomUUID(),
          direction: 'in' as const,
          peer_id: peer.node_id,
          seq: message.seq,
          text: body.text,
          author: body.author,
          sent_at: Date.parse(message.at),
          created_at: now,
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
        announceNote(bus, hooks, row);
      },
    }),
  ];
}
