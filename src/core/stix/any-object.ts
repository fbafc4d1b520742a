import { isStixId } from './ids.js';
import {
  isSupportedStixType,
  parseStixObject,
  SCO_TYPE_NAMES,
  type ParseResult,
} from './schemas.js';
import { compareStixTimestamps, isStixTimestamp } from './timestamps.js';

/**
 * Validation of any STIX 2.1 object an import or a TAXII add may bring. The types Liaison
 * edits have their full schemas (schemas.ts); every other type of the specification, and
 * custom `x-` types, are checked for the common properties (section 3) and the properties
 * their type requires, so a feed is taken whole and nothing malformed is stored.
 */

export const STIX21_SDO_TYPES: ReadonlySet<string> = new Set([
  'attack-pattern',
  'campaign',
  'course-of-action',
  'grouping',
  'identity',
  'incident',
  'indicator',
  'infrastructure',
  'intrusion-set',
  'location',
  'malware',
  'malware-analysis',
  'note',
  'observed-data',
  'opinion',
  'report',
  'threat-actor',
  'tool',
  'vulnerability',
]);
export const STIX21_SRO_TYPES: ReadonlySet<string> = new Set(['relationship', 'sighting']);
export const STIX21_SCO_TYPES: ReadonlySet<string> = new Set(SCO_TYPE_NAMES);
export const STIX21_META_TYPES: ReadonlySet<string> = new Set([
  'marking-definition',
  'language-content',
  'extension-definition',
]);

/** Properties each type requires besides the common ones (STIX 2.1, section 4 to 7). */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  campaign: ['name'],
  'course-of-action': ['name'],
  grouping: ['context', 'object_refs'],
  incident: ['name'],
  infrastructure: ['name'],
  'malware-analysis': ['product'],
  'observed-data': ['first_observed', 'last_observed', 'number_observed'],
  tool: ['name'],
  vulnerability: ['name'],
  'autonomous-system': ['number'],
  'mac-addr': ['value'],
  mutex: ['name'],
  'network-traffic': ['protocols'],
  software: ['name'],
  'user-account': [],
  'language-content': ['object_ref', 'object_modified', 'contents'],
  'extension-definition': ['name', 'schema', 'version', 'extension_types'],
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isCustomType(type: string): boolean {
  return /^x-[a-z0-9]+(?:-[a-z0-9]+)*$/.test(type) && type.length <= 250;
}

/** Whether the type is one a STIX 2.1 import may hold (specification or custom `x-`). */
export function isImportableType(type: unknown): type is string {
  return (
    typeof type === 'string' &&
    (STIX21_SDO_TYPES.has(type) ||
      STIX21_SRO_TYPES.has(type) ||
      STIX21_SCO_TYPES.has(type) ||
      STIX21_META_TYPES.has(type) ||
      isCustomType(type))
  );
}

/** Validates any STIX 2.1 object; the same answer shape as parseStixObject. */
export function parseAnyStixObject(input: unknown): ParseResult {
  if (!isPlainObject(input)) return { ok: false, errors: ['STIX object: must be a JSON object'] };
  const type = input['type'];
  if (type === undefined) return { ok: false, errors: ['type: required'] };
  if (isSupportedStixType(type)) return parseStixObject(input);
  if (!isImportableType(type)) {
    return {
      ok: false,
      errors: [`type: ${JSON.stringify(type)} is not a STIX 2.1 type (nor a custom x- type)`],
    };
  }
  const errors: string[] = [];
  const fail = (property: string, message: string) =>
    errors.push(`${type}.${property}: ${message}`);
  if (!isStixId(input['id'], type)) fail('id', `must be an identifier like ${type}--<uuid>`);
  const isSco = STIX21_SCO_TYPES.has(type);
  const specVersion = input['spec_version'];
  if (specVersion === undefined ? !isSco : specVersion !== '2.1') {
    fail('spec_version', 'must be "2.1"');
  }
  // SDOs, SROs and meta objects carry created; all but marking definitions carry modified.
  const custom = type.startsWith('x-');
  const needs = {
    created: !isSco && !custom,
    modified: !isSco && !custom && type !== 'marking-definition',
  };
  for (const property of ['created', 'modified'] as const) {
    const value = input[property];
    if (value === undefined) {
      if (needs[property]) fail(property, 'required');
    } else if (!isStixTimestamp(value)) {
      fail(property, 'must be a STIX timestamp in UTC, like 2026-11-24T09:30:00Z');
    }
  }
  const created = input['created'];
  const modified = input['modified'];
  if (
    isStixTimestamp(created) &&
    isStixTimestamp(modified) &&
    compareStixTimestamps(modified, created) < 0
  ) {
    fail('modified', 'must not be earlier than created');
  }
  if (input['created_by_ref'] !== undefined && !isStixId(input['created_by_ref'], 'identity')) {
    fail('created_by_ref', 'must be an identity--<uuid>');
  }
  const markings = input['object_marking_refs'];
  if (
    markings !== undefined &&
    (!Array.isArray(markings) || !markings.every((ref) => isStixId(ref, 'marking-definition')))
  ) {
    fail('object_marking_refs', 'must be a list of marking-definition--<uuid>');
  }
  for (const property of ['revoked', 'defanged']) {
    if (input[property] !== undefined && typeof input[property] !== 'boolean') {
      fail(property, 'must be true or false');
    }
  }
  for (const property of ['labels', 'aliases']) {
    const value = input[property];
    if (
      value !== undefined &&
      !(Array.isArray(value) && value.every((v) => typeof v === 'string'))
    ) {
      fail(property, 'must be a list of strings');
    }
  }
  const references = input['external_references'];
  if (
    references !== undefined &&
    (!Array.isArray(references) ||
      !references.every((r) => isPlainObject(r) && typeof r['source_name'] === 'string'))
  ) {
    fail('external_references', 'must be a list of objects each with a source_name');
  }
  for (const property of REQUIRED[type] ?? []) {
    if (input[property] === undefined) fail(property, 'required');
  }
  for (const [property, value] of Object.entries(input)) {
    if (property.endsWith('_ref') && value !== undefined && !isStixId(value)) {
      fail(property, 'must be an identifier like type--<uuid>');
    }
    if (
      property.endsWith('_refs') &&
      !(Array.isArray(value) && value.length > 0 && value.every((v) => isStixId(v)))
    ) {
      fail(property, 'must be a non-empty list of identifiers');
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, object: input as never };
}
