import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ROLES, type Role } from '../../../core/roles.js';
import type { CollectionAdminView, CollectionBody } from '../../../core/schemas/taxii.js';
import { TLP_LEVELS, tlpRank, userMaySee, type TlpLevel } from '../../../core/tlp-rules.js';
import { actorRef, authorize, can, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { iso } from '../../clock.js';
import { AppError, forbidden, notFound } from '../../errors.js';
import type { Db } from '../../store/database.js';
import { findCase, type CasesService, type ImportService } from '../cases/public.js';
import type { FeatureDeps } from '../feature-deps.js';
import {
  accessForPrincipals,
  accessOf,
  deleteCollection,
  deleteVersions,
  findCollection,
  findStatus,
  listCollections,
  saveCollection,
  saveStatus,
  setAccess,
  versionsPage,
  type VersionEntry,
  type VersionQuery,
} from './taxii.repository.js';
import type { TaxiiCollectionRow, TaxiiStatusRow } from './taxii.table.js';
import {
  TAXII_MEDIA_TYPE,
  decodeNext,
  encodeNext,
  formatDateAdded,
  parseTimestampUs,
  STIX_MEDIA_TYPE,
} from './taxii.media.js';

/** The query parameters of the TAXII 2.1 object endpoints, as received. */
export interface TaxiiFilters {
  added_after?: string | undefined;
  limit?: string | undefined;
  next?: string | undefined;
  'match[id]'?: string | undefined;
  'match[type]'?: string | undefined;
  'match[version]'?: string | undefined;
  'match[spec_version]'?: string | undefined;
}

/** A TAXII reply: its JSON text, and the date_added of its first and last entries. */
export interface TaxiiPage {
  body: string;
  first: string | null;
  last: string | null;
}

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;
/** What a client may POST at once (the API root says so). */
export const MAX_CONTENT_LENGTH = 16 * 1024 * 1024;

interface Rights {
  read: boolean;
  write: boolean;
}

/**
 * The TAXII 2.1 server: one API root (`/taxii2/api/`), the collections the admin defines
 * (a case, or every case, up to a marking level), read and write rights per user or token.
 * Every reply passes the TLP rules of core/tlp-rules.ts for the caller's roles; RED is never
 * served. Pages follow the version counter (stix_versions.seq): a `next` cursor names the
 * last place served, so a client paging while objects arrive gets each exactly once.
 */
export class TaxiiService {
  constructor(
    private readonly deps: FeatureDeps & {
      log: Logger;
      imports: ImportService;
      cases: CasesService;
      publicUrl: string;
      nodeName: string;
    },
  ) {}

  // ---- the admin's side -------------------------------------------------------------------

  async adminList(actor: Actor): Promise<CollectionAdminView[]> {
    authorize(actor, 'taxii.manage');
    const db = this.deps.store.db;
    const rows = await listCollections(db);
    return Promise.all(rows.map((row) => this.presentAdmin(db, row)));
  }

  async create(actor: Actor, body: CollectionBody): Promise<CollectionAdminView> {
    return this.save(actor, randomUUID(), body, true);
  }

  async update(actor: Actor, id: string, body: CollectionBody): Promise<CollectionAdminView> {
    return this.save(actor, id, body, false);
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
        throw new AppError(
          'collection_read_only',
          422,
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
    return this.presentAdmin(this.deps.store.db, row);
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
  }

  // ---- TAXII 2.1: discovery, API root, collections ----------------------------------------

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
    const db = this.deps.store.db;
    const out = [];
    for (const row of await listCollections(db)) {
      const rights = await this.rightsOn(db, actor, row);
      if (rights.read || rights.write) out.push(presentCollection(row, rights));
    }
    return out.length > 0 ? { collections: out } : {};
  }

  async collection(actor: Actor, id: string): Promise<Record<string, unknown>> {
    const db = this.deps.store.db;
    const { row, rights } = await this.open(db, actor, id, 'any');
    return presentCollection(row, rights);
  }

  // ---- objects ----------------------------------------------------------------------------

  async objects(actor: Actor, collectionId: string, filters: TaxiiFilters): Promise<TaxiiPage> {
    const db = this.deps.store.db;
    const { row } = await this.open(db, actor, collectionId, 'read');
    const page = await this.page(db, actor, row, filters, { versions: 'last', ids: null });
    return this.envelope(page, (entry) => entry.body);
  }

  async manifest(actor: Actor, collectionId: string, filters: TaxiiFilters): Promise<TaxiiPage> {
    const db = this.deps.store.db;
    const { row } = await this.open(db, actor, collectionId, 'read');
    const page = await this.page(db, actor, row, filters, { versions: 'last', ids: null });
    const records = page.entries.map((entry) =>
      JSON.stringify({
        id: entry.id,
        date_added: formatDateAdded(Number(entry.added_us)),
        version: versionOf(entry),
        media_type: STIX_MEDIA_TYPE,
      }),
    );
    return listing(page, 'objects', records);
  }

  async object(
    actor: Actor,
    collectionId: string,
    objectId: string,
    filters: TaxiiFilters,
  ): Promise<TaxiiPage> {
    const db = this.deps.store.db;
    const { row } = await this.open(db, actor, collectionId, 'read');
    await this.mustHold(db, actor, row, objectId);
    const page = await this.page(db, actor, row, filters, { versions: 'last', ids: [objectId] });
    return this.envelope(page, (entry) => entry.body);
  }

  async versions(
    actor: Actor,
    collectionId: string,
    objectId: string,
    filters: TaxiiFilters,
  ): Promise<TaxiiPage> {
    const db = this.deps.store.db;
    const { row } = await this.open(db, actor, collectionId, 'read');
    await this.mustHold(db, actor, row, objectId);
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
    const { row } = await this.open(db, actor, collectionId, 'write');
    await this.mustHold(db, actor, row, objectId);
    const all = await this.allVersions(db, actor, row, objectId, { 'match[version]': 'all' });
    const chosen = await this.allVersions(db, actor, row, objectId, {
      'match[version]': filters['match[version]'] ?? 'all',
      'match[spec_version]': filters['match[spec_version]'],
    });
    if (chosen.length === 0) return;
    const object = await db
      .selectFrom('stix_objects')
      .select(['case_id', 'origin_node'])
      .where('id', '=', objectId)
      .executeTakeFirstOrThrow();
    if (chosen.length === all.length) {
      // Every version: the object goes, as a tombstone, and its deletion reaches the peers.
      await this.deps.cases.deleteObject(actor, object.case_id, objectId);
      return;
    }
    if (object.origin_node !== this.deps.nodeId) {
      throw forbidden(`${object.origin_node} wrote this object; only it removes its versions.`);
    }
    await this.deps.store.transaction(async (trx) => {
      await deleteVersions(
        trx,
        objectId,
        chosen.map((entry) => Number(entry.n)),
      );
      await appendAudit(trx, {
        actor,
        at: this.deps.clock.now(),
        action: 'taxii.versions.delete',
        entityType: 'stix',
        entityId: objectId,
        details: { collection: collectionId, versions: chosen.map(versionOf) },
      });
    });
  }

  /** Adds the objects of an envelope to the collection's case; answers a status resource. */
  async add(
    actor: Actor,
    collectionId: string,
    envelope: unknown,
  ): Promise<Record<string, unknown>> {
    const db = this.deps.store.db;
    const { row } = await this.open(db, actor, collectionId, 'write');
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
      throw new AppError(
        'invalid_envelope',
        422,
        'The body must be a TAXII envelope: {"objects": [ …STIX objects… ]}.',
      );
    }
    const { failures } = await this.deps.imports.importObjects(
      actor,
      { caseId: row.case_id, tlp: row.max_tlp, label: `taxii:${row.id}` },
      objects,
    );
    const failed = new Map(failures.map((failure) => [failure.position, failure]));
    const entry = (object: unknown) => {
      const record = (object ?? {}) as Record<string, unknown>;
      return {
        id: typeof record['id'] === 'string' ? record['id'] : '',
        ...(typeof record['modified'] === 'string' ? { version: record['modified'] } : {}),
      };
    };
    const list: unknown[] = objects;
    const successes = list
      .map((object, position) => ({ object, position }))
      .filter(({ position }) => !failed.has(position))
      .map(({ object }) => entry(object));
    const failedEntries = list
      .map((object, position) => ({ object, position }))
      .filter(({ position }) => failed.has(position))
      .map(({ object, position }) => ({
        ...entry(object),
        message: failed.get(position)?.reason ?? '',
      }));
    const now = this.deps.clock.now();
    const status: TaxiiStatusRow = {
      id: randomUUID(),
      collection_id: row.id,
      status: 'complete',
      total: objects.length,
      success: successes.length,
      failure: failedEntries.length,
      pending: 0,
      details: JSON.stringify({ successes, failures: failedEntries }),
      requested_by: actorRef(actor),
      created_at: now,
    };
    await saveStatus(db, status);
    return presentStatus(status);
  }

  async status(actor: Actor, id: string): Promise<Record<string, unknown>> {
    const db = this.deps.store.db;
    const row = await findStatus(db, id);
    if (!row) throw notFound('status_not_found', `No status ${id}.`);
    // Only who may write the collection, or who asked, sees how an add went.
    if (row.requested_by !== actorRef(actor))
      await this.open(db, actor, row.collection_id, 'write');
    return presentStatus(row);
  }

  // ---- the gate and the pages -------------------------------------------------------------

  /** The collection, if the actor may `need` it; an unknown one and a hidden one look alike. */
  private async open(
    db: Db,
    actor: Actor,
    id: string,
    need: 'read' | 'write' | 'any',
  ): Promise<{ row: TaxiiCollectionRow; rights: Rights }> {
    const row = await findCollection(db, id);
    const rights = row ? await this.rightsOn(db, actor, row) : { read: false, write: false };
    if (!row || (!rights.read && !rights.write)) {
      throw notFound('collection_not_found', `No collection ${id} is open to you.`);
    }
    if (need === 'read' && !rights.read) throw forbidden('You may not read this collection.');
    if (need === 'write' && !rights.write) throw forbidden('You may not write to this collection.');
    return { row, rights };
  }

  private async rightsOn(db: Db, actor: Actor, row: TaxiiCollectionRow): Promise<Rights> {
    const readable = can(actor, 'cases.read');
    const writable = can(actor, 'cases.write') && row.case_id !== null;
    if (actor.kind === 'cli' || actor.kind === 'system') return { read: true, write: writable };
    if (actor.kind !== 'user' && actor.kind !== 'token') return { read: false, write: false };
    if (actor.roles.includes('admin')) return { read: readable, write: writable };
    const principals = [`user:${actor.userId}`];
    if (actor.kind === 'token') principals.push(`token:${actor.tokenId}`);
    const grants = (await accessForPrincipals(db, principals)).filter(
      (grant) => grant.collection_id === row.id,
    );
    return {
      read: readable && grants.some((grant) => grant.can_read === 1),
      write: writable && grants.some((grant) => grant.can_write === 1),
    };
  }

  /** The levels the collection carries that the actor's roles may read (never RED). */
  private levelsFor(actor: Actor, row: TaxiiCollectionRow): TlpLevel[] {
    const roles = rolesOf(actor);
    return TLP_LEVELS.filter(
      (level) =>
        level !== 'red' &&
        tlpRank(level) <= tlpRank(row.max_tlp) &&
        userMaySee(
          { tlp: level, origin: this.deps.nodeId, redRecipients: [] },
          this.deps.nodeId,
          roles,
        ),
    );
  }

  /** The single TLP gate (core/tlp-rules.ts) on each entry, after the SQL's first cut. */
  private visible(actor: Actor, row: TaxiiCollectionRow, entry: VersionEntry): boolean {
    // RED is never served: its recipients need not be read.
    if (entry.tlp === 'red' || tlpRank(entry.tlp) > tlpRank(row.max_tlp)) return false;
    return userMaySee(
      { tlp: entry.tlp, origin: entry.origin_node, redRecipients: [] },
      this.deps.nodeId,
      rolesOf(actor),
    );
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
      {
        versions: 'all',
        ids: [objectId],
      },
    );
    return (await versionsPage(db, { ...query, limit: 100_000 })).filter((entry) =>
      this.visible(actor, row, entry),
    );
  }

  private queryOf(
    actor: Actor,
    row: TaxiiCollectionRow,
    filters: TaxiiFilters,
    defaults: { versions: 'last' | 'all'; ids: string[] | null },
  ): VersionQuery & { pageSize: number } {
    const limitText = filters.limit;
    let pageSize = DEFAULT_PAGE;
    if (limitText !== undefined) {
      if (!/^\d+$/.test(limitText) || Number(limitText) < 1) {
        throw badFilter('limit must be a positive whole number');
      }
      pageSize = Math.min(Number(limitText), MAX_PAGE);
    }
    const afterSeq = filters.next !== undefined ? decodeNext(filters.next) : 0;
    if (afterSeq === null) throw badFilter('next is not a cursor this server gave');
    let addedAfterUs: number | null = null;
    if (filters.added_after !== undefined) {
      addedAfterUs = parseTimestampUs(filters.added_after);
      if (addedAfterUs === null) {
        throw badFilter('added_after must be a timestamp like 2026-11-24T09:30:00.000Z');
      }
    }
    const list = (text: string | undefined) =>
      text === undefined
        ? null
        : text
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part.length > 0);
    const ids = list(filters['match[id]']);
    const types = list(filters['match[type]']);
    const specVersions = list(filters['match[spec_version]']);
    const versionWords = list(filters['match[version]']) ?? [defaults.versions];
    let versions: VersionQuery['versions'] = null;
    if (!versionWords.includes('all')) {
      const modified = versionWords.filter((word) => word !== 'last' && word !== 'first');
      for (const value of modified) {
        if (parseTimestampUs(value) === null) {
          throw badFilter(`match[version] takes last, first, all or timestamps, not ${value}`);
        }
      }
      versions = {
        last: versionWords.includes('last'),
        first: versionWords.includes('first'),
        modified,
      };
    }
    const levels =
      specVersions !== null && !specVersions.includes('2.1') ? [] : this.levelsFor(actor, row);
    const scopedIds =
      defaults.ids === null
        ? ids
        : ids === null
          ? defaults.ids
          : ids.filter((id) => defaults.ids?.includes(id));
    return {
      caseId: row.case_id,
      levels,
      afterSeq,
      addedAfterUs,
      ids: scopedIds,
      types,
      versions,
      limit: pageSize + 1,
      pageSize,
    };
  }

  private async page(
    db: Db,
    actor: Actor,
    row: TaxiiCollectionRow,
    filters: TaxiiFilters,
    defaults: { versions: 'last' | 'all'; ids: string[] | null },
  ): Promise<{ entries: VersionEntry[]; more: boolean; next: string | null }> {
    const query = this.queryOf(actor, row, filters, defaults);
    const scanned = await versionsPage(db, query);
    const more = scanned.length > query.pageSize;
    const window = scanned.slice(0, query.pageSize);
    const entries = window.filter((entry) => this.visible(actor, row, entry));
    const lastSeq = window[window.length - 1]?.seq;
    return {
      entries,
      more,
      next: more && lastSeq !== undefined ? encodeNext(Number(lastSeq)) : null,
    };
  }

  private envelope(
    page: { entries: VersionEntry[]; more: boolean; next: string | null },
    text: (entry: VersionEntry) => string,
  ): TaxiiPage {
    return listing(page, 'objects', page.entries.map(text));
  }

  private async presentAdmin(db: Db, row: TaxiiCollectionRow): Promise<CollectionAdminView> {
    return {
      id: row.id,
      title: row.title,
      description: row.description,
      caseId: row.case_id,
      maxTlp: row.max_tlp,
      access: (await accessOf(db, row.id)).map((grant) => ({
        principal: grant.principal,
        canRead: grant.can_read === 1,
        canWrite: grant.can_write === 1,
      })),
      url: `${this.deps.publicUrl}/taxii2/api/collections/${row.id}/`,
      createdAt: iso(Number(row.created_at)),
      updatedAt: iso(Number(row.updated_at)),
    };
  }
}

