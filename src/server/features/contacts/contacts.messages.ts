import type { z } from 'zod';
import {
  CONTACT_REMOVE_KIND,
  CONTACT_SYNC_KIND,
  CONTACT_UPSERT_KIND,
  ContactRemoveMessage,
  ContactSyncMessage,
  ContactUpsertMessage,
} from '../../../core/schemas/contacts.js';
import { appendAudit } from '../../audit/audit.js';
import type { Clock } from '../../clock.js';
import { conflict } from '../../errors.js';
import type { MessageKind } from '../../federation/kinds.js';
import { messageKind } from '../module.js';
import type { Db } from '../../store/database.js';
import { deleteContact, findContact, listContacts, upsertContact } from './contacts.repository.js';
import type { ContactRow } from './contacts.table.js';
import type { ContactsService } from './contacts.service.js';

type Incoming = z.infer<typeof ContactUpsertMessage>['contact'];

function rowOf(peerId: string, contact: Incoming, now: number): ContactRow {
  return {
    id: contact.id,
    node_id: peerId,
    name: contact.name,
    kind: contact.kind,
    roles: JSON.stringify(contact.roles),
    channels: JSON.stringify(contact.channels),
    languages: JSON.stringify(contact.languages),
    working_hours: JSON.stringify(contact.workingHours),
    time_zone: contact.timeZone,
    published: 1,
    confirmed_at: Date.parse(contact.confirmedAt),
    created_at: now,
    updated_at: Date.parse(contact.updatedAt),
  };
}

/** A peer's contact may only replace that peer's own contact of the same id. */
async function storePeerContact(db: Db, row: ContactRow): Promise<void> {
  const existing = await findContact(db, row.id);
  if (existing && existing.node_id !== row.node_id) {
    throw conflict(
      'contact_conflict',
      `Contact ${row.id} belongs to ${existing.node_id}, not ${row.node_id}.`,
    );
  }
  await upsertContact(db, row);
}

/** The peers' published contacts, kept current by their messages. */
export function contactMessages(clock: Clock, contacts: ContactsService): MessageKind[] {
  const audit = (db: Db, peer: string, action: string, id: string, details = {}) =>
    appendAudit(db, {
      actor: { kind: 'peer', nodeId: peer },
      at: clock.now(),
      action,
      entityType: 'contact',
      entityId: id,
      details: { peer, ...details },
    });
  return [
    messageKind({
      kind: CONTACT_UPSERT_KIND,
      schema: ContactUpsertMessage,
      async handle(trx, body, { peer, hooks }) {
        await storePeerContact(trx, rowOf(peer.node_id, body.contact, clock.now()));
        await audit(trx, peer.node_id, 'contact.receive', body.contact.id);
        contacts.changed(hooks, peer.node_id, body.contact.id);
      },
    }),
    messageKind({
      kind: CONTACT_REMOVE_KIND,
      schema: ContactRemoveMessage,
      async handle(trx, body, { peer, hooks }) {
        await deleteContact(trx, body.id, peer.node_id);
        await audit(trx, peer.node_id, 'contact.receive_removal', body.id);
        contacts.changed(hooks, peer.node_id, body.id);
      },
    }),
    messageKind({
      kind: CONTACT_SYNC_KIND,
      schema: ContactSyncMessage,
      async handle(trx, body, { peer, hooks }) {
        const now = clock.now();
        const keep = new Set(body.contacts.map((c) => c.id));
        for (const row of await listContacts(trx, peer.node_id)) {
          if (!keep.has(row.id)) await deleteContact(trx, row.id, peer.node_id);
        }
        for (const contact of body.contacts) {
          await storePeerContact(trx, rowOf(peer.node_id, contact, now));
        }
        await audit(trx, peer.node_id, 'contact.receive_list', peer.node_id, {
          count: body.contacts.length,
        });
        contacts.changed(hooks, peer.node_id, null);
      },
    }),
  ];
}
