import {
  DIALOGUE_ANSWER_KIND,
  DIALOGUE_ATTESTATION_KIND,
  DIALOGUE_MEETING_KIND,
  DIALOGUE_OPEN_KIND,
  DIALOGUE_RECORD_KIND,
  DIALOGUE_SEAL_KIND,
  DialogueAnswerMessage,
  DialogueAttestationMessage,
  DialogueMeetingMessage,
  DialogueOpenMessage,
  DialogueRecordMessage,
  DialogueSealMessage,
} from '../../../core/schemas/dialogues.js';
import type { MessageKind } from '../../federation/kinds.js';
import { messageKind } from '../module.js';
import type { CommitmentsService } from './commitments.service.js';
import type { DialoguesService } from './dialogues.service.js';
import type { RecordsInbox } from './records.receive.js';

/** The dialogue record's message kinds (docs/dialogues.md, "Protocol"). */
export function dialogueMessages(
  dialogues: DialoguesService,
  inbox: RecordsInbox,
  commitments: CommitmentsService,
): MessageKind[] {
  return [
    messageKind({
      kind: DIALOGUE_OPEN_KIND,
      schema: DialogueOpenMessage,
      handle: (trx, body, { peer, hooks }) => dialogues.opened(trx, hooks, peer.node_id, body),
    }),
    messageKind({
      kind: DIALOGUE_MEETING_KIND,
      schema: DialogueMeetingMessage,
      handle: (trx, body, { peer, hooks }) =>
        dialogues.meetingReceived(trx, hooks, peer.node_id, body),
    }),
    messageKind({
      kind: DIALOGUE_RECORD_KIND,
      schema: DialogueRecordMessage,
      handle: (trx, body, { peer, hooks }) => inbox.recordReceived(trx, hooks, peer.node_id, body),
    }),
    messageKind({
      kind: DIALOGUE_ANSWER_KIND,
      schema: DialogueAnswerMessage,
      handle: (trx, body, { peer, hooks }) => inbox.answerReceived(trx, hooks, peer.node_id, body),
    }),
    messageKind({
      kind: DIALOGUE_SEAL_KIND,
      schema: DialogueSealMessage,
      handle: (trx, body, { peer, hooks }) => inbox.sealReceived(trx, hooks, peer.node_id, body),
    }),
    messageKind({
      kind: DIALOGUE_ATTESTATION_KIND,
      schema: DialogueAttestationMessage,
      handle: (trx, body, { peer, hooks }) =>
        commitments.attestationReceived(trx, hooks, peer.node_id, body),
    }),
  ];
}