function rolesOf(actor: Actor): readonly Role[] {
  if (actor.kind === 'user' || actor.kind === 'token') return actor.roles;
  if (actor.kind === 'cli' || actor.kind === 'system') return ROLES;
  return [];
}

function badFilter(message: string): AppError {
  return new AppError('invalid_filter', 400, `Bad query parameter: ${message}.`);
}

/** A version's name in TAXII: its `modified`, else the date it was added (observables). */
function versionOf(entry: VersionEntry): string {
  return entry.modified ?? formatDateAdded(Number(entry.added_us));
}

/** A TAXII list (`more`, `next`, and the items under `key` unless there are none) as text. */
function listing(
  page: { entries: VersionEntry[]; more: boolean; next: string | null },
  key: 'objects' | 'versions',
  items: string[],
): TaxiiPage {
  const next = page.next ? `,"next":"${page.next}"` : '';
  const list = items.length > 0 ? `,"${key}":[${items.join(',')}]` : '';
  return { body: `{"more":${page.more}${next}${list}}`, ...bounds(page.entries) };
}

function bounds(entries: readonly VersionEntry[]): { first: string | null; last: string | null } {
  const first = entries[0];
  const last = entries[entries.length - 1];
  return {
    first: first ? formatDateAdded(Number(first.added_us)) : null,
    last: last ? formatDateAdded(Number(last.added_us)) : null,
  };
}

function presentCollection(row: TaxiiCollectionRow, rights: Rights): Record<string, unknown> {
  return {
    id: row.id,
    title: row.title,
    ...(row.description ? { description: row.description } : {}),
    can_read: rights.read,
    can_write: rights.write,
    media_types: [STIX_MEDIA_TYPE],
  };
}

function presentStatus(row: TaxiiStatusRow): Record<string, unknown> {
  const details = JSON.parse(row.details) as {
    successes: unknown[];
    failures: unknown[];
  };
  return {
    id: row.id,
    status: row.status,
    request_timestamp: formatDateAdded(Number(row.created_at) * 1000),
    total_count: row.total,
    success_count: row.success,
    failure_count: row.failure,
    pending_count: row.pending,
    ...(details.successes.length > 0 ? { successes: details.successes } : {}),
    ...(details.failures.length > 0 ? { failures: details.failures } : {}),
  };
}
