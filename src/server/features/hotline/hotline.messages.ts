import {
  HOTLINE_CALL_KIND,
  HOTLINE_COVERAGE_KIND,
  HOTLINE_UPDATE_KIND,
  HotlineCallMessage,
  HotlineCoverageMessage,
  HotlineUpdateMessage,
} from '../../../core/schemas/hotline.js';
import type { MessageKind } from '../../federation/kinds.js';
import { messageKind } from '../module.js';
import type { HotlineService } from './calls.service.js';
import type { CoverageService } from './coverage.service.js';
import type { CallMovesService } from './moves.service.js';

/**
 * `liaison.hotline.call` (a call to this node), `liaison.hotline.update` (a step of a
 * call, from the side that took it) and `liaison.hotline.coverage` (a peer's rung-1
 * coverage for the coming two weeks).
 */
export function hotlineMessages(
  hotline: HotlineService,
  moves: CallMovesService,
  coverage: CoverageService,
): MessageKind[] {
  return [
    messageKind({
      kind: HOTLINE_CALL_KIND,
      schema: HotlineCallMessage,
      handle: (trx, body, { peer, hooks }) => hotline.received(trx, hooks, peer.node_id, body),
    }),
    messageKind({
      kind: HOTLINE_UPDATE_KIND,
      schema: HotlineUpdateMessage,
      handle: (trx, body, { peer, hooks }) => moves.updated(trx, hooks, peer.node_id, body),
    }),
    messageKind({
      kind: HOTLINE_COVERAGE_KIND,
      schema: HotlineCoverageMessage,
      handle: (trx, body, { peer, hooks }) =>
        coverage.coverageReceived(trx, hooks, peer.node_id, body),
    }),
  ];
}
