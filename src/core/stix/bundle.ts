import { isStixId } from './ids.js';
import { isSupportedStixType, parseStixObject, type StixObject } from './schemas.js';
import { isTlpMarkingRef } from './tlp.js';

/**
 * Reading a STIX 2.1 bundle (specification 8) for import: the objects of the types a case
 * holds are validated one by one; everything else is set aside with a reason, for the
 * caller to report. A bundle with any invalid object of a held type is refused whole, with
 * every error, so an import is never half done.
 */

export interface SkippedObject {
  index: number;
  type: string;
  id: string | null;
  reason: 'tlp_marking_definition' | 'marking_definition' | 'unsupported_type';
}

export type BundleParseResult =
  { ok: true; objects: StixObject[]; skipped: SkippedObject[] } | { ok: false; errors: string[] };

export function parseStixBundle(input: unknown): BundleParseResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, errors: ['bundle: must be a JSON object'] };
  }
  const bundle = input as Record<string, unknown>;
  const errors: string[] = [];
  if (bundle['type'] !== 'bundle') errors.push('bundle.type: must be "bundle"');
  if (!isStixId(bundle['id'], 'bundle')) {
    errors.push('bundle.id: must be an identifier like bundle--<uuid>');
  }
  const list = bundle['objects'];
  if (list === undefined)
    return errors.length > 0 ? { ok: false, errors } : { ok: true, objects: [], skipped: [] };
  if (!Array.isArray(list) || list.length === 0) {
    errors.push('bundle.objects: must be a list of at least one STIX object');
    return { ok: false, errors };
  }
  const objects: StixObject[] = [];
  const skipped: SkippedObject[] = [];
  list.forEach((item: unknown, index) => {
    const record =
      item !== null && typeof item === 'object' && !Array.isArray(item)
        ? (item as Record<string, unknown>)
        : null;
    const type = record?.['type'];
    if (!record || typeof type !== 'string') {
      errors.push(`bundle.objects[${index}]: must be a STIX object with a type`);
      return;
    }
    const id = typeof record['id'] === 'string' ? record['id'] : null;
    if (type === 'marking-definition') {
      skipped.push({
        index,
        type,
        id,
        reason:
          id !== null && isTlpMarkingRef(id) ? 'tlp_marking_definition' : 'marking_definition',
      });
      return;
    }
    if (!isSupportedStixType(type)) {
      skipped.push({ index, type, id, reason: 'unsupported_type' });
      return;
    }
    const result = parseStixObject(record);
    if (result.ok) objects.push(result.object);
    else errors.push(...result.errors.map((error) => `bundle.objects[${index}] ${error}`));
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, objects, skipped };
}
