import {
  STIX_FEEDBACK_KIND,
  type FeedbackBody,
  type ObjectView,
  type ShareBody,
  type ShareResult,
  type StixFeedbackMessage,
} from '../../../core/schemas/cases.js';
import { nodesOfCase } from '../../../core/tlp-rules.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { iso } from '../../clock.js';
import { conflict, notFound } from '../../errors.js';
import type { Db, TxHooks } from '../../store/database.js';
import { displayNameOf } from '../feature-deps.js';
import { sendable } from './cases.gate.js';
import { findObject, saveFeedback } from './cases.repository.js';
import { caseObjectsAfter, inCase } from './members.repository.js';
import type { CaseSupport } from './cases.support.js';
import type { StixObjectRow } from './cases.table.js';

/** Objects read per page when a whole case is shared. */
const SHARE_PAGE = 1000;

/**
 * Sharing: sending a case's objects to a node of the case as far as TLP 2.0 allows (what
 * is withheld is said, with why), and feedback on a peer's object, which goes back to the
 * node that wrote it.
 */
export class SharingService {
  constructor(private readonly support: CaseSupport) {}

  private get deps() {
    return this.support.deps;
  }

  /** Sends objects of the case to a node of the case, as far as the TLP rules allow. */
  async share(actor: Actor, caseId: string, body: ShareBody): Promise<ShareResult> {
    authorize(actor, 'cases.write');
    const now = this.deps.clock.now();
    const result = await this.deps.store.transaction(async (trx, hooks) => {
      const caseRow = await this.support.loadCase(trx, caseId);
      const scope = await this.support.scopeOf(trx, caseRow);
      if (body.peer === this.deps.nodeId || !nodesOfCase(scope).includes(body.peer)) {
        throw conflict(
          'peer_not_in_case',
          `${body.peer} is not in this case; the case's owner adds it first (POST …/participants).`,
        );
      }
      const sent: string[] = [];
      const withheld: { id: string; reason: string }[] = [];
      if (scope.owner === this.deps.nodeId)
        await this.support.sendCaseTo(trx, hooks, caseRow, scope, body.peer);
      for await (const row of this.chosen(trx, actor, caseId, body.objects)) {
        const verdict = sendable(this.deps.nodeId, row, scope, body.peer);
        if (!verdict.ok) {
          withheld.push({ id: row.id, reason: verdict.reason });
          continue;
        }
        await this.support.sendHistory(trx, hooks, caseId, row, scope, body.peer, now);
        sent.push(row.id);
      }
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'case.share',
        entityType: 'case',
        entityId: caseId,
        details: { peer: body.peer, sent, withheld },
      });
      this.support.caseChanged(hooks, caseId);
      return { caseRow, sent, withheld };
    });
    return {
      case: await this.support.caseView(this.deps.store.db, actor, result.caseRow),
      sent: result.sent,
      withheld: result.withheld,
    };
  }

  /**
   * The objects a share sends: those named (each must be in the case and readable), or
   * every object of the case the actor may see, read page by page.
   */
  private async *chosen(
    trx: Db,
    actor: Actor,
    caseId: string,
    named: readonly string[] | undefined,
  ): AsyncGenerator<StixObjectRow> {
    if (named) {
      const rows: StixObjectRow[] = [];
      const unknown: string[] = [];
      for (const id of new Set(named)) {
        const row = await findObject(trx, id);
        if (row && this.support.readable(actor, row) && (await inCase(trx, caseId, id))) {
          rows.push(row);
        } else unknown.push(id);
      }
      if (unknown.length > 0) {
        throw notFound('object_not_found', `The case holds no object ${unknown.join(', ')}.`);
      }
      yield* rows;
      return;
    }
    let after = '';
    for (;;) {
      const page = await caseObjectsAfter(trx, caseId, after, SHARE_PAGE);
      for (const row of page) if (this.support.readable(actor, row)) yield row;
      const last = page[page.length - 1];
      if (!last || page.length < SHARE_PAGE) return;
      after = last.id;
    }
  }

  /** How this node used a peer's object; the answer goes back to the node that wrote it. */
  async feedback(
    actor: Actor,
    caseId: string,
    objectId: string,
    body: FeedbackBody,
  ): Promise<ObjectView> {
    authorize(actor, 'cases.write');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.support.readableObject(trx, actor, caseId, objectId);
      if (row.origin_node === this.deps.nodeId) {
        throw conflict('own_object', 'Feedback is for what a peer shared; this object is ours.');
      }
      const by = await displayNameOf(trx, actor, this.deps.nodeId);
      await saveFeedback(trx, {
        object_id: objectId,
        node_id: this.deps.nodeId,
        use: body.use,
        note: body.note,
        actor: by,
        at: now,
      });
      await this.deps.federation.send(trx, hooks, row.origin_node, STIX_FEEDBACK_KIND, {
        caseId,
        objectId,
        use: body.use,
        note: body.note,
        by,
        at: iso(now),
      } satisfies StixFeedbackMessage);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'stix.feedback',
        entityType: 'stix',
        entityId: objectId,
        details: { use: body.use },
      });
      this.support.objectChanged(hooks, caseId, row);
      return row;
    });
    return this.support.objectView(this.deps.store.db, row);
  }

  // ---- federation ---------------------------------------------------------------------------

  /** A peer's feedback on one of this node's objects. */
  async feedbackReceived(
    trx: Db,
    hooks: TxHooks,
    sender: string,
    body: StixFeedbackMessage,
  ): Promise<void> {
    const row = await findObject(trx, body.objectId);
    if (!row || row.deleted === 1 || row.origin_node !== this.deps.nodeId) {
      throw notFound('object_not_found', `This node wrote no object ${body.objectId}.`);
    }
    await saveFeedback(trx, {
      object_id: body.objectId,
      node_id: sender,
      use: body.use,
      note: body.note,
      actor: body.by,
      at: Date.parse(body.at),
    });
    await appendAudit(trx, {
      actor: { kind: 'peer', nodeId: sender },
      at: this.deps.clock.now(),
      action: 'stix.receive_feedback',
      entityType: 'stix',
      entityId: body.objectId,
      details: { use: body.use },
    });
    this.support.objectChanged(hooks, row.case_id, row);
  }
}
