import { ROLES, type Role } from '../../../core/roles.js';
import { exportMayCarry, TLP_LEVELS, tlpRank, type TlpLevel } from '../../../core/tlp-rules.js';
import type { Actor } from '../../actor.js';
import { badRequest } from '../../errors.js';
import { decodeNext, parseTimestampUs } from './taxii.media.js';
import type { Gate, VersionQuery } from './taxii.repository.js';
import type { TaxiiCollectionRow } from './taxii.table.js';

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

/** What an endpoint selects when the filters do not say: the last versions, or all; its ids. */
export interface QueryDefaults {
  versions: 'last' | 'all';
  ids: string[] | null;
}

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

/**
 * The TLP gate of the TAXII server: a collection is a bulk export, so it asks
 * core/tlp-rules.ts what an export for the caller's roles may carry (never RED), within the
 * collection's highest level. `self` is this node's id.
 */
export function levelsFor(self: string, actor: Actor, row: TaxiiCollectionRow): TlpLevel[] {
  const roles = rolesOf(actor);
  return TLP_LEVELS.filter(
    (level) =>
      tlpRank(level) <= tlpRank(row.max_tlp) &&
      exportMayCarry({ tlp: level, origin: self, redRecipients: [] }, self, roles),
  );
}

/** The same gate on each entry, after the SQL's first cut by level. */
export function visible(
  self: string,
  actor: Actor,
  row: TaxiiCollectionRow,
  entry: Pick<Gate, 'tlp' | 'origin_node'>,
): boolean {
  // RED is never served: its recipients need not be read.
  return (
    tlpRank(entry.tlp) <= tlpRank(row.max_tlp) &&
    exportMayCarry(
      { tlp: entry.tlp, origin: entry.origin_node, redRecipients: [] },
      self,
      rolesOf(actor),
    )
  );
}

function rolesOf(actor: Actor): readonly Role[] {
  if (actor.kind === 'user' || actor.kind === 'token') return actor.roles;
  if (actor.kind === 'cli' || actor.kind === 'system') return ROLES;
  return [];
}

/**
 * The filters as a query of the versions: a page size, a cursor, dates, ids, types and
 * versions; `levels` are the markings the caller may be served (levelsFor). A filter that
 * cannot be read is a 400 invalid_filter.
 */
export function queryOf(
  row: TaxiiCollectionRow,
  levels: TlpLevel[],
  filters: TaxiiFilters,
  defaults: QueryDefaults,
): VersionQuery & { pageSize: number } {
  const pageSize = pageSizeOf(filters.limit);
  const afterSeq = filters.next !== undefined ? decodeNext(filters.next) : 0;
  if (afterSeq === null) throw badFilter('next is not a cursor this server gave');
  let addedAfterUs: number | null = null;
  if (filters.added_after !== undefined) {
    addedAfterUs = parseTimestampUs(filters.added_after);
    if (addedAfterUs === null) {
      throw badFilter('added_after must be a timestamp like 2026-11-24T09:30:00.000Z');
    }
  }
  const ids = listOf(filters['match[id]']);
  const types = listOf(filters['match[type]']);
  const specVersions = listOf(filters['match[spec_version]']);
  const versions = versionsOf(listOf(filters['match[version]']) ?? [defaults.versions]);
  const scopedIds =
    defaults.ids === null
      ? ids
      : ids === null
        ? defaults.ids
        : ids.filter((id) => defaults.ids?.includes(id));
  return {
    caseId: row.case_id,
    levels: specVersions !== null && !specVersions.includes('2.1') ? [] : levels,
    afterSeq,
    addedAfterUs,
    ids: scopedIds,
    types,
    versions,
    limit: pageSize + 1,
    pageSize,
  };
}

function pageSizeOf(limitText: string | undefined): number {
  if (limitText === undefined) return DEFAULT_PAGE;
  if (!/^\d+$/.test(limitText) || Number(limitText) < 1) {
    throw badFilter('limit must be a positive whole number');
  }
  return Math.min(Number(limitText), MAX_PAGE);
}

/** A comma-separated parameter as its parts, or null when it is absent. */
function listOf(text: string | undefined): string[] | null {
  return text === undefined
    ? null
    : text
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0);
}

/** match[version]: every version (null), or any of last, first and given `modified` values. */
function versionsOf(words: string[]): VersionQuery['versions'] {
  if (words.includes('all')) return null;
  const modified = words.filter((word) => word !== 'last' && word !== 'first');
  for (const value of modified) {
    if (parseTimestampUs(value) === null) {
      throw badFilter(`match[version] takes last, first, all or timestamps, not ${value}`);
    }
  }
  return { last: words.includes('last'), first: words.includes('first'), modified };
}

function badFilter(message: string) {
  return badRequest('invalid_filter', `Bad query parameter: ${message}.`);
}
