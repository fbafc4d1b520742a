import {
  CASE_SHARE_KIND,
  CaseShareMessage,
  STIX_DELETE_KIND,
  STIX_FEEDBACK_KIND,
  STIX_UPSERT_KIND,
  StixDeleteMessage,
  StixFeedbackMessage,
  StixUpsertMessage,
} from '../../../core/schemas/cases.js';
import type { MessageKind } from '../../federation/kinds.js';
import { messageKind } from '../module.js';
import type { CasesService } from './cases.service.js';
import type { ReceivedObjects } from './objects.received.js';
import type { SharingService } from './sharing.service.js';

/**
 * `liaison.case.share` (a case and who is in it, from its owner), `liaison.stix.upsert`
 * (an object or a later version of it), `liaison.stix.delete` (a tombstone) and
 * `liaison.stix.feedback` (how the recipient used an object, to the node that wrote it).
 */
export function caseMessages({
  cases,
  received,
  sharing,
}: {
  cases: CasesService;
  received: ReceivedObjects;
  sharing: SharingService;
}): MessageKind[] {
  return [
    messageKind({
      kind: CASE_SHARE_KIND,
      schema: CaseShareMessage,
      handle: (trx, body, { peer, hooks }) => cases.caseReceived(trx, hooks, peer.node_id, body),
    }),
    messageKind({
      kind: STIX_UPSERT_KIND,
      schema: StixUpsertMessage,
      handle: (trx, body, { peer, hooks }) =>
        received.objectReceived(trx, hooks, peer.node_id, body),
    }),
    messageKind({
      kind: STIX_DELETE_KIND,
      schema: StixDeleteMessage,
      handle: (trx, body, { peer, hooks }) =>
        received.objectDeletedByPeer(trx, hooks, peer.node_id, body),
    }),
    messageKind({
      kind: STIX_FEEDBACK_KIND,
      schema: StixFeedbackMessage,
      handle: (trx, body, { peer, hooks }) =>
        sharing.feedbackReceived(trx, hooks, peer.node_id, body),
    }),
  ];
}
