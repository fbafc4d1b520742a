import type { AddObjectBody, MarkingBody, ObjectView } from '../../../core/schemas/cases.js';
import { parseAnyStixObject } from '../../../core/stix/any-object.js';
import { identityIdOf, isStixType, stixIdFor } from '../../../core/stix/ids.js';
import { stixTimestamp } from '../../../core/stix/timestamps.js';
import { tlpOfObject, withTlp } from '../../../core/stix/tlp.js';
import { nextModified } from '../../../core/stix/version.js';
import type { TlpLevel } from '../../../core/tlp-rules.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { AppError, badRequest, conflict, notFound, unprocessable } from '../../errors.js';
import type { Db, TxHooks } from '../../store/database.js';
import { sendable } from './cases.gate.js';
import { presentVersion } from './cases.present.js';
import {
  findObject,
  removeShare,
  sharesOf,
  updateCaseRow,
  versionsOf,
} from './cases.repository.js';
import { objectRowOf, SDO_SRO_TYPES, valuesOf } from './cases.stix.js';
import type { CaseSupport } from './cases.support.js';
import type { CaseFlow } from './flow.service.js';
import type { ExerciseCases } from './cases.exercise.js';
import type { CaseRow, StixObjectRow } from './cases.table.js';
import {
  assertAuthoredValues,
  assertValidStix,
  invalidStix,
  mayHaveNewVersion,
} from './objects.checks.js';
import { casesOf, inCase, leaveCase } from './members.repository.js';
import { removeVersions, replaceCurrent } from './versions.repository.js';
import { describeMarking, markingChange } from './markings.rules.js';

type Stix = Record<string, unknown>;

/** What a new version changes of the marking, if it changes it. */
interface MarkingChange {
  tlp: TlpLevel;
  redRecipients?: string[];
  reason: string;
}

/**
 * The STIX 2.1 objects of a case: adding them, new versions (changes, revocation,
 * marking), deletion and history (the versions and deletions peers send: objects.received.ts).
 * A new version follows the object to every peer that had it and may still have it.
 */
export class ObjectsService {
  constructor(
    private readonly support: CaseSupport,
    private readonly flow: CaseFlow,
    private readonly exercise?: ExerciseCases,
  ) {}

  private get deps() {
    return this.support.deps;
  }

