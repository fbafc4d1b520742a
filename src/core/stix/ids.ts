import { v4 as uuidv4, v5 as uuidv5 } from 'uuid';
import { canonicalJson } from '../canonical-json.js';

/**
 * STIX 2.1 identifiers (specification 2.9): `type--UUID`. Domain and relationship objects
 * get a random UUIDv4; cyber-observables (SCOs) get the deterministic UUIDv5 the
 * specification defines, so that every producer names the same observable the same way;
 * a Liaison node's identity gets a UUIDv5 in Liaison's own namespace.
 */

/** The namespace the specification fixes for deterministic SCO ids (2.9). */
export const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

/**
 * Liaison's namespace for the UUIDv5 ids it derives (node identities). The specification
 * forbids the SCO namespace for anything but SCOs, hence a namespace of our own.
 */
export const LIAISON_NAMESPACE = '7f3a1c52-4d1e-5b8a-9c60-2e4f8b1d9a07';

const UUID =
  '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}';
/** A STIX type name: lowercase letters, digits and single hyphens, 3 to 250 characters. */
const TYPE = '[a-z][a-z0-9]*(?:-[a-z0-9]+)*';
const STIX_ID = new RegExp(`^(${TYPE})--(${UUID})$`);
const TYPE_NAME = new RegExp(`^${TYPE}$`);

/** Whether `type` is a well-formed STIX type name. */
export function isStixType(type: string): boolean {
  return type.length >= 3 && type.length <= 250 && TYPE_NAME.test(type);
}

/**
 * Whether `value` is a STIX identifier (`type--UUID`, the UUID RFC 4122 of version 1 to 5),
 * and when `type` is given, of that type.
 */
export function isStixId(value: unknown, type?: string): value is string {
  if (typeof value !== 'string') return false;
  const match = STIX_ID.exec(value);
  if (!match || !isStixType(match[1] ?? '')) return false;
  return type === undefined || match[1] === type;
}

/** The type part of a STIX identifier, or null when `id` is not one. */
export function typeOfId(id: string): string | null {
  const match = STIX_ID.exec(id);
  return match ? (match[1] ?? null) : null;
}

/** A new random identifier for an object of `type` (UUIDv4). */
export function newStixId(type: string): string {
  if (!isStixType(type)) throw new Error(`not a STIX type name: ${JSON.stringify(type)}`);
  return `${type}--${uuidv4()}`;
}

/**
 * The ID Contributing Properties of each STIX 2.1 cyber-observable type (section 6). A type
 * not listed (process) has none and always gets a UUIDv4.
 */
export const ID_CONTRIBUTING_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  artifact: ['hashes', 'payload_bin'],
  'autonomous-system': ['number'],
  directory: ['path'],
  'domain-name': ['value'],
  'email-addr': ['value'],
  'email-message': ['from_ref', 'subject', 'body'],
  file: ['hashes', 'name', 'extensions', 'parent_directory_ref'],
  'ipv4-addr': ['value'],
  'ipv6-addr': ['value'],
  'mac-addr': ['value'],
  mutex: ['name'],
  'network-traffic': [
    'start',
    'end',
    'src_ref',
    'dst_ref',
    'src_port',
    'dst_port',
    'protocols',
    'extensions',
  ],
  software: ['name', 'cpe', 'swid', 'vendor', 'version'],
  url: ['value'],
  'user-account': ['account_type', 'user_id', 'account_login'],
  'windows-registry-key': ['key', 'values'],
  'x509-certificate': ['hashes', 'serial_number'],
};

/**
 * "If the hashes property is present, include only one hash. The selected hash SHOULD come
 * from this ordered list (based on the following order of preference) [MD5, SHA-1,
 * SHA-256, SHA-512]" (6.7.1); with none of them, the first one given (as the OASIS python
 * library does).
 */
export const HASH_PREFERENCE = ['MD5', 'SHA-1', 'SHA-256', 'SHA-512'] as const;

function oneHash(hashes: Record<string, unknown>): Record<string, unknown> | undefined {
  const name = HASH_PREFERENCE.find((candidate) => candidate in hashes) ?? Object.keys(hashes)[0];
  return name === undefined ? undefined : { [name]: hashes[name] };
}

/**
 * The ID Contributing Properties present on an SCO, as the JSON object whose canonical form
 * names its UUIDv5 (one hash only); null when the type has none or none is present.
 */
export function idContributingPart(
  object: Readonly<Record<string, unknown>>,
): Record<string, unknown> | null {
  const type = object['type'];
  const properties = typeof type === 'string' ? ID_CONTRIBUTING_PROPERTIES[type] : undefined;
  if (!properties) return null;
  const part: Record<string, unknown> = {};
  for (const property of properties) {
    let value = object[property];
    if (property === 'hashes' && value !== null && typeof value === 'object') {
      value = oneHash(value as Record<string, unknown>);
    }
    if (value !== undefined && value !== null) part[property] = value;
  }
  return Object.keys(part).length > 0 ? part : null;
}

/**
 * The deterministic id of a cyber-observable (2.9): UUIDv5 in the STIX namespace over the
 * RFC 8785 canonical JSON of its ID Contributing Properties. Null when the type has no
 * contributing properties or none is present (the specification then asks for a UUIDv4).
 */
export function deterministicScoId(object: Readonly<Record<string, unknown>>): string | null {
  const part = idContributingPart(object);
  if (part === null) return null;
  return `${String(object['type'])}--${uuidv5(canonicalJson(part), STIX_SCO_NAMESPACE)}`;
}

/**
 * The id a new object gets: an observable's deterministic id when it has one, otherwise a
 * random one.
 */
export function stixIdFor(object: Readonly<Record<string, unknown>> & { type: string }): string {
  return deterministicScoId(object) ?? newStixId(object.type);
}

/** The `created` (and first `modified`) of every node identity: fixed, so the id and the first version never change. */
export const NODE_IDENTITY_CREATED = '2026-01-01T00:00:00.000Z';

/** The STIX identity id of a Liaison node: UUIDv5 of its node id in Liaison's namespace. */
export function identityIdOf(nodeId: string): string {
  return `identity--${uuidv5(nodeId, LIAISON_NAMESPACE)}`;
}

/** A Liaison node as a STIX identity (a type alias, so it is assignable to Record<string, unknown>). */
export type NodeIdentity = {
  type: 'identity';
  spec_version: '2.1';
  id: string;
  created_by_ref: string;
  created: string;
  modified: string;
  name: string;
  identity_class: 'organization';
  x_liaison_node_id: string;
};

/**
 * A Liaison node as a STIX identity (an organisation, the creator of itself): the
 * `created_by_ref` of everything the node writes. Its id depends on the node id only. A
 * node whose display name changes passes the time of that change as `modified`, which makes
 * the new name a new version of the same identity.
 */
export function nodeIdentity(
  nodeId: string,
  name: string,
  modified: string = NODE_IDENTITY_CREATED,
): NodeIdentity {
  const id = identityIdOf(nodeId);
  return {
    type: 'identity',
    spec_version: '2.1',
    id,
    created_by_ref: id,
    created: NODE_IDENTITY_CREATED,
    modified,
    name,
    identity_class: 'organization',
    x_liaison_node_id: nodeId,
  };
}
