import { z } from 'zod';
import { isStixId, typeOfId } from './ids.js';
import {
  isBase64,
  isDomainName,
  isEmailAddress,
  isHex,
  isIpv4,
  isIpv6,
  isLanguageTag,
  isUri,
  KNOWN_HASHES,
} from './formats.js';
import { checkStixPattern } from './pattern.js';
import { compareStixTimestamps, isStixTimestamp, isStixTimestampMs } from './timestamps.js';

/**
 * Schemas of the STIX 2.1 objects a case holds, for input from users, peers and files.
 *
 * Two rules shape them:
 * - STIX 2.1 exactly: required properties, types, vocabularies where they are closed,
 *   identifiers of the right type, timestamps, markings, extensions, and the rules between
 *   properties that the specification states (modified not before created, valid_until
 *   after valid_from, granular marking selectors that point at something, …).
 * - Whatever passes also validates against the official OASIS JSON schemas (checked in the
 *   tests). Where OASIS is stricter than the specification we follow OASIS: every list has
 *   at least one item, no value is null, a custom property is named
 *   `^[a-z][a-z0-9_]{2,249}$` with a value that is not null nor an empty list (and is hex or
 *   base64 when the name ends in `_hex` or `_bin`); external references follow its CVE and
 *   CAPEC rules.
 *
 * Custom properties: a property the specification does not define must start with `x_`
 * (11.1.1: the form that stays compatible with later versions), so that a misspelt
 * property is reported rather than kept. An object that declares a
 * `toplevel-property-extension` may also carry the extension's properties unprefixed.
 *
 * Errors are sentences that name the property: `indicator.pattern: required`.
 */

// ---- messages -------------------------------------------------------------------------------

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

/** Zod's issues as sentences (used for every parse here; schema-level messages win). */
function messageOf(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      if (issue.input === null) return 'must not be null (leave the property out instead)';
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}`;
    case 'too_small':
      if (issue.origin === 'array') {
        return Number(issue.minimum) <= 1
          ? 'must not be empty (leave the property out instead)'
          : `must have at least ${String(issue.minimum)} items`;
      }
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1
          ? 'must not be empty'
          : `must be at least ${String(issue.minimum)} characters`;
      }
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${String(issue.maximum)} items`;
      if (issue.origin === 'string') return `must be at most ${String(issue.maximum)} characters`;
      return `must be at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown ${issue.keys.length === 1 ? 'property' : 'properties'} ${issue.keys
        .map((k) => JSON.stringify(k))
        .join(', ')}`;
    default:
      return undefined;
  }
}

/** A path as written in messages: `granular_markings[0].selectors`. */
function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

// ---- building blocks --------------------------------------------------------------------

const text = z.string();
const nonEmpty = z.string().refine((s) => s.trim().length > 0, { error: 'must not be empty' });
const list = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1, { error: 'must not be empty (leave the property out instead)' });

const timestamp = z.string().refine(isStixTimestamp, {
  error: 'must be a STIX timestamp in UTC, like 2026-11-24T09:30:00Z',
});
const timestampMs = z.string().refine(isStixTimestampMs, {
  error: 'must be a STIX timestamp in UTC with milliseconds, like 2026-11-24T09:30:00.000Z',
});

/** Identifier types a reference may not point at (STIX 2.1 5.1.2, 5.2.1). */
const NOT_REFERABLE = [
  'relationship',
  'sighting',
  'bundle',
  'marking-definition',
  'language-content',
  'extension-definition',
];

/** Every cyber-observable type of STIX 2.1 (section 6). */
export const SCO_TYPE_NAMES = [
  'artifact',
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'file',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'x509-certificate',
];

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * A reference to a STIX object: of one of `types` when given, of none of `excluded`
 * (described to the user as `what`).
 */
function ref(types?: readonly string[], excluded?: readonly string[], what?: string) {
  const hint = types
    ? `must be the identifier of ${types.map(article).join(' or ')}, like ${types[0]}--<uuid>`
    : `must be an identifier like malware--<uuid>${what ? ` (${what})` : ''}`;
  return z.string().refine(
    (value) => {
      if (!isStixId(value)) return false;
      const type = typeOfId(value) ?? '';
      return (!types || types.includes(type)) && !excluded?.includes(type);
    },
    { error: hint },
  );
}

const idOf = (type: string) =>
  z.string().refine((value) => isStixId(value, type), {
    error: `must be an identifier like ${type}--<uuid>`,
  });

