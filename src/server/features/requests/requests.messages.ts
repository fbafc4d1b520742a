import { REQUEST_EVENT_KIND, RequestEventMessage } from '../../../core/schemas/requests.js';
import type { Federation } from '../../federation/federation.js';
import type { RequestsService } from './requests.service.js';

/** `liaison.request.event`: every move on a request, and the request itself when sent. */
export function registerRequestMessages(federation: Federation, requests: RequestsService): void {
  federation.registerKind({
    kind: REQUEST_EVENT_KIND,
    schema: RequestEventMessage,
    handle: (trx, body, { peer, hooks }) => requests.receive(trx, hooks, peer, body),
  });
}
