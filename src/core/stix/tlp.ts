import { TLP_LEVELS, tlpRank, type TlpLevel } from '../tlp-rules.js';

/**
 * TLP 2.0 in STIX 2.1: the five marking-definition objects OASIS publishes with the TLP 2.0
 * extension (cti-stix-common-objects, extension-definition-specifications/tlp-2.0), and the
 * reading of marking references into a level. The rules of who may see what live in
 * core/tlp-rules.ts; this file only maps between levels and STIX markings.
 *
 * The published objects carry no `created_by_ref` and no `definition_type`/`definition`
 * (the OASIS marking-definition schema requires those only when `extensions` is absent).
 * The identity identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01 (CISA) is the creator of the
 * extension-definition object, not of these markings.
 */

export { TLP_LEVELS, tlpRank, type TlpLevel };

/** The TLP 2.0 extension-definition every TLP 2.0 marking declares itself through. */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/** The `created` of the five TLP 2.0 marking definitions, part of the published objects. */
export const TLP2_CREATED = '2022-10-01T00:00:00.000Z';

/** The level as the TLP 2.0 extension spells it (`tlp_2_0`). */
const TLP2_VALUE: Readonly<Record<TlpLevel, string>> = {
  clear: 'clear',
  green: 'green',
  amber: 'amber',
  amber_strict: 'amber+strict',
  red: 'red',
};

/** The official TLP 2.0 marking-definition ids. */
export const TLP2_MARKING_IDS: Readonly<Record<TlpLevel, string>> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  amber_strict: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

/**
 * The TLP 1.0 marking definitions predefined by the STIX 2.1 specification (7.2.1.4), read
 * as their TLP 2.0 successors: WHITE is CLEAR. Accepted when reading, never written.
 */
export const TLP1_MARKING_IDS: Readonly<Record<string, TlpLevel>> = {
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'clear',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'green',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'amber',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'red',
};

const LEVEL_OF_REF: ReadonlyMap<string, TlpLevel> = new Map<string, TlpLevel>([
  ...TLP_LEVELS.map((level) => [TLP2_MARKING_IDS[level], level] as const),
  ...Object.entries(TLP1_MARKING_IDS),
]);

/** A TLP 2.0 marking-definition object (a type alias, so it is assignable to Record<string, unknown>). */
export type TlpMarkingDefinition = {
  type: 'marking-definition';
  spec_version: '2.1';
  id: string;
  created: string;
  name: string;
  extensions: {
    [TLP2_EXTENSION_ID]: { extension_type: 'property-extension'; tlp_2_0: string };
  };
};

/** The marking reference (`object_marking_refs` entry) that marks an object with `level`. */
export function markingRefOf(level: TlpLevel): string {
  return TLP2_MARKING_IDS[level];
}

/** The TLP level a marking reference stands for (TLP 2.0, or TLP 1.0 read as 2.0); null if none. */
export function tlpOfMarkingRef(ref: string): TlpLevel | null {
  return LEVEL_OF_REF.get(ref) ?? null;
}

/** Whether a marking reference is one of the TLP markings (2.0, or 1.0). */
export function isTlpMarkingRef(ref: string): boolean {
  return LEVEL_OF_REF.has(ref);
}

/** The most restrictive TLP level among marking references; null when none is a TLP marking. */
export function tlpOfMarkingRefs(refs: readonly string[]): TlpLevel | null {
  let found: TlpLevel | null = null;
  for (const ref of refs) {
    const level = LEVEL_OF_REF.get(ref);
    if (level !== undefined && (found === null || tlpRank(level) > tlpRank(found))) found = level;
  }
  return found;
}

/**
 * The most restrictive TLP level marked on a STIX object, by its object markings or by any
 * of its granular markings; null when it has no TLP marking.
 */
export function tlpOfObject(object: Readonly<Record<string, unknown>>): TlpLevel | null {
  const refs: string[] = [];
  const objectMarkings = object['object_marking_refs'];
  if (Array.isArray(objectMarkings)) {
    refs.push(...objectMarkings.filter((ref): ref is string => typeof ref === 'string'));
  }
  const granular = object['granular_markings'];
  if (Array.isArray(granular)) {
    for (const marking of granular) {
      const ref =
        marking && typeof marking === 'object'
          ? (marking as Record<string, unknown>)['marking_ref']
          : undefined;
      if (typeof ref === 'string') refs.push(ref);
    }
  }
  return tlpOfMarkingRefs(refs);
}

/**
 * The object marked with exactly one TLP object marking, `level`: other TLP object markings
 * (2.0 or 1.0) are replaced, other markings kept after it. Granular markings are untouched.
 */
export function withTlp<T extends Readonly<Record<string, unknown>>>(
  object: T,
  level: TlpLevel,
): T & { object_marking_refs: string[] } {
  const current = object['object_marking_refs'];
  const others = Array.isArray(current)
    ? current.filter((ref): ref is string => typeof ref === 'string' && !LEVEL_OF_REF.has(ref))
    : [];
  return { ...object, object_marking_refs: [TLP2_MARKING_IDS[level], ...others] };
}

/** The TLP 2.0 marking-definition object of a level, exactly as OASIS publishes it. */
export function markingDefinitionOf(level: TlpLevel): TlpMarkingDefinition {
  const value = TLP2_VALUE[level];
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_MARKING_IDS[level],
    created: TLP2_CREATED,
    name: `TLP:${value.toUpperCase()}`,
    extensions: {
      [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: value },
    },
  };
}

/** The five TLP 2.0 marking definitions, from CLEAR to RED. */
export function tlpMarkingDefinitions(): TlpMarkingDefinition[] {
  return TLP_LEVELS.map(markingDefinitionOf);
}