const HASH_NAME = /^[a-zA-Z0-9_-]{3,250}$/;

/** The STIX hashes type (2.7); `vocabularyOnly` for external references, whose OASIS schema takes only the hash-algorithm-ov names. */
const hashes = (vocabularyOnly = false) =>
  z.record(z.string(), z.string()).superRefine((value, ctx) => {
    const names = Object.keys(value);
    if (names.length === 0)
      ctx.addIssue({ code: 'custom', message: 'must name at least one hash' });
    for (const name of names) {
      const known = KNOWN_HASHES[name];
      if (vocabularyOnly && !known) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `is not a hash algorithm of the STIX vocabulary (${Object.keys(KNOWN_HASHES).join(', ')})`,
        });
      } else if (!HASH_NAME.test(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'is not a hash name (3 to 250 letters, digits, hyphens or underscores)',
        });
      } else if (known && !known.format.test(value[name] ?? '')) {
        ctx.addIssue({ code: 'custom', path: [name], message: `must be ${known.hint}` });
      }
    }
  });

const CVE_ID = /^CVE-\d{4}-(0\d{3}|[1-9]\d{3,})$/;
const CAPEC_ID = /^CAPEC-\d+$/;

const externalReference = z
  .object({
    source_name: nonEmpty,
    description: text.optional(),
    url: z.string().refine(isUri, { error: 'must be a URL (RFC 3986)' }).optional(),
    hashes: hashes(true).optional(),
    external_id: text.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (
      value.description === undefined &&
      value.url === undefined &&
      value.external_id === undefined
    ) {
      ctx.addIssue({ code: 'custom', message: 'needs a description, a url or an external_id' });
    }
    const id = value.external_id;
    if (value.source_name === 'cve' && (id === undefined || !CVE_ID.test(id))) {
      ctx.addIssue({
        code: 'custom',
        path: ['external_id'],
        message: 'must be a CVE id like CVE-2024-3094',
      });
    } else if (value.source_name === 'capec' && (id === undefined || !CAPEC_ID.test(id))) {
      ctx.addIssue({
        code: 'custom',
        path: ['external_id'],
        message: 'must be a CAPEC id like CAPEC-163',
      });
    } else if (
      value.source_name !== 'cve' &&
      value.source_name !== 'capec' &&
      id !== undefined &&
      (CVE_ID.test(id) || CAPEC_ID.test(id))
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['source_name'],
        message: `must be "${CVE_ID.test(id) ? 'cve' : 'capec'}" for the external_id ${id}`,
      });
    }
  });

const killChainPhase = z.object({ kill_chain_name: nonEmpty, phase_name: nonEmpty }).strict();

const SELECTOR = /^(?:[a-z0-9_-]{3,249}(?:\.(?:\[\d+\]|[a-z0-9_-]{1,250}))*|id)$/;
const granularMarking = z
  .object({
    marking_ref: ref(['marking-definition']),
    selectors: list(
      z.string().refine((s) => SELECTOR.test(s), {
        error: 'must be a selector like description, labels.[0] or external_references.[0].url',
      }),
    ),
  })
  .strict();

