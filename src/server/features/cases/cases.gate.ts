import {
  bulkMayCarry,
  exportMayCarry,
  peerMayReceive,
  rolesThatMaySee,
  TLP_LEVELS,
  userMaySee,
  type CaseNodes,
  type Marked,
} from '../../../core/tlp-rules.js';
import type { Actor } from '../../actor.js';
import type { StixObjectRow } from './cases.table.js';
import type { Sight } from './members.repository.js';

/**
 * The gate. Every path that lets an object out — a read, a list, a search, an export, a
 * history, a live event, a federation send — asks the TLP rules of core/tlp-rules.ts
 * through these functions, and nothing else decides. `self` is this node's id.
 */
function marked(row: StixObjectRow): Marked {
  return {
    tlp: row.tlp,
    origin: row.origin_node,
    redRecipients: JSON.parse(row.red_recipients) as string[],
  };
}

/** Whether `actor` may see the object (users by role and marking; the node itself may). */
export function readable(self: string, actor: Actor, row: StixObjectRow): boolean {
  if (row.deleted === 1) return false;
  if (actor.kind === 'cli' || actor.kind === 'system') return true;
  if (actor.kind === 'peer') return false;
  return userMaySee(marked(row), self, actor.roles);
}

/** `readable` as SQL asks it of a case's objects (members.repository.ts). */
export function sightOf(self: string, actor: Actor): Sight {
  if (actor.kind === 'cli' || actor.kind === 'system') {
    return { all: true, levels: TLP_LEVELS, red: true };
  }
  if (actor.kind === 'peer') return { all: false, levels: [], red: false };
  const roles = actor.roles;
  // RED is asked of an object this node wrote: whether the roles are cleared for it at all.
  const levels = TLP_LEVELS.filter((tlp) =>
    userMaySee({ tlp, origin: self, redRecipients: [] }, self, roles),
  );
  return { all: false, levels, red: levels.includes('red') };
}

/** Whether a bulk export for `actor` may carry the object. */
export function exportable(self: string, actor: Actor, row: StixObjectRow): boolean {
  if (row.deleted === 1) return false;
  if (actor.kind === 'user' || actor.kind === 'token') {
    return exportMayCarry(marked(row), self, actor.roles);
  }
  return actor.kind !== 'peer' && bulkMayCarry(row.tlp);
}

/** Who of this node is told of a change to the object (live events). */
export function audienceOf(self: string, row: StixObjectRow) {
  return { roles: rolesThatMaySee(marked(row), self) };
}

/** Whether the object may go to `peer`, a node of the case, and if not why. */
export function sendable(self: string, row: StixObjectRow, scope: CaseNodes, peer: string) {
  return peerMayReceive(marked(row), scope, self, peer);
}
