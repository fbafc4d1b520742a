import {
  ARRANGEMENT_ANSWER_KIND,
  ARRANGEMENT_PROPOSE_KIND,
  ArrangementAnswerMessage,
  ArrangementProposeMessage,
} from '../../../core/schemas/arrangements.js';
import { appendAudit } from '../../audit/audit.js';
import type { Clock } from '../../clock.js';
import { conflict } from '../../errors.js';
import type { MessageKind } from '../../federation/kinds.js';
import { messageKind } from '../module.js';
import {
  answerArrangement,
  findArrangement,
  insertArrangement,
} from './arrangements.repository.js';
import { termsHash, type ArrangementsService } from './arrangements.service.js';

/** A peer's proposals, and its answers to this node's. */
export function arrangementMessages(
  clock: Clock,
  arrangements: ArrangementsService,
): MessageKind[] {
  return [
    messageKind({
      kind: ARRANGEMENT_PROPOSE_KIND,
      schema: ArrangementProposeMessage,
      async handle(trx, body, { peer, hooks }) {
        const existing = await findArrangement(trx, peer.node_id, body.version);
        if (existing) {
          throw conflict(
            'arrangement_version_taken',
            `Version ${body.version} of the arrangement already exists here (proposed by ${existing.proposed_by}); propose again with the next version.`,
          );
        }
        const now = clock.now();
        const row = {
          peer_id: peer.node_id,
          version: body.version,
          status: 'proposed' as const,
          terms: JSON.stringify(body.terms),
          terms_hash: termsHash(body.terms),
          proposed_by: peer.node_id,
          proposed_at: Date.parse(body.proposedAt),
          answered_at: null,
        };
        await insertArrangement(trx, row);
        await appendAudit(trx, {
          actor: { kind: 'peer', nodeId: peer.node_id },
          at: now,
          action: 'arrangement.receive_proposal',
          entityType: 'arrangement',
          entityId: `${peer.node_id}/${body.version}`,
          after: row,
        });
        arrangements.changed(hooks, peer.node_id);
      },
    }),
    messageKind({
      kind: ARRANGEMENT_ANSWER_KIND,
      schema: ArrangementAnswerMessage,
      async handle(trx, body, { peer, hooks }) {
        const row = await findArrangement(trx, peer.node_id, body.version);
        if (!row || row.proposed_by === peer.node_id || row.status !== 'proposed') {
          throw conflict(
            'arrangement_not_open',
            `There is no open proposal ${body.version} from this node to answer.`,
          );
        }
        if (row.terms_hash !== body.termsHash) {
          throw conflict(
            'arrangement_terms_mismatch',
            `The answer is for terms ${body.termsHash}, but version ${body.version} here is ${row.terms_hash}.`,
          );
        }
        await answerArrangement(trx, peer.node_id, body.version, body.answer, Date.parse(body.at));
        await appendAudit(trx, {
          actor: { kind: 'peer', nodeId: peer.node_id },
          at: clock.now(),
          action:
            body.answer === 'accepted'
              ? 'arrangement.accepted_by_peer'
              : 'arrangement.declined_by_peer',
          entityType: 'arrangement',
          entityId: `${peer.node_id}/${body.version}`,
          details: { termsHash: body.termsHash },
        });
        arrangements.changed(hooks, peer.node_id);
      },
    }),
  ];
}
