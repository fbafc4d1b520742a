import { sql } from 'kysely';
import type { TlpLevel } from '../../../core/tlp-rules.js';
import type { Db } from '../../store/database.js';
import type {
  TaxiiAccessRow,
  TaxiiCollectionRow,
  TaxiiStatusRow,
  TaxiiSubscriptionRow,
  TaxiiSubscriptionsTable,
} from './taxii.table.js';

export function listCollections(db: Db): Promise<TaxiiCollectionRow[]> {
  return db.selectFrom('taxii_collections').selectAll().orderBy('title').orderBy('id').execute();
}

export function findCollection(db: Db, id: string): Promise<TaxiiCollectionRow | undefined> {
  return db.selectFrom('taxii_collections').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function saveCollection(db: Db, row: TaxiiCollectionRow): Promise<void> {
  const { id, ...changes } = row;
  const updated = await db
    .updateTable('taxii_collections')
    .set(changes)
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    await db.insertInto('taxii_collections').values(row).execute();
  }
}

export async function deleteCollection(db: Db, id: string): Promise<void> {
  await db.deleteFrom('taxii_access').where('collection_id', '=', id).execute();
  await db.deleteFrom('taxii_collections').where('id', '=', id).execute();
}

export function accessOf(db: Db, collectionId: string): Promise<TaxiiAccessRow[]> {
  return db
    .selectFrom('taxii_access')
    .selectAll()
    .where('collection_id', '=', collectionId)
    .orderBy('principal')
    .execute();
}

export function accessForPrincipals(db: Db, principals: readonly string[]) {
  return db.selectFrom('taxii_access').selectAll().where('principal', 'in', principals).execute();
}

export async function setAccess(
  db: Db,
  collectionId: string,
  entries: readonly Omit<TaxiiAccessRow, 'collection_id'>[],
): Promise<void> {
  await db.deleteFrom('taxii_access').where('collection_id', '=', collectionId).execute();
  if (entries.length === 0) return;
  await db
    .insertInto('taxii_access')
    .values(entries.map((entry) => ({ ...entry, collection_id: collectionId })))
    .execute();
}

/** One recorded version, with what the TLP gate needs of its object. */
export interface VersionEntry {
  id: string;
  n: number;
  seq: number;
  added_us: number;
  modified: string | null;
  body: string;
  tlp: TlpLevel;
  origin_node: string;
}

export interface VersionQuery {
  caseId: string | null;
  levels: readonly TlpLevel[];
  afterSeq: number;
  addedAfterUs: number | null;
  ids: readonly string[] | null;
  types: readonly string[] | null;
  /** null: every version; else any of last (current), first, or these `modified` values. */
  versions: { last: boolean; first: boolean; modified: readonly string[] } | null;
  limit: number;
}

/**
 * The versions a collection holds after `afterSeq`, in counter order, at most `limit`, in one
 * query: a case's collection reads the case's stream (`case_entries`, which has an entry for
 * each version of each object the case holds), the all-cases collection the versions
 * themselves. The marking levels are a first cut; the caller's TLP gate decides for each.
 */
export async function versionsPage(db: Db, query: VersionQuery): Promise<VersionEntry[]> {
  if (query.levels.length === 0) return [];
  const stream =
    query.caseId !== null
      ? db
          .selectFrom('case_entries as s')
          .innerJoin('stix_versions as v', (join) =>
            join.onRef('v.id', '=', 's.object_id').onRef('v.n', '=', 's.n'),
          )
          .where('s.case_id', '=', query.caseId)
      : db.selectFrom('stix_versions as s').innerJoin('stix_versions as v', (join) =>
          join.onRef('v.id', '=', 's.id').onRef('v.n', '=', 's.n'),
        );
  let q = stream
    .innerJoin('stix_objects as o', 'o.id', 'v.id')
    .select(['v.id', 'v.n', 's.seq', 's.added_us', 'v.modified', 'v.body', 'o.tlp', 'o.origin_node'])
    .where('s.seq', '>', query.afterSeq)
    .where('o.deleted', '=', 0)
    .where('o.tlp', 'in', [...query.levels]);
  if (query.addedAfterUs !== null) q = q.where('s.added_us', '>', query.addedAfterUs);
  if (query.ids !== null) q = q.where('v.id', 'in', query.ids.length > 0 ? [...query.ids] : ['']);
  if (query.types !== null) {
    q = q.where('v.type', 'in', query.types.length > 0 ? [...query.types] : ['']);
  }
  const versions = query.versions;
  if (versions !== null) {
    q = q.where((eb) =>
      eb.or([
        ...(versions.last ? [eb('v.current', '=', 1)] : []),
        ...(versions.first ? [eb('v.earliest', '=', 1)] : []),
        ...(versions.modified.length > 0 ? [eb('v.modified', 'in', [...versions.modified])] : []),
        ...(!versions.last && !versions.first && versions.modified.length === 0
          ? [sql<boolean>`1 = 0`]
          : []),
      ]),
    );
  }
  return q.orderBy('s.seq').limit(query.limit).execute();
}

/** The node that wrote a stored object. */
export async function authorOf(db: Db, objectId: string): Promise<string> {
  const row = await db
    .selectFrom('stix_objects')
    .select('origin_node')
    .where('id', '=', objectId)
    .executeTakeFirstOrThrow();
  return row.origin_node;
}

export async function saveStatus(db: Db, row: TaxiiStatusRow): Promise<void> {
  await db.insertInto('taxii_status').values(row).execute();
}

export function findStatus(db: Db, id: string): Promise<TaxiiStatusRow | undefined> {
  return db.selectFrom('taxii_status').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listSubscriptions(db: Db): Promise<TaxiiSubscriptionRow[]> {
  return db.selectFrom('taxii_subscriptions').selectAll().orderBy('created_at').execute();
}

export function findSubscription(db: Db, id: string): Promise<TaxiiSubscriptionRow | undefined> {
  return db.selectFrom('taxii_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertSubscription(db: Db, row: TaxiiSubscriptionRow): Promise<void> {
  await db.insertInto('taxii_subscriptions').values(row).execute();
}

export async function updateSubscription(
  db: Db,
  id: string,
  changes: Partial<Omit<TaxiiSubscriptionsTable, 'id'>>,
): Promise<void> {
  await db.updateTable('taxii_subscriptions').set(changes).where('id', '=', id).execute();
}

export async function deleteSubscription(db: Db, id: string): Promise<void> {
  await db.deleteFrom('taxii_subscriptions').where('id', '=', id).execute();
}
