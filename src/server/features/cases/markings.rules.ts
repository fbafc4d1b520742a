import { tlpRank, type TlpLevel } from '../../../core/tlp-rules.js';
import type { StixObjectRow } from './cases.table.js';
import type { VersionGuard } from './versions.repository.js';

/**
 * A marking decides who may hold an object: its level, and for RED the nodes named as its
 * recipients. Lowering the level, or changing the recipients, takes `cases.declassify` and
 * a reason, on every path that can change it (ObjectsService.setMarking); raising a level
 * is the author's ordinary act. These are the rules the other paths share.
 */

type Marking = Pick<StixObjectRow, 'tlp' | 'red_recipients'>;

/** How `after` changes the marking `before`: lowered, RED recipients changed, raised, or not at all. */
export function markingChange(
  before: Marking,
  after: Marking,
): 'lowered' | 'recipients' | 'raised' | null {
  const rank = tlpRank(after.tlp) - tlpRank(before.tlp);
  if (rank < 0) return 'lowered';
  if (rank > 0) return 'raised';
  if (after.tlp === 'red' && !sameSet(recipientsOf(before), recipientsOf(after))) {
    return 'recipients';
  }
  return null;
}

export function recipientsOf(row: Pick<StixObjectRow, 'red_recipients'>): string[] {
  return JSON.parse(row.red_recipients) as string[];
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

/** A marking as people read it: "TLP:RED for cn-mps, gb-nca", "TLP:AMBER". */
export function describeMarking(row: Marking): string {
  if (row.tlp !== 'red') return tlpName(row.tlp);
  const recipients = recipientsOf(row);
  return `${tlpName(row.tlp)} for ${recipients.length > 0 ? recipients.join(', ') : 'this node only'}`;
}

/** TLP 2.0's own spelling: TLP:RED, TLP:AMBER+STRICT … */
export function tlpName(level: TlpLevel): string {
  return `TLP:${level.toUpperCase().replace('_STRICT', '+STRICT')}`;
}

/**
 * What an import (an upload, a URL, `liaison import`, a TAXII POST, a subscription's poll)
 * may do to an object this node holds already. An import has no reason to give, so a
 * version that would lower the held marking is refused, whoever imports it, and the import
 * lists it as not imported, saying why (the version held stays). A version it takes keeps
 * the held author (an import never makes this node the writer of a peer's object) and, RED
 * as held, the held recipients (an import names none: it neither adds nor removes any).
 */
export const importedVersion: VersionGuard = (held, arriving) => {
  if (markingChange(held, arriving) === 'lowered') {
    return {
      ok: false,
      reason:
        `marked ${tlpName(arriving.tlp)}, but this node holds it as ${tlpName(held.tlp)}: ` +
        'an import does not lower a marking (someone with cases.declassify does, with a ' +
        'reason, through the object’s marking action); the version held is kept',
    };
  }
  const row: StixObjectRow = {
    ...arriving,
    origin_node: held.origin_node,
    red_recipients:
      arriving.tlp === 'red' && held.tlp === 'red' ? held.red_recipients : arriving.red_recipients,
  };
  return { ok: true, row };
};
