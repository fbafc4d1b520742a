import { rolesAllow, type Permission, type Role } from '../core/roles.js';
import { forbidden } from './errors.js';

/** Who is acting: every service call takes one, and checks it. */
export type Actor =
  | {
      kind: 'user';
      userId: string;
      username: string;
      roles: readonly Role[];
      sessionId: string;
      mustChangePassword: boolean;
    }
  | { kind: 'token'; userId: string; username: string; roles: readonly Role[]; tokenId: string }
  | { kind: 'cli'; osUser: string }
  | { kind: 'system'; reason: string }
  | { kind: 'peer'; nodeId: string };

/** How an actor is written in the audit log. */
export function actorRef(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return `user:${actor.userId}`;
    case 'token':
      return `token:${actor.tokenId}`;
    case 'cli':
      return `cli:${actor.osUser}`;
    case 'system':
      return `system:${actor.reason}`;
    case 'peer':
      return `peer:${actor.nodeId}`;
  }
}

/** The machine's operator (CLI) and the node itself may do anything. */
export function can(actor: Actor, permission: Permission): boolean {
  if (actor.kind === 'cli' || actor.kind === 'system') return true;
  if (actor.kind === 'peer') return false;
  return rolesAllow(actor.roles, permission);
}

export function authorize(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw forbidden(`This needs the permission ${permission}.`);
}

export function actorUserId(actor: Actor): string | undefined {
  return actor.kind === 'user' || actor.kind === 'token' ? actor.userId : undefined;
}
