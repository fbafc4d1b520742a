import { randomUUID } from 'node:crypto';
import {
  CONTACT_REMOVE_KIND,
  CONTACT_SYNC_KIND,
  CONTACT_UPSERT_KIND,
  type ContactBody,
  type ContactView,
} from '../../../core/schemas/contacts.js';
import { ROLES } from '../../../core/roles.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { notFound } from '../../errors.js';
import type { Db, TxHooks } from '../../store/database.js';
import {
  deleteContact,
  findContact,
  listContacts,
  listPublished,
  upsertContact,
} from './contacts.repository.js';
import type { ContactRow } from './contacts.table.js';
import type { FeatureDeps } from '../feature-deps.js';
import { contactMessage, presentContact } from './contacts.present.js';

/**
 * The contacts directory: this node's people and desks, and its peers' published ones.
 * A published contact goes to every peer in the transaction that changes it; a peer gets
 * the whole published list when it is added or resumed.
 */
export class ContactsService {
  constructor(private readonly deps: FeatureDeps) {
    deps.federation.onPeerActivated(async (trx, hooks, peerId, fresh) => {
      if (!(await deps.federation.peerAccepts(trx, peerId, CONTACT_SYNC_KIND))) return;
      const rows = await listPublished(trx, deps.nodeId);
      // A new peer holds nothing of ours: with nothing published there is nothing to send.
      if (fresh && rows.length === 0) return;
      await deps.federation.send(trx, hooks, peerId, CONTACT_SYNC_KIND, {
        contacts: rows.map(contactMessage),
      });
    });
  }

  async list(actor: Actor, node?: string): Promise<ContactView[]> {
    authorize(actor, 'contacts.read');
    const now = this.deps.clock.now();
    return (await listContacts(this.deps.store.db, node)).map((row) => presentContact(row, now));
  }

  async get(actor: Actor, id: string): Promise<ContactView> {
    authorize(actor, 'contacts.read');
    const row = await findContact(this.deps.store.db, id);
    if (!row) throw notFound('contact_not_found', `No contact has the id ${id}.`);
    return presentContact(row, this.deps.clock.now());
  }

  create(actor: Actor, body: ContactBody): Promise<ContactView> {
    authorize(actor, 'contacts.manage');
    return this.save(actor, randomUUID(), body, undefined);
  }

  async update(actor: Actor, id: string, body: ContactBody): Promise<ContactView> {
    authorize(actor, 'contacts.manage');
    const existing = await this.ownContact(this.deps.store.db, id);
    return this.save(actor, id, body, existing);
  }

  /** The yearly refresh: the contact's details are confirmed as still right. */
  async confirm(actor: Actor, id: string): Promise<ContactView> {
    authorize(actor, 'contacts.manage');
    const existing = await this.ownContact(this.deps.store.db, id);
    const view = presentContact(existing, 0);
    const { id: _id, node: _node, confirmedAt: _c, updatedAt: _u, stale: _s, ...body } = view;
    return this.save(actor, id, body, existing, 'contact.confirm');
  }

  async remove(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'contacts.manage');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const existing = await this.ownContact(trx, id);
      await deleteContact(trx, id, this.deps.nodeId);
      if (existing.published === 1) {
        await this.deps.federation.broadcast(trx, hooks, CONTACT_REMOVE_KIND, { id });
      }
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'contact.remove',
        entityType: 'contact',
        entityId: id,
        before: existing,
      });
      this.changed(hooks, this.deps.nodeId, id);
    });
  }

  private async ownContact(db: Db, id: string): Promise<ContactRow> {
    const row = await findContact(db, id);
    if (!row || row.node_id !== this.deps.nodeId) {
      throw notFound('contact_not_found', `This node has no contact with the id ${id}.`);
    }
    return row;
  }

  private async save(
    actor: Actor,
    id: string,
    body: ContactBody,
    existing: ContactRow | undefined,
    action = existing ? 'contact.update' : 'contact.create',
  ): Promise<ContactView> {
    const now = this.deps.clock.now();
    const row: ContactRow = {
      id,
      node_id: this.deps.nodeId,
      name: body.name,
      kind: body.kind,
      roles: JSON.stringify(body.roles),
      channels: JSON.stringify(body.channels),
      languages: JSON.stringify(body.languages),
      working_hours: JSON.stringify(body.workingHours),
      time_zone: body.timeZone,
      published: body.published ? 1 : 0,
      // Saving a contact confirms its details.
      confirmed_at: now,
      created_at: existing ? Number(existing.created_at) : now,
      updated_at: now,
    };
    await this.deps.store.transaction(async (trx, hooks) => {
      await upsertContact(trx, row);
      if (row.published === 1) {
        await this.deps.federation.broadcast(trx, hooks, CONTACT_UPSERT_KIND, {
          contact: contactMessage(row),
        });
      } else if (existing?.published === 1) {
        await this.deps.federation.broadcast(trx, hooks, CONTACT_REMOVE_KIND, { id });
      }
      await appendAudit(trx, {
        actor,
        at: now,
        action,
        entityType: 'contact',
        entityId: id,
        ...(existing ? { before: existing } : {}),
        after: row,
      });
      this.changed(hooks, this.deps.nodeId, id);
    });
    return presentContact(row, now);
  }

  changed(hooks: TxHooks, node: string, id: string | null): void {
    hooks.afterCommit(() =>
      this.deps.bus.publish('contact.changed', { node, id }, { roles: ROLES }),
    );
  }
}
