import { createHash } from 'node:crypto';
import { DEFAULT_ARRANGEMENT } from '../../../core/arrangements.js';
import { canonicalJson } from '../../../core/canonical-json.js';
import { ROLES } from '../../../core/roles.js';
import {
  ARRANGEMENT_ANSWER_KIND,
  ARRANGEMENT_PROPOSE_KIND,
  ArrangementTerms,
  type ArrangementState,
  type ArrangementView,
} from '../../../core/schemas/arrangements.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { iso } from '../../clock.js';
import { conflict, notFound } from '../../errors.js';
import { findPeer } from '../../federation/peers.js';
import type { Db, TxHooks } from '../../store/database.js';
import {
  answerArrangement,
  findArrangement,
  insertArrangement,
  latestAccepted,
  listArrangements,
} from './arrangements.repository.js';
import type { ArrangementRow } from './arrangements.table.js';
import type { FeatureDeps } from '../feature-deps.js';
import { presentArrangement, presentDefault } from './arrangements.present.js';

export function termsHash(terms: ArrangementTerms): string {
  return createHash('sha256').update(canonicalJson(terms)).digest('hex');
}

export const DEFAULT_TERMS_HASH = termsHash(DEFAULT_ARRANGEMENT);

/** The terms that apply to new requests with a peer, and where they come from. */
export interface TermsInForce {
  version: number;
  terms: ArrangementTerms;
  hash: string;
}

export async function termsInForce(db: Db, peerId: string): Promise<TermsInForce> {
  const row = await latestAccepted(db, peerId);
  if (!row) return { version: 0, terms: DEFAULT_ARRANGEMENT, hash: DEFAULT_TERMS_HASH };
  return {
    version: Number(row.version),
    terms: ArrangementTerms.parse(JSON.parse(row.terms)),
    hash: row.terms_hash,
  };
}

/**
 * The arrangement with each peer: versioned terms. One side proposes a version, the other
 * accepts or declines it, each over the (signed) stream; only an accepted version applies,
 * and until there is one the built-in default (version 0) does.
 */
export class ArrangementsService {
  constructor(private readonly deps: FeatureDeps) {}

  async state(actor: Actor, peerId: string): Promise<ArrangementState> {
    authorize(actor, 'arrangements.read');
    const db = this.deps.store.db;
    const peer = await findPeer(db, peerId);
    if (!peer || peer.status === 'removed')
      throw notFound('peer_not_found', `No peer has the node id ${peerId}.`);
    const rows = await listArrangements(db, peerId);
    const accepted = rows.find((row) => row.status === 'accepted');
    const inForce = accepted
      ? presentArrangement(accepted)
      : presentDefault(peerId, DEFAULT_TERMS_HASH);
    return { peer: peerId, inForce, versions: rows.map(presentArrangement) };
  }

  async propose(actor: Actor, peerId: string, terms: ArrangementTerms): Promise<ArrangementView> {
    authorize(actor, 'arrangements.manage');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const peer = await findPeer(trx, peerId);
      if (!peer || peer.status !== 'active')
        throw notFound('peer_not_found', `No active peer has the node id ${peerId}.`);
      const versions = await listArrangements(trx, peerId);
      const row: ArrangementRow = {
        peer_id: peerId,
        version: Number(versions[0]?.version ?? 0) + 1,
        status: 'proposed',
        terms: JSON.stringify(terms),
        terms_hash: termsHash(terms),
        proposed_by: this.deps.nodeId,
        proposed_at: now,
        answered_at: null,
      };
      await insertArrangement(trx, row);
      await this.deps.federation.send(trx, hooks, peerId, ARRANGEMENT_PROPOSE_KIND, {
        version: row.version,
        terms,
        proposedAt: iso(now),
      });
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'arrangement.propose',
        entityType: 'arrangement',
        entityId: `${peerId}/${row.version}`,
        after: row,
      });
      this.changed(hooks, peerId);
      return row;
    });
    return presentArrangement(row);
  }

  async answer(
    actor: Actor,
    peerId: string,
    version: number,
    answer: 'accepted' | 'declined',
  ): Promise<ArrangementView> {
    authorize(actor, 'arrangements.manage');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await findArrangement(trx, peerId, version);
      if (!row)
        throw notFound(
          'arrangement_not_found',
          `No version ${version} of the arrangement with ${peerId}.`,
        );
      if (row.proposed_by === this.deps.nodeId) {
        throw conflict(
          'not_your_move',
          `Version ${version} was proposed by this node; only ${peerId} can accept or decline it.`,
        );
      }
      if (row.status !== 'proposed') {
        throw conflict(
          'arrangement_not_open',
          `Version ${version} is ${row.status}; only a proposed version can be answered.`,
        );
      }
      await answerArrangement(trx, peerId, version, answer, now);
      await this.deps.federation.send(trx, hooks, peerId, ARRANGEMENT_ANSWER_KIND, {
        version,
        termsHash: row.terms_hash,
        answer,
        at: iso(now),
      });
      await appendAudit(trx, {
        actor,
        at: now,
        action: answer === 'accepted' ? 'arrangement.accept' : 'arrangement.decline',
        entityType: 'arrangement',
        entityId: `${peerId}/${version}`,
        details: { termsHash: row.terms_hash },
      });
      this.changed(hooks, peerId);
    });
    const row = await findArrangement(this.deps.store.db, peerId, version);
    return presentArrangement(row as ArrangementRow);
  }

  changed(hooks: TxHooks, peer: string): void {
    hooks.afterCommit(() =>
      this.deps.bus.publish('arrangement.changed', { peer }, { roles: ROLES }),
    );
  }
}
