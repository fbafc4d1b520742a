import { describe, expect, it } from 'vitest';
import { validateStix } from '../../../test/harness/stix-schemas.js';
import {
  markingDefinitionOf,
  markingRefOf,
  TLP_LEVELS,
  tlpMarkingDefinitions,
  tlpOfMarkingRef,
  tlpOfMarkingRefs,
  tlpOfObject,
  tlpRank,
  withTlp,
} from './tlp.js';

const EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

// The published ids, written out here rather than read from the module, so that a typo in
// the module cannot agree with itself.
const PUBLISHED = [
  ['clear', 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487', 'TLP:CLEAR', 'clear'],
  ['green', 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb', 'TLP:GREEN', 'green'],
  ['amber', 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421', 'TLP:AMBER', 'amber'],
  [
    'amber_strict',
    'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
    'TLP:AMBER+STRICT',
    'amber+strict',
  ],
  ['red', 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1', 'TLP:RED', 'red'],
] as const;

describe('TLP 2.0 levels', () => {
  it('are ordered from CLEAR to RED', () => {
    expect(TLP_LEVELS).toEqual(['clear', 'green', 'amber', 'amber_strict', 'red']);
    expect(TLP_LEVELS.map(tlpRank)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('the TLP 2.0 marking definitions', () => {
  it.each(PUBLISHED)('%s is the object OASIS publishes', (level, id, name, value) => {
    expect(markingRefOf(level)).toBe(id);
    expect(markingDefinitionOf(level)).toEqual({
      type: 'marking-definition',
      spec_version: '2.1',
      id,
      created: '2022-10-01T00:00:00.000Z',
      name,
      extensions: { [EXTENSION]: { extension_type: 'property-extension', tlp_2_0: value } },
    });
  });

  it('all five validate against the OASIS marking-definition schema', () => {
    const definitions = tlpMarkingDefinitions();
    expect(definitions.map((d) => d.name)).toEqual(PUBLISHED.map((p) => p[2]));
    for (const definition of definitions) expect(validateStix(definition)).toEqual([]);
  });

  it('the OASIS schema would refuse a TLP 2.0 marking without its extension', () => {
    const { extensions: _extensions, ...bare } = markingDefinitionOf('amber');
    expect(validateStix(bare)).not.toEqual([]);
  });
});

describe('reading marking references', () => {
  it('finds the most restrictive TLP level', () => {
    expect(
      tlpOfMarkingRefs([markingRefOf('green'), markingRefOf('red'), markingRefOf('amber')]),
    ).toBe('red');
    expect(tlpOfMarkingRefs([markingRefOf('amber'), markingRefOf('amber_strict')])).toBe(
      'amber_strict',
    );
  });

  it('ignores markings that are not TLP and answers null without any', () => {
    const statement = 'marking-definition--f8d4b3c2-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
    expect(tlpOfMarkingRefs([statement])).toBeNull();
    expect(tlpOfMarkingRefs([])).toBeNull();
    expect(tlpOfMarkingRefs([statement, markingRefOf('green')])).toBe('green');
  });

  it('reads the TLP 1.0 markings of the STIX 2.1 specification, WHITE as CLEAR', () => {
    expect(tlpOfMarkingRef('marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9')).toBe(
      'clear',
    );
    expect(tlpOfMarkingRef('marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da')).toBe(
      'green',
    );
    expect(tlpOfMarkingRef('marking-definition--f88d31f6-486f-44da-b317-01333bde0b82')).toBe(
      'amber',
    );
    expect(tlpOfMarkingRef('marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed')).toBe('red');
    // TLP 1.0 AMBER against TLP 2.0 AMBER+STRICT: the stricter wins.
    expect(
      tlpOfMarkingRefs([
        'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
        markingRefOf('amber_strict'),
      ]),
    ).toBe('amber_strict');
  });

  it('an object is as restricted as its strictest marking, object-level or granular', () => {
    const object = {
      type: 'indicator',
      object_marking_refs: [markingRefOf('green')],
      granular_markings: [{ marking_ref: markingRefOf('red'), selectors: ['description'] }],
    };
    expect(tlpOfObject(object)).toBe('red');
    expect(tlpOfObject({ type: 'indicator' })).toBeNull();
    expect(tlpOfObject({ type: 'indicator', object_marking_refs: 'not a list' })).toBeNull();
  });

  it('withTlp leaves exactly one TLP object marking and keeps the others', () => {
    const statement = 'marking-definition--f8d4b3c2-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
    const marked = withTlp(
      {
        type: 'note',
        object_marking_refs: [
          'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
          statement,
          markingRefOf('green'),
        ],
      },
      'amber',
    );
    expect(marked.object_marking_refs).toEqual([markingRefOf('amber'), statement]);
    expect(withTlp({ type: 'note' }, 'clear').object_marking_refs).toEqual([markingRefOf('clear')]);
  });
});
