import { PostgresAdapter, sql, type RawBuilder } from 'kysely';
import { TLP_LEVELS, type TlpLevel } from '../../../core/tlp-rules.js';
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

/** Every grant on every collection (taxii.access.ts keeps them a few seconds). */
export function allAccess(db: Db): Promise<TaxiiAccessRow[]> {
  return db.selectFrom('taxii_access').selectAll().execute();
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
 * The versions a collection holds after `afterSeq`, in counter order, at most `limit`, as a
 * query of `columns`: a case's collection walks the case's stream (`case_entries` by its key
 * (case_id, seq): an entry for each version of each object the case holds), the all-cases
 * collection the versions themselves (`stix_versions` by seq); match[id] goes by the object's
 * index instead (case_entries_object, the versions' key). Written as SQL text, not built: it
 * is the TAXII server's hot path, and its shape is fixed. In `columns`, `s` is the entry
 * (its place `seq` and `added_us`), `v` the version, `o` its object. The marking levels are
 * a first cut; the caller's TLP gate decides for each entry.
 */
function streamQuery(db: Db, query: VersionQuery, columns: (s: string) => RawBuilder<unknown>) {
  const postgres = isPostgres(db);
  const inCase = query.caseId !== null;
  const from = inCase
    ? sql`case_entries s
        join stix_versions v on v.id = s.object_id and v.n = s.n
        join stix_objects o on o.id = s.object_id`
    : sql`stix_versions v join stix_objects o on o.id = v.id`;
  const s = inCase ? 's' : 'v';
  // match[id] in a case: SQLite is told (a unary +) not to walk the case's stream, whose
  // key it would prefer without statistics, but the few entries of the objects named.
  const byObject = inCase && query.ids !== null && !postgres;
  const seq = byObject ? sql`+s.seq` : sql.ref(`${s}.seq`);
  const conditions = [
    ...(inCase
      ? [byObject ? sql`+s.case_id = ${query.caseId}` : sql`s.case_id = ${query.caseId}`]
      : // The all-cases collection serves no exercise's objects (issue 17's EXERCISE marker).
        [
          sql`not exists (select 1 from cases c where c.id = v.case_id and c.exercise_id is not null)`,
        ]),
    sql`${seq} > ${afterBound(query, postgres)}`,
    sql`o.deleted = 0`,
    sql`o.tlp in (${sql.join(query.levels)})`,
    sql`v.tlp in (${sql.join(query.levels)})`,
  ];
  if (query.addedAfterUs !== null) {
    conditions.push(sql`${sql.ref(`${s}.added_us`)} > ${query.addedAfterUs}`);
  }
  if (query.ids !== null) {
    const ids = query.ids.length > 0 ? query.ids : [''];
    conditions.push(sql`${sql.ref(inCase ? 's.object_id' : 'v.id')} in (${sql.join(ids)})`);
  }
  if (query.types !== null) {
    conditions.push(sql`v.type in (${sql.join(query.types.length > 0 ? query.types : [''])})`);
  }
  const versions = query.versions;
  if (versions !== null) {
    const any = [
      ...(versions.last ? [sql`v.current = 1`] : []),
      ...(versions.first ? [sql`v.earliest = 1`] : []),
      ...(versions.modified.length > 0
        ? [sql`v.modified in (${sql.join(versions.modified)})`]
        : []),
    ];
    conditions.push(any.length > 0 ? sql`(${sql.join(any, sql` or `)})` : sql`1 = 0`);
  }
  return sql`select ${columns(s)} from ${from}
    where ${sql.join(conditions, sql` and `)}
    order by ${sql.ref(`${s}.seq`)}
    limit ${query.limit}`;
}

/** A marking's rank in SQL (TLP_LEVELS' order). */
function rankOf(column: string): RawBuilder<number> {
  const cases = TLP_LEVELS.map((level, rank) => sql`when ${level} then ${sql.lit(rank)}`);
  return sql<number>`(case ${sql.ref(column)} ${sql.join(cases, sql` `)} end)`;
}

/**
 * The marking an entry is served under: the stricter of its version's and its object's. A
 * version written under AMBER stays AMBER after the object is lowered to GREEN (it said
 * what AMBER covered), and an object raised since covers its earlier versions too.
 */
const GATED_TLP = sql`case when ${rankOf('v.tlp')} > ${rankOf('o.tlp')} then v.tlp else o.tlp end`;

function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Where the walk starts: after the cursor, and after added_after's place. Places on the
 * counter are taken with strictly increasing seq and date added together (takePlaces in the
 * cases feature), so the last version added at or before added_after (found by the
 * stix_versions_added index) bounds the walk from below, and a client polling with
 * added_after does not walk the stream from its beginning; the exact added_us condition
 * still applies.
 */
function afterBound(query: VersionQuery, postgres: boolean): RawBuilder<unknown> {
  if (query.addedAfterUs === null) return sql`${query.afterSeq}`;
  const place = sql`coalesce((select b.seq from stix_versions b
    where b.added_us <= ${query.addedAfterUs} order by b.added_us desc limit 1), 0)`;
  return postgres
    ? sql`greatest(${query.afterSeq}, ${place})`
    : sql`max(${query.afterSeq}, ${place})`;
}

/** The versions of a page, one row each (manifest, versions, deletes). */
export async function versionsPage(db: Db, query: VersionQuery): Promise<VersionEntry[]> {
  if (query.levels.length === 0) return [];
  const columns = (s: string) =>
    sql`v.id, v.n, ${sql.ref(`${s}.seq`)} as seq, ${sql.ref(`${s}.added_us`)} as added_us,
      v.modified, v.body, ${GATED_TLP} as tlp, o.origin_node`;
  return (await sql<VersionEntry>`${streamQuery(db, query, columns)}`.execute(db)).rows;
}

/** What the TLP gate and the page's headers need of an entry served as its body alone. */
export interface Gate {
  tlp: TlpLevel;
  origin_node: string;
  added_us: number;
  seq: number;
  /** Where its body is in the window's `bodies`, in bytes, and how long it is. */
  start: number;
  bytes: number;
}

/** A page of stored bodies: the gate of each entry, and the bodies' UTF-8 bytes. */
export interface BodyWindow {
  gates: Gate[];
  /** Every body of the window, as stored, one after another, each followed by a comma. */
  bodies: Buffer;
}

const EMPTY: BodyWindow = { gates: [], bodies: Buffer.alloc(0) };

/**
 * The objects' page as the stored text of each version, in one row: the page's bodies
 * joined by the database with commas (as they go into the envelope) and a small JSON array
 * of the gates, each with its body's length in bytes, so that a page of a hundred objects
 * crosses from the driver as one buffer and one short string rather than a hundred rows,
 * and its bodies reach the socket as the bytes read, never decoded into a JavaScript string
 * (SQLite hands the concatenation over as a blob). Both aggregates read the ordered
 * subquery's rows in one pass, so they agree on the order; the caller checks it is the
 * counter's (gates carry `seq`).
 */
export async function bodiesPage(db: Db, query: VersionQuery): Promise<BodyWindow> {
  if (query.levels.length === 0) return EMPTY;
  const row = (await pageQuery(db, query).execute(db)).rows[0];
  if (!row?.bodies) return EMPTY;
  const tuples = (typeof row.gates === 'string' ? JSON.parse(row.gates) : row.gates) as [
    TlpLevel,
    string,
    number | string,
    number | string,
    number | string,
  ][];
  const bodies = typeof row.bodies === 'string' ? Buffer.from(row.bodies) : row.bodies;
  let start = 0;
  const gates = tuples.map(([tlp, origin, addedUs, seq, bytes]): Gate => {
    const gate = {
      tlp,
      origin_node: origin,
      added_us: Number(addedUs),
      seq: Number(seq),
      start,
      bytes: Number(bytes),
    };
    start += gate.bytes + 1;
    return gate;
  });
  if (start !== bodies.length + 1) {
    throw new Error(`a page's bodies hold ${bodies.length} bytes, its gates say ${start - 1}`);
  }
  // Neither database promises an aggregate the subquery's order; the gates say where each
  // body is, so the envelope takes them in the gates' order once these are sorted.
  if (!gates.every((gate, i) => i === 0 || (gates[i - 1] as Gate).seq < gate.seq)) {
    gates.sort((x, y) => x.seq - y.seq);
  }
  return { gates, bodies };
}

/**
 * The SQL of bodiesPage (its text is fixed by the query's shape; the bench's floor runs the
 * same text).
 */
export function pageQuery(db: Db, query: VersionQuery) {
  const columns = (s: string) =>
    sql`${GATED_TLP} as tlp, o.origin_node, ${sql.ref(`${s}.added_us`)} as added_us,
      ${sql.ref(`${s}.seq`)} as seq, v.body`;
  const page = streamQuery(db, query, columns);
  return isPostgres(db)
    ? sql<PageRow>`select json_agg(json_build_array(w.tlp, w.origin_node, w.added_us, w.seq,
          octet_length(w.body))) as gates,
        string_agg(w.body, ',') as bodies from (${page}) w`
    : sql<PageRow>`select json_group_array(json_array(w.tlp, w.origin_node, w.added_us, w.seq,
          length(cast(w.body as blob)))) as gates,
        cast(group_concat(w.body, ',') as blob) as bodies from (${page}) w`;
}

interface PageRow {
  gates: string | unknown[] | null;
  bodies: Buffer | string | null;
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
