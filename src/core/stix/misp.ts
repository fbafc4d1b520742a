import { v5 as uuidv5 } from 'uuid';
import { canonicalJson } from '../canonical-json.js';
import { tlpRank, type TlpLevel } from '../tlp-rules.js';
import { isDomainName, isEmailAddress, isIpv4, isIpv6, isUri } from './formats.js';
import { deterministicScoId, isStixId, LIAISON_NAMESPACE } from './ids.js';
import { parseAnyStixObject } from './any-object.js';
import { isStixTimestamp, stixTimestamp } from './timestamps.js';
import { tlpOfObject, withTlp } from './tlp.js';

/**
 * A MISP event (the JSON MISP exports) as STIX 2.1 objects, for import into a case. Pure:
 * no I/O, no clock, no random ids, so the same event always gives the same bytes and an
 * import run twice stores nothing new.
 *
 * What an event becomes:
 * - the event: a `report` (`report--<event uuid>`) whose `object_refs` name everything
 *   below; the creator organisation (`Orgc`): an `identity`, the `created_by_ref` of every
 *   domain object of the event;
 * - an attribute: its observable (SCO, deterministic id) and, when `to_ids` is set, an
 *   `indicator--<attribute uuid>` with a STIX pattern; a vulnerability or threat-actor
 *   attribute: that domain object;
 * - a MISP object "file": one `file` with every hash, name, size and MIME type it carries;
 *   "domain-ip": the domain with `resolves_to_refs` to its addresses; "file", "domain-ip",
 *   "url" and "email": one indicator for the whole object (its comparisons ANDed) when any
 *   of its attributes has `to_ids`. Any other object: its attributes one by one.
 *
 * TLP: a `tlp:` tag on the attribute, else on its object, else on the event, else the
 * level the caller gives; the report has the event's level, the organisation CLEAR. An
 * object made of several attributes takes the most restrictive of their levels, and so does
 * an observable that several attributes name.
 *
 * Mutex, autonomous-system, mac-addr and windows-registry-key attributes become those
 * observables (deterministic ids, like every observable); a registry key's hive is written
 * out in full (HKLM: HKEY_LOCAL_MACHINE), as the specification requires (6.17).
 *
 * Not mapped, each reported as a problem with the attribute's uuid and type: malformed
 * values, free text (`text`, `comment`, `other`) and types without a mapping. What STIX
 * cannot hold as an observable of its own (an e-mail subject, a user agent, a port, a
 * registry key without its hive) is kept only in an indicator's pattern, and reported
 * when `to_ids` is not set. Every object emitted passes `parseAnyStixObject` (any STIX 2.1
 * type); one that does not becomes a problem. Deleted attributes and objects are skipped
 * without a word.
 */

export interface MispProblem {
  /** What could not be mapped, like `Attribute 5f1c…-uuid (type ip-src)`. */
  ref: string;
  reason: string;
}

export interface MispConversion {
  /**
   * Valid STIX 2.1 objects, every object after the objects it refers to (an event's report
   * after its content).
   */
  objects: Record<string, unknown>[];
  /** What could not be mapped, each with the reason. */
  problems: MispProblem[];
}

type Json = Record<string, unknown>;

/** The `created` and `modified` of the identity of a MISP organisation: fixed, so every event of the organisation names the same version. */
export const MISP_ORGANISATION_CREATED = '1970-01-01T00:00:00.000Z';

// ---- reading the export -----------------------------------------------------------------------

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** A string or number property as trimmed text; undefined when absent or empty. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** MISP writes booleans as true/false, and in older exports as "1"/"0" or 1/0. */
function flag(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

function looksLikeEvent(value: Json): boolean {
  return 'Attribute' in value || 'info' in value;
}

/** The events of a MISP export, or why it is not one. */
function eventsOf(input: unknown): { events: Json[]; skipped: MispProblem[] } | string {
  const expected =
    'expected a MISP export: {"Event": {…}}, {"response": [{"Event": {…}}, …]} or an event object';
  if (!isRecord(input)) return `Not a MISP event: ${expected}, got ${kindOf(input)}`;
  if ('Event' in input) {
    const event = input['Event'];
    return isRecord(event)
      ? { events: [event], skipped: [] }
      : `Not a MISP event: "Event" must be an object, got ${kindOf(event)}`;
  }
  if ('response' in input) {
    const response = input['response'];
    if (!Array.isArray(response)) {
      return `Not a MISP event: "response" must be a list of {"Event": {…}}, got ${kindOf(response)}`;
    }
    const events: Json[] = [];
    const skipped: MispProblem[] = [];
    response.forEach((item: unknown, index) => {
      const event = isRecord(item) ? item['Event'] : undefined;
      if (isRecord(event)) events.push(event);
      else if (isRecord(item) && looksLikeEvent(item)) events.push(item);
      else skipped.push({ ref: `response[${index}]`, reason: 'not a MISP event ({"Event": {…}})' });
    });
    if (events.length === 0) {
      return response.length === 0
        ? 'The MISP export holds no event: "response" is an empty list'
        : 'Not a MISP event: no item of "response" is an event ({"Event": {…}})';
    }
    return { events, skipped };
  }
  if (looksLikeEvent(input)) return { events: [input], skipped: [] };
  return `Not a MISP event: ${expected}; this object has none of "Event", "response", "info" or "Attribute"`;
}

/** Whether `input` is a MISP export: `{Event}`, `{response: [{Event}, …]}` or a bare event. */
export function isMispEvent(input: unknown): boolean {
  return typeof eventsOf(input) !== 'string';
}

// ---- identifiers, times, TLP --------------------------------------------------------------

/** A MISP uuid usable in a STIX id (lowercase), or null. */
function uuidOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const uuid = value.trim().toLowerCase();
  return isStixId(`x-misp--${uuid}`) ? uuid : null;
}

