import type { Actor } from '../actor.js';
import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import type { Federation } from '../federation/federation.js';
import type { OutboundGuard } from '../outbound.js';
import type { Db, Store } from '../store/database.js';
import { findUser } from './accounts/public.js';

/** What every feature service is given by the composition root (node.ts). */
export interface FeatureDeps {
  store: Store;
  clock: Clock;
  bus: EventBus;
  federation: Federation;
  nodeId: string;
  /** The one way out for fetches a user can aim (src/server/outbound.ts). */
  outbound: OutboundGuard;
}

/** How an actor is named to a peer: a user's display name, else `fallback`. */
export async function displayNameOf(db: Db, actor: Actor, fallback: string): Promise<string> {
  if (actor.kind !== 'user' && actor.kind !== 'token') return fallback;
  return (await findUser(db, actor.userId))?.display_name ?? actor.username;
}
