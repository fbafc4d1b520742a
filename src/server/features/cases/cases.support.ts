import type { Logger } from 'pino';
import {
  CASE_SHARE_KIND,
  STIX_DELETE_KIND,
  STIX_UPSERT_KIND,
  type CaseShareMessage,
  type CaseView,
  type ObjectView,
  type StixDeleteMessage,
  type StixUpsertMessage,
} from '../../../core/schemas/cases.js';
import { ROLES } from '../../../core/roles.js';
import { identityIdOf } from '../../../core/stix/ids.js';
import { nodesOfCase, type CaseNodes } from '../../../core/tlp-rules.js';
import type { Actor } from '../../actor.js';
import { iso } from '../../clock.js';
import { forbidden, notFound, unprocessable } from '../../errors.js';
import { listPeerRows } from '../../federation/peers.js';
import type { Db, TxHooks } from '../../store/database.js';
import type { FeatureDeps } from '../feature-deps.js';
import { audienceOf, readable } from './cases.gate.js';
import { presentCase, presentObject } from './cases.present.js';
import {
  feedbackOf,
  findCase,
  findObject,
  forgetHistory,
  linksOf,
  objectsOfCase,
  participantsOf,
  recordShare,
  saveObject,
  sharesOf,
} from './cases.repository.js';
import { referencesOf } from './cases.stix.js';
import type { CaseRow, StixObjectRow } from './cases.table.js';

type Stix = Record<string, unknown>;

/** What the services of cases are given (index.ts). */
export type CasesDeps = FeatureDeps & { log: Logger; nodeName: string };

/**
 * What the services of cases (cases, objects, sharing, search) share: finding a case or an
 * object the actor may see, the owner's and the author's rights, the views with what they
 * read, the live events, and the federation messages every change sends.
 */
export class CaseSupport {
  constructor(readonly deps: CasesDeps) {}

  /** Whether `actor` may see the object (cases.gate.ts). */
  readable(actor: Actor, row: StixObjectRow): boolean {
    return readable(this.deps.nodeId, actor, row);
  }

  async loadCase(db: Db, id: string): Promise<CaseRow> {
    const row = await findCase(db, id);
    if (!row) throw notFound('case_not_found', `No case has the id ${id}.`);
    return row;
  }

  /** The object, if the case holds it and the actor may see it; else 404. */
  async readableObject(
    db: Db,
    actor: Actor,
    caseId: string,
    objectId: string,
  ): Promise<StixObjectRow> {
    const row = await findObject(db, objectId);
    if (!row || row.case_id !== caseId || !this.readable(actor, row)) {
      throw notFound('object_not_found', `The case holds no object ${objectId}.`);
    }
    return row;
  }

  mustOwn(row: CaseRow): void {
    if (row.owner_node !== this.deps.nodeId) {
      throw forbidden(
        `Only ${row.owner_node}, which opened the case, changes it or adds participants.`,
      );
    }
  }

  mustBeOrigin(row: StixObjectRow): void {
    if (row.origin_node !== this.deps.nodeId) {
      throw forbidden(
        `${row.origin_node} wrote this object; only it makes new versions, revokes or deletes it.`,
        'not_origin',
      );
    }
  }

  async scopeOf(db: Db, row: CaseRow): Promise<CaseNodes> {
    return { owner: row.owner_node, participants: await participantsOf(db, row.id) };
  }

  async caseView(db: Db, actor: Actor, row: CaseRow): Promise<CaseView> {
    const objects = (await objectsOfCase(db, row.id)).filter((o) => this.readable(actor, o));
    return presentCase(row, {
      participants: await participantsOf(db, row.id),
      links: await linksOf(db, row.id),
      objectCount: objects.length,
    });
  }

  async objectView(db: Db, row: StixObjectRow): Promise<ObjectView> {
    return presentObject(row, {
      sharedWith: await sharesOf(db, row.id),
      feedback: await feedbackOf(db, row.id),
    });
  }

  caseChanged(hooks: TxHooks, caseId: string): void {
    hooks.afterCommit(() => this.deps.bus.publish('case.changed', { caseId }, { roles: ROLES }));
  }

