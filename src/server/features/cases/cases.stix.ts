/**
 * What the cases feature needs of STIX 2.1 beyond core/stix: which properties of an object
 * refer to others, what to show and search for it.
 */
import { STIX21_SDO_TYPES, STIX21_SRO_TYPES } from '../../../core/stix/any-object.js';
import type { TlpLevel } from '../../../core/tlp-rules.js';
import type { StixObjectRow } from './cases.table.js';

type Stix = Record<string, unknown>;

/** Types with created/modified (SDOs and SROs); the rest we hold are observables (SCOs). */
export const SDO_SRO_TYPES: ReadonlySet<string> = new Set([
  ...STIX21_SDO_TYPES,
  ...STIX21_SRO_TYPES,
]);

const REF_PROPERTIES = [
  'source_ref',
  'target_ref',
  'sighting_of_ref',
  'object_refs',
  'where_sighted_refs',
  'observed_data_refs',
  'x_liaison_evidence_refs',
] as const;

/** The ids an object refers to (besides its author and markings). */
export function referencesOf(object: Stix): string[] {
  const out: string[] = [];
  for (const property of REF_PROPERTIES) {
    const value = object[property];
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value))
      out.push(...value.filter((v): v is string => typeof v === 'string'));
  }
  return [...new Set(out)];
}

function text(object: Stix, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A short name to show for an object. */
export function labelOf(object: Stix): string {
  const label =
    text(object, 'name') ??
    text(object, 'value') ??
    text(object, 'pattern') ??
    text(object, 'abstract') ??
    text(object, 'content') ??
    text(object, 'opinion') ??
    (typeof object['relationship_type'] === 'string'
      ? `${String(object['source_ref'])} ${object['relationship_type']} ${String(object['target_ref'])}`
      : undefined) ??
    String(object['id']);
  return label.length > 200 ? `${label.slice(0, 199)}…` : label;
}

/** The lowercased text search matches: names, descriptions, values, patterns, notes. */
export function searchTextOf(object: Stix): string {
  const parts: string[] = [];
  for (const key of [
    'name',
    'description',
    'value',
    'pattern',
    'abstract',
    'content',
    'explanation',
    'opinion',
  ]) {
    const value = text(object, key);
    if (value) parts.push(value);
  }
  for (const key of ['aliases', 'labels']) {
    const value = object[key];
    if (Array.isArray(value))
      parts.push(...value.filter((v): v is string => typeof v === 'string'));
  }
  const hashes = object['hashes'];
  if (hashes && typeof hashes === 'object') {
    parts.push(
      ...Object.values(hashes as Record<string, unknown>).filter(
        (v): v is string => typeof v === 'string',
      ),
    );
  }
  return parts.join('\n').toLowerCase();
}

/** The quoted literals of a STIX pattern: `[ipv4-addr:value = '203.0.113.7']` → 203.0.113.7. */
function patternLiterals(pattern: string): string[] {
  const out: string[] = [];
  for (const match of pattern.matchAll(/'((?:[^'\\]|\\.)*)'/g)) {
    out.push((match[1] ?? '').replace(/\\(.)/g, '$1'));
  }
  return out;
}

/**
 * The values an object names, lowercased: an observable's value, a file's hashes and name,
 * the literals of an indicator's pattern. Exact lookup matches these.
 */
export function valuesOf(object: Stix): string[] {
  const out: string[] = [];
  const value = text(object, 'value');
  if (value) out.push(value);
  if (object['type'] === 'file') {
    const name = text(object, 'name');
    if (name) out.push(name);
  }
  const hashes = object['hashes'];
  if (hashes && typeof hashes === 'object') {
    for (const hash of Object.values(hashes as Record<string, unknown>)) {
      if (typeof hash === 'string') out.push(hash);
    }
  }
  const pattern = text(object, 'pattern');
  if (pattern) out.push(...patternLiterals(pattern));
  return [
    ...new Set(
      out.map((v) => v.trim().toLowerCase()).filter((v) => v.length > 0 && v.length <= 2000),
    ),
  ];
}

/** The row that holds an object's current version, with what search and lookup need. */
export function objectRowOf(
  caseId: string,
  object: Stix,
  tlp: TlpLevel,
  origin: string,
  redRecipients: readonly string[],
  now: number,
): StixObjectRow {
  return {
    id: String(object['id']),
    case_id: caseId,
    type: String(object['type']),
    origin_node: origin,
    tlp,
    red_recipients: JSON.stringify(redRecipients),
    revoked: object['revoked'] === true ? 1 : 0,
    deleted: 0,
    modified: typeof object['modified'] === 'string' ? object['modified'] : null,
    label: labelOf(object),
    search: searchTextOf(object),
    body: JSON.stringify(object),
    updated_at: now,
  };
}