/** A JSON value as a property (custom or of an extension) may have one under OASIS's rules. */
function checkPropertyValue(name: string, value: unknown, add: Add, path: PropertyKey[]): void {
  if (value === null) return add(path, 'must not be null (leave the property out instead)');
  if (Array.isArray(value) && value.length === 0) {
    return add(path, 'must not be empty (leave the property out instead)');
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return add(path, 'must be a number');
  if (name.endsWith('_hex') && (typeof value !== 'string' || !isHex(value))) {
    return add(path, 'must be hexadecimal (a property named …_hex holds hex)');
  }
  if (name.endsWith('_bin') && (typeof value !== 'string' || !isBase64(value))) {
    return add(path, 'must be base64 (a property named …_bin holds binary)');
  }
}

const PROPERTY_NAME = /^[a-z][a-z0-9_]{2,249}$/;
const CUSTOM_PROPERTY_NAME = /^x_[a-z0-9_]{1,248}$/;
const EXTENSION_DEFINITION =
  /^extension-definition--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
const EXTENSION_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*-ext$/;
const EXTENSION_TYPES = [
  'new-sdo',
  'new-sco',
  'new-sro',
  'property-extension',
  'toplevel-property-extension',
];

type Add = (path: PropertyKey[], message: string) => void;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The properties inside an extension: named and valued as OASIS's properties rules say. */
function checkExtensionProperties(
  extension: Record<string, unknown>,
  add: Add,
  path: PropertyKey[],
): void {
  for (const [name, value] of Object.entries(extension)) {
    if (!PROPERTY_NAME.test(name)) {
      add(
        [...path, name],
        'is not a property name (lowercase letters, digits and underscores, 3 to 250 characters, starting with a letter)',
      );
    } else {
      checkPropertyValue(name, value, add, [...path, name]);
    }
  }
}

/** The `extensions` dictionary (7.3 and 11.3): by extension-definition id or `…-ext` name. */
function checkExtensions(extensions: unknown, add: Add): void {
  if (extensions === undefined) return;
  if (!isPlainObject(extensions)) return add(['extensions'], 'must be an object');
  const entries = Object.entries(extensions);
  if (entries.length === 0) {
    return add(['extensions'], 'must not be empty (leave the property out instead)');
  }
  for (const [key, value] of entries) {
    const path = ['extensions', key];
    if (!isPlainObject(value)) {
      add(path, 'must be an object');
    } else if (EXTENSION_DEFINITION.test(key)) {
      const kind = value['extension_type'];
      if (kind === undefined) add([...path, 'extension_type'], 'required');
      else if (typeof kind !== 'string' || !EXTENSION_TYPES.includes(kind)) {
        add(
          [...path, 'extension_type'],
          `must be one of ${EXTENSION_TYPES.map((t) => JSON.stringify(t)).join(', ')}`,
        );
      }
      checkExtensionProperties(value, add, path);
    } else if (EXTENSION_NAME.test(key)) {
      if (Object.keys(value).length === 0) add(path, 'must not be empty');
      checkExtensionProperties(value, add, path);
    } else {
      add(
        path,
        'is not an extension: use the id of its extension-definition, or a name ending in -ext',
      );
    }
  }
}

function declaresToplevelExtension(object: Record<string, unknown>): boolean {
  const extensions = object['extensions'];
  return (
    isPlainObject(extensions) &&
    Object.entries(extensions).some(
      ([key, value]) =>
        EXTENSION_DEFINITION.test(key) &&
        isPlainObject(value) &&
        value['extension_type'] === 'toplevel-property-extension',
    )
  );
}

/** Whether a granular marking selector (7.2.3.1) points at something in the object. */
function selectorResolves(object: Record<string, unknown>, selector: string): boolean {
  let current: unknown = object;
  for (const segment of selector.split('.')) {
    const index = /^\[(\d+)\]$/.exec(segment);
    if (index) {
      if (!Array.isArray(current)) return false;
      current = current[Number(index[1])];
    } else {
      if (!isPlainObject(current) || !Object.hasOwn(current, segment)) return false;
      current = current[segment];
    }
    if (current === undefined) return false;
  }
  return true;
}

function timestampOrder(
  object: Record<string, unknown>,
  earlier: string,
  later: string,
  strict: boolean,
  add: Add,
): void {
  const a = object[earlier];
  const b = object[later];
  if (!isStixTimestamp(a) || !isStixTimestamp(b)) return;
  const order = compareStixTimestamps(a, b);
  if (strict ? order >= 0 : order > 0) {
    add([later], strict ? `must be later than ${earlier}` : `must not be earlier than ${earlier}`);
  }
}

// ---- common properties --------------------------------------------------------------------

const markingProperties = {
  object_marking_refs: list(ref(['marking-definition'])).optional(),
  granular_markings: list(granularMarking).optional(),
  extensions: z.record(z.string(), z.unknown()).optional(),
};

/** Common properties of SDOs and SROs (3.2). */
const coreProperties = (type: string) => ({
  type: z.literal(type),
  spec_version: z.literal('2.1'),
  id: idOf(type),
  created_by_ref: ref(['identity']).optional(),
  created: timestampMs,
  modified: timestampMs,
  revoked: z.boolean().optional(),
  labels: list(text).optional(),
  confidence: z.number().int().min(0).max(100).optional(),
  lang: z
    .string()
    .refine(isLanguageTag, { error: 'must be a language tag like en or zh-CN' })
    .optional(),
  external_references: list(externalReference).optional(),
  ...markingProperties,
});

/** Common properties of cyber-observables (3.2; no created/modified, spec_version optional). */
const scoProperties = (type: string) => ({
  type: z.literal(type),
  spec_version: z.literal('2.1').optional(),
  id: idOf(type),
  defanged: z.boolean().optional(),
  ...markingProperties,
});

type Check = (object: Record<string, unknown>, add: Add) => void;

/**
 * The rules every object follows beyond its properties' own types: custom property names
 * and values, extensions, granular marking selectors, modified not before created.
 */
function commonChecks(known: ReadonlySet<string>, type: string): Check {
  return (object, add) => {
    const toplevel = declaresToplevelExtension(object);
    for (const [name, value] of Object.entries(object)) {
      if (known.has(name)) continue;
      if (CUSTOM_PROPERTY_NAME.test(name) || (toplevel && PROPERTY_NAME.test(name))) {
        checkPropertyValue(name, value, add, [name]);
      } else {
        add(
          [name],
          `is not a property of ${article(type)} (a custom property's name starts with x_ and has lowercase letters, digits and underscores, 3 to 250 characters)`,
        );
      }
    }
    if (known.has('magic_number_hex') && typeof object['magic_number_hex'] === 'string') {
      if (!isHex(object['magic_number_hex'])) add(['magic_number_hex'], 'must be hexadecimal');
    }
    checkExtensions(object['extensions'], add);
    const granular = object['granular_markings'];
    if (Array.isArray(granular)) {
      granular.forEach((marking, i) => {
        const selectors = isPlainObject(marking) ? marking['selectors'] : undefined;
        if (!Array.isArray(selectors)) return;
        selectors.forEach((selector, j) => {
          if (
            typeof selector === 'string' &&
            SELECTOR.test(selector) &&
            !selectorResolves(object, selector)
          ) {
            add(
              ['granular_markings', i, 'selectors', j],
              `"${selector}" selects nothing in this object`,
            );
          }
        });
      });
    }
    timestampOrder(object, 'created', 'modified', false, add);
  };
}

interface TypeSpec<S extends z.ZodRawShape> {
  shape: S;
  check: Check;
}

function defineType<S extends z.ZodRawShape>(type: string, shape: S, extra?: Check): TypeSpec<S> {
  const common = commonChecks(new Set(Object.keys(shape)), type);
  return {
    shape,
    check: (object, add) => {
      common(object, add);
      extra?.(object, add);
    },
  };
}

function schemaOf<S extends z.ZodRawShape>(spec: TypeSpec<S>) {
  return z
    .object(spec.shape)
    .catchall(z.unknown())
    .superRefine((object, ctx) => {
      spec.check(object, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    });
}

// ---- domain objects -----------------------------------------------------------------------

const OPINIONS = ['strongly-disagree', 'disagree', 'neutral', 'agree', 'strongly-agree'] as const;

const attackPatternSpec = defineType('attack-pattern', {
  ...coreProperties('attack-pattern'),
  name: nonEmpty,
  description: text.optional(),
  aliases: list(text).optional(),
  kill_chain_phases: list(killChainPhase).optional(),
});

const identitySpec = defineType('identity', {
  ...coreProperties('identity'),
  name: nonEmpty,
  description: text.optional(),
  roles: list(text).optional(),
  identity_class: text.optional(),
  sectors: list(text).optional(),
  contact_information: text.optional(),
});

const indicatorSpec = defineType(
  'indicator',
  {
    ...coreProperties('indicator'),
    name: text.optional(),
    description: text.optional(),
    indicator_types: list(text).optional(),
    pattern: nonEmpty,
    pattern_type: nonEmpty,
    pattern_version: text.optional(),
    valid_from: timestamp,
    valid_until: timestamp.optional(),
    kill_chain_phases: list(killChainPhase).optional(),
  },
  (object, add) => {
    timestampOrder(object, 'valid_from', 'valid_until', true, add);
    const pattern = object['pattern'];
    if (object['pattern_type'] === 'stix' && typeof pattern === 'string' && pattern.trim() !== '') {
      for (const problem of checkStixPattern(pattern)) add(['pattern'], problem);
    }
  },
);

const intrusionSetSpec = defineType(
  'intrusion-set',
  {
    ...coreProperties('intrusion-set'),
    name: nonEmpty,
    description: text.optional(),
    aliases: list(text).optional(),
    first_seen: timestamp.optional(),
    last_seen: timestamp.optional(),
    goals: list(text).optional(),
    resource_level: text.optional(),
    primary_motivation: text.optional(),
    secondary_motivations: list(text).optional(),
  },
  (object, add) => timestampOrder(object, 'first_seen', 'last_seen', false, add),
);

const malwareSpec = defineType(
  'malware',
  {
    ...coreProperties('malware'),
    name: nonEmpty.optional(),
    description: text.optional(),
    malware_types: list(text).optional(),
    is_family: z.boolean(),
    aliases: list(text).optional(),
    kill_chain_phases: list(killChainPhase).optional(),
    first_seen: timestamp.optional(),
    last_seen: timestamp.optional(),
    operating_system_refs: list(ref(['software'])).optional(),
    architecture_execution_envs: list(text).optional(),
    implementation_languages: list(text).optional(),
    capabilities: list(text).optional(),
    sample_refs: list(ref(['file', 'artifact'])).optional(),
  },
  (object, add) => {
    if (object['is_family'] === true && object['name'] === undefined) {
      add(['name'], 'required when is_family is true');
    }
    timestampOrder(object, 'first_seen', 'last_seen', false, add);
  },
);

const noteSpec = defineType('note', {
  ...coreProperties('note'),
  abstract: text.optional(),
  content: nonEmpty,
  authors: list(text).optional(),
  object_refs: list(ref()),
});

const opinionSpec = defineType('opinion', {
  ...coreProperties('opinion'),
  explanation: text.optional(),
  authors: list(text).optional(),
  opinion: z.enum(OPINIONS),
  object_refs: list(ref()),
});

const reportSpec = defineType('report', {
  ...coreProperties('report'),
  name: nonEmpty,
  description: text.optional(),
  report_types: list(text).optional(),
  published: timestamp,
  object_refs: list(ref()),
});

const threatActorSpec = defineType(
  'threat-actor',
  {
    ...coreProperties('threat-actor'),
    name: nonEmpty,
    description: text.optional(),
    threat_actor_types: list(text).optional(),
    aliases: list(text).optional(),
    first_seen: timestamp.optional(),
    last_seen: timestamp.optional(),
    roles: list(text).optional(),
    goals: list(text).optional(),
    sophistication: text.optional(),
    resource_level: text.optional(),
    primary_motivation: text.optional(),
    secondary_motivations: list(text).optional(),
    personal_motivations: list(text).optional(),
  },
  (object, add) => timestampOrder(object, 'first_seen', 'last_seen', false, add),
);

// ---- relationship objects -------------------------------------------------------------------

const relationshipSpec = defineType(
  'relationship',
  {
    ...coreProperties('relationship'),
    relationship_type: z.string().refine((s) => /^[a-z0-9-]{1,250}$/.test(s), {
      error: 'must be lowercase letters, digits and hyphens, like attributed-to',
    }),
    description: text.optional(),
    source_ref: ref(undefined, NOT_REFERABLE, 'of a domain object or an observable'),
    target_ref: ref(undefined, NOT_REFERABLE, 'of a domain object or an observable'),
    start_time: timestamp.optional(),
    stop_time: timestamp.optional(),
  },
  (object, add) => timestampOrder(object, 'start_time', 'stop_time', true, add),
);

const sightingSpec = defineType(
  'sighting',
  {
    ...coreProperties('sighting'),
    description: text.optional(),
    first_seen: timestamp.optional(),
    last_seen: timestamp.optional(),
    count: z.number().int().min(0).max(999_999_999).optional(),
    sighting_of_ref: ref(undefined, [...NOT_REFERABLE, ...SCO_TYPE_NAMES], 'of a domain object'),
    observed_data_refs: list(ref(['observed-data'])).optional(),
    where_sighted_refs: list(ref(['identity', 'location'])).optional(),
    summary: z.boolean().optional(),
  },
  (object, add) => timestampOrder(object, 'first_seen', 'last_seen', false, add),
);

// ---- cyber-observables ------------------------------------------------------------------

const ipv4Spec = defineType('ipv4-addr', {
  ...scoProperties('ipv4-addr'),
  value: z.string().refine(isIpv4, {
    error: 'must be an IPv4 address or CIDR block, like 198.51.100.3 or 198.51.100.0/24',
  }),
  resolves_to_refs: list(ref(['mac-addr'])).optional(),
  belongs_to_refs: list(ref(['autonomous-system'])).optional(),
});

const ipv6Spec = defineType('ipv6-addr', {
  ...scoProperties('ipv6-addr'),
  value: z.string().refine(isIpv6, {
    error:
      'must be an IPv6 address or CIDR block in hexadecimal groups, like 2001:db8::1 or 2001:db8::/32',
  }),
  resolves_to_refs: list(ref(['mac-addr'])).optional(),
  belongs_to_refs: list(ref(['autonomous-system'])).optional(),
});

const domainNameSpec = defineType('domain-name', {
  ...scoProperties('domain-name'),
  value: z.string().refine(isDomainName, {
    error: 'must be a domain name, like example.com or 例子.中国',
  }),
  resolves_to_refs: list(ref(['ipv4-addr', 'ipv6-addr', 'domain-name'])).optional(),
});

const urlSpec = defineType('url', {
  ...scoProperties('url'),
  value: z.string().refine(isUri, {
    error:
      'must be a URL (RFC 3986, ASCII: percent-encode other characters), like https://example.com/a',
  }),
});

const emailAddrSpec = defineType('email-addr', {
  ...scoProperties('email-addr'),
  value: z.string().refine(isEmailAddress, {
    error: 'must be an e-mail address, like analyst@example.com',
  }),
  display_name: text.optional(),
  belongs_to_ref: ref(['user-account']).optional(),
});

// File extensions predefined by the specification (6.7.2 to 6.7.6), as OASIS checks them.
const nonNegative = z.number().int().min(0);
const hexString = z.string().refine(isHex, { error: 'must be hexadecimal' });
const FILE_EXTENSIONS: Readonly<Record<string, z.ZodType>> = {
  'archive-ext': z
    .object({ contains_refs: list(ref(['file', 'directory'])), comment: text.optional() })
    .strict(),
  'ntfs-ext': z
    .object({
      sid: text.optional(),
      alternate_data_streams: list(
        z
          .object({ name: text, hashes: hashes().optional(), size: nonNegative.optional() })
          .strict(),
      ).optional(),
    })
    .strict()
    .refine((e) => e.sid !== undefined || e.alternate_data_streams !== undefined, {
      error: 'needs sid or alternate_data_streams',
    }),
  'pdf-ext': z
    .object({
      version: text.optional(),
      is_optimized: z.boolean().optional(),
      document_info_dict: z
        .record(
          z.string().regex(/^[a-zA-Z0-9_-]{1,250}$/, { error: 'is not a dictionary key' }),
          z.string(),
        )
        .optional(),
      pdfid0: text.optional(),
      pdfid1: text.optional(),
    })
    .strict()
    .refine((e) => Object.keys(e).length > 0, { error: 'needs at least one property' }),
  'raster-image-ext': z
    .object({
      image_height: z.number().int().optional(),
      image_width: z.number().int().optional(),
      bits_per_pixel: z.number().int().optional(),
      exif_tags: z
        .record(
          z.string().regex(/^[A-Z][a-zA-Z0-9_-]+$/, { error: 'is not an EXIF tag name' }),
          z.union([z.string(), z.number().int()]),
        )
        .optional(),
    })
    .strict()
    .refine((e) => Object.keys(e).length > 0, { error: 'needs at least one property' }),
  'windows-pebinary-ext': z
    .object({
      pe_type: nonEmpty,
      imphash: text.optional(),
      machine_hex: hexString.optional(),
      number_of_sections: nonNegative.optional(),
      time_date_stamp: z
        .string()
        .refine((s) => isStixTimestamp(s) && /T\d{2}:\d{2}:\d{2}Z$/.test(s), {
          error: 'must be a STIX timestamp to the second, like 2026-11-24T09:30:00Z',
        })
        .optional(),
      pointer_to_symbol_table_hex: hexString.optional(),
      number_of_symbols: nonNegative.optional(),
      size_of_optional_header: nonNegative.optional(),
      characteristics_hex: hexString.optional(),
      file_header_hashes: hashes().optional(),
      optional_header: z
        .object({
          magic_hex: hexString.optional(),
          major_linker_version: z.number().int().optional(),
          minor_linker_version: z.number().int().optional(),
          size_of_code: nonNegative.optional(),
          size_of_initialized_data: nonNegative.optional(),
          size_of_uninitialized_data: nonNegative.optional(),
          address_of_entry_point: z.number().int().optional(),
          base_of_code: z.number().int().optional(),
          base_of_data: z.number().int().optional(),
          image_base: z.number().int().optional(),
          section_alignment: z.number().int().optional(),
          file_alignment: z.number().int().optional(),
          major_os_version: z.number().int().optional(),
          minor_os_version: z.number().int().optional(),
          major_image_version: z.number().int().optional(),
          minor_image_version: z.number().int().optional(),
          major_subsystem_version: z.number().int().optional(),
          minor_subsystem_version: z.number().int().optional(),
          win32_version_value_hex: hexString.optional(),
          size_of_image: nonNegative.optional(),
          size_of_headers: nonNegative.optional(),
          checksum_hex: hexString.optional(),
          subsystem_hex: hexString.optional(),
          dll_characteristics_hex: hexString.optional(),
          size_of_stack_reserve: nonNegative.optional(),
          size_of_stack_commit: nonNegative.optional(),
          size_of_heap_reserve: nonNegative.optional(),
          size_of_heap_commit: nonNegative.optional(),
          loader_flags_hex: hexString.optional(),
          number_of_rva_and_sizes: z.number().int().optional(),
          hashes: hashes().optional(),
        })
        .strict()
        .refine((h) => Object.keys(h).length > 0, { error: 'needs at least one property' })
        .optional(),
      sections: list(
        z
          .object({
            name: text,
            size: nonNegative.optional(),
            entropy: z.number().optional(),
            hashes: hashes().optional(),
          })
          .strict(),
      ).optional(),
    })
    .strict()
    .refine((e) => Object.keys(e).length > 1, {
      error: 'needs at least one property besides pe_type',
    }),
};

function checkFileExtensions(object: Record<string, unknown>, add: Add): void {
  const extensions = object['extensions'];
  if (!isPlainObject(extensions)) return;
  for (const [key, schema] of Object.entries(FILE_EXTENSIONS)) {
    if (!(key in extensions)) continue;
    const result = schema.safeParse(extensions[key], { error: messageOf });
    if (!result.success) {
      for (const issue of result.error.issues) {
        add(['extensions', key, ...issue.path], issue.message);
      }
    }
  }
}

const fileSpec = defineType(
  'file',
  {
    ...scoProperties('file'),
    hashes: hashes().optional(),
    size: nonNegative.optional(),
    name: text.optional(),
    name_enc: z
      .string()
      .regex(/^[a-zA-Z0-9/.+_:-]{2,250}$/, {
        error: 'must be a character set name, like windows-1252',
      })
      .optional(),
    magic_number_hex: z.string().optional(),
    mime_type: text.optional(),
    ctime: timestamp.optional(),
    mtime: timestamp.optional(),
    atime: timestamp.optional(),
    parent_directory_ref: ref(['directory']).optional(),
    contains_refs: list(ref()).optional(),
    content_ref: ref(['artifact']).optional(),
  },
  (object, add) => {
    if (object['hashes'] === undefined && object['name'] === undefined) {
      add([], 'needs hashes or a name (or both)');
    }
    checkFileExtensions(object, add);
  },
);

// ---- the union ---------------------------------------------------------------------------
// (The file observable is StixFile, not File, which would shadow the global File.)

export const AttackPattern = schemaOf(attackPatternSpec);
export const Identity = schemaOf(identitySpec);
export const Indicator = schemaOf(indicatorSpec);
export const IntrusionSet = schemaOf(intrusionSetSpec);
export const Malware = schemaOf(malwareSpec);
export const Note = schemaOf(noteSpec);
export const Opinion = schemaOf(opinionSpec);
export const Report = schemaOf(reportSpec);
export const ThreatActor = schemaOf(threatActorSpec);
export const Relationship = schemaOf(relationshipSpec);
export const Sighting = schemaOf(sightingSpec);
export const Ipv4Addr = schemaOf(ipv4Spec);
export const Ipv6Addr = schemaOf(ipv6Spec);
export const DomainName = schemaOf(domainNameSpec);
export const Url = schemaOf(urlSpec);
export const EmailAddr = schemaOf(emailAddrSpec);
export const StixFile = schemaOf(fileSpec);

export type AttackPattern = z.infer<typeof AttackPattern>;
export type Identity = z.infer<typeof Identity>;
export type Indicator = z.infer<typeof Indicator>;
export type IntrusionSet = z.infer<typeof IntrusionSet>;
export type Malware = z.infer<typeof Malware>;
export type Note = z.infer<typeof Note>;
export type Opinion = z.infer<typeof Opinion>;
export type Report = z.infer<typeof Report>;
export type ThreatActor = z.infer<typeof ThreatActor>;
export type Relationship = z.infer<typeof Relationship>;
export type Sighting = z.infer<typeof Sighting>;
export type Ipv4Addr = z.infer<typeof Ipv4Addr>;
export type Ipv6Addr = z.infer<typeof Ipv6Addr>;
export type DomainName = z.infer<typeof DomainName>;
export type Url = z.infer<typeof Url>;
export type EmailAddr = z.infer<typeof EmailAddr>;
export type StixFile = z.infer<typeof StixFile>;

/** Every STIX 2.1 object a case holds, told apart by `type`. */
export const StixObject = z.discriminatedUnion('type', [
  AttackPattern,
  Identity,
  Indicator,
  IntrusionSet,
  Malware,
  Note,
  Opinion,
  Report,
  ThreatActor,
  Relationship,
  Sighting,
  Ipv4Addr,
  Ipv6Addr,
  DomainName,
  Url,
  EmailAddr,
  StixFile,
]);
export type StixObject = z.infer<typeof StixObject>;

const SPECS: Readonly<Record<string, { schema: z.ZodType; check: Check }>> = {
  'attack-pattern': { schema: AttackPattern, check: attackPatternSpec.check },
  identity: { schema: Identity, check: identitySpec.check },
  indicator: { schema: Indicator, check: indicatorSpec.check },
  'intrusion-set': { schema: IntrusionSet, check: intrusionSetSpec.check },
  malware: { schema: Malware, check: malwareSpec.check },
  note: { schema: Note, check: noteSpec.check },
  opinion: { schema: Opinion, check: opinionSpec.check },
  report: { schema: Report, check: reportSpec.check },
  'threat-actor': { schema: ThreatActor, check: threatActorSpec.check },
  relationship: { schema: Relationship, check: relationshipSpec.check },
  sighting: { schema: Sighting, check: sightingSpec.check },
  'ipv4-addr': { schema: Ipv4Addr, check: ipv4Spec.check },
  'ipv6-addr': { schema: Ipv6Addr, check: ipv6Spec.check },
  'domain-name': { schema: DomainName, check: domainNameSpec.check },
  url: { schema: Url, check: urlSpec.check },
  'email-addr': { schema: EmailAddr, check: emailAddrSpec.check },
  file: { schema: StixFile, check: fileSpec.check },
};

/** The STIX types Liaison holds, in the order of the union. */
export const STIX_TYPES = Object.keys(SPECS) as readonly StixObject['type'][];
/** Domain objects (SDOs). */
export const SDO_TYPES: ReadonlySet<string> = new Set([
  'attack-pattern',
  'identity',
  'indicator',
  'intrusion-set',
  'malware',
  'note',
  'opinion',
  'report',
  'threat-actor',
]);
/** Relationship objects (SROs). */
export const SRO_TYPES: ReadonlySet<string> = new Set(['relationship', 'sighting']);
/** Cyber-observables (SCOs): no created/modified, deterministic ids. */
export const SCO_TYPES: ReadonlySet<string> = new Set([
  'ipv4-addr',
  'ipv6-addr',
  'domain-name',
  'url',
  'email-addr',
  'file',
]);

export function isSupportedStixType(type: unknown): type is StixObject['type'] {
  return typeof type === 'string' && Object.hasOwn(SPECS, type);
}

export type ParseResult = { ok: true; object: StixObject } | { ok: false; errors: string[] };

/**
 * Validates one incoming STIX 2.1 object. On failure, every problem found, as sentences
 * naming the property: `indicator.pattern: required`,
 * `relationship.source_ref: must be an identifier like malware--<uuid> (…)`.
 */
export function parseStixObject(input: unknown): ParseResult {
  if (!isPlainObject(input)) return { ok: false, errors: ['STIX object: must be a JSON object'] };
  const type = input['type'];
  if (type === undefined) return { ok: false, errors: ['type: required'] };
  if (!isSupportedStixType(type)) {
    return {
      ok: false,
      errors: [
        `type: ${JSON.stringify(type)} is not a STIX type Liaison holds (${STIX_TYPES.join(', ')})`,
      ],
    };
  }
  const spec = SPECS[type];
  if (!spec) return { ok: false, errors: [`type: ${JSON.stringify(type)} is not supported`] };
  const result = spec.schema.safeParse(input, { error: messageOf });
  if (result.success) return { ok: true, object: result.data as StixObject };
  const errors = result.error.issues.map((issue) => {
    const where = pathText(issue.path);
    return where === '' ? `${type}: ${issue.message}` : `${type}.${where}: ${issue.message}`;
  });
  // Zod skips an object's own checks once a property has the wrong type; run them anyway
  // (they read the raw input defensively), so one answer lists every problem.
  spec.check(input, (path, message) => {
    const where = pathText(path);
    errors.push(where === '' ? `${type}: ${message}` : `${type}.${where}: ${message}`);
  });
  return { ok: false, errors: [...new Set(errors)] };
}