  /** Live: only the roles the object's marking lets see it are told (the id only). */
  objectChanged(hooks: TxHooks, caseId: string, row: StixObjectRow): void {
    const audience = audienceOf(this.deps.nodeId, row);
    hooks.afterCommit(() =>
      this.deps.bus.publish('case.object', { caseId, objectId: row.id }, audience),
    );
  }

  /** The case as it is now, to every other node of it. */
  async sendCase(trx: Db, hooks: TxHooks, row: CaseRow): Promise<void> {
    const scope = await this.scopeOf(trx, row);
    for (const node of nodesOfCase(scope)) {
      if (node !== this.deps.nodeId) await this.sendCaseTo(trx, hooks, row, scope, node);
    }
  }

  async sendCaseTo(
    trx: Db,
    hooks: TxHooks,
    row: CaseRow,
    scope: CaseNodes,
    peer: string,
  ): Promise<void> {
    await this.deps.federation.send(trx, hooks, peer, CASE_SHARE_KIND, {
      case: {
        id: row.id,
        owner: row.owner_node,
        title: row.title,
        summary: row.summary,
        kind: row.kind as CaseShareMessage['case']['kind'],
        priority: row.priority as CaseShareMessage['case']['priority'],
        status: row.status as CaseShareMessage['case']['status'],
        priorityCase: row.priority_case === 1,
        participants: [...scope.participants],
      },
    } satisfies CaseShareMessage);
  }

  /** The object's current version, to `peer`; later versions will follow it there. */
  async sendObject(
    trx: Db,
    hooks: TxHooks,
    row: StixObjectRow,
    peer: string,
    now: number,
  ): Promise<void> {
    await this.deps.federation.send(trx, hooks, peer, STIX_UPSERT_KIND, {
      caseId: row.case_id,
      object: JSON.parse(row.body ?? '{}') as Stix,
      tlp: row.tlp,
      redRecipients: JSON.parse(row.red_recipients) as string[],
    } satisfies StixUpsertMessage);
    await recordShare(trx, row.id, peer, now);
  }

  /** Tells `peer` the object is gone. */
  async sendDeletion(
    trx: Db,
    hooks: TxHooks,
    peer: string,
    object: { caseId: string; id: string },
    now: number,
  ): Promise<void> {
    await this.deps.federation.send(trx, hooks, peer, STIX_DELETE_KIND, {
      caseId: object.caseId,
      id: object.id,
      at: iso(now),
    } satisfies StixDeleteMessage);
  }

  async tombstone(trx: Db, row: StixObjectRow, now: number): Promise<void> {
    await saveObject(trx, {
      ...row,
      deleted: 1,
      body: null,
      label: '',
      search: '',
      updated_at: now,
    });
    await forgetHistory(trx, row.id);
  }

  /** Every object a new object refers to must be in the case (or be a node identity or marking). */
  async checkReferences(trx: Db, caseId: string, object: Stix, received = false): Promise<void> {
    const missing: string[] = [];
    for (const ref of referencesOf(object)) {
      if (ref.startsWith('marking-definition--')) continue;
      if (ref.startsWith('identity--') && (await this.nodeOfIdentity(trx, ref))) continue;
      const target = await findObject(trx, ref);
      if (!target || target.deleted === 1 || target.case_id !== caseId) missing.push(ref);
    }
    if (missing.length > 0 && !received) {
      throw unprocessable(
        'unknown_reference',
        `The object refers to ${missing.join(', ')}, which the case does not hold.`,
        { extra: { missing } },
      );
    }
  }

  /** The node whose STIX identity `ref` is (this node or a peer), if any. */
  async nodeOfIdentity(db: Db, ref: unknown): Promise<string | undefined> {
    if (typeof ref !== 'string') return undefined;
    if (ref === identityIdOf(this.deps.nodeId)) return this.deps.nodeId;
    for (const peer of await listPeerRows(db)) {
      if (identityIdOf(peer.node_id) === ref) return peer.node_id;
    }
    return undefined;
  }
}
