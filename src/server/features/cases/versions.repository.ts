import { timestampKey } from '../../../core/stix/timestamps.js';
import type { Db, Store } from '../../store/database.js';
import { takePlaces } from './cases.repository.js';
import {
  applyCounts,
  countDelta,
  leaveEveryCase,
  membershipOf,
  restateMemberships,
  type CountDeltas,
} from './members.repository.js';
import type { Selectable } from 'kysely';
import type { IndexedDoc } from '../search/public.js';
import type {
  CaseEntriesTable,
  CaseObjectsTable,
  StixObjectRow,
  StixVersionRow,
} from './cases.table.js';

type MemberRow = Selectable<CaseObjectsTable>;
type EntryRow = Selectable<CaseEntriesTable>;

/** One version of an object as it arrives: the object's row as that version, and its values. */
export interface Arriving {
  row: StixObjectRow;
  values: readonly string[];
  /** Its search document, prepared already (an import's worker does), for a new object. */
  doc?: IndexedDoc | undefined;
}

/** What recording a set of versions into a case did. */
export interface Recorded {
  /** Objects new to this node. */
  added: number;
  /** Versions recorded of objects held already (later or earlier than the current one). */
  versions: number;
  /** Objects other cases held, now in this case too. */
  joined: number;
  /** Versions held already (STIX: one `modified` of one id is one version). */
  same: number;
  /** Objects deleted here, whose versions are refused (a deleted object is not brought back). */
  deleted: string[];
  /** Versions the guard refused (the items as they arrived), each with why. */
  refused: { item: Arriving; reason: string }[];
  /** The objects whose current version changed, that are new, or that joined the case. */
  changed: StixObjectRow[];
  /** The objects to index again (new, or a new current version), with every case of theirs. */
  indexed: {
    row: StixObjectRow;
    values: readonly string[];
    caseIds: readonly string[];
    /** Prepared already, and new to the node: nothing indexed to replace. */
    fresh?: IndexedDoc | undefined;
  }[];
  /** Objects that only joined this case (their current version is as it was). */
  joinedIds: string[];
}

/**
 * Judges a version not held yet of an object held here (and not deleted), before anything
 * is written: the row to record (as it came, or amended), or why it is refused.
 */
export type VersionGuard = (
  held: StixObjectRow,
  arriving: StixObjectRow,
) => { ok: true; row: StixObjectRow } | { ok: false; reason: string };

/** Ids asked of the store at once. */
const PER_QUERY = 500;

type HeldVersion = Pick<StixVersionRow, 'id' | 'n' | 'modified' | 'current' | 'earliest'>;

interface Held {
  row: StixObjectRow;
  versions: HeldVersion[];
  cases: string[];
}

/**
 * Records versions of objects into a case, in any order of arrival and any number per object:
 * every version not held yet is stored, the one with the latest `modified` is current and
 * the earliest is first; an object held by other cases joins this one (its versions enter
 * the case's TAXII stream). New rows go in statements of many; `self` is this node's id.
 */
