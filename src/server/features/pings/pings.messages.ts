import {
  PING_ACK_KIND,
  PING_KIND,
  PingAckMessage,
  PingMessage,
} from '../../../core/schemas/pings.js';
import type { Federation } from '../../federation/federation.js';
import type { PingsService } from './pings.service.js';

/** `liaison.ping` to one of our contacts, and `liaison.ping.ack`, the answer to ours. */
export function registerPingMessages(federation: Federation, pings: PingsService): void {
  federation.registerKind({
    kind: PING_KIND,
    schema: PingMessage,
    handle: (trx, body, { peer, hooks }) => pings.received(trx, hooks, peer.node_id, body),
  });
  federation.registerKind({
    kind: PING_ACK_KIND,
    schema: PingAckMessage,
    handle: (trx, body, { peer, hooks }) => pings.acknowledged(trx, hooks, peer.node_id, body),
  });
}
