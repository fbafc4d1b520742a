import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { actorRef, can, type Actor } from '../../actor.js';
import { forbidden, notFound, unprocessable } from '../../errors.js';
import type { Db } from '../../store/database.js';
import type { ImportService, ObjectsService } from '../cases/public.js';
import type { FeatureDeps } from '../feature-deps.js';
import { encodeNext, TAXII_MEDIA_TYPE } from './taxii.media.js';
import {
  addOutcome,
  envelope,
  listing,
  manifestRecord,
  presentCollection,
  presentStatus,
  versionOf,
  type Rights,
  type TaxiiPage,
  type VersionPage,
} from './taxii.present.js';
import {
  levelsFor,
  MAX_PAGE,
  queryOf,
  visible,
  type QueryDefaults,
  type TaxiiFilters,
} from './taxii.query.js';
import type { CollectionAccess } from './taxii.access.js';
import {
  authorOf,
  findStatus,
  saveStatus,
  bodiesPage,
  versionsPage,
  type VersionEntry,
} from './taxii.repository.js';
import type { TaxiiCollectionRow, TaxiiStatusRow } from './taxii.table.js';

export { DEFAULT_PAGE, MAX_PAGE, type TaxiiFilters } from './taxii.query.js';
export type { TaxiiPage } from './taxii.present.js';

/** What a client may POST at once (the API root says so). */
export const MAX_CONTENT_LENGTH = 16 * 1024 * 1024;

/**
 * The TAXII 2.1 server: one API root (`/taxii2/api/`) over the collections the admin
 * defines (collections.service.ts), read and write rights per user or token. Every reply
 * passes the TLP rules of core/tlp-rules.ts for the caller's roles (taxii.query.ts); RED is
 * never served. Pages follow the version counter (stix_versions.seq): a `next` cursor names
 * the last place served, so a client paging while objects arrive gets each exactly once.
 */
export class TaxiiService {
  constructor(
    private readonly deps: FeatureDeps & {
      log: Logger;
      imports: ImportService;
      objects: ObjectsService;
      access: CollectionAccess;
      publicUrl: string;
      nodeName: string;
    },
  ) {}

  // ---- discovery, API root, collections ---------------------------------------------------

  discovery(): Record<string, unknown> {
    const root = `${this.deps.publicUrl}/taxii2/api/`;
    return {
      title: `Liaison — ${this.deps.nodeName}`,
      description: 'TAXII 2.1 server of a Liaison node: shared cases and indicators.',
      default: root,
      api_roots: [root],
    };
  }

  apiRoot(): Record<string, unknown> {
    return {
      title: `Cases of ${this.deps.nodeName}`,
      description: 'The collections the administrator defines over cases, by TLP level.',
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: MAX_CONTENT_LENGTH,
    };
  }

  async collections(actor: Actor): Promise<Record<string, unknown>> {
    const out = [];
    for (const row of await this.deps.access.collections()) {
      const rights = await this.rightsOn(actor, row);
      if (rights.read || rights.write) out.push(presentCollection(row, rights));
    }
    return out.length > 0 ? { collections: out } : {};
  }

  async collection(actor: Actor, id: string): Promise<Record<string, unknown>> {
    const { row, rights } = await this.open(actor, id, 'any');
    return presentCollection(row, rights);
  }

  // ---- objects ----------------------------------------------------------------------------

  async objects(actor: Actor, collectionId: string, filters: TaxiiFilters): Promise<TaxiiPage> {
    const { row } = await this.open(actor, collectionId, 'read');
    return this.envelope(actor, row, filters, null);
  }

  async manifest(actor: Actor, collectionId: string, filters: TaxiiFilters): Promise<TaxiiPage> {
    const db = this.deps.store.db;
    const { row } = await this.open(actor, collectionId, 'read');
    const page = await this.page(db, actor, row, filters, { versions: 'last', ids: null });
    return listing(page, 'objects', page.entries.map(manifestRecord));
  }

  async object(
    actor: Actor,
    collectionId: string,
    objectId: string,
    filters: TaxiiFilters,
  ): Promise<TaxiiPage> {
    const db = this.deps.store.db;
    const row = await this.openHolding(db, actor, collectionId, objectId, 'read');
    return this.envelope(actor, row, filters, [objectId]);
  }