  async addObject(actor: Actor, caseId: string, body: AddObjectBody): Promise<ObjectView> {
    authorize(actor, 'cases.write');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const caseRow = await this.support.loadCase(trx, caseId);
      return this.insertOne(trx, hooks, actor, caseRow, body, now, false);
    });
    return this.support.objectView(this.deps.store.db, row);
  }

  /**
   * Adds many objects to a case in one transaction, all or nothing: each checked, marked,
   * audited and shared exactly as `addObject` does, in order (an object may refer to one
   * before it); the first refused undoes them all, its error naming it (`objects[i]`).
   * With `keepHeld`, an object the case holds already (same id) is taken as it is, as is
   * a repeat within the batch. `before` runs first and `after` last in the same transaction
   * (a caller's own state that must change with the objects, or not at all).
   */
  async addObjects(
    actor: Actor,
    caseId: string,
    bodies: readonly AddObjectBody[],
    options: {
      keepHeld?: boolean;
      before?: (trx: Db, hooks: TxHooks) => Promise<void>;
      after?: (trx: Db, hooks: TxHooks, views: readonly ObjectView[]) => Promise<void>;
    } = {},
  ): Promise<ObjectView[]> {
    authorize(actor, 'cases.write');
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      await options.before?.(trx, hooks);
      const caseRow = await this.support.loadCase(trx, caseId);
      const rows: StixObjectRow[] = [];
      for (const [i, body] of bodies.entries()) {
        try {
          const keep = options.keepHeld === true;
          rows.push(await this.insertOne(trx, hooks, actor, caseRow, body, now, keep));
        } catch (error) {
          // The same refusal (code, status), its message naming the object in the batch.
          if (error instanceof AppError) {
            const id = typeof body.object['id'] === 'string' ? ` ${body.object['id']}` : '';
            error.message = `objects[${i}]${id}: ${error.message}`;
          }
          throw error;
        }
      }
      const views = await this.support.objectViews(trx, rows);
      await options.after?.(trx, hooks, views);
      return views;
    });
  }

  /** One new object in the case, in `trx`: checked, recorded, shared, audited, announced. */
  private async insertOne(
    trx: Db,
    hooks: TxHooks,
    actor: Actor,
    caseRow: CaseRow,
    body: AddObjectBody,
    now: number,
    keepHeld: boolean,
  ): Promise<StixObjectRow> {
    const caseId = caseRow.id;
    const { object, tlp } = this.complete(body, now);
    const held = await findObject(trx, String(object['id']));
    if (held) {
      if (keepHeld && held.deleted !== 1 && (await inCase(trx, caseId, held.id))) {
        if (this.support.readable(actor, held)) return held;
      }
      throw conflict(
        'object_exists',
        held.deleted === 1
          ? `${held.id} was deleted here; a deleted object is not brought back.`
          : `This node holds ${held.id} already; an import adds it to this case.`,
      );
    }
    await this.support.checkReferences(trx, caseId, object);
    const redRecipients = tlp === 'red' ? [...new Set(body.redRecipients)] : [];
    const row = objectRowOf(caseId, object, tlp, this.deps.nodeId, redRecipients, now);
    await this.support.record(trx, caseId, [{ row, values: valuesOf(object) }], now);
    await this.flow.objects(trx, hooks, caseId, [row], now);
    await updateCaseRow(trx, caseId, { updated_at: now });
    await appendAudit(trx, {
      actor,
      at: now,
      action: 'stix.create',
      entityType: 'stix',
      entityId: row.id,
      details: { case: caseId, type: row.type, tlp },
    });
    // An object added to an exercise's case: its exercise observes it, in this transaction.
    await this.exercise?.emit(trx, hooks, caseRow, row, 'added', now);
    this.support.objectChanged(hooks, caseRow.id, row);
    return row;
  }

  /**
   * A new object as this node writes it: its marking (given or its own, AMBER by
   * default), this node as its author, its timestamps and id, checked as STIX 2.1.
   */
  private complete(body: AddObjectBody, now: number): { object: Stix; tlp: TlpLevel } {
    const input = { ...body.object };
    const type = typeof input['type'] === 'string' ? input['type'] : '';
    if (!isStixType(type))
      throw invalidStix(['type: required, a STIX type name such as indicator']);
    const markedTlp = tlpOfObject(input);
    const tlp: TlpLevel = body.tlp ?? markedTlp ?? 'amber';
    if (markedTlp && body.tlp && markedTlp !== body.tlp) {
      throw unprocessable(
        'conflicting_marking',
        `The object is marked ${markedTlp} in object_marking_refs but ${body.tlp} was given.`,
      );
    }
    const ours = identityIdOf(this.deps.nodeId);
    if (input['created_by_ref'] !== undefined && input['created_by_ref'] !== ours) {
      throw unprocessable(
        'not_our_identity',
        `created_by_ref must be this node's identity ${ours} (or be left out).`,
      );
    }
    const stamp = stixTimestamp(now);
    const object: Stix = {
      ...input,
      spec_version: '2.1',
      ...(SDO_SRO_TYPES.has(type)
        ? {
            created_by_ref: ours,
            created: input['created'] ?? stamp,
            modified: input['modified'] ?? input['created'] ?? stamp,
          }
        : {}),
    };
    object['id'] = typeof input['id'] === 'string' ? input['id'] : stixIdFor({ ...object, type });
    const finished = withTlp(object, tlp);
    assertValidStix(finished);
    assertAuthoredValues(finished);
    return { object: finished, tlp };
  }

  /** A new version of one of this node's objects: same id, later `modified`. */
  async updateObject(
    actor: Actor,
    caseId: string,
    objectId: string,
    changes: Stix,
  ): Promise<ObjectView> {
    authorize(actor, 'cases.write');
    for (const fixed of ['id', 'type', 'created', 'spec_version', 'created_by_ref']) {
      if (fixed in changes) {
        throw unprocessable('immutable_property', `${fixed} cannot change in a new version.`);
      }
    }
    if ('object_marking_refs' in changes || 'granular_markings' in changes) {
      throw unprocessable(
        'marking_change',
        'Markings change through POST …/marking (lowering one is an explicit, audited act).',
      );
    }
    return this.newVersion(
      actor,
      caseId,
      objectId,
      (object) => ({ ...object, ...changes }),
      'stix.update',
    );
  }

  async revokeObject(actor: Actor, caseId: string, objectId: string): Promise<ObjectView> {
    authorize(actor, 'cases.write');
    return this.newVersion(
      actor,
      caseId,
      objectId,
      (object) => ({ ...object, revoked: true }),
      'stix.revoke',
    );
  }

  /** Raises or lowers an object's marking; lowering needs `cases.declassify` and a reason. */
  async setMarking(
    actor: Actor,
    caseId: string,
    objectId: string,
    body: MarkingBody,
  ): Promise<ObjectView> {
    authorize(actor, 'cases.write');
    const current = await this.support.readableObject(this.deps.store.db, actor, caseId, objectId);
    // Who may hold a RED object is as much a marking as its level: changing it widens or
    // narrows what leaves this node, so it takes the same right and a reason as lowering.
    const change = markingChange(current, {
      tlp: body.tlp,
      red_recipients: body.redRecipients
        ? JSON.stringify(body.redRecipients)
        : current.red_recipients,
    });
    const lowering = change === 'lowered';
    const recipientsChange = change === 'recipients';
    if (lowering || recipientsChange) {
      authorize(actor, 'cases.declassify');
      if (!body.reason?.trim()) {
        throw badRequest(
          'reason_required',
          lowering
            ? 'Lowering a marking needs a reason (it is audited).'
            : 'Changing who may hold a RED object needs a reason (it is audited).',
        );
      }
    }
    return this.newVersion(
      actor,
      caseId,
      objectId,
      (object) => withTlp(object, body.tlp),
      lowering ? 'stix.marking_lowered' : recipientsChange ? 'stix.red_recipients' : 'stix.marking',
      {
        tlp: body.tlp,
        ...(body.redRecipients ? { redRecipients: body.redRecipients } : {}),
        reason: body.reason,
      },
    );
  }

  /**
   * Takes an object out of a case. While other cases hold it, it only leaves this one; out
   * of its last case, one of this node's objects is deleted: a tombstone here, and at every
   * peer it went to.
   */
  async deleteObject(actor: Actor, caseId: string, objectId: string): Promise<void> {
    authorize(actor, 'cases.write');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.support.readableObject(trx, actor, caseId, objectId);
      if ((await casesOf(trx, objectId)).length > 1) {
        await leaveCase(trx, caseId, objectId);
        await this.support.reindexObject(trx, row);
        await appendAudit(trx, {
          actor,
          at: now,
          action: 'stix.leave_case',
          entityType: 'stix',
          entityId: objectId,
          details: { case: caseId },
        });
        this.support.objectChanged(hooks, caseId, row);
        return;
      }
      this.support.mustBeOrigin(row);
      const peers = await sharesOf(trx, objectId);
      for (const peer of peers) {
        await this.support.sendDeletion(trx, hooks, peer, { caseId, id: objectId }, now);
      }
      await this.support.tombstone(trx, row, now);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'stix.delete',
        entityType: 'stix',
        entityId: objectId,
        details: { case: caseId, peers },
      });
      this.support.objectChanged(hooks, caseId, row);
    });
  }

  /**
   * Removes some versions of one of this node's objects (TAXII's DELETE with a version
   * filter); the latest left becomes the object as it is now.
   */
  async removeVersions(actor: Actor, objectId: string, ns: readonly number[]): Promise<void> {
    authorize(actor, 'cases.write');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await findObject(trx, objectId);
      if (!row || row.deleted === 1) {
        throw notFound('object_not_found', `This node holds no object ${objectId}.`);
      }
      this.support.mustBeOrigin(row);
      const current = await removeVersions(trx, objectId, ns);
      let after = row;
      const change = current ? markingChange(row, current) : null;
      if (current && (change === 'lowered' || change === 'recipients')) {
        // The version left current would lower the marking or change who may hold it: that is
        // the marking action's (cases.declassify and a reason); the transaction is undone.
        throw unprocessable(
          'marking_change',
          `Removing these versions would make version ${current.n} current, marked ` +
            `${describeMarking(current)} where the object is ${describeMarking(row)} now. ` +
            'Change a marking through the object’s marking action (cases.declassify and a reason).',
        );
      }
      if (current) {
        const object = JSON.parse(current.body) as Stix;
        const red = JSON.parse(current.red_recipients) as string[];
        after = objectRowOf(row.case_id, object, current.tlp, row.origin_node, red, now);
        await replaceCurrent(trx, after, valuesOf(object), this.deps.nodeId);
        await this.support.reindexObject(trx, after);
      }
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'stix.versions_removed',
        entityType: 'stix',
        entityId: objectId,
        details: { versions: [...ns] },
      });
      for (const caseId of await casesOf(trx, objectId)) {
        this.support.objectChanged(hooks, caseId, after);
      }
    });
  }

  async getObject(actor: Actor, caseId: string, objectId: string): Promise<ObjectView> {
    authorize(actor, 'cases.read');
    const db = this.deps.store.db;
    return this.support.objectView(
      db,
      await this.support.readableObject(db, actor, caseId, objectId),
    );
  }

  async objectHistory(actor: Actor, caseId: string, objectId: string) {
    authorize(actor, 'cases.read');
    const db = this.deps.store.db;
    const row = await this.support.readableObject(db, actor, caseId, objectId);
    const versions = await versionsOf(db, objectId);
    return {
      versions: versions
        .filter((v) =>
          this.support.readable(actor, { ...row, tlp: v.tlp, red_recipients: v.red_recipients }),
        )
        .map(presentVersion),
    };
  }

  private async newVersion(
    actor: Actor,
    caseId: string,
    objectId: string,
    change: (object: Stix) => Stix,
    action: string,
    marking?: MarkingChange,
  ): Promise<ObjectView> {
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const current = await this.support.readableObject(trx, actor, caseId, objectId);
      mayHaveNewVersion(current, this.support);
      const before = JSON.parse(current.body ?? '{}') as Stix;
      const next = change({
        ...before,
        modified: nextModified(
          typeof before['modified'] === 'string' ? before['modified'] : '',
          now,
        ),
      });
      assertValidStix(next, parseAnyStixObject);
      assertAuthoredValues(next, before);
      await this.support.checkReferences(trx, caseId, next);
      const tlp = marking?.tlp ?? current.tlp;
      const red =
        tlp === 'red'
          ? (marking?.redRecipients ?? (JSON.parse(current.red_recipients) as string[]))
          : [];
      const row = objectRowOf(current.case_id, next, tlp, current.origin_node, red, now);
      await this.support.record(trx, caseId, [{ row, values: valuesOf(next) }], now);
      await updateCaseRow(trx, caseId, { updated_at: now });
      await this.propagate(trx, hooks, caseId, row, now);
      await appendAudit(trx, {
        actor,
        at: now,
        action,
        entityType: 'stix',
        entityId: objectId,
        details: {
          case: caseId,
          modified: next['modified'],
          ...(marking ? { from: current.tlp, to: tlp, reason: marking.reason } : {}),
        },
      });
      this.support.objectChanged(hooks, caseId, row);
      return row;
    });
    return this.support.objectView(this.deps.store.db, row);
  }

  /** A new version goes to every peer that had the object and may still have it; the others get a deletion. */
  private async propagate(
    trx: Db,
    hooks: TxHooks,
    caseId: string,
    row: StixObjectRow,
    now: number,
  ): Promise<void> {
    const caseRow = await this.support.loadCase(trx, caseId);
    const scope = await this.support.scopeOf(trx, caseRow);
    for (const peer of await sharesOf(trx, row.id)) {
      if (sendable(this.deps.nodeId, row, scope, peer).ok) {
        await this.support.sendObject(trx, hooks, caseId, row, peer, now);
      } else {
        await this.support.sendDeletion(trx, hooks, peer, { caseId, id: row.id }, now);
        await removeShare(trx, row.id, peer);
      }
    }
  }
}
