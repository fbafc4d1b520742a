import type { CollectionAdminView, SubscriptionView } from '../../../core/schemas/taxii.js';
import { iso } from '../../clock.js';
import { encodeNext, formatDateAdded, STIX_MEDIA_TYPE } from './taxii.media.js';
import type { BodyWindow, Gate, VersionEntry } from './taxii.repository.js';
import type {
  TaxiiAccessRow,
  TaxiiCollectionRow,
  TaxiiStatusRow,
  TaxiiSubscriptionRow,
} from './taxii.table.js';

/** Rows become TAXII resources and admin views here: pure functions of what they are given. */

/** A TAXII reply: its JSON (text, or bytes), and the date_added of its first and last entries. */
export interface TaxiiPage {
  body: string | Buffer;
  first: string | null;
  last: string | null;
}

/** A page of versions as served: the entries the caller may see, and whether more follow. */
export interface VersionPage {
  entries: VersionEntry[];
  more: boolean;
  next: string | null;
}

/** What the caller may do with a collection. */
export interface Rights {
  read: boolean;
  write: boolean;
}

/** How a subscription authenticates to the remote server (its `auth` column, parsed). */
export type SubscriptionAuth =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; password: string };

/** A version's name in TAXII: its `modified`, else the date it was added (observables). */
export function versionOf(entry: VersionEntry): string {
  return entry.modified ?? formatDateAdded(Number(entry.added_us));
}

/** A TAXII list (`more`, `next`, and the items under `key` unless there are none) as text. */
export function listing(
  page: VersionPage,
  key: 'objects' | 'versions',
  items: string[],
): TaxiiPage {
  const next = page.next ? `,"next":"${page.next}"` : '';
  const list = items.length > 0 ? `,"${key}":[${items.join(',')}]` : '';
  return { body: `{"more":${page.more}${next}${list}}`, ...bounds(page.entries) };
}

/**
 * A TAXII envelope of stored bodies, as bytes: the first `pageSize` entries of the window
 * (which holds one more when more follow), those `mayServe` lets through, each body as it
 * is stored; `next` names the window's last place served, seen or not. When every entry
 * passes, the bodies go out as the one run of bytes the database joined.
 */
export function envelope(
  window: BodyWindow,
  pageSize: number,
  mayServe: (gate: Gate) => boolean,
): TaxiiPage {
  const more = window.gates.length > pageSize;
  const count = Math.min(pageSize, window.gates.length);
  const served: Gate[] = [];
  const runs: Buffer[] = [];
  // Consecutive served entries whose bodies lie one after another are taken as one run.
  let runStart = -1;
  let runEnd = -1;
  for (let i = 0; i < count; i++) {
    const gate = window.gates[i] as Gate;
    if (!mayServe(gate)) continue;
    served.push(gate);
    if (gate.start === runEnd + 1 && runStart >= 0) {
      runEnd = gate.start + gate.bytes;
      continue;
    }
    if (runStart >= 0) runs.push(COMMA, window.bodies.subarray(runStart, runEnd));
    runStart = gate.start;
    runEnd = gate.start + gate.bytes;
  }
  if (runStart >= 0) runs.push(COMMA, window.bodies.subarray(runStart, runEnd));
  const lastSeq = window.gates[count - 1]?.seq;
  const next = more && lastSeq !== undefined ? `,"next":"${encodeNext(lastSeq)}"` : '';
  const head = `{"more":${more}${next}`;
  const body =
    runs.length === 0
      ? Buffer.from(`${head}}`)
      : Buffer.concat([Buffer.from(`${head},"objects":[`), ...runs.slice(1), CLOSE]);
  return { body, ...bounds(served) };
}

const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']}');

function bounds(entries: readonly Pick<VersionEntry, 'added_us'>[]): {
  first: string | null;
  last: string | null;
} {
  const first = entries[0];
  const last = entries[entries.length - 1];
  return {
    first: first ? formatDateAdded(Number(first.added_us)) : null,
    last: last ? formatDateAdded(Number(last.added_us)) : null,
  };
}

/** The manifest record of a version. */
export function manifestRecord(entry: VersionEntry): string {
  return JSON.stringify({
    id: entry.id,
    date_added: formatDateAdded(Number(entry.added_us)),
    version: versionOf(entry),
    media_type: STIX_MEDIA_TYPE,
  });
}

export function presentCollection(
  row: TaxiiCollectionRow,
  rights: Rights,
): Record<string, unknown> {
  return {
    id: row.id,
    title: row.title,
    ...(row.description ? { description: row.description } : {}),
    can_read: rights.read,
    can_write: rights.write,
    media_types: [STIX_MEDIA_TYPE],
  };
}

/** The admin's view of a collection: its grants, and the URL clients use (from `publicUrl`). */
export function presentCollectionAdmin(
  row: TaxiiCollectionRow,
  access: readonly TaxiiAccessRow[],
  publicUrl: string,
): CollectionAdminView {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    caseId: row.case_id,
    maxTlp: row.max_tlp,
    access: access.map((grant) => ({
      principal: grant.principal,
      canRead: grant.can_read === 1,
      canWrite: grant.can_write === 1,
    })),
    url: `${publicUrl}/taxii2/api/collections/${row.id}/`,
    createdAt: iso(Number(row.created_at)),
    updatedAt: iso(Number(row.updated_at)),
  };
}

/**
 * What an add did, object by object, as a status resource keeps it: `failed` maps the
 * position of each object not taken to the reason.
 */
export function addOutcome(
  objects: readonly unknown[],
  failed: ReadonlyMap<number, { reason: string }>,
): { successes: unknown[]; failures: unknown[] } {
  const entry = (object: unknown) => {
    const record = (object ?? {}) as Record<string, unknown>;
    return {
      id: typeof record['id'] === 'string' ? record['id'] : '',
      ...(typeof record['modified'] === 'string' ? { version: record['modified'] } : {}),
    };
  };
  const successes = objects
    .map((object, position) => ({ object, position }))
    .filter(({ position }) => !failed.has(position))
    .map(({ object }) => entry(object));
  const failures = objects
    .map((object, position) => ({ object, position }))
    .filter(({ position }) => failed.has(position))
    .map(({ object, position }) => ({
      ...entry(object),
      message: failed.get(position)?.reason ?? '',
    }));
  return { successes, failures };
}

export function presentStatus(row: TaxiiStatusRow): Record<string, unknown> {
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

export function presentSubscription(row: TaxiiSubscriptionRow): SubscriptionView {
  return {
    id: row.id,
    caseId: row.case_id,
    url: row.url,
    auth: (JSON.parse(row.auth) as SubscriptionAuth).kind,
    tlp: row.tlp,
    intervalSeconds: row.interval_seconds,
    status: row.status,
    addedAfter: row.added_after,
    lastPolledAt: row.last_polled_at === null ? null : iso(Number(row.last_polled_at)),
    lastError: row.last_error,
    received: Number(row.received),
    createdAt: iso(Number(row.created_at)),
  };
}