  async versions(
    actor: Actor,
    collectionId: string,
    objectId: string,
    filters: TaxiiFilters,
  ): Promise<TaxiiPage> {
    const db = this.deps.store.db;
    const row = await this.openHolding(db, actor, collectionId, objectId, 'read');
    const page = await this.page(
      db,
      actor,
      row,
      { ...filters, 'match[version]': 'all' },
      { versions: 'all', ids: [objectId] },
    );
    return listing(
      page,
      'versions',
      page.entries.map((entry) => JSON.stringify(versionOf(entry))),
    );
  }

  /** Deletes the versions `match[version]` selects (all by default) of one object. */
  async deleteObject(
    actor: Actor,
    collectionId: string,
    objectId: string,
    filters: TaxiiFilters,
  ): Promise<void> {
    const db = this.deps.store.db;
    const row = await this.openHolding(db, actor, collectionId, objectId, 'write');
    const all = await this.allVersions(db, actor, row, objectId, { 'match[version]': 'all' });
    const chosen = await this.allVersions(db, actor, row, objectId, {
      'match[version]': filters['match[version]'] ?? 'all',
      'match[spec_version]': filters['match[spec_version]'],
    });
    if (chosen.length === 0) return;
    if (chosen.length === all.length && row.case_id !== null) {
      // Every version: the object leaves the case (a tombstone if it was its last case,
      // whose deletion reaches the peers).
      await this.deps.objects.deleteObject(actor, row.case_id, objectId);
      return;
    }
    const author = await authorOf(db, objectId);
    if (author !== this.deps.nodeId) {
      throw forbidden(`${author} wrote this object; only it removes its versions.`);
    }
    await this.deps.objects.removeVersions(
      actor,
      objectId,
      chosen.map((entry) => Number(entry.n)),
    );
  }

  /** Adds the objects of an envelope to the collection's case; answers a status resource. */
  async add(
    actor: Actor,
    collectionId: string,
    envelope: unknown,
  ): Promise<Record<string, unknown>> {
    const db = this.deps.store.db;
    const { row } = await this.open(actor, collectionId, 'write');
    if (row.case_id === null) {
      throw forbidden('This collection spans every case and is read only.');
    }
    const objects = (envelope as { objects?: unknown } | null)?.objects;
    if (
      envelope === null ||
      typeof envelope !== 'object' ||
      !Array.isArray(objects) ||
      objects.length === 0
    ) {
      throw unprocessable(
        'invalid_envelope',
        'The body must be a TAXII envelope: {"objects": [ …STIX objects… ]}.',
      );
    }
    const { failures } = await this.deps.imports.importObjects(
      actor,
      { caseId: row.case_id, tlp: row.max_tlp, label: `taxii:${row.id}` },
      objects,
    );
    const outcome = addOutcome(
      objects,
      new Map(failures.map((failure) => [failure.position, failure])),
    );
    const status: TaxiiStatusRow = {
      id: randomUUID(),
      collection_id: row.id,
      status: 'complete',
      total: objects.length,
      success: outcome.successes.length,
      failure: outcome.failures.length,
      pending: 0,
      details: JSON.stringify(outcome),
      requested_by: actorRef(actor),
      created_at: this.deps.clock.now(),
    };
    await saveStatus(db, status);
    return presentStatus(status);
  }

  async status(actor: Actor, id: string): Promise<Record<string, unknown>> {
    const db = this.deps.store.db;
    const row = await findStatus(db, id);
    if (!row) throw notFound('status_not_found', `No status ${id}.`);
    // Only who may write the collection, or who asked, sees how an add went.
    if (row.requested_by !== actorRef(actor)) await this.open(actor, row.collection_id, 'write');
    return presentStatus(row);
  }

  // ---- rights and pages -------------------------------------------------------------------

