import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateStix, validateStixBundleObjects } from '../../../test/harness/stix-schemas.js';
import { deterministicScoId, newStixId, nodeIdentity } from './ids.js';
import { checkPatternValues, checkStixPattern } from './pattern.js';
import { parseStixObject, STIX_TYPES, StixObject } from './schemas.js';
import { markingRefOf, tlpMarkingDefinitions, tlpOfObject } from './tlp.js';
import { newVersion, revoke } from './version.js';

// ---- a case, as Liaison writes it -------------------------------------------------------------

const us = nodeIdentity('us-doj', 'U.S. Department of Justice');
const cn = nodeIdentity('cn-mps', '中华人民共和国公安部');
const T0 = '2026-11-24T09:30:00.000Z';
const common = (type: string, by = us.id) => ({
  type,
  spec_version: '2.1' as const,
  id: newStixId(type),
  created_by_ref: by,
  created: T0,
  modified: T0,
});
const sco = <T extends Record<string, unknown> & { type: string }>(object: T) => ({
  spec_version: '2.1' as const,
  ...object,
  id: deterministicScoId(object) ?? '',
  object_marking_refs: [markingRefOf('amber')],
});

const ipv4 = sco({ type: 'ipv4-addr', value: '198.51.100.3' });
const ipv6 = sco({ type: 'ipv6-addr', value: '2001:db8::53' });
const domain = sco({ type: 'domain-name', value: 'update.example-cdn.com' });
const url = sco({ type: 'url', value: 'https://update.example-cdn.com/a/b.php?id=7' });
const email = sco({ type: 'email-addr', value: 'hr-notice@example-mail.com', display_name: 'HR' });
const file = sco({
  type: 'file',
  name: 'invoice.pdf.exe',
  hashes: {
    MD5: '4d186321c1a7f0f354b297e8914ab240',
    'SHA-256': 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  },
  size: 493_056,
});
const indicator = {
  ...common('indicator'),
  name: 'C2 address of the personnel records intrusion',
  description: 'Seen beaconing every 300 s from two hosts.',
  indicator_types: ['malicious-activity'],
  pattern:
    "[ipv4-addr:value = '198.51.100.3'] OR [file:hashes.'SHA-256' = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad']",
  pattern_type: 'stix',
  valid_from: '2026-11-20T00:00:00Z',
  confidence: 80,
  lang: 'en',
  object_marking_refs: [markingRefOf('amber')],
  granular_markings: [{ marking_ref: markingRefOf('red'), selectors: ['description'] }],
  external_references: [
    { source_name: 'cve', external_id: 'CVE-2024-3094' },
    {
      source_name: 'us-doj case file',
      description: 'Exhibit 12',
      hashes: { 'SHA-256': 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
    },
  ],
  kill_chain_phases: [
    { kill_chain_name: 'lockheed-martin-cyber-kill-chain', phase_name: 'command-and-control' },
  ],
};
const malware = {
  ...common('malware'),
  name: 'SAKULA',
  is_family: true,
  malware_types: ['remote-access-trojan'],
  sample_refs: [file.id],
  object_marking_refs: [markingRefOf('green')],
};
const threatActor = {
  ...common('threat-actor'),
  name: 'Unit X',
  threat_actor_types: ['nation-state'],
  object_marking_refs: [markingRefOf('amber_strict')],
};
const intrusionSet = {
  ...common('intrusion-set'),
  name: 'Personnel records campaign',
  first_seen: '2026-03-01T00:00:00Z',
  last_seen: '2026-11-01T00:00:00Z',
};
const attackPattern = {
  ...common('attack-pattern'),
  name: 'Spearphishing Attachment',
  external_references: [{ source_name: 'capec', external_id: 'CAPEC-163' }],
};
const report = {
  ...common('report'),
  name: 'Intrusion into the personnel agency',
  published: '2026-11-24T09:30:00Z',
  report_types: ['threat-report'],
  object_refs: [indicator.id, malware.id, intrusionSet.id],
};
const attribution = {
  ...common('relationship'),
  relationship_type: 'attributed-to',
  source_ref: intrusionSet.id,
  target_ref: threatActor.id,
  confidence: 60,
  description: 'Infrastructure overlap and shared tooling.',
  x_liaison_evidence_refs: [report.id, indicator.id, malware.id],
  object_marking_refs: [markingRefOf('amber')],
};
const opinion = {
  ...common('opinion', cn.id),
  opinion: 'disagree' as const,
  explanation: '所列基础设施为共享托管服务，不足以支持归因。',
  object_refs: [attribution.id],
  lang: 'zh-CN',
  object_marking_refs: [markingRefOf('amber')],
};
const note = {
  ...common('note', cn.id),
  abstract: 'Hosting provider contacted',
  content: 'The provider preserved the server logs for 90 days (request 2026-PRES-14).',
  object_refs: [ipv4.id, attribution.id],
};
const sighting = {
  ...common('sighting', cn.id),
  sighting_of_ref: indicator.id,
  count: 3,
  first_seen: '2026-11-21T00:00:00Z',
  last_seen: '2026-11-22T00:00:00Z',
  where_sighted_refs: [cn.id],
};
const revokedIndicator = revoke(
  newVersion(indicator, { confidence: 40 }, Date.parse('2026-11-25T08:00:00Z')),
  Date.parse('2026-11-26T08:00:00Z'),
);

const CASE_OBJECTS: Record<string, Record<string, unknown>> = {
  'node identity (us)': us,
  'node identity (cn)': cn,
  'ipv4-addr': ipv4,
  'ipv6-addr': ipv6,
  'domain-name': domain,
  url,
  'email-addr': email,
  file,
  'indicator with TLP:AMBER and a TLP:RED granular marking': indicator,
  malware,
  'threat-actor': threatActor,
  'intrusion-set': intrusionSet,
  'attack-pattern': attackPattern,
  report,
  'attributed-to relationship with evidence': attribution,
  opinion,
  note,
  sighting,
  'revoked new version of the indicator': revokedIndicator,
};

describe('what Liaison writes for a case', () => {
  it.each(Object.entries(CASE_OBJECTS))(
    '%s validates against OASIS and parses',
    (_name, object) => {
      expect(validateStix(object)).toEqual([]);
      const parsed = parseStixObject(object);
      expect(parsed).toEqual({ ok: true, object });
    },
  );

  it('and so does a bundle of it, with the TLP marking definitions', () => {
    const objects = [...tlpMarkingDefinitions(), ...Object.values(CASE_OBJECTS)];
    const bundle = { type: 'bundle', id: newStixId('bundle'), objects };
    expect(validateStixBundleObjects(bundle)).toEqual([]);
    // The OASIS bundle schema itself: every object but the note and the opinion passes (it
    // does not know those two types; see validateStixBundleObjects).
    const errors = validateStix(bundle);
    const refused = new Set(errors.map((error) => /^\/objects\/(\d+)/.exec(error)?.[1]));
    expect([...refused].map((i) => objects[Number(i)]?.['type']).sort()).toEqual([
      'note',
      'opinion',
    ]);
    const withoutThem = objects.filter((o) => o['type'] !== 'note' && o['type'] !== 'opinion');
    expect(validateStix({ ...bundle, objects: withoutThem })).toEqual([]);
  });

  it('the indicator reads as RED (its description is), the rest as marked', () => {
    expect(tlpOfObject(indicator)).toBe('red');
    expect(tlpOfObject(threatActor)).toBe('amber_strict');
    expect(tlpOfObject(intrusionSet)).toBeNull();
  });

  it('the union tells the types apart', () => {
    expect(StixObject.safeParse(attribution).success).toBe(true);
    expect(StixObject.safeParse({ ...attribution, type: 'campaign' }).success).toBe(false);
    expect(STIX_TYPES).toHaveLength(17);
  });
});

// ---- bad input ----------------------------------------------------------------------------------

function errorsOf(input: unknown): string[] {
  const result = parseStixObject(input);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(input)}`);
  return result.errors;
}

describe('bad input gets errors that name the property', () => {
  const without = (object: Record<string, unknown>, property: string) => {
    const copy = { ...object };
    delete copy[property];
    return copy;
  };

  it.each([
    ['not an object', 'x', 'STIX object: must be a JSON object'],
    ['no type', {}, 'type: required'],
    [
      'a type we do not hold',
      { type: 'campaign' },
      'type: "campaign" is not a STIX type Liaison holds',
    ],
    ['missing pattern', without(indicator, 'pattern'), 'indicator.pattern: required'],
    ['missing valid_from', without(indicator, 'valid_from'), 'indicator.valid_from: required'],
    [
      'wrong spec_version',
      { ...indicator, spec_version: '2.0' },
      'indicator.spec_version: must be "2.1"',
    ],
    [
      'id of another type',
      { ...indicator, id: malware.id },
      'indicator.id: must be an identifier like indicator--<uuid>',
    ],
    [
      'created without milliseconds',
      { ...indicator, created: '2026-11-24T09:30:00Z' },
      'indicator.created: must be a STIX timestamp in UTC with milliseconds',
    ],
    [
      'created with an offset',
      { ...indicator, created: '2026-11-24T09:30:00.000+08:00' },
      'indicator.created: must be a STIX timestamp',
    ],
    [
      'modified before created',
      { ...indicator, modified: '2026-11-24T09:29:59.999Z' },
      'indicator.modified: must not be earlier than created',
    ],
    [
      'valid_until before valid_from',
      { ...indicator, valid_until: '2026-11-19T00:00:00Z' },
      'indicator.valid_until: must be later than valid_from',
    ],
    [
      'unbalanced pattern',
      { ...indicator, pattern: "[ipv4-addr:value = '198.51.100.3'" },
      'indicator.pattern: "[" at position 1 is not closed',
    ],
    [
      'pattern without comparison',
      { ...indicator, pattern: '[198.51.100.3]' },
      'indicator.pattern: must contain at least one comparison in square brackets',
    ],
    [
      'empty labels',
      { ...indicator, labels: [] },
      'indicator.labels: must not be empty (leave the property out instead)',
    ],
    [
      'null property',
      { ...indicator, name: null },
      'indicator.name: must not be null (leave the property out instead)',
    ],
    [
      'confidence over 100',
      { ...attribution, confidence: 101 },
      'relationship.confidence: must be at most 100',
    ],
    [
      'fractional confidence',
      { ...attribution, confidence: 60.5 },
      'relationship.confidence: must be a whole number',
    ],
    [
      'source_ref not an id',
      { ...attribution, source_ref: 'APT-X' },
      'relationship.source_ref: must be an identifier like malware--<uuid>',
    ],
    [
      'target_ref to a relationship',
      { ...attribution, target_ref: attribution.id },
      'relationship.target_ref: must be an identifier like malware--<uuid> (of a domain object or an observable)',
    ],
    [
      'relationship_type with capitals',
      { ...attribution, relationship_type: 'Attributed To' },
      'relationship.relationship_type: must be lowercase letters, digits and hyphens',
    ],
    [
      'opinion off the scale',
      { ...opinion, opinion: 'maybe' },
      'opinion.opinion: must be one of "strongly-disagree", "disagree", "neutral", "agree", "strongly-agree"',
    ],
    ['opinion on nothing', without(opinion, 'object_refs'), 'opinion.object_refs: required'],
    ['note without content', { ...note, content: '  ' }, 'note.content: must not be empty'],
    [
      'created_by_ref not an identity',
      { ...note, created_by_ref: malware.id },
      'note.created_by_ref: must be the identifier of an identity, like identity--<uuid>',
    ],
    [
      'marking that is not a marking-definition',
      { ...note, object_marking_refs: [us.id] },
      'note.object_marking_refs[0]: must be the identifier of a marking-definition',
    ],
    [
      'granular marking selecting nothing',
      {
        ...note,
        granular_markings: [{ marking_ref: markingRefOf('red'), selectors: ['description'] }],
      },
      'note.granular_markings[0].selectors[0]: "description" selects nothing in this object',
    ],
    [
      'granular marking with lang',
      {
        ...note,
        granular_markings: [
          { marking_ref: markingRefOf('red'), lang: 'en', selectors: ['content'] },
        ],
      },
      'note.granular_markings[0]: unknown property "lang"',
    ],
    [
      'misspelt property',
      { ...report, publshed: report.published },
      'report.publshed: is not a property of a report',
    ],
    [
      'custom property without x_',
      { ...report, liaison_case: 'x' },
      'report.liaison_case: is not a property of a report',
    ],
    [
      'custom _hex property not hex',
      { ...report, x_liaison_digest_hex: 'xyz' },
      'report.x_liaison_digest_hex: must be hexadecimal',
    ],
    [
      'custom property null',
      { ...report, x_liaison_case: null },
      'report.x_liaison_case: must not be null',
    ],
    [
      'malware family without name',
      without(malware, 'name'),
      'malware.name: required when is_family is true',
    ],
    ['malware without is_family', without(malware, 'is_family'), 'malware.is_family: required'],
    ['report without published', without(report, 'published'), 'report.published: required'],
    [
      'sighting of an observable',
      { ...sighting, sighting_of_ref: ipv4.id },
      'sighting.sighting_of_ref: must be an identifier like malware--<uuid> (of a domain object)',
    ],
    ['sighting count negative', { ...sighting, count: -1 }, 'sighting.count: must be at least 0'],
    [
      'sighted where an indicator is',
      { ...sighting, where_sighted_refs: [indicator.id] },
      'sighting.where_sighted_refs[0]: must be the identifier of an identity or a location',
    ],
    ['bad IPv4', { ...ipv4, value: '198.51.100.256' }, 'ipv4-addr.value: must be an IPv4 address'],
    [
      'IPv6 with dotted tail',
      { ...ipv6, value: '::ffff:192.0.2.1' },
      'ipv6-addr.value: must be an IPv6 address or CIDR block in hexadecimal groups',
    ],
    [
      'domain with a space',
      { ...domain, value: 'bad domain.com' },
      'domain-name.value: must be a domain name',
    ],
    ['URL without scheme', { ...url, value: 'example.com/a' }, 'url.value: must be a URL'],
    [
      'e-mail without domain',
      { ...email, value: 'hr-notice' },
      'email-addr.value: must be an e-mail address',
    ],
    [
      'observable with created',
      { ...ipv4, created: T0 },
      'ipv4-addr.created: is not a property of an ipv4-addr',
    ],
    [
      'file without hashes or name',
      { type: 'file', spec_version: '2.1', id: newStixId('file'), size: 3 },
      'file: needs hashes or a name (or both)',
    ],
    [
      'MD5 of the wrong length',
      { ...file, hashes: { MD5: 'abc' } },
      'file.hashes.MD5: must be 32 hexadecimal digits',
    ],
    [
      'archive without contents',
      { ...file, extensions: { 'archive-ext': { comment: 'x' } } },
      'file.extensions.archive-ext.contains_refs: required',
    ],
    [
      'extension with a bad name',
      { ...note, extensions: { liaison: { a: 1 } } },
      'note.extensions.liaison: is not an extension',
    ],
    [
      'extension without extension_type',
      {
        ...note,
        extensions: { 'extension-definition--8053ffa0-dec7-4aef-870e-a56d0082cf69': { x_a: 1 } },
      },
      'note.extensions.extension-definition--8053ffa0-dec7-4aef-870e-a56d0082cf69.extension_type: required',
    ],
    [
      'CVE id under another source',
      { ...indicator, external_references: [{ source_name: 'nvd', external_id: 'CVE-2024-3094' }] },
      'indicator.external_references[0].source_name: must be "cve" for the external_id CVE-2024-3094',
    ],
    [
      'external reference with only a name',
      { ...indicator, external_references: [{ source_name: 'x' }] },
      'indicator.external_references[0]: needs a description, a url or an external_id',
    ],
  ])('%s', (_name, input, expected) => {
    const errors = errorsOf(input);
    expect(
      errors.some((error) => error.startsWith(expected)),
      errors.join('\n'),
    ).toBe(true);
  });

  it('lists every problem at once, type errors and the rules between properties alike', () => {
    const errors = errorsOf({
      ...indicator,
      confidence: 'high',
      valid_until: '2026-11-19T00:00:00Z',
      patern: 'typo',
      pattern: '[x]',
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        'indicator.confidence: must be a number',
        'indicator.valid_until: must be later than valid_from',
        expect.stringMatching(/^indicator\.patern: is not a property of an indicator/),
        expect.stringMatching(/^indicator\.pattern: must contain at least one comparison/),
      ]),
    );
  });
});

describe('custom properties and extensions', () => {
  const extensionId = 'extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e';

  it('x_ properties and property extensions are kept', () => {
    const object = {
      ...note,
      x_liaison_request_refs: ['request 2026-PRES-14'],
      x_liaison_score: 7.5,
      extensions: { [extensionId]: { extension_type: 'property-extension', rank: 2 } },
    };
    expect(parseStixObject(object)).toEqual({ ok: true, object });
    expect(validateStix(object)).toEqual([]);
  });

  it('a toplevel-property-extension lets its properties stand unprefixed', () => {
    const object = {
      ...note,
      liaison_case_number: 'US-2026-0042',
      extensions: { [extensionId]: { extension_type: 'toplevel-property-extension' } },
    };
    expect(parseStixObject(object)).toEqual({ ok: true, object });
    expect(validateStix(object)).toEqual([]);
    const { extensions: _extensions, ...undeclared } = object;
    expect(parseStixObject(undeclared).ok).toBe(false);
  });

  it('OASIS refuses what we refuse for custom properties', () => {
    for (const object of [
      { ...note, x_liaison_case: null },
      { ...note, x_liaison_refs: [] },
      { ...note, x_liaison_digest_hex: 'xyz' },
      { ...note, extensions: { liaison: { a: 1 } } },
      { ...note, extensions: { [extensionId]: { rank: 2 } } },
    ]) {
      expect(parseStixObject(object).ok).toBe(false);
      expect(validateStix(object)).not.toEqual([]);
    }
  });
});

describe('STIX patterns, lightly', () => {
  it.each([
    "[ipv4-addr:value = '198.51.100.3']",
    "[file:hashes.'SHA-256' = 'ba78ba78ba78ba78ba78ba78ba78ba78ba78ba78ba78ba78ba78ba78ba78ba78'] AND [file:name MATCHES '^inv.*\\\\.exe$']",
    "([domain-name:value = 'a.example'] OR [domain-name:value = 'b.example']) WITHIN 600 SECONDS",
    "[email-message:body_multipart[*].body_raw_ref.name LIKE '%.exe']",
    "[network-traffic:dst_ref.value ISSUBSET '198.51.100.0/24']",
    "[url:value = 'https://example.com/[odd]']",
    "[user-account:account_login NOT IN ('root', 'admin')]",
  ])('%s is fine', (pattern) => {
    expect(checkStixPattern(pattern)).toEqual([]);
  });

  it.each([
    ["[ipv4-addr:value = '1.2.3.4'", '"[" at position 1 is not closed'],
    ["[ipv4-addr:value = '1.2.3.4']]", '"]" at position 30 closes nothing'],
    ["([ipv4-addr:value = '1.2.3.4')]", '")" at position 30 does not match "[" at position 2'],
    ["[ipv4-addr:value = '1.2.3.4]", 'the quoted string starting at position 20 is not closed'],
    ['ipv4-addr:value = 1', 'must contain at least one comparison in square brackets'],
    ['[ipv4-addr:value]', 'must contain at least one comparison in square brackets'],
  ])('%s: %s', (pattern, problem) => {
    expect(checkStixPattern(pattern)[0]).toContain(problem);
  });

  it.each([
    ["[ipv4-addr:value = '999.1.1.1']", "'999.1.1.1' in ipv4-addr:value is not an IPv4 address"],
    ["[ipv6-addr:value = '2001:db8::g']", "'2001:db8::g' in ipv6-addr:value is not an IPv6"],
    ["[file:hashes.'SHA-256' = 'abc123']", "'abc123' in file:hashes.'SHA-256' is not 64 hex"],
    ["[file:hashes.md5 = 'd41d8cd98f00b204e9800998ecf8427']", 'is not 32 hexadecimal digits'],
    ["[domain-name:value IN ('example.com', 'exa mple.com')]", "'exa mple.com' in domain-name"],
    ["[email-addr:value = 'nobody']", "'nobody' in email-addr:value is not an e-mail address"],
  ])('the value in %s is refused: %s', (pattern, problem) => {
    expect(checkPatternValues(pattern)[0]).toContain(problem);
  });

  it.each([
    "[ipv4-addr:value = '198.51.100.0/24'] OR [ipv6-addr:value = '2001:db8::1']",
    "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
    "[file:hashes.'SHA256' = 'ba78ba78ba78ba78ba78ba78ba78ba78ba78ba78ba78ba78ba78ba78ba78ba78']",
    "[domain-name:value = '_dmarc.example.com'] AND [url:value = 'not checked']",
    "[ipv4-addr:value LIKE '999.%'] AND [file:hashes.'X-CUSTOM' = 'x']",
    "[email-addr:value = 'o\\'brien@example.com']",
  ])('the values in %s are fine', (pattern) => {
    expect(checkPatternValues(pattern)).toEqual([]);
  });

  it('other pattern languages are not checked as STIX', () => {
    const yara = { ...indicator, pattern_type: 'yara', pattern: 'rule x { condition: true }' };
    expect(parseStixObject(yara)).toMatchObject({ ok: true });
    expect(validateStix(yara)).toEqual([]);
  });
});

// ---- we never accept what OASIS refuses ---------------------------------------------------------

/**
 * Values to put in any property: well- and ill-typed, valid and invalid by every rule the
 * two sides check. For each supported type, a valid object is mutated at random (properties
 * set, replaced, removed); whenever our schema accepts the result, OASIS must too.
 */
const VALUE_POOL: unknown[] = [
  null,
  [],
  [''],
  [1],
  ['x'],
  '',
  ' ',
  'x',
  'abc',
  '00',
  'xyz',
  0,
  -1,
  1.5,
  100,
  101,
  true,
  {},
  { a: 1 },
  { x_a: 1 },
  { 'SHA-256': 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
  { MD5: 'zz' },
  T0,
  '2026-11-24T09:30:00Z',
  '2026-11-24T09:30:00.000+01:00',
  '2026-02-30T00:00:00.000Z',
  '1999-01-01T00:00:00.000Z',
  [T0],
  us.id,
  [us.id],
  malware.id,
  [malware.id],
  attribution.id,
  markingRefOf('amber'),
  [markingRefOf('amber')],
  [{ marking_ref: markingRefOf('red'), selectors: ['name'] }],
  [{ marking_ref: markingRefOf('red'), selectors: ['x'] }],
  [{ source_name: 'cve', external_id: 'CVE-2024-3094' }],
  [{ source_name: 'cve' }],
  [{ source_name: 'x', url: 'not a url' }],
  [{ kill_chain_name: 'k', phase_name: 'p' }],
  { 'x-foo-ext': { a_b: 1 } },
  {
    'extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e': {
      extension_type: 'property-extension',
    },
  },
  { 'archive-ext': { contains_refs: [file.id] } },
  '198.51.100.3',
  '2001:db8::1',
  'example.com',
  'https://example.com/',
  'a@example.com',
  "[ipv4-addr:value = '198.51.100.3']",
  'disagree',
  'attributed-to',
  'en',
];
const PROPERTY_POOL = [
  'name',
  'description',
  'value',
  'pattern',
  'pattern_type',
  'valid_from',
  'valid_until',
  'created',
  'modified',
  'created_by_ref',
  'revoked',
  'labels',
  'confidence',
  'lang',
  'external_references',
  'object_marking_refs',
  'granular_markings',
  'extensions',
  'object_refs',
  'source_ref',
  'target_ref',
  'relationship_type',
  'sighting_of_ref',
  'where_sighted_refs',
  'count',
  'first_seen',
  'last_seen',
  'opinion',
  'content',
  'is_family',
  'hashes',
  'size',
  'published',
  'kill_chain_phases',
  'x_liaison_evidence_refs',
  'x_liaison_digest_hex',
  'x_a',
  'liaison_case',
  'spec_version',
  'id',
];

describe('whatever we accept, OASIS accepts', () => {
  const bases = Object.values(CASE_OBJECTS);
  it('for random mutations of valid objects of every type', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...bases),
        fc.array(
          fc.tuple(
            fc.constantFrom(...PROPERTY_POOL),
            fc.option(fc.constantFrom(...VALUE_POOL), { nil: undefined }),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        (base, mutations) => {
          const object: Record<string, unknown> = { ...base };
          for (const [property, value] of mutations) {
            if (value === undefined) delete object[property];
            else object[property] = value;
          }
          if (parseStixObject(object).ok) {
            accepted++;
            expect(validateStix(object), JSON.stringify(object)).toEqual([]);
          } else {
            refused++;
          }
        },
      ),
      { numRuns: 3000 },
    );
    // Both outcomes must be common for the property to mean anything.
    expect(accepted).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(200);
  });
});
