/** The roles of a node's users (DESIGN.md, security model). No dependencies: the web app imports it. */
export const ROLES = ['admin', 'officer', 'analyst', 'controller', 'observer'] as const;
export type Role = (typeof ROLES)[number];

/** What a role allows. Services check permissions, not roles. */
export const PERMISSIONS = {
  'users.manage': ['admin'],
  'audit.read': ['admin'],
  'node.read': ['admin', 'officer', 'analyst', 'controller', 'observer'],
  'events.read': ['admin', 'officer', 'analyst', 'controller', 'observer'],
  'peers.manage': ['admin'],
  'peers.read': ['admin', 'officer', 'analyst', 'controller', 'observer'],
  'notes.send': ['admin', 'officer', 'analyst', 'controller'],
  'notes.read': ['admin', 'officer', 'analyst', 'controller', 'observer'],
  'contacts.read': ['admin', 'officer', 'analyst', 'controller', 'observer'],
  'contacts.manage': ['admin', 'officer'],
  'arrangements.read': ['admin', 'officer', 'analyst', 'controller', 'observer'],
  'arrangements.manage': ['admin'],
  'pings.send': ['admin', 'officer'],
  /** Acknowledge a peer's ping: the duty officer's one click. */
  'pings.answer': ['admin', 'officer'],
  'requests.read': ['admin', 'officer', 'analyst', 'controller', 'observer'],
  /** Draft, send and follow up this node's own requests. */
  'requests.draft': ['admin', 'officer', 'analyst'],
  /** Answer the peers' requests (the duty officer's part). */
  'requests.handle': ['admin', 'officer'],
  'hotline.read': ['admin', 'officer', 'analyst', 'controller', 'observer'],
  /** Place a call to a peer, raise a request as a call. */
  'hotline.call': ['admin', 'officer', 'analyst'],
  /** Acknowledge and resolve calls (the duty officer, the supervisor). */
  'hotline.answer': ['admin', 'officer'],
  /** The ladder and the duty roster, and the coverage with names. */
  'hotline.manage': ['admin', 'officer'],
  /** Webhooks hold shared secrets. */
  'hotline.webhooks': ['admin'],
  /** Cases and their objects; what each role sees of them is set by TLP (core/tlp-rules.ts). */
  'cases.read': ['admin', 'officer', 'analyst', 'controller', 'observer'],
  /** Open cases, add and change objects, share them, give feedback. */
  'cases.write': ['admin', 'officer', 'analyst'],
  /** Lower an object's marking: an explicit, audited act. */
  'cases.declassify': ['admin'],
  /** Tabletop exercises: what reaches the players, the scenarios without their expected actions. */
  'exercises.read': ['admin', 'officer', 'analyst', 'controller', 'observer'],
  /** Write scenarios, run exercises, see this side's expected actions (the controllers). */
  'exercises.manage': ['admin', 'controller'],
  /** Dialogues with the peers: their meetings, agreed records, commitments and statuses. */
  'dialogues.read': ['admin', 'officer', 'analyst', 'controller', 'observer'],
  /** Open dialogues, add meetings, draft, propose, amend, accept or decline a meeting's record. */
  'dialogues.manage': ['admin', 'officer'],
  /** State this side's status of a commitment (with its note and evidence). */
  'dialogues.attest': ['admin', 'officer'],
  /** Reports (issue 19): news and analytic texts, their extractions and stories. */
  'reports.read': ['admin', 'officer', 'analyst', 'controller', 'observer'],
  /** Ingest reports, review their extractions, commit them to a case. */
  'reports.write': ['admin', 'officer', 'analyst'],
  /** The node's allow-list of values dropped from extractions. */
  'reports.allowlist': ['admin', 'officer', 'analyst'],
  /** TAXII collections and who may read or write them; subscriptions to remote collections. */
  'taxii.manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function rolesAllow(roles: readonly Role[], permission: Permission): boolean {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return roles.some((role) => allowed.includes(role));
}
