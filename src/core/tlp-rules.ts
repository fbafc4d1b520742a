import type { Role } from './roles.js';

/**
 * TLP 2.0, enforced: the one place that decides who may see or receive a marked object.
 * Every read, list, search, export, history view, live event and federation send of a
 * case's objects asks these functions, and nothing else (docs/cases.md, "TLP").
 *
 * - CLEAR: anyone with access.
 * - GREEN: the community: this node's users and its peers.
 * - AMBER: the nodes of the case (its owner and participants).
 * - AMBER+STRICT: the organisation it was given to: only the node that wrote it sends it,
 *   to the nodes of the case; a node that received it never passes it on.
 * - RED: the nodes named as recipients only; only the node that wrote it sends it; never
 *   in a bulk export.
 *
 * Within a node, roles have a clearance: an observer sees CLEAR and GREEN, an exercise
 * controller up to AMBER, analysts, officers and admins everything the node may hold.
 */
export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber_strict', 'red'] as const;
export type TlpLevel = (typeof TLP_LEVELS)[number];

export function tlpRank(level: TlpLevel): number {
  return TLP_LEVELS.indexOf(level);
}

/** The highest level each role may read. */
const CLEARANCE: Record<Role, TlpLevel> = {
  observer: 'green',
  controller: 'amber',
  analyst: 'red',
  officer: 'red',
  admin: 'red',
};

/** What the rules need to know of an object. */
export interface Marked {
  tlp: TlpLevel;
  /** The node that wrote the object (its created_by_ref's node). */
  origin: string;
  /** RED: the nodes named as recipients (the origin is always one). */
  redRecipients: readonly string[];
}

/** What the rules need to know of the object's case. */
export interface CaseNodes {
  owner: string;
  participants: readonly string[];
}

export function nodesOfCase(scope: CaseNodes): string[] {
  return [...new Set([scope.owner, ...scope.participants])];
}

/** Whether a user of node `self` with `roles` may read the object. */
export function userMaySee(object: Marked, self: string, roles: readonly Role[]): boolean {
  const clearance = Math.max(...roles.map((role) => tlpRank(CLEARANCE[role])), -1);
  if (tlpRank(object.tlp) > clearance) return false;
  if (object.tlp === 'red') return object.origin === self || object.redRecipients.includes(self);
  return true;
}

/** The roles of node `self` that may see the object (for live events' audiences). */
export function rolesThatMaySee(object: Marked, self: string): Role[] {
  return (Object.keys(CLEARANCE) as Role[]).filter((role) => userMaySee(object, self, [role]));
}

export type ShareRefusal =
  | 'not_a_case_node'
  | 'not_origin_or_owner'
  | 'strict_not_origin'
  | 'red_not_origin'
  | 'red_not_recipient';

/**
 * Whether node `self` may send the object to `peer` (a node of the case), and if not why.
 * CLEAR, GREEN and AMBER go to the nodes of the case, from the node that wrote the object
 * or from the case's owner; AMBER+STRICT and RED only from the node that wrote them.
 */
export function peerMayReceive(
  object: Marked,
  scope: CaseNodes,
  self: string,
  peer: string,
): { ok: true } | { ok: false; reason: ShareRefusal } {
  if (peer === self || !nodesOfCase(scope).includes(peer)) {
    return { ok: false, reason: 'not_a_case_node' };
  }
  switch (object.tlp) {
    case 'clear':
    case 'green':
    case 'amber':
      return object.origin === self || scope.owner === self
        ? { ok: true }
        : { ok: false, reason: 'not_origin_or_owner' };
    case 'amber_strict':
      return object.origin === self ? { ok: true } : { ok: false, reason: 'strict_not_origin' };
    case 'red':
      if (object.origin !== self) return { ok: false, reason: 'red_not_origin' };
      return object.redRecipients.includes(peer)
        ? { ok: true }
        : { ok: false, reason: 'red_not_recipient' };
  }
}

/** Whether any bulk export (a bundle, a TAXII collection) may carry the level: never RED. */
export function bulkMayCarry(tlp: TlpLevel): boolean {
  return tlp !== 'red';
}

/** Whether a bulk export for a user may carry the object: never RED. */
export function exportMayCarry(object: Marked, self: string, roles: readonly Role[]): boolean {
  return bulkMayCarry(object.tlp) && userMaySee(object, self, roles);
}

/**
 * Whether a received object may be kept: RED only if this node is named; anything the
 * sender could not have sent (by the rules above, seen from the sender) is refused.
 */
export function mayAccept(object: Marked, scope: CaseNodes, sender: string, self: string): boolean {
  return peerMayReceive(object, scope, sender, self).ok;
}
