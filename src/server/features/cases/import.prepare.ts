import { stixObjectLimitProblem } from '../../../core/json-limits.js';
import { parseAnyStixObject } from '../../../core/stix/any-object.js';
import type { ScannedElement } from '../../../core/stix/bundle-stream.js';
import { isTlpMarkingRef, tlpOfObject, withTlp } from '../../../core/stix/tlp.js';
import type { TlpLevel } from '../../../core/tlp-rules.js';
import { prepareSearchDoc, type IndexedDoc } from '../search/public.js';
import { objectDoc } from './cases.search.js';
import { objectRowOf, valuesOf } from './cases.stix.js';
import type { StixObjectRow } from './cases.table.js';

/**
 * The CPU half of an import: parsing each object, validating it, deriving what the store
 * keeps of it (label, search text, lookup values, marking). Pure, so it runs on a worker
 * thread beside the main thread's inserts (import.preparer.ts, import.worker.ts); small
 * sources are prepared in place.
 */
type Stix = Record<string, unknown>;

export interface ImportFailure {
  position: number;
  objectId: string | null;
  reason: string;
}

/** One element of the source, prepared outside the transaction. */
export type Prepared =
  | { position: number; ok: true; row: StixObjectRow; values: string[]; doc: IndexedDoc }
  | (ImportFailure & { ok: false })
  | { position: number; ok: 'skip' };

/** What preparing needs to know of the import. */
export interface PrepareContext {
  caseId: string;
  /** The marking for objects without their own. */
  tlp: TlpLevel;
  nodeId: string;
  /** The largest object and the deepest nesting taken (config `limits`). */
  limits: { stixObjectBytes: number; jsonDepth: number };
}

export function prepareElement(element: ScannedElement, context: PrepareContext): Prepared {
  const position = element.index;
  if (element.kind !== 'object' || element.text === null) {
    return { position, ok: false, objectId: null, reason: 'not a JSON object' };
  }
  // Refused before it is parsed: one object of 60 MB is a stall, not an indicator.
  const text = element.text;
  const bytes = text.length * 3 > context.limits.stixObjectBytes ? Buffer.byteLength(text) : 0;
  if (bytes > context.limits.stixObjectBytes) {
    const problem = stixObjectLimitProblem(bytes, null, context.limits);
    if (problem) return { position, ok: false, objectId: null, reason: problem };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(element.text);
  } catch (error) {
    return {
      position,
      ok: false,
      objectId: null,
      reason: `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return prepareObject(position, parsed, context, 0);
}

/** `bytes`: the object's size when known (checked already); else it is measured here. */
export function prepareObject(
  position: number,
  input: unknown,
  context: PrepareContext,
  bytes?: number,
): Prepared {
  const record = input as Stix | null;
  const id = record?.['id'];
  const objectId = typeof id === 'string' ? id : null;
  const size = bytes ?? Buffer.byteLength(JSON.stringify(input) ?? '');
  const limited = stixObjectLimitProblem(size, input, context.limits);
  if (limited) return { position, ok: false, objectId, reason: limited };
  if (record?.['type'] === 'marking-definition' && objectId && isTlpMarkingRef(objectId)) {
    // The TLP definitions are built in: every export carries the ones it uses.
    return { position, ok: 'skip' };
  }
  const result = parseAnyStixObject(input);
  if (!result.ok) return { position, ok: false, objectId, reason: result.errors.join('; ') };
  const object = input as Stix;
  const type = String(object['type']);
  const marked = type === 'marking-definition' ? 'clear' : tlpOfObject(object);
  const tlp = marked ?? context.tlp;
  const body = marked === null ? withTlp(object, tlp) : object;
  const values = valuesOf(body);
  // The time it is stored is set when its batch is.
  const row = objectRowOf(context.caseId, body, tlp, context.nodeId, [], 0);
  // Its search document, ready for the index if the object is new to the node.
  const doc = prepareSearchDoc(objectDoc(row, values, [context.caseId], body));
  return { position, ok: true, values, row, doc };
}
