import type { StixDeleteMessage, StixUpsertMessage } from '../../../core/schemas/cases.js';
import { parseAnyStixObject } from '../../../core/stix/any-object.js';
import { timestampKey } from '../../../core/stix/timestamps.js';
import { tlpOfObject } from '../../../core/stix/tlp.js';
import { mayAccept, type Marked } from '../../../core/tlp-rules.js';
import { appendAudit } from '../../audit/audit.js';
import { forbidden, notFound } from '../../errors.js';
import type { Db, TxHooks } from '../../store/database.js';
import { findCase, findObject, saveObject, updateCaseRow, versionsOf } from './cases.repository.js';
import { objectRowOf, valuesOf } from './cases.stix.js';
import type { CaseSupport } from './cases.support.js';
import type { ExerciseCases } from './cases.exercise.js';
import type { StixObjectRow } from './cases.table.js';
import { describeMarking, markingChange, recipientsOf } from './markings.rules.js';
import { assertValidStix } from './objects.checks.js';

/**
 * The versions and deletions of objects that peers send (`liaison.stix.upsert`,
 * `liaison.stix.delete`). The node that wrote an object decides its versions, and so its
 * marking and, RED, its recipients; the others only pass on what TLP lets them. A version
 * of an object this node wrote is refused from any peer: no peer changes who may hold it.
 */
export class ReceivedObjects {
  constructor(
    private readonly support: CaseSupport,
    private readonly exercise?: ExerciseCases,
  ) {}

  private get deps() {
    return this.support.deps;
  }

  /** An object, or a version of it, from a node of the case, if TLP let it send it. */
  async objectReceived(
    trx: Db,
    hooks: TxHooks,
    sender: string,
    body: StixUpsertMessage,
  ): Promise<void> {
    const caseRow = await findCase(trx, body.caseId);
    if (!caseRow) throw notFound('case_not_found', `This node has no case ${body.caseId}.`);
    // Any STIX 2.1 type: the sender may hold imported objects of types our forms do not edit.
    assertValidStix(body.object, parseAnyStixObject);
    const object = body.object;
    if (tlpOfObject(object) !== body.tlp) {
      throw forbidden('The message marking and the object marking differ.', 'tlp_violation');
    }
    const id = String(object['id']);
    const existing = await findObject(trx, id);
    const held = existing?.deleted === 0 ? existing : undefined;
    if (held?.origin_node === this.deps.nodeId) {
      // Ours: a copy of a version we hold changes nothing; any other version is refused.
      if (await this.holdsVersion(trx, id, object)) return;
      throw forbidden(
        `${this.deps.nodeId} wrote ${id}; only it makes versions of it, and so decides its ` +
          `marking (${describeMarking(held)} here). The version from ${sender} is refused.`,
        'not_origin',
      );
    }
    // The author of an object held here stands: a version naming another cannot make that
    // node the writer, and so the one who decides the marking and who may hold it.
    const origin =
      held?.origin_node ??
      (await this.support.nodeOfIdentity(trx, object['created_by_ref'])) ??
      sender;
    const marked: Marked = { tlp: body.tlp, origin, redRecipients: body.redRecipients };
    const scope = await this.support.scopeOf(trx, caseRow);
    if (!mayAccept(marked, scope, sender, this.deps.nodeId)) {
      throw forbidden(
        `${sender} may not send ${id} (${body.tlp}) to ${this.deps.nodeId} under TLP 2.0` +
          (held && origin !== sender ? `: ${origin} wrote it.` : '.'),
        'tlp_violation',
      );
    }
    if (existing?.deleted === 1) return;
    const now = this.deps.clock.now();
    await this.support.checkReferences(trx, body.caseId, object, true);
    const row = objectRowOf(body.caseId, object, body.tlp, origin, body.redRecipients, now);
    // Any version, earlier or later than those held, joins the history; one held is nothing.
    const recorded = await this.support.record(
      trx,
      body.caseId,
      [{ row, values: valuesOf(object) }],
      now,
    );
    if (recorded.added + recorded.versions + recorded.joined === 0) return;
    await updateCaseRow(trx, body.caseId, { updated_at: now });
    await this.audit(trx, sender, body, held, now);
    // A new object in an exercise's case reaches its players' feed.
    if (!held) await this.exercise?.emit(trx, hooks, caseRow, row, 'received', now);
    this.support.objectChanged(hooks, body.caseId, row);
  }

  /** Whether this node holds the version `object` is (its `modified`, or none). */
  private async holdsVersion(trx: Db, id: string, object: Record<string, unknown>) {
    const modified = typeof object['modified'] === 'string' ? object['modified'] : null;
    const key = timestampKey(modified);
    return (await versionsOf(trx, id)).some((version) => timestampKey(version.modified) === key);
  }

  /**
   * The audit of a received object or version; a version that changed the marking held here
   * (its author lowered or raised it, or changed its RED recipients) says from what to what.
   */
  private async audit(
    trx: Db,
    sender: string,
    body: StixUpsertMessage,
    held: StixObjectRow | undefined,
    now: number,
  ): Promise<void> {
    const id = String(body.object['id']);
    const after = held ? await findObject(trx, id) : undefined;
    const change = held && after ? markingChange(held, after) : null;
    await appendAudit(trx, {
      actor: { kind: 'peer', nodeId: sender },
      at: now,
      action: change ? 'stix.receive_marking' : held ? 'stix.receive_version' : 'stix.receive',
      entityType: 'stix',
      entityId: id,
      details: {
        case: body.caseId,
        tlp: body.tlp,
        ...(body.tlp === 'red' ? { redRecipients: body.redRecipients } : {}),
        ...(change && held && after
          ? {
              change,
              from: { tlp: held.tlp, redRecipients: recipientsOf(held) },
              to: { tlp: after.tlp, redRecipients: recipientsOf(after) },
            }
          : {}),
      },
    });
  }

  /** The node that wrote an object deleted it: a tombstone here too. */
  async objectDeletedByPeer(
    trx: Db,
    hooks: TxHooks,
    sender: string,
    body: StixDeleteMessage,
  ): Promise<void> {
    const now = this.deps.clock.now();
    const row = await findObject(trx, body.id);
    if (row && row.origin_node !== sender) {
      throw forbidden(`${sender} did not write ${body.id}.`, 'not_origin');
    }
    if (row) {
      await this.support.tombstone(trx, row, now);
      this.support.objectChanged(hooks, row.case_id, row);
    } else {
      // A tombstone in advance: an older copy arriving later is not brought back.
      await saveObject(trx, {
        id: body.id,
        case_id: body.caseId,
        type: body.id.split('--')[0] ?? '',
        origin_node: sender,
        tlp: 'red',
        red_recipients: '[]',
        revoked: 0,
        deleted: 1,
        modified: null,
        label: '',
        search: '',
        body: null,
        updated_at: now,
      });
    }
    await appendAudit(trx, {
      actor: { kind: 'peer', nodeId: sender },
      at: now,
      action: 'stix.receive_delete',
      entityType: 'stix',
      entityId: body.id,
      details: { case: body.caseId },
    });
  }
}
