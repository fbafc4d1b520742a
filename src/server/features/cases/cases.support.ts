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
import type { SearchService } from '../search/public.js';
import { caseDoc, objectDoc } from './cases.search.js';
import { audienceOf, readable, sendable, sightOf } from './cases.gate.js';
import { presentCase, presentObject } from './cases.present.js';
import {
  feedbackOf,
  feedbackOfMany,
  findCase,
  findObject,
  linksOf,
  participantsOf,
  recordShare,
  saveObject,
  sharesOf,
  sharesOfMany,
  versionsOf,
} from './cases.repository.js';
import { casesOf, inCase, visibleCounts, type Sight } from './members.repository.js';
import {
  forgetObject,
  recordVersions,
  type Arriving,
  type Recorded,
  type VersionGuard,
} from './versions.repository.js';
import { referencesOf, valuesOf } from './cases.stix.js';
import type { CaseRow, StixObjectRow } from './cases.table.js';

type Stix = Record<string, unknown>;

/** What the services of cases are given (index.ts). */
export type CasesDeps = FeatureDeps & { log: Logger; nodeName: string; search: SearchService };

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
    if (!row || !this.readable(actor, row) || !(await inCase(db, caseId, objectId))) {
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

  /** The case as `actor` sees it; `count` is the objects it may see, if known already. */
  async caseView(db: Db, actor: Actor, row: CaseRow, count?: number): Promise<CaseView> {
    const objectCount =
      count ?? (await visibleCounts(db, [row.id], this.sight(actor))).get(row.id) ?? 0;
    return presentCase(row, {
      participants: await participantsOf(db, row.id),
      links: await linksOf(db, row.id),
      objectCount,
    });
  }

  /** Cases as `actor` sees them, their object counts asked in one query. */
  async caseViews(db: Db, actor: Actor, rows: readonly CaseRow[]): Promise<CaseView[]> {
    const counts = await visibleCounts(
      db,
      rows.map((row) => row.id),
      this.sight(actor),
    );
    return Promise.all(rows.map((row) => this.caseView(db, actor, row, counts.get(row.id) ?? 0)));
  }

  /** What `actor` may see of cases' objects, as SQL asks it (cases.gate.ts). */
  sight(actor: Actor): Sight {
    return sightOf(this.deps.nodeId, actor);
  }

  async objectView(db: Db, row: StixObjectRow): Promise<ObjectView> {
    return presentObject(row, {
      sharedWith: await sharesOf(db, row.id),
      feedback: await feedbackOf(db, row.id),
    });
  }

  /** Several objects' views, their shares and feedback read in one query each. */
  async objectViews(db: Db, rows: readonly StixObjectRow[]): Promise<ObjectView[]> {
    const ids = rows.map((row) => row.id);
    const shares = await sharesOfMany(db, ids);
    const feedback = await feedbackOfMany(db, ids);
    return rows.map((row) =>
      presentObject(row, {
        sharedWith: shares.get(row.id) ?? [],
        feedback: feedback.get(row.id) ?? [],
      }),
    );
  }

  /**
   * Records versions into a case (versions.repository.ts), as this node, and keeps the
   * search up to date: objects new here or with a new current version are indexed, those
   * only joining the case are put in it. `guard` judges versions of objects held already.
   */
  async record(
    trx: Db,
    caseId: string,
    arriving: readonly Arriving[],
    now: number,
    guard?: VersionGuard,
  ): Promise<Recorded> {
    const recorded = await recordVersions(
      trx,
      this.deps.store.insertMany,
      caseId,
      arriving,
      now,
      this.deps.nodeId,
      guard,
    );
    const fresh = recorded.indexed.flatMap((item) => (item.fresh ? [item.fresh] : []));
    await this.deps.search.indexPrepared(trx, fresh, true);
    await this.deps.search.index(
      trx,
      recorded.indexed
        .filter((item) => !item.fresh)
        .map((item) => objectDoc(item.row, item.values, item.caseIds)),
    );
    await this.deps.search.addToCase(trx, 'object', recorded.joinedIds, caseId);
    return recorded;
  }

  /** The object in the search as it is now, in the cases that hold it now. */
  async reindexObject(trx: Db, row: StixObjectRow): Promise<void> {
    const object = JSON.parse(row.body ?? '{}') as Stix;
    await this.deps.search.index(trx, [
      objectDoc(row, valuesOf(object), await casesOf(trx, row.id)),
    ]);
  }

  /** The case in the search, as it is now. */
  async indexCase(trx: Db, row: CaseRow): Promise<void> {
    await this.deps.search.index(trx, [caseDoc(row)]);
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
        ...(row.exercise_id ? { exerciseId: row.exercise_id } : {}),
      },
    } satisfies CaseShareMessage);
  }

  /** The object's current version, to `peer`; later versions will follow it there. */
  /** Sends the object's current version to `peer`, as an object of case `caseId`. */
  async sendObject(
    trx: Db,
    hooks: TxHooks,
    caseId: string,
    row: StixObjectRow,
    peer: string,
    now: number,
  ): Promise<void> {
    await this.deps.federation.send(trx, hooks, peer, STIX_UPSERT_KIND, {
      caseId,
      object: JSON.parse(row.body ?? '{}') as Stix,
      tlp: row.tlp,
      redRecipients: JSON.parse(row.red_recipients) as string[],
    } satisfies StixUpsertMessage);
    await recordShare(trx, row.id, peer, now);
  }

  /**
   * Sends every version of the object to `peer`, earliest first, so the peer's copy has the
   * whole history; an earlier version whose marking may not go to the peer stays here.
   */
  async sendHistory(
    trx: Db,
    hooks: TxHooks,
    caseId: string,
    row: StixObjectRow,
    scope: CaseNodes,
    peer: string,
    now: number,
  ): Promise<void> {
    for (const version of await versionsOf(trx, row.id)) {
      if (version.current === 1) continue;
      const earlier = {
        ...row,
        tlp: version.tlp,
        red_recipients: version.red_recipients,
        modified: version.modified,
        body: version.body,
      };
      if (!sendable(this.deps.nodeId, earlier, scope, peer).ok) continue;
      await this.sendObject(trx, hooks, caseId, earlier, peer, now);
    }
    await this.sendObject(trx, hooks, caseId, row, peer, now);
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
    await forgetObject(trx, row.id);
    await this.deps.search.remove(trx, 'object', [row.id]);
  }

  /** Every object a new object refers to must be in the case (or be a node identity or marking). */
  async checkReferences(trx: Db, caseId: string, object: Stix, received = false): Promise<void> {
    const missing: string[] = [];
    for (const ref of referencesOf(object)) {
      if (ref.startsWith('marking-definition--')) continue;
      if (ref.startsWith('identity--') && (await this.nodeOfIdentity(trx, ref))) continue;
      if (!(await inCase(trx, caseId, ref))) missing.push(ref);
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