  /** The collection, if the actor may `need` it; an unknown one and a hidden one look alike. */
  private async open(
    actor: Actor,
    id: string,
    need: 'read' | 'write' | 'any',
  ): Promise<{ row: TaxiiCollectionRow; rights: Rights }> {
    const row = await this.deps.access.collection(id);
    const rights = row ? await this.rightsOn(actor, row) : { read: false, write: false };
    if (!row || (!rights.read && !rights.write)) {
      throw notFound('collection_not_found', `No collection ${id} is open to you.`);
    }
    if (need === 'read' && !rights.read) throw forbidden('You may not read this collection.');
    if (need === 'write' && !rights.write) throw forbidden('You may not write to this collection.');
    return { row, rights };
  }

  private async rightsOn(actor: Actor, row: TaxiiCollectionRow): Promise<Rights> {
    const readable = can(actor, 'cases.read');
    const writable = can(actor, 'cases.write') && row.case_id !== null;
    if (actor.kind === 'cli' || actor.kind === 'system') return { read: true, write: writable };
    if (actor.kind !== 'user' && actor.kind !== 'token') return { read: false, write: false };
    if (actor.roles.includes('admin')) return { read: readable, write: writable };
    const principals = [`user:${actor.userId}`];
    if (actor.kind === 'token') principals.push(`token:${actor.tokenId}`);
    const grants = (await this.deps.access.grantsOf(principals)).filter(
      (grant) => grant.collection_id === row.id,
    );
    return {
      read: readable && grants.some((grant) => grant.can_read === 1),
      write: writable && grants.some((grant) => grant.can_write === 1),
    };
  }

  /** The collection, if the actor may `need` it and may see the object in it. */
  private async openHolding(
    db: Db,
    actor: Actor,
    collectionId: string,
    objectId: string,
    need: 'read' | 'write',
  ): Promise<TaxiiCollectionRow> {
    const { row } = await this.open(actor, collectionId, need);
    await this.mustHold(db, actor, row, objectId);
    return row;
  }

  private async mustHold(
    db: Db,
    actor: Actor,
    row: TaxiiCollectionRow,
    objectId: string,
  ): Promise<void> {
    const held = await this.allVersions(db, actor, row, objectId, { 'match[version]': 'all' });
    if (held.length === 0) {
      throw notFound('object_not_found', `The collection holds no object ${objectId}.`);
    }
  }

  private async allVersions(
    db: Db,
    actor: Actor,
    row: TaxiiCollectionRow,
    objectId: string,
    filters: TaxiiFilters,
  ): Promise<VersionEntry[]> {
    const query = this.queryOf(
      actor,
      row,
      { ...filters, limit: String(MAX_PAGE) },
      { versions: 'all', ids: [objectId] },
    );
    return (await versionsPage(db, { ...query, limit: 100_000 })).filter((entry) =>
      visible(this.deps.nodeId, actor, row, entry),
    );
  }

  private queryOf(
    actor: Actor,
    row: TaxiiCollectionRow,
    filters: TaxiiFilters,
    defaults: QueryDefaults,
  ) {
    return queryOf(row, levelsFor(this.deps.nodeId, actor, row), filters, defaults);
  }

  /** A page of objects, as stored: one query, the TLP gate on each entry, no parsing. */
  private async envelope(
    actor: Actor,
    row: TaxiiCollectionRow,
    filters: TaxiiFilters,
    ids: string[] | null,
  ): Promise<TaxiiPage> {
    const query = this.queryOf(actor, row, filters, { versions: 'last', ids });
    const window = await bodiesPage(this.deps.store.db, query);
    return envelope(window, query.pageSize, (gate) => visible(this.deps.nodeId, actor, row, gate));
  }

  private async page(
    db: Db,
    actor: Actor,
    row: TaxiiCollectionRow,
    filters: TaxiiFilters,
    defaults: QueryDefaults,
  ): Promise<VersionPage> {
    const query = this.queryOf(actor, row, filters, defaults);
    const scanned = await versionsPage(db, query);
    const more = scanned.length > query.pageSize;
    const window = scanned.slice(0, query.pageSize);
    const entries = window.filter((entry) => visible(this.deps.nodeId, actor, row, entry));
    const lastSeq = window[window.length - 1]?.seq;
    return {
      entries,
      more,
      next: more && lastSeq !== undefined ? encodeNext(Number(lastSeq)) : null,
    };
  }
}
