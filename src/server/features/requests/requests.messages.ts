import { REQUEST_EVENT_KIND, RequestEventMessage } from '../../../core/schemas/requests.js';
import type { MessageKind } from '../../federation/kinds.js';
import { messageKind } from '../module.js';
import type { RequestsService } from './requests.service.js';

/** `liaison.request.event`: every move on a request, and the request itself when sent. */
export function requestMessages(requests: RequestsService): MessageKind[] {
  return [
    messageKind({
      kind: REQUEST_EVENT_KIND,
      schema: RequestEventMessage,
      handle: (trx, body, { peer, hooks }) => requests.receive(trx, hooks, peer, body),
    }),
  ];
}