export async function recordVersions(
  db: Db,
  insertMany: Store['insertMany'],
  caseId: string,
  arriving: readonly Arriving[],
  nowMs: number,
  self: string,
  guard?: VersionGuard,
): Promise<Recorded> {
  const out: Recorded = {
    added: 0,
    versions: 0,
    joined: 0,
    same: 0,
    deleted: [],
    refused: [],
    changed: [],
    indexed: [],
    joinedIds: [],
  };
  const groups = groupVersions(arriving, out);
  const held = await loadHeld(db, [...groups.keys()]);
  const plan: Plan = { objects: [], versions: [], values: [], members: [], entries: [] };
  const later: { id: string; fresh: Arriving[]; held: Held }[] = [];
  let places = 0;
  for (const [id, fresh] of groups) {
    const known = held.get(id);
    if (!known) {
      places += fresh.length;
      continue;
    }
    if (known.row.deleted === 1) {
      out.deleted.push(id);
      continue;
    }
    const keys = new Set(known.versions.map((v) => timestampKey(v.modified)));
    const novel = fresh.filter((item) => !keys.has(timestampKey(item.row.modified)));
    out.same += fresh.length - novel.length;
    const unseen = guard ? judged(guard, known.row, novel, out) : novel;
    const joins = !known.cases.includes(caseId);
    if (unseen.length === 0 && !joins) continue;
    places += unseen.length + (joins ? known.versions.length : 0);
    later.push({ id, fresh: unseen, held: known });
  }
  if (places === 0) return out;
  const counter = await takePlaces(db, places, nowMs);
  const next = { seq: counter.seq, addedUs: counter.addedUs };
  const place = () => ({ seq: next.seq++, addedUs: next.addedUs++ });
  for (const [id, fresh] of groups) {
    if (!held.has(id)) planNew(plan, caseId, fresh, place, nowMs, self, out);
  }
  for (const item of later) {
    await planHeld(db, plan, caseId, item.fresh, item.held, place, nowMs, self, out);
  }
  await insertMany(db, 'stix_objects', plan.objects);
  await insertMany(db, 'stix_versions', plan.versions);
  await insertMany(db, 'stix_values', plan.values);
  await insertMany(db, 'case_objects', plan.members);
  const deltas: CountDeltas = new Map();
  for (const member of plan.members) countDelta(deltas, member, 1);
  await applyCounts(db, deltas);
  await insertMany(db, 'case_entries', plan.entries);
  return out;
}

/** The versions `guard` lets in, as it amended them; the others are listed as refused. */
function judged(
  guard: VersionGuard,
  held: StixObjectRow,
  fresh: readonly Arriving[],
  out: Recorded,
): Arriving[] {
  const taken: Arriving[] = [];
  for (const item of fresh) {
    const verdict = guard(held, item.row);
    if (verdict.ok) taken.push({ ...item, row: verdict.row });
    else out.refused.push({ item, reason: verdict.reason });
  }
  return taken;
}

/** The rows a batch adds, inserted together at the end. */
interface Plan {
  objects: StixObjectRow[];
  versions: StixVersionRow[];
  values: { object_id: string; value: string }[];
  members: MemberRow[];
  entries: EntryRow[];
}

type Place = () => { seq: number; addedUs: number };

/** The arriving versions by object, each `modified` once (a copy counts as held). */
function groupVersions(arriving: readonly Arriving[], out: Recorded): Map<string, Arriving[]> {
  const groups = new Map<string, Arriving[]>();
  for (const item of arriving) {
    const group = groups.get(item.row.id) ?? [];
    const key = timestampKey(item.row.modified);
    if (group.some((other) => timestampKey(other.row.modified) === key)) {
      out.same++;
      continue;
    }
    group.push(item);
    groups.set(item.row.id, group);
  }
  for (const group of groups.values()) group.sort(byModified);
  return groups;
}