/** A UUIDv5 in Liaison's namespace for something MISP gave no usable uuid. */
function derivedUuid(what: Json): string {
  return uuidv5(canonicalJson(what), LIAISON_NAMESPACE);
}

/** Unix seconds (a string or a number, as MISP writes them) as a STIX timestamp; 0 is none. */
function timeOfSeconds(value: unknown): string | undefined {
  const text = textOf(value);
  if (text === undefined || !/^\d{1,11}$/.test(text)) return undefined;
  const seconds = Number(text);
  if (seconds === 0) return undefined;
  const timestamp = stixTimestamp(seconds * 1000);
  return isStixTimestamp(timestamp) ? timestamp : undefined;
}

/** A MISP date (YYYY-MM-DD) as the STIX timestamp of its midnight UTC. */
function timeOfDate(value: unknown): string | undefined {
  const text = textOf(value);
  if (text === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const timestamp = `${text}T00:00:00.000Z`;
  return isStixTimestamp(timestamp) ? timestamp : undefined;
}

const TLP_TAGS: Readonly<Record<string, TlpLevel>> = {
  'tlp:white': 'clear',
  'tlp:clear': 'clear',
  'tlp:green': 'green',
  'tlp:amber': 'amber',
  'tlp:amber+strict': 'amber_strict',
  'tlp:red': 'red',
};

/** The most restrictive TLP level among MISP tags (`[{name: "tlp:amber"}]`), or null. */
function tlpOfTags(tags: unknown): TlpLevel | null {
  let found: TlpLevel | null = null;
  for (const tag of records(tags)) {
    const name = textOf(tag['name'])?.toLowerCase();
    const level = name === undefined ? undefined : TLP_TAGS[name];
    if (level !== undefined && (found === null || tlpRank(level) > tlpRank(found))) found = level;
  }
  return found;
}

function strictest(levels: readonly TlpLevel[], fallback: TlpLevel): TlpLevel {
  return levels.reduce((a, b) => (tlpRank(b) > tlpRank(a) ? b : a), levels[0] ?? fallback);
}

// ---- values: what one attribute says -------------------------------------------------------

/** One comparison of a STIX pattern, with the observable type it is about. */
interface Comparison {
  on: string;
  text: string;
}

/** Properties of a file: a MISP file object gathers them from several attributes. */
interface FileProperties {
  name?: string;
  hashes?: Record<string, string>;
  size?: number;
  mime_type?: string;
}

interface Mapping {
  /** Observables, those referred to before those that refer to them. */
  observables: Json[];
  /** Properties of a file, made into one `file` observable. */
  file?: FileProperties;
  comparisons: Comparison[];
  /** A domain object (type and its own properties) instead of observables. */
  domain?: Json;
  /** What is lost when no indicator carries the comparisons (to_ids not set). */
  lostWithoutIndicator?: string;
}

/** A STIX pattern string literal: quotes and backslashes escaped (specification 9.2). */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function compare(on: string, path: string, value: string | number): Comparison {
  return {
    on,
    text: `${on}:${path} = ${typeof value === 'number' ? String(value) : literal(value)}`,
  };
}

/** An observable with its deterministic id (specification 2.9). */
function observable(type: string, properties: Json): Json {
  const id = deterministicScoId({ type, ...properties });
  if (id === null) throw new Error(`${type} has no ID Contributing Properties to name it by`);
  return { type, spec_version: '2.1', id, ...properties };
}

const HASHES: Readonly<Record<string, { key: string; digits: number; label: string }>> = {
  md5: { key: 'MD5', digits: 32, label: 'an MD5 hash' },
  sha1: { key: 'SHA-1', digits: 40, label: 'a SHA-1 hash' },
  sha256: { key: 'SHA-256', digits: 64, label: 'a SHA-256 hash' },
  sha512: { key: 'SHA-512', digits: 128, label: 'a SHA-512 hash' },
};

function hashPath(key: string): string {
  return /^[A-Za-z0-9_]+$/.test(key) ? `hashes.${key}` : `hashes.'${key}'`;
}

type Result<T> = { ok: T } | { error: string };

function hashOf(type: string, value: string): Result<{ key: string; value: string }> {
  const hash = HASHES[type];
  if (!hash) return { error: `"${type}" is not a hash type` };
  if (!new RegExp(`^[0-9a-fA-F]{${hash.digits}}$`).test(value)) {
    const digits = /^[0-9a-fA-F]*$/.test(value)
      ? `${value.length} hexadecimal digits`
      : 'characters that are not hexadecimal digits';
    return {
      error: `"${value}" is not ${hash.label}: it has ${digits}, where ${hash.digits} hexadecimal digits are expected`,
    };
  }
  return { ok: { key: hash.key, value: value.toLowerCase() } };
}

function ipOf(value: string): Result<Json> {
  if (isIpv4(value)) return { ok: observable('ipv4-addr', { value }) };
  if (isIpv6(value)) return { ok: observable('ipv6-addr', { value: value.toLowerCase() }) };
  return { error: `"${value}" is not an IPv4 or IPv6 address (nor a CIDR block)` };
}

function domainOf(value: string): Result<Json> {
  const name = value.toLowerCase();
  return isDomainName(name)
    ? { ok: observable('domain-name', { value: name }) }
    : { error: `"${value}" is not a domain name` };
}

/** The abbreviations of the registry hives, which STIX forbids in a key (6.17). */
const HIVES: Readonly<Record<string, string>> = {
  HKLM: 'HKEY_LOCAL_MACHINE',
  HKCU: 'HKEY_CURRENT_USER',
  HKCR: 'HKEY_CLASSES_ROOT',
  HKU: 'HKEY_USERS',
  HKCC: 'HKEY_CURRENT_CONFIG',
};

/** A registry key with its hive written out in full (HKLM\… as HKEY_LOCAL_MACHINE\…). */
function registryKey(value: string): string {
  return value.replace(/^(HKLM|HKCU|HKCR|HKU|HKCC)(?=\\|$)/i, (hive) => {
    return HIVES[hive.toUpperCase()] ?? hive;
  });
}

/** Whether a key begins with a hive written out in full, as a registry key object's must. */
function hasHive(key: string): boolean {
  return /^HKEY_[A-Z_]+(?:\\|$)/i.test(key);
}

const CVE = /^CVE-\d{4}-(0\d{3}|[1-9]\d{3,})$/;

function mapped(observables: Json[], comparisons: Comparison[]): Mapping {
  return { observables, comparisons };
}

function mapFile(file: FileProperties, comparisons: Comparison[]): Mapping {
  return { observables: [], file, comparisons };
}

/** What one MISP attribute value of a type says in STIX. */
function mapValue(type: string, value: string): Result<Mapping> {
  const hashType = type.startsWith('filename|') ? type.slice('filename|'.length) : type;
  if (HASHES[hashType]) {
    const hashValue = type === hashType ? value : value.slice(value.indexOf('|') + 1).trim();
    const name = type === hashType ? undefined : value.slice(0, value.indexOf('|')).trim();
    if (name !== undefined && (name === '' || !value.includes('|'))) {
      return { error: `"${value}" is not a file name and a hash separated by "|"` };
    }
    const hash = hashOf(hashType, hashValue);
    if ('error' in hash) return hash;
    const hashes = { [hash.ok.key]: hash.ok.value };
    const comparisons = [compare('file', hashPath(hash.ok.key), hash.ok.value)];
    if (name === undefined) return { ok: mapFile({ hashes }, comparisons) };
    return { ok: mapFile({ name, hashes }, [compare('file', 'name', name), ...comparisons]) };
  }

  switch (type) {
    case 'ip-src':
    case 'ip-dst': {
      const ip = ipOf(value);
      if ('error' in ip) return ip;
      const on = String(ip.ok['type']);
      return { ok: mapped([ip.ok], [compare(on, 'value', String(ip.ok['value']))]) };
    }
    case 'ip-src|port':
    case 'ip-dst|port': {
      const bar = value.lastIndexOf('|');
      const port = bar === -1 ? '' : value.slice(bar + 1).trim();
      if (bar === -1 || !/^\d{1,5}$/.test(port) || Number(port) > 65535) {
        return {
          error: `"${value}" is not an IP address and a port (0 to 65535) separated by "|"`,
        };
      }
      const ip = ipOf(value.slice(0, bar).trim());
      if ('error' in ip) return ip;
      const side = type === 'ip-src|port' ? 'src' : 'dst';
      return {
        ok: {
          observables: [ip.ok],
          comparisons: [
            compare('network-traffic', `${side}_ref.value`, String(ip.ok['value'])),
            compare('network-traffic', `${side}_port`, Number(port)),
          ],
          lostWithoutIndicator: `the address is kept but not the port ${port}: a network-traffic observable would need its protocols, which MISP does not give, and to_ids is not set, so no indicator carries the port`,
        },
      };
    }
    case 'domain':
    case 'hostname': {
      const domain = domainOf(value);
      if ('error' in domain) return domain;
      return {
        ok: mapped([domain.ok], [compare('domain-name', 'value', String(domain.ok['value']))]),
      };
    }
    case 'domain|ip': {
      const bar = value.indexOf('|');
      if (bar === -1)
        return { error: `"${value}" is not a domain and an IP address separated by "|"` };
      const ip = ipOf(value.slice(bar + 1).trim());
      if ('error' in ip) return ip;
      const domain = domainOf(value.slice(0, bar).trim());
      if ('error' in domain) return domain;
      const resolving = { ...domain.ok, resolves_to_refs: [ip.ok['id']] };
      return {
        ok: mapped(
          [ip.ok, resolving],
          [
            compare('domain-name', 'value', String(domain.ok['value'])),
            compare('domain-name', 'resolves_to_refs[*].value', String(ip.ok['value'])),
          ],
        ),
      };
    }
    case 'url':
    case 'link':
    case 'uri': {
      if (!isUri(value)) {
        return {
          error: `"${value}" is not an absolute URL (RFC 3986, with a scheme, in ASCII)`,
        };
      }
      return { ok: mapped([observable('url', { value })], [compare('url', 'value', value)]) };
    }
    case 'email':
    case 'email-src':
    case 'email-dst': {
      if (!isEmailAddress(value)) return { error: `"${value}" is not an e-mail address` };
      return {
        ok: mapped([observable('email-addr', { value })], [compare('email-addr', 'value', value)]),
      };
    }
    case 'email-subject':
      return {
        ok: {
          observables: [],
          comparisons: [compare('email-message', 'subject', value)],
          lostWithoutIndicator:
            'an e-mail subject alone makes no email-message observable (one needs is_multipart, which MISP does not give), and to_ids is not set, so no indicator carries it; not imported',
        },
      };
    case 'filename':
      return { ok: mapFile({ name: value }, [compare('file', 'name', value)]) };
    case 'size-in-bytes': {
      if (!/^\d{1,15}$/.test(value)) return { error: `"${value}" is not a size in bytes` };
      return { ok: mapFile({ size: Number(value) }, [compare('file', 'size', Number(value))]) };
    }
    case 'mime-type':
      return { ok: mapFile({ mime_type: value }, [compare('file', 'mime_type', value)]) };
    case 'mutex':
      return {
        ok: mapped([observable('mutex', { name: value })], [compare('mutex', 'name', value)]),
      };
    case 'AS': {
      const match = /^(?:AS)?\s*(\d{1,10})$/i.exec(value);
      const number = Number(match?.[1] ?? Number.NaN);
      if (!match || number > 4294967295) {
        return { error: `"${value}" is not an autonomous system number like AS64500` };
      }
      return {
        ok: mapped(
          [observable('autonomous-system', { number })],
          [compare('autonomous-system', 'number', number)],
        ),
      };
    }
    case 'mac-address': {
      if (!/^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i.test(value)) {
        return { error: `"${value}" is not a MAC address like 00:1a:2b:3c:4d:5e` };
      }
      const mac = value.toLowerCase().replace(/-/g, ':');
      return {
        ok: mapped([observable('mac-addr', { value: mac })], [compare('mac-addr', 'value', mac)]),
      };
    }
    case 'regkey': {
      const key = registryKey(value);
      const comparisons = [compare('windows-registry-key', 'key', key)];
      if (!hasHive(key)) {
        return {
          ok: {
            observables: [],
            comparisons,
            lostWithoutIndicator: `"${value}" names no hive (HKEY_LOCAL_MACHINE\\…), which a windows-registry-key observable must begin with, and to_ids is not set, so no indicator carries it; not imported`,
          },
        };
      }
      return { ok: mapped([observable('windows-registry-key', { key })], comparisons) };
    }
    case 'user-agent':
      return {
        ok: {
          observables: [],
          comparisons: [
            compare(
              'network-traffic',
              "extensions.'http-request-ext'.request_header.'User-Agent'",
              value,
            ),
          ],
          lostWithoutIndicator:
            'a user agent alone makes no network-traffic observable (one needs its protocols and an address, which MISP does not give), and to_ids is not set, so no indicator carries it; not imported',
        },
      };
    case 'vulnerability': {
      const cve = value.toUpperCase();
      if (!CVE.test(cve)) return { error: `"${value}" is not a CVE id like CVE-2024-3094` };
      return {
        ok: {
          observables: [],
          comparisons: [],
          domain: {
            type: 'vulnerability',
            name: cve,
            external_references: [{ source_name: 'cve', external_id: cve }],
          },
        },
      };
    }
    case 'threat-actor':
      return {
        ok: { observables: [], comparisons: [], domain: { type: 'threat-actor', name: value } },
      };
    case 'text':
    case 'comment':
    case 'other':
      return { error: 'free text has no STIX observable; not imported' };
    default:
      return { error: `the MISP attribute type "${type}" has no mapping to STIX; not imported` };
  }
}

// ---- the conversion ------------------------------------------------------------------------

/** What is kept, by id, in the order found; and what could not be. */
interface Output {
  objects: Map<string, Json>;
  problems: MispProblem[];
}

/** One event being converted. */
interface EventScope {
  out: Output;
  /** The report's uuid, for ids derived from it. */
  eventUuid: string;
  creatorRef: string | undefined;
  time: string;
  /** Objects made for the event, kept once the event turns out to make a report. */
  pending: { object: Json; ref: string }[];
}

/** A mapped attribute, with what the conversion needs to know of it. */
interface Part extends Mapping {
  ref: string;
  uuid: string;
  relation: string | undefined;
  value: string;
  comment: string | undefined;
  level: TlpLevel;
  toIds: boolean;
  time: string;
}

/** Why `object` is not something to emit, or null when it is. */
function invalidity(object: Json): string | null {
  const result = parseAnyStixObject(object);
  return result.ok ? null : `not valid STIX: ${result.errors.join('; ')}`;
}

function attributeRef(attribute: Json): string {
  const uuid = textOf(attribute['uuid']) ?? 'without uuid';
  return `Attribute ${uuid} (type ${textOf(attribute['type']) ?? 'none'})`;
}

/** A MISP attribute mapped, or null with the problem recorded. */
function partOf(
  attribute: Json,
  inherited: TlpLevel,
  fallbackTime: string,
  scope: EventScope,
): Part | null {
  const ref = attributeRef(attribute);
  const type = textOf(attribute['type']);
  const value = textOf(attribute['value']);
  if (type === undefined || value === undefined) {
    scope.out.problems.push({
      ref,
      reason: `has no ${type === undefined ? 'type' : 'value'}; not imported`,
    });
    return null;
  }
  const mapping = mapValue(type, value);
  if ('error' in mapping) {
    scope.out.problems.push({ ref, reason: mapping.error });
    return null;
  }
  const relation = textOf(attribute['object_relation']);
  return {
    ...mapping.ok,
    ref,
    uuid:
      uuidOf(attribute['uuid']) ??
      derivedUuid({ misp_attribute: { event: scope.eventUuid, type, value, relation } }),
    relation,
    value,
    comment: textOf(attribute['comment']),
    level: tlpOfTags(attribute['Tag']) ?? inherited,
    toIds: flag(attribute['to_ids']),
    time: timeOfSeconds(attribute['timestamp']) ?? fallbackTime,
  };
}

/** Properties every domain object of the event has. */
function common(type: string, uuid: string, time: string, scope: EventScope): Json {
  return {
    type,
    spec_version: '2.1',
    id: `${type}--${uuid}`,
    ...(scope.creatorRef === undefined ? {} : { created_by_ref: scope.creatorRef }),
    created: time,
    modified: time,
  };
}

function fileObservable(file: FileProperties): Result<Json> {
  if (file.name === undefined && file.hashes === undefined) {
    return {
      error: `a file ${file.size === undefined ? 'MIME type' : 'size'} alone does not name a file (it needs a name or a hash); not imported`,
    };
  }
  return { ok: observable('file', { ...file }) };
}

/** Attributes whose observables are made and kept together (one of them invalid: none). */
interface Unit {
  parts: Part[];
  observables: Json[];
}

/** What a group of parts gives: at most one indicator, over all their comparisons. */
interface IndicatorOf {
  uuid: string;
  name: string;
  description: string | undefined;
  time: string;
}

/**
 * Emits the observables and domain objects of `units`, then one indicator for all of their
 * comparisons when any of them has to_ids (`indicator` names it), and reports what is lost.
 */
function emitUnits(units: Unit[], indicator: IndicatorOf, scope: EventScope): void {
  const { problems } = scope.out;
  const kept: Unit[] = [];
  for (const unit of units) {
    const level = strictest(
      unit.parts.map((part) => part.level),
      'clear',
    );
    const objects = unit.observables.map((o) => withTlp(o, level));
    const errors = objects.map(invalidity).filter((e): e is string => e !== null);
    if (errors.length > 0) {
      for (const part of unit.parts) problems.push({ ref: part.ref, reason: errors.join('; ') });
      continue;
    }
    for (const object of objects) scope.pending.push({ object, ref: unit.parts[0]?.ref ?? '' });
    kept.push(unit);
  }

  for (const part of kept.flatMap((unit) => unit.parts)) {
    if (!part.domain) continue;
    const object = withTlp(
      { ...common(String(part.domain['type']), part.uuid, part.time, scope), ...part.domain },
      part.level,
    );
    const why = invalidity(object);
    if (why === null) scope.pending.push({ object, ref: part.ref });
    else problems.push({ ref: part.ref, reason: `${String(part.domain['name'])}: ${why}` });
  }

  const patterned = kept.flatMap((unit) => unit.parts).filter((p) => p.comparisons.length > 0);
  let indicated = false;
  if (patterned.some((part) => part.toIds)) {
    const object = withTlp(
      {
        ...common('indicator', indicator.uuid, indicator.time, scope),
        name: indicator.name,
        ...(indicator.description === undefined ? {} : { description: indicator.description }),
        indicator_types: ['malicious-activity'],
        pattern: patternOf(patterned.flatMap((part) => part.comparisons)),
        pattern_type: 'stix',
        pattern_version: '2.1',
        valid_from: indicator.time,
      },
      strictest(
        patterned.map((part) => part.level),
        'clear',
      ),
    );
    const why = invalidity(object);
    if (why === null) {
      scope.pending.push({ object, ref: patterned[0]?.ref ?? '' });
      indicated = true;
    } else {
      for (const part of patterned) problems.push({ ref: part.ref, reason: `indicator ${why}` });
    }
  }

  if (!indicated) {
    for (const part of kept.flatMap((unit) => unit.parts)) {
      if (part.lostWithoutIndicator)
        problems.push({ ref: part.ref, reason: part.lostWithoutIndicator });
    }
  }
}

/** A STIX pattern ANDing comparisons: one observation per observable type (9.5). */
function patternOf(comparisons: readonly Comparison[]): string {
  const byType = new Map<string, string[]>();
  for (const { on, text } of comparisons) {
    const list = byType.get(on) ?? [];
    if (!list.includes(text)) list.push(text);
    byType.set(on, list);
  }
  return [...byType.values()].map((texts) => `[${texts.join(' AND ')}]`).join(' AND ');
}

/** The unit of one attribute on its own (a file's properties made into a file). */
function unitOf(part: Part, scope: EventScope): Unit | null {
  if (!part.file) return { parts: [part], observables: part.observables };
  const file = fileObservable(part.file);
  if ('error' in file) {
    scope.out.problems.push({ ref: part.ref, reason: file.error });
    return null;
  }
  return { parts: [part], observables: [file.ok] };
}

function emitAttribute(part: Part, scope: EventScope): void {
  const unit = unitOf(part, scope);
  if (!unit) return;
  emitUnits(
    [unit],
    { uuid: part.uuid, name: part.value, description: part.comment, time: part.time },
    scope,
  );
}

/** MISP objects whose attributes make one indicator. */
const COMBINED_OBJECTS = new Set(['file', 'domain-ip', 'url', 'email']);

/** Email object relations read as properties of the message. */
const EMAIL_RELATIONS: Readonly<Record<string, string>> = {
  from: 'from_ref.value',
  to: 'to_refs[*].value',
  cc: 'cc_refs[*].value',
};

function convertObject(object: Json, inherited: TlpLevel, scope: EventScope): void {
  const name = textOf(object['name']) ?? '';
  const level = tlpOfTags(object['Tag']) ?? inherited;
  const time = timeOfSeconds(object['timestamp']) ?? scope.time;
  const parts = records(object['Attribute'])
    .filter((attribute) => !flag(attribute['deleted']))
    .map((attribute) => partOf(attribute, level, time, scope))
    .filter((part): part is Part => part !== null);
  if (parts.length === 0) return;
  if (!COMBINED_OBJECTS.has(name)) {
    for (const part of parts) emitAttribute(part, scope);
    return;
  }

  const units: Unit[] = [];
  const alone: Part[] = [];
  if (name === 'file') {
    // One file of every name, hash, size and MIME type; a second value of a property
    // (another name, another MD5) cannot be the same file, and stands alone.
    const merged: FileProperties = {};
    const fileParts: Part[] = [];
    for (const part of parts) {
      const file = part.file;
      if (!file) continue;
      const clash =
        (file.name !== undefined && merged.name !== undefined) ||
        (file.size !== undefined && merged.size !== undefined) ||
        (file.mime_type !== undefined && merged.mime_type !== undefined) ||
        Object.keys(file.hashes ?? {}).some((key) => merged.hashes?.[key] !== undefined);
      if (clash) {
        alone.push(part);
        continue;
      }
      if (file.name !== undefined) merged.name = file.name;
      if (file.size !== undefined) merged.size = file.size;
      if (file.mime_type !== undefined) merged.mime_type = file.mime_type;
      if (file.hashes) merged.hashes = { ...merged.hashes, ...file.hashes };
      fileParts.push(part);
    }
    if (fileParts.length > 0) {
      const file = fileObservable(merged);
      if ('error' in file) {
        for (const part of fileParts)
          scope.out.problems.push({ ref: part.ref, reason: file.error });
      } else {
        units.push({ parts: fileParts, observables: [file.ok] });
      }
    }
  }
  if (name === 'domain-ip') {
    // The domain, resolving to the addresses of the object.
    const domains = parts.filter((p) => p.observables.some((o) => o['type'] === 'domain-name'));
    const ips = parts.filter(
      (p) =>
        p.observables.length > 0 &&
        p.observables.every((o) => o['type'] === 'ipv4-addr' || o['type'] === 'ipv6-addr'),
    );
    const domain = domains.length === 1 ? domains[0]?.observables.at(-1) : undefined;
    if (domain && domains[0] && ips.length > 0 && domains[0].observables.length === 1) {
      const addresses = ips.flatMap((part) => part.observables);
      units.push({
        parts: [domains[0], ...ips],
        observables: [
          ...addresses,
          { ...domain, resolves_to_refs: addresses.map((address) => address['id']) },
        ],
      });
      for (const part of ips) {
        part.comparisons = part.observables.map((address) =>
          compare('domain-name', 'resolves_to_refs[*].value', String(address['value'])),
        );
      }
    }
  }
  if (name === 'email') {
    for (const part of parts) {
      const path = EMAIL_RELATIONS[part.relation ?? ''];
      const address = part.observables[0];
      if (path && address?.['type'] === 'email-addr') {
        part.comparisons = [compare('email-message', path, String(address['value']))];
      }
    }
  }
  const taken = new Set(units.flatMap((unit) => unit.parts));
  for (const part of parts) {
    if (taken.has(part) || alone.includes(part)) continue;
    const unit = unitOf(part, scope);
    if (unit) units.push(unit);
  }
  const first = units[0]?.parts[0];
  if (first) {
    const uuid =
      uuidOf(object['uuid']) ??
      derivedUuid({ misp_object: { event: scope.eventUuid, name, first: first.uuid } });
    const principal =
      parts.find((p) =>
        ['filename', 'domain', 'hostname', 'url', 'subject'].includes(p.relation ?? ''),
      ) ?? first;
    const partTimes = units.flatMap((unit) => unit.parts.map((p) => p.time)).sort();
    emitUnits(
      units,
      {
        uuid,
        name: `${name}: ${principal.value}`,
        description: textOf(object['comment']),
        time: timeOfSeconds(object['timestamp']) ?? partTimes.at(-1) ?? scope.time,
      },
      scope,
    );
  }
  for (const part of alone) emitAttribute(part, scope);
}

/** The creator organisation as an identity (CLEAR), or undefined. */
function identityOf(orgc: unknown, ref: string, out: Output): Json | undefined {
  if (!isRecord(orgc)) return undefined;
  const name = textOf(orgc['name']);
  if (name === undefined) {
    out.problems.push({
      ref: `${ref} Orgc`,
      reason: 'the creator organisation has no name; the objects carry no created_by_ref',
    });
    return undefined;
  }
  const uuid = uuidOf(orgc['uuid']) ?? derivedUuid({ misp_organisation: name });
  const identity = withTlp(
    {
      type: 'identity',
      spec_version: '2.1',
      id: `identity--${uuid}`,
      created: MISP_ORGANISATION_CREATED,
      modified: MISP_ORGANISATION_CREATED,
      name,
      identity_class: 'organization',
    },
    'clear',
  );
  const why = invalidity(identity);
  if (why === null) return identity;
  out.problems.push({ ref: `${ref} Orgc`, reason: why });
  return undefined;
}

/** Adds an object to the output; an observable named twice is merged, at the stricter level. */
function put(out: Output, object: Json, ref: string): void {
  const id = String(object['id']);
  const existing = out.objects.get(id);
  if (!existing) {
    out.objects.set(id, object);
    return;
  }
  if (canonicalJson(existing) === canonicalJson(object)) return;
  if (existing['created'] === undefined && object['created'] === undefined) {
    const level = strictest(
      [tlpOfObject(existing) ?? 'clear', tlpOfObject(object) ?? 'clear'],
      'clear',
    );
    const merged: Json = { ...object, ...existing };
    if (isRecord(existing['hashes']) || isRecord(object['hashes'])) {
      merged['hashes'] = {
        ...(object['hashes'] as Json | undefined),
        ...(existing['hashes'] as Json | undefined),
      };
    }
    const refs = [existing['resolves_to_refs'], object['resolves_to_refs']].flatMap((r) =>
      Array.isArray(r) ? (r as unknown[]) : [],
    );
    if (refs.length > 0) merged['resolves_to_refs'] = [...new Set(refs)];
    const result = withTlp(merged, level);
    const why = invalidity(result);
    if (why === null) out.objects.set(id, result);
    else out.problems.push({ ref, reason: `could not be merged with ${id}: ${why}` });
    return;
  }
  out.problems.push({
    ref,
    reason: `${id} was already made from another part of the export, with other content (the same MISP uuid twice?); the first was kept`,
  });
}

function convertEvent(event: Json, defaultTlp: TlpLevel, out: Output): void {
  const info = textOf(event['info']);
  const date = textOf(event['date']);
  const ref = `Event ${textOf(event['uuid']) ?? 'without uuid'} ("${info ?? ''}")`;
  const time =
    timeOfSeconds(event['timestamp']) ??
    timeOfDate(event['date']) ??
    timeOfSeconds(event['publish_timestamp']);
  if (time === undefined) {
    out.problems.push({
      ref,
      reason: 'the event has no timestamp and no date (YYYY-MM-DD); not imported',
    });
    return;
  }
  const eventUuid = uuidOf(event['uuid']) ?? derivedUuid({ misp_event: { info, date } });
  const eventTag = tlpOfTags(event['Tag']);
  const level = eventTag ?? defaultTlp;
  const identity = identityOf(event['Orgc'], ref, out);
  const scope: EventScope = {
    out,
    eventUuid,
    creatorRef: identity === undefined ? undefined : String(identity['id']),
    time,
    pending: [],
  };

  for (const attribute of records(event['Attribute'])) {
    if (flag(attribute['deleted'])) continue;
    const part = partOf(attribute, level, time, scope);
    if (part) emitAttribute(part, scope);
  }
  for (const object of records(event['Object'])) {
    if (!flag(object['deleted'])) convertObject(object, level, scope);
  }

  if (scope.pending.length === 0) {
    out.problems.push({
      ref,
      reason: 'nothing in the event could be mapped to STIX; no report was made',
    });
    return;
  }
  const refs: string[] = [];
  for (const { object, ref: from } of [
    ...(identity === undefined ? [] : [{ object: identity, ref }]),
    ...scope.pending,
  ]) {
    put(out, object, from);
    const id = String(object['id']);
    if (!refs.includes(id)) refs.push(id);
  }
  const report = withTlp(
    {
      ...common('report', eventUuid, time, scope),
      name: info ?? `MISP event ${eventUuid}`,
      report_types: ['threat-report'],
      published: timeOfSeconds(event['publish_timestamp']) ?? timeOfDate(event['date']) ?? time,
      object_refs: refs,
    },
    level,
  );
  const why = invalidity(report);
  if (why === null) put(out, report, ref);
  else out.problems.push({ ref, reason: `report ${why}` });
}

/** The ids an object refers to (its markings aside, which are not among the objects). */
function referencesOf(object: Json): string[] {
  const found: string[] = [];
  for (const [key, value] of Object.entries(object)) {
    if (key === 'object_marking_refs') continue;
    if (key.endsWith('_ref') && typeof value === 'string') found.push(value);
    if (key.endsWith('_refs') && Array.isArray(value)) {
      found.push(...value.filter((v): v is string => typeof v === 'string'));
    }
  }
  return found;
}

/** The objects in the order found, each moved after the objects it refers to. */
function referencedFirst(objects: ReadonlyMap<string, Json>): Json[] {
  const ordered: Json[] = [];
  const placed = new Set<string>();
  const visit = (id: string, trail: Set<string>): void => {
    const object = objects.get(id);
    if (!object || placed.has(id) || trail.has(id)) return;
    trail.add(id);
    for (const reference of referencesOf(object)) visit(reference, trail);
    placed.add(id);
    ordered.push(object);
  };
  for (const id of objects.keys()) visit(id, new Set());
  return ordered;
}

/**
 * The STIX 2.1 objects of a MISP export (`{Event}`, `{response: [{Event}, …]}` or a bare
 * event), with what could not be mapped. Throws when the input is no MISP export at all.
 */
export function mispEventToStix(input: unknown, defaultTlp: TlpLevel): MispConversion {
  const found = eventsOf(input);
  if (typeof found === 'string') throw new Error(found);
  const out: Output = { objects: new Map(), problems: [...found.skipped] };
  for (const event of found.events) convertEvent(event, defaultTlp, out);
  return { objects: referencedFirst(out.objects), problems: out.problems };
}
