import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CollectionAdminView, CollectionBody } from '../../../core/schemas/taxii.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { notFound, unprocessable } from '../../errors.js';
import type { Db } from '../../store/database.js';
import { findCase } from '../cases/public.js';
import type { FeatureDeps } from '../feature-deps.js';
import type { CollectionAccess } from './taxii.access.js';
import { presentCollectionAdmin } from './taxii.present.js';
import {
  accessOf,
  deleteCollection,
  findCollection,
  listCollections,
  saveCollection,
  setAccess,
} from './taxii.repository.js';
import type { TaxiiCollectionRow } from './taxii.table.js';

/**
 * The admin's side of the TAXII server: the collections it serves (a case, or every case,
 * up to a marking level) and who may read or write each (users and tokens by name).
 */
export class CollectionsService {
  constructor(
    private readonly deps: FeatureDeps & {
      log: Logger;
      publicUrl: string;
      access: CollectionAccess;
    },
  ) {}

  async adminList(actor: Actor): Promise<CollectionAdminView[]> {
    authorize(actor, 'taxii.manage');
    const db = this.deps.store.db;
    const rows = await listCollections(db);
    return Promise.all(rows.map((row) => this.view(db, row)));
  }

  async create(actor: Actor, body: CollectionBody): Promise<CollectionAdminView> {
    return this.save(actor, randomUUID(), body, true);
  }

  async update(actor: Actor, id: string, body: CollectionBody): Promise<CollectionAdminView> {
    return this.save(actor, id, body, false);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'taxii.manage');
    await this.deps.store.transaction(async (trx) => {
      if (!(await findCollection(trx, id))) {
        throw notFound('collection_not_found', `No collection ${id}.`);
      }
      await deleteCollection(trx, id);
      await appendAudit(trx, {
        actor,
        at: this.deps.clock.now(),
        action: 'taxii.collection.delete',
        entityType: 'taxii_collection',
        entityId: id,
      });
    });
    this.deps.access.clear();
  }

  private async save(
    actor: Actor,
    id: string,
    body: CollectionBody,
    creating: boolean,
  ): Promise<CollectionAdminView> {
    authorize(actor, 'taxii.manage');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx) => {
      const before = await findCollection(trx, id);
      if (!creating && !before) throw notFound('collection_not_found', `No collection ${id}.`);
      if (body.caseId !== null && !(await findCase(trx, body.caseId))) {
        throw notFound('case_not_found', `No case has the id ${body.caseId}.`);
      }
      const writers = body.access.filter((entry) => entry.canWrite);
      if (body.caseId === null && writers.length > 0) {
        throw unprocessable(
          'collection_read_only',
          'A collection over every case is read only: give it a case to let anyone write to it.',
        );
      }
      const row: TaxiiCollectionRow = {
        id,
        title: body.title,
        description: body.description,
        case_id: body.caseId,
        max_tlp: body.maxTlp,
        created_at: before ? Number(before.created_at) : now,
        updated_at: now,
      };
      await saveCollection(trx, row);
      await setAccess(
        trx,
        id,
        body.access.map((entry) => ({
          principal: entry.principal,
          can_read: entry.canRead ? 1 : 0,
          can_write: entry.canWrite ? 1 : 0,
        })),
      );
      await appendAudit(trx, {
        actor,
        at: now,
        action: creating ? 'taxii.collection.create' : 'taxii.collection.update',
        entityType: 'taxii_collection',
        entityId: id,
        details: { title: body.title, case: body.caseId, maxTlp: body.maxTlp, access: body.access },
      });
      return row;
    });
    this.deps.access.clear();
    return this.view(this.deps.store.db, row);
  }

  private async view(db: Db, row: TaxiiCollectionRow): Promise<CollectionAdminView> {
    return presentCollectionAdmin(row, await accessOf(db, row.id), this.deps.publicUrl);
  }
}
