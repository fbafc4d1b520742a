import {
  PING_ACK_KIND,
  PING_KIND,
  PingAckMessage,
  PingMessage,
} from '../../../core/schemas/pings.js';
import type { MessageKind } from '../../federation/kinds.js';
import { messageKind } from '../module.js';
import type { PingsService } from './pings.service.js';

/** `liaison.ping` to one of our contacts, and `liaison.ping.ack`, the answer to ours. */
export function pingMessages(pings: PingsService): MessageKind[] {
  return [
    messageKind({
      kind: PING_KIND,
      schema: PingMessage,
      handle: (trx, body, { peer, hooks }) => pings.received(trx, hooks, peer.node_id, body),
    }),
    messageKind({
      kind: PING_ACK_KIND,
      schema: PingAckMessage,
      handle: (trx, body, { peer, hooks }) => pings.acknowledged(trx, hooks, peer.node_id, body),
    }),
  ];
}
