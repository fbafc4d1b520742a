import { describe, expect, it } from 'vitest';
import { oasisExamples } from '../../../test/harness/stix-schemas.js';
import { parseStixBundle } from './bundle.js';
import { nodeIdentity } from './ids.js';
import { markingDefinitionOf } from './tlp.js';

describe('reading a bundle', () => {
  it('takes the objects a case holds from the OASIS APT1 report and sets the rest aside', () => {
    const apt1 = oasisExamples().find((e) => e.file === 'threat-reports/apt1.json');
    const result = parseStixBundle(apt1?.json);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const types = new Set(result.objects.map((o) => o.type));
    for (const type of [
      'identity',
      'threat-actor',
      'indicator',
      'malware',
      'relationship',
      'report',
    ]) {
      expect(types, type).toContain(type);
    }
    expect(result.objects.length).toBeGreaterThan(50);
    for (const skipped of result.skipped) {
      expect(skipped.reason).toBe('unsupported_type');
      expect(['tool', 'vulnerability', 'campaign', 'course-of-action', 'infrastructure']).toContain(
        skipped.type,
      );
    }
  });

  it('recognises the TLP marking definitions it carries', () => {
    const result = parseStixBundle({
      type: 'bundle',
      id: 'bundle--2b2b9bd3-6e4a-4c7d-8d55-3f5b5e2f0a11',
      objects: [markingDefinitionOf('amber'), nodeIdentity('us-doj', 'DOJ')],
    });
    expect(result).toMatchObject({
      ok: true,
      objects: [{ type: 'identity' }],
      skipped: [{ index: 0, type: 'marking-definition', reason: 'tlp_marking_definition' }],
    });
  });

  it('refuses a bundle with any bad object, with every error located', () => {
    const identity = nodeIdentity('us-doj', 'DOJ');
    const result = parseStixBundle({
      type: 'bundle',
      id: 'bundle--2b2b9bd3-6e4a-4c7d-8d55-3f5b5e2f0a11',
      objects: [identity, { ...identity, name: '' }, 'x', { type: 'indicator' }],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        'bundle.objects[1] identity.name: must not be empty',
        'bundle.objects[2]: must be a STIX object with a type',
        'bundle.objects[3] indicator.pattern: required',
      ]),
    );
  });

  it('refuses what is not a bundle', () => {
    expect(parseStixBundle([])).toEqual({ ok: false, errors: ['bundle: must be a JSON object'] });
    expect(parseStixBundle({ type: 'bundle', id: 'bundle--1', objects: [] })).toEqual({
      ok: false,
      errors: [
        'bundle.id: must be an identifier like bundle--<uuid>',
        'bundle.objects: must be a list of at least one STIX object',
      ],
    });
  });
});