function byModified(a: Arriving, b: Arriving): number {
  const left = timestampKey(a.row.modified) ?? '';
  const right = timestampKey(b.row.modified) ?? '';
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The objects held of these ids, each with its versions and the cases that hold it. */
async function loadHeld(db: Db, ids: readonly string[]): Promise<Map<string, Held>> {
  const held = new Map<string, Held>();
  for (let i = 0; i < ids.length; i += PER_QUERY) {
    const chunk = ids.slice(i, i + PER_QUERY);
    const rows = await db.selectFrom('stix_objects').selectAll().where('id', 'in', chunk).execute();
    if (rows.length === 0) continue;
    for (const row of rows) held.set(row.id, { row, versions: [], cases: [] });
    const found = rows.map((row) => row.id);
    const versions = await db
      .selectFrom('stix_versions')
      .select(['id', 'n', 'modified', 'current', 'earliest'])
      .where('id', 'in', found)
      .execute();
    for (const version of versions) held.get(version.id)?.versions.push(version);
    const members = await db
      .selectFrom('case_objects')
      .select(['case_id', 'object_id'])
      .where('object_id', 'in', found)
      .execute();
    for (const member of members) held.get(member.object_id)?.cases.push(member.case_id);
  }
  return held;
}

function versionRow(
  row: StixObjectRow,
  n: number,
  at: { seq: number; addedUs: number },
  flags: { current: boolean; earliest: boolean },
  nowMs: number,
): StixVersionRow {
  return {
    id: row.id,
    n,
    seq: at.seq,
    added_us: at.addedUs,
    case_id: row.case_id,
    type: row.type,
    current: flags.current ? 1 : 0,
    earliest: flags.earliest ? 1 : 0,
    modified: row.modified,
    tlp: row.tlp,
    red_recipients: row.red_recipients,
    body: row.body ?? '{}',
    recorded_at: nowMs,
  };
}

/** A new object: its versions (sorted by `modified`), the latest as its row, in this case. */
function planNew(
  plan: Plan,
  caseId: string,
  fresh: readonly Arriving[],
  place: Place,
  nowMs: number,
  self: string,
  out: Recorded,
): void {
  const latest = fresh[fresh.length - 1];
  if (!latest) return;
  const row = { ...latest.row, case_id: caseId };
  fresh.forEach((item, i) => {
    const at = place();
    const version = { ...item.row, case_id: caseId };
    const flags = { current: i === fresh.length - 1, earliest: i === 0 };
    plan.versions.push(versionRow(version, i + 1, at, flags, nowMs));
    plan.entries.push({
      case_id: caseId,
      seq: at.seq,
      object_id: row.id,
      n: i + 1,
      added_us: at.addedUs,
    });
  });
  plan.objects.push(row);
  for (const value of new Set(latest.values)) plan.values.push({ object_id: row.id, value });
  plan.members.push(membershipOf(caseId, row, self, nowMs));
  out.added++;
  out.changed.push(row);
  out.indexed.push({
    row,
    values: latest.values,
    caseIds: [caseId],
    fresh: latest.doc && { ...latest.doc, updatedAt: Number(row.updated_at) },
  });
}

/**
 * Versions of an object held already: each unseen one recorded (and entered in every case
 * that holds the object), the current and earliest marks moved if it is later or earlier
 * than those held, and the object put in this case if it was not.
 */
async function planHeld(
  db: Db,
  plan: Plan,
  caseId: string,
  fresh: readonly Arriving[],
  held: Held,
  place: Place,
  nowMs: number,
  self: string,
  out: Recorded,
): Promise<void> {
  const id = held.row.id;
  const joins = !held.cases.includes(caseId);
  const cases = joins ? [...held.cases, caseId] : held.cases;
  let n = Math.max(0, ...held.versions.map((v) => Number(v.n)));
  if (joins) {
    // The versions it brings enter this case's stream now, in the order of their `modified`.
    for (const version of [...held.versions].sort(byVersionModified)) {
      const at = place();
      plan.entries.push({
        case_id: caseId,
        seq: at.seq,
        object_id: id,
        n: Number(version.n),
        added_us: at.addedUs,
      });
    }
  }
  const current = held.versions.find((v) => v.current === 1);
  const earliest = held.versions.find((v) => v.earliest === 1);
  const latestFresh = fresh[fresh.length - 1];
  const firstFresh = fresh[0];
  const becomesCurrent =
    latestFresh !== undefined && isAfter(latestFresh.row.modified, current?.modified ?? null);
  const becomesEarliest =
    firstFresh !== undefined && isAfter(earliest?.modified ?? null, firstFresh.row.modified);
  if (becomesCurrent) await clearMark(db, id, 'current');
  if (becomesEarliest) await clearMark(db, id, 'earliest');
  for (const [i, item] of fresh.entries()) {
    n++;
    const at = place();
    const flags = {
      current: becomesCurrent && i === fresh.length - 1,
      earliest: becomesEarliest && i === 0,
    };
    plan.versions.push(versionRow({ ...item.row, case_id: held.row.case_id }, n, at, flags, nowMs));
    for (const member of cases) {
      plan.entries.push({ case_id: member, seq: at.seq, object_id: id, n, added_us: at.addedUs });
    }
  }
  out.versions += fresh.length;
  let row = held.row;
  if (becomesCurrent && latestFresh) {
    row = { ...latestFresh.row, case_id: held.row.case_id };
    await replaceCurrent(db, row, latestFresh.values, self);
    out.indexed.push({ row, values: latestFresh.values, caseIds: cases });
  }
  if (joins) {
    plan.members.push(membershipOf(caseId, row, self, nowMs));
    out.joined++;
    if (!becomesCurrent) out.joinedIds.push(id);
  }
  if (joins || becomesCurrent) out.changed.push(row);
}

function byVersionModified(a: HeldVersion, b: HeldVersion): number {
  const left = timestampKey(a.modified) ?? '';
  const right = timestampKey(b.modified) ?? '';
  return left < right ? -1 : left > right ? 1 : Number(a.n) - Number(b.n);
}

/** Whether timestamp `a` is later than `b` (nothing is later than an absent one). */
function isAfter(a: string | null, b: string | null): boolean {
  const left = timestampKey(a);
  const right = timestampKey(b);
  if (left === null || right === null) return false;
  return left > right;
}

async function clearMark(db: Db, id: string, mark: 'current' | 'earliest'): Promise<void> {
  await db
    .updateTable('stix_versions')
    .set({ [mark]: 0 })
    .where('id', '=', id)
    .where(mark, '=', 1)
    .execute();
}

/**
 * The object's row becomes a later version: its body, marking and search text, its values
 * for exact lookup, and what every case page holding it filters and sorts by.
 */
export async function replaceCurrent(
  db: Db,
  row: StixObjectRow,
  values: readonly string[],
  self: string,
): Promise<void> {
  const { id, ...changes } = row;
  await db.updateTable('stix_objects').set(changes).where('id', '=', id).execute();
  await db.deleteFrom('stix_values').where('object_id', '=', id).execute();
  const unique = [...new Set(values)];
  if (row.deleted === 0 && unique.length > 0) {
    await db
      .insertInto('stix_values')
      .values(unique.map((value) => ({ object_id: id, value })))
      .execute();
  }
  await restateMemberships(db, row, self);
}

/** A deleted object leaves every case, keeps no versions and is followed to no peer. */
export async function forgetObject(db: Db, objectId: string): Promise<void> {
  await leaveEveryCase(db, objectId);
  await db.deleteFrom('stix_versions').where('id', '=', objectId).execute();
  await db.deleteFrom('stix_shares').where('object_id', '=', objectId).execute();
}

/**
 * Removes some versions of an object (never all: that is a deletion), and moves the current
 * and earliest marks to the latest and earliest left. Returns the version now current if it
 * changed, for the caller to make it the object's row.
 */
export async function removeVersions(
  db: Db,
  id: string,
  ns: readonly number[],
): Promise<StixVersionRow | null> {
  if (ns.length === 0) return null;
  await db
    .deleteFrom('stix_versions')
    .where('id', '=', id)
    .where('n', 'in', [...ns])
    .execute();
  await db
    .deleteFrom('case_entries')
    .where('object_id', '=', id)
    .where('n', 'in', [...ns])
    .execute();
  const left = await db.selectFrom('stix_versions').selectAll().where('id', '=', id).execute();
  left.sort((a, b) => byVersionModified(a, b));
  const earliest = left[0];
  const latest = left[left.length - 1];
  if (!earliest || !latest) return null;
  if (earliest.earliest !== 1) {
    await clearMark(db, id, 'earliest');
    await db
      .updateTable('stix_versions')
      .set({ earliest: 1 })
      .where('id', '=', id)
      .where('n', '=', earliest.n)
      .execute();
  }
  if (latest.current === 1) return null;
  await clearMark(db, id, 'current');
  await db
    .updateTable('stix_versions')
    .set({ current: 1 })
    .where('id', '=', id)
    .where('n', '=', latest.n)
    .execute();
  return latest;
}
