import { describe, expect, it } from 'vitest';
import { isSupportedStixType, parseStixObject } from '../../src/core/stix/schemas.js';
import {
  oasisExamples,
  schemaIdFor,
  validateStix,
  validateStixBundleObjects,
} from './stix-schemas.js';

/**
 * Proves the harness: the examples OASIS ships with its schemas validate, and so the
 * schemas are loaded and wired; objects that break the schemas are refused, and so a
 * passing test of ours means something. Our own schemas read every example object of the
 * types Liaison holds.
 */

const examples = oasisExamples();
const objectsOf = (json: unknown): Record<string, unknown>[] => {
  const record = json as Record<string, unknown>;
  return record['type'] === 'bundle' ? (record['objects'] as Record<string, unknown>[]) : [record];
};

describe('the OASIS examples', () => {
  it('are there', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
    expect(examples.flatMap((e) => objectsOf(e.json)).length).toBeGreaterThan(200);
  });

  it.each(examples.map((e) => [e.file, e.json] as const))('%s validates', (_file, json) => {
    expect(validateStix(json)).toEqual([]);
    const bundle = { type: 'bundle', id: 'bundle--2b2b9bd3-6e4a-4c7d-8d55-3f5b5e2f0a11' };
    expect(validateStixBundleObjects({ ...bundle, objects: objectsOf(json) })).toEqual([]);
  });

  it.each(examples.map((e) => [e.file, e.json] as const))(
    '%s: the objects of the types Liaison holds parse with our schemas',
    (_file, json) => {
      for (const object of objectsOf(json).filter((o) => isSupportedStixType(o['type']))) {
        const result = parseStixObject(object);
        expect(result, `${String(object['id'])}: ${JSON.stringify(result)}`).toEqual({
          ok: true,
          object,
        });
      }
    },
  );
});

describe('the harness refuses what breaks the schemas', () => {
  const indicator = {
    type: 'indicator',
    spec_version: '2.1',
    id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
    created: '2016-04-06T20:03:48.000Z',
    modified: '2016-04-06T20:03:48.000Z',
    pattern: "[ipv4-addr:value = '198.51.100.3']",
    pattern_type: 'stix',
    valid_from: '2016-01-01T00:00:00Z',
  };

  it('accepts the well-formed object it starts from', () => {
    expect(validateStix(indicator)).toEqual([]);
  });

  it.each([
    ['a required property missing', { ...indicator, pattern: undefined }],
    ['created without milliseconds', { ...indicator, created: '2016-04-06T20:03:48Z' }],
    [
      'an id of another type',
      { ...indicator, id: 'malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' },
    ],
    ['an empty list', { ...indicator, labels: [] }],
    ['a null property', { ...indicator, name: null }],
    ['a property name with capitals', { ...indicator, Name: 'x' }],
    ['a _hex property that is not hex', { ...indicator, x_digest_hex: 'zz' }],
    ['an extension with a bad key', { ...indicator, extensions: { foo: { a: 1 } } }],
    ['a reserved property', { ...indicator, severity: 'high' }],
    ['confidence above 100', { ...indicator, confidence: 101 }],
  ])('%s', (_name, object) => {
    const clean = JSON.parse(JSON.stringify(object)) as unknown;
    expect(validateStix(clean)).not.toEqual([]);
  });

  it('checks the formats too (no format is silently ignored)', () => {
    const base = { spec_version: '2.1', id: 'x--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' };
    const check = (type: string, value: string) =>
      validateStix({ ...base, type, id: `${type}--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f`, value });
    expect(check('domain-name', 'example.com')).toEqual([]);
    expect(check('domain-name', '例子.中国')).toEqual([]);
    expect(check('domain-name', 'not a domain')).not.toEqual([]);
    expect(check('email-addr', 'jdoe@example.com')).toEqual([]);
    expect(check('email-addr', 'jdoe')).not.toEqual([]);
    expect(check('url', 'https://example.com/a')).toEqual([]);
    expect(check('url', 'not a url')).not.toEqual([]);
    expect(check('ipv4-addr', '198.51.100.256')).not.toEqual([]);
  });

  it('knows which schema applies to which type', () => {
    expect(schemaIdFor('indicator')).toMatch(/\/sdos\/indicator\.json$/);
    expect(schemaIdFor('relationship')).toMatch(/\/sros\/relationship\.json$/);
    expect(schemaIdFor('ipv4-addr')).toMatch(/\/observables\/ipv4-addr\.json$/);
    expect(schemaIdFor('marking-definition')).toMatch(/\/common\/marking-definition\.json$/);
    expect(schemaIdFor('bundle')).toMatch(/\/common\/bundle\.json$/);
    expect(schemaIdFor('x-liaison-thing')).toBeUndefined();
    expect(validateStix({ type: 'x-liaison-thing' })).toEqual([
      '(object) no OASIS schema for type "x-liaison-thing"',
    ]);
  });
});
