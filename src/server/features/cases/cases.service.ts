import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  CASE_SHARE_KIND,
  STIX_DELETE_KIND,
  STIX_FEEDBACK_KIND,
  STIX_UPSERT_KIND,
  type AddObjectBody,
  type CaseDetail,
  type CaseLink,
  type CaseReport,
  type CaseShareMessage,
  type CaseView,
  type CreateCaseBody,
  type FeedbackBody,
  type GlobalSearchResults,
  type MarkingBody,
  type ObjectView,
  type ShareBody,
  type ShareResult,
  type StixDeleteMessage,
  type StixFeedbackMessage,
  type StixUpsertMessage,
  type UpdateCaseBody,
} from '../../../core/schemas/cases.js';
import type { PeriodQuery } from '../../../core/schemas/pings.js';
import { ROLES } from '../../../core/roles.js';
import {
  exportMayCarry,
  mayAccept,
  nodesOfCase,
  peerMayReceive,
  rolesThatMaySee,
  tlpRank,
  userMaySee,
  type CaseNodes,
  type Marked,
  type TlpLevel,
} from '../../../core/tlp-rules.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { iso } from '../../clock.js';
import { AppError, forbidden, notFound } from '../../errors.js';
import { findPeer, listPeerRows } from '../../federation/peers.js';
import type { Db, TxHooks } from '../../store/database.js';
import { displayNameOf, type FeatureDeps } from '../feature-deps.js';
import {
  addVersion,
  feedbackOf,
  findCase,
  findObject,
  linksOf,
  listCaseRows,
  objectsOfCase,
  participantsOf,
  saveFeedback,
  saveObject,
  objectsWithValue,
  searchCases,
  searchObjects,
  setParticipants,
  sharesOf,
  updateCaseRow,
  versionsOf,
  type NewVersion,
} from './cases.repository.js';
import { identityIdOf, isStixType, nodeIdentity, stixIdFor } from '../../../core/stix/ids.js';
import { parseStixObject } from '../../../core/stix/schemas.js';
import { parseAnyStixObject } from '../../../core/stix/any-object.js';
import { stixTimestamp } from '../../../core/stix/timestamps.js';
import { markingDefinitionOf, tlpOfObject, withTlp } from '../../../core/stix/tlp.js';
import { nextModified } from '../../../core/stix/version.js';
import { labelOf, referencesOf, searchTextOf, SDO_SRO_TYPES, valuesOf } from './cases.stix.js';
import type { CaseRow, StixObjectRow } from './cases.table.js';

type Stix = Record<string, unknown>;

/**
 * Cases and the STIX 2.1 objects they hold. Every path that lets an object out — a read,
 * a list, a search, an export, a history, a live event, a federation send — asks the TLP
 * rules of core/tlp-rules.ts through `readable`, `exportable`, `audienceOf` or
 * `sendable` below, and nothing else decides.
 */
export class CasesService {
  constructor(private readonly deps: FeatureDeps & { log: Logger; nodeName: string }) {}

  // ---- the gate ---------------------------------------------------------------------------

  private marked(row: StixObjectRow): Marked {
    return {
      tlp: row.tlp,
      origin: row.origin_node,
      redRecipients: JSON.parse(row.red_recipients) as string[],
    };
  }

  /** Whether `actor` may see the object (users by role and marking; the node itself may). */
  private readable(actor: Actor, row: StixObjectRow): boolean {
    if (row.deleted === 1) return false;
    if (actor.kind === 'cli' || actor.kind === 'system') return true;
    if (actor.kind === 'peer') return false;
    return userMaySee(this.marked(row), this.deps.nodeId, actor.roles);
  }

  private exportable(actor: Actor, row: StixObjectRow): boolean {
    if (row.deleted === 1) return false;
    if (actor.kind === 'user' || actor.kind === 'token') {
      return exportMayCarry(this.marked(row), this.deps.nodeId, actor.roles);
    }
    return actor.kind !== 'peer' && row.tlp !== 'red';
  }

  private audienceOf(row: StixObjectRow) {
    return { roles: rolesThatMaySee(this.marked(row), this.deps.nodeId) };
  }

  private sendable(row: StixObjectRow, scope: CaseNodes, peer: string) {
    return peerMayReceive(this.marked(row), scope, this.deps.nodeId, peer);
  }

  // ---- cases ------------------------------------------------------------------------------

  async list(
    actor: Actor,
    query: { status?: string; priorityCase?: 'true' | 'false' },
  ): Promise<CaseView[]> {
    authorize(actor, 'cases.read');
    const db = this.deps.store.db;
    const rows = await listCaseRows(db, {
      status: query.status,
      priorityCase: query.priorityCase === undefined ? undefined : query.priorityCase === 'true',
    });
    return Promise.all(rows.map((row) => this.presentCase(db, actor, row)));
  }

  async create(actor: Actor, body: CreateCaseBody): Promise<CaseView> {
    authorize(actor, 'cases.write');
    const now = this.deps.clock.now();
    const row: CaseRow = {
      id: randomUUID(),
      owner_node: this.deps.nodeId,
      title: body.title,
      summary: body.summary,
      kind: body.kind,
      priority: body.priority,
      status: 'open',
      priority_case: body.priorityCase ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    await this.deps.store.transaction(async (trx, hooks) => {
      await trx.insertInto('cases').values(row).execute();
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'case.create',
        entityType: 'case',
        entityId: row.id,
        after: { title: row.title, kind: row.kind, priority: row.priority },
      });
      this.caseChanged(hooks, row.id);
    });
    return this.presentCase(this.deps.store.db, actor, row);
  }

  async get(actor: Actor, id: string): Promise<CaseDetail> {
    authorize(actor, 'cases.read');
    const db = this.deps.store.db;
    const row = await this.loadCase(db, id);
    const objects = (await objectsOfCase(db, id)).filter((o) => this.readable(actor, o));
    return {
      ...(await this.presentCase(db, actor, row)),
      objects: await Promise.all(objects.map((o) => this.presentObject(db, o))),
    };
  }

  /** The owner changes a case; the participants get the new version. */
  async update(actor: Actor, id: string, body: UpdateCaseBody): Promise<CaseView> {
    authorize(actor, 'cases.write');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.loadCase(trx, id);
      this.mustOwn(row);
      const changes = {
        ...(body.title !== undefined ? { title: body.title } : {}),
        ...(body.summary !== undefined ? { summary: body.summary } : {}),
        ...(body.kind !== undefined ? { kind: body.kind } : {}),
        ...(body.priority !== undefined ? { priority: body.priority } : {}),
        ...(body.status !== undefined ? { status: body.status } : {}),
        ...(body.priorityCase !== undefined ? { priority_case: body.priorityCase ? 1 : 0 } : {}),
        updated_at: now,
      };
      await updateCaseRow(trx, id, changes);
      const updated = { ...row, ...changes };
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'case.update',
        entityType: 'case',
        entityId: id,
        before: row,
        after: updated,
      });
      await this.sendCase(trx, hooks, updated);
      this.caseChanged(hooks, id);
      return updated;
    });
    return this.presentCase(this.deps.store.db, actor, row);
  }

  /** The owner adds a peer to the case: every node of the case learns who is in it. */
  async addParticipant(actor: Actor, id: string, peerId: string): Promise<CaseView> {
    authorize(actor, 'cases.write');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.loadCase(trx, id);
      this.mustOwn(row);
      const peer = await findPeer(trx, peerId);
      if (!peer || peer.status !== 'active') {
        throw notFound('peer_not_found', `No active peer has the node id ${peerId}.`);
      }
      const participants = await participantsOf(trx, id);
      if (!participants.includes(peerId)) {
        await setParticipants(trx, id, [...participants, peerId], now);
        await updateCaseRow(trx, id, { updated_at: now });
        await appendAudit(trx, {
          actor,
          at: now,
          action: 'case.participant_add',
          entityType: 'case',
          entityId: id,
          details: { peer: peerId },
        });
        await this.sendCase(trx, hooks, { ...row, updated_at: now });
        this.caseChanged(hooks, id);
      }
      return { ...row, updated_at: now };
    });
    return this.presentCase(this.deps.store.db, actor, row);
  }

  async link(actor: Actor, id: string, link: CaseLink): Promise<CaseView> {
    authorize(actor, 'cases.write');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.loadCase(trx, id);
      const target =
        link.kind === 'request'
          ? await trx
              .selectFrom('requests')
              .select('id')
              .where('id', '=', link.refId)
              .executeTakeFirst()
          : await trx
              .selectFrom('hotline_calls')
              .select('id')
              .where('id', '=', link.refId)
              .executeTakeFirst();
      if (!target) {
        throw notFound(`${link.kind}_not_found`, `No ${link.kind} has the id ${link.refId}.`);
      }
      const exists = await trx
        .selectFrom('case_links')
        .select('ref_id')
        .where('case_id', '=', id)
        .where('kind', '=', link.kind)
        .where('ref_id', '=', link.refId)
        .executeTakeFirst();
      if (!exists) {
        await trx
          .insertInto('case_links')
          .values({ case_id: id, kind: link.kind, ref_id: link.refId, created_at: now })
          .execute();
        await updateCaseRow(trx, id, { updated_at: now });
        await appendAudit(trx, {
          actor,
          at: now,
          action: 'case.link',
          entityType: 'case',
          entityId: id,
          details: link,
        });
        this.caseChanged(hooks, id);
      }
      return row;
    });
    return this.presentCase(this.deps.store.db, actor, row);
  }

  // ---- objects ----------------------------------------------------------------------------

  async addObject(actor: Actor, caseId: string, body: AddObjectBody): Promise<ObjectView> {
    authorize(actor, 'cases.write');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const caseRow = await this.loadCase(trx, caseId);
      const input = { ...body.object };
      const type = typeof input['type'] === 'string' ? input['type'] : '';
      if (!isStixType(type))
        throw invalidStix(['type: required, a STIX type name such as indicator']);
      const markedTlp = tlpOfObject(input);
      const tlp: TlpLevel = body.tlp ?? markedTlp ?? 'amber';
      if (markedTlp && body.tlp && markedTlp !== body.tlp) {
        throw new AppError(
          'conflicting_marking',
          422,
          `The object is marked ${markedTlp} in object_marking_refs but ${body.tlp} was given.`,
        );
      }
      const ours = identityIdOf(this.deps.nodeId);
      if (input['created_by_ref'] !== undefined && input['created_by_ref'] !== ours) {
        throw new AppError(
          'not_our_identity',
          422,
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
      if (await findObject(trx, String(finished['id']))) {
        throw new AppError(
          'object_exists',
          409,
          `The case already holds ${String(finished['id'])}.`,
        );
      }
      await this.checkReferences(trx, caseId, finished);
      const redRecipients = tlp === 'red' ? [...new Set(body.redRecipients)] : [];
      const row = this.rowOf(caseId, finished, tlp, this.deps.nodeId, redRecipients, now);
      await saveObject(trx, row, valuesOf(finished));
      await addVersion(trx, this.versionOf(row, now));
      await updateCaseRow(trx, caseId, { updated_at: now });
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'stix.create',
        entityType: 'stix',
        entityId: row.id,
        details: { case: caseId, type: row.type, tlp },
      });
      this.objectChanged(hooks, caseRow.id, row);
      return row;
    });
    return this.presentObject(this.deps.store.db, row);
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
        throw new AppError('immutable_property', 422, `${fixed} cannot change in a new version.`);
      }
    }
    if ('object_marking_refs' in changes || 'granular_markings' in changes) {
      throw new AppError(
        'marking_change',
        422,
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
    const current = await findObject(this.deps.store.db, objectId);
    if (!current || current.case_id !== caseId || !this.readable(actor, current)) {
      throw notFound('object_not_found', `The case holds no object ${objectId}.`);
    }
    const lowering = tlpRank(body.tlp) < tlpRank(current.tlp);
    if (lowering) {
      authorize(actor, 'cases.declassify');
      if (!body.reason) {
        throw new AppError(
          'reason_required',
          400,
          'Lowering a marking needs a reason (it is audited).',
        );
      }
    }
    return this.newVersion(
      actor,
      caseId,
      objectId,
      (object) => withTlp(object, body.tlp),
      lowering ? 'stix.marking_lowered' : 'stix.marking',
      {
        tlp: body.tlp,
        ...(body.redRecipients ? { redRecipients: body.redRecipients } : {}),
        reason: body.reason,
      },
    );
  }

  /** Deletes one of this node's objects: a tombstone here, and at every peer it went to. */
  async deleteObject(actor: Actor, caseId: string, objectId: string): Promise<void> {
    authorize(actor, 'cases.write');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await findObject(trx, objectId);
      if (!row || row.case_id !== caseId || !this.readable(actor, row)) {
        throw notFound('object_not_found', `The case holds no object ${objectId}.`);
      }
      this.mustBeOrigin(row);
      const peers = await sharesOf(trx, objectId);
      for (const peer of peers) {
        await this.deps.federation.send(trx, hooks, peer, STIX_DELETE_KIND, {
          caseId,
          id: objectId,
          at: iso(now),
        } satisfies StixDeleteMessage);
      }
      await this.tombstone(trx, row, now);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'stix.delete',
        entityType: 'stix',
        entityId: objectId,
        details: { case: caseId, peers },
      });
      this.objectChanged(hooks, caseId, row);
    });
  }

  async objectHistory(actor: Actor, caseId: string, objectId: string) {
    authorize(actor, 'cases.read');
    const db = this.deps.store.db;
    const row = await findObject(db, objectId);
    if (!row || row.case_id !== caseId || !this.readable(actor, row)) {
      throw notFound('object_not_found', `The case holds no object ${objectId}.`);
    }
    const versions = await versionsOf(db, objectId);
    return {
      versions: versions
        .filter((v) =>
          this.readable(actor, { ...row, tlp: v.tlp, red_recipients: v.red_recipients }),
        )
        .map((v) => ({ modified: v.modified, tlp: v.tlp, object: JSON.parse(v.body) as Stix })),
    };
  }

  /** Sends objects of the case to a node of the case, as far as the TLP rules allow. */
  async share(actor: Actor, caseId: string, body: ShareBody): Promise<ShareResult> {
    authorize(actor, 'cases.write');
    const now = this.deps.clock.now();
    const result = await this.deps.store.transaction(async (trx, hooks) => {
      const caseRow = await this.loadCase(trx, caseId);
      const scope = await this.scopeOf(trx, caseRow);
      if (body.peer === this.deps.nodeId || !nodesOfCase(scope).includes(body.peer)) {
        throw new AppError(
          'peer_not_in_case',
          409,
          `${body.peer} is not in this case; the case's owner adds it first (POST …/participants).`,
        );
      }
      const all = (await objectsOfCase(trx, caseId)).filter((o) => this.readable(actor, o));
      let chosen = all;
      if (body.objects) {
        const unknown = body.objects.filter((id) => !all.some((o) => o.id === id));
        if (unknown.length > 0) {
          throw notFound('object_not_found', `The case holds no object ${unknown.join(', ')}.`);
        }
        chosen = all.filter((o) => body.objects?.includes(o.id));
      }
      const sent: string[] = [];
      const withheld: { id: string; reason: string }[] = [];
      if (scope.owner === this.deps.nodeId)
        await this.sendCaseTo(trx, hooks, caseRow, scope, body.peer);
      for (const row of chosen) {
        const verdict = this.sendable(row, scope, body.peer);
        if (!verdict.ok) {
          withheld.push({ id: row.id, reason: verdict.reason });
          continue;
        }
        await this.sendObject(trx, hooks, row, body.peer, now);
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
      this.caseChanged(hooks, caseId);
      return { caseRow, sent, withheld };
    });
    return {
      case: await this.presentCase(this.deps.store.db, actor, result.caseRow),
      sent: result.sent,
      withheld: result.withheld,
    };
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
      const row = await findObject(trx, objectId);
      if (!row || row.case_id !== caseId || !this.readable(actor, row)) {
        throw notFound('object_not_found', `The case holds no object ${objectId}.`);
      }
      if (row.origin_node === this.deps.nodeId) {
        throw new AppError(
          'own_object',
          409,
          'Feedback is for what a peer shared; this object is ours.',
        );
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
      this.objectChanged(hooks, caseId, row);
      return row;
    });
    return this.presentObject(this.deps.store.db, row);
  }

  async search(actor: Actor, query: { q: string; type?: string; limit: number }) {
    authorize(actor, 'cases.read');
    const db = this.deps.store.db;
    const rows = (await searchObjects(db, query.q.toLowerCase(), query.type, query.limit * 4))
      .filter((row) => this.readable(actor, row))
      .slice(0, query.limit);
    return this.withCaseTitles(db, rows);
  }

  /**
   * The search box: the cases whose title or summary hold the words, and the objects that
   * name the text exactly (an address, a hash) or hold its words in their names,
   * descriptions, patterns or notes; only what this user may see, grouped by case.
   */
  async searchAll(actor: Actor, query: { q: string; limit: number }): Promise<GlobalSearchResults> {
    authorize(actor, 'cases.read');
    const db = this.deps.store.db;
    const q = query.q.trim();
    const exact = (await objectsWithValue(db, q.toLowerCase(), query.limit * 4)).filter((row) =>
      this.readable(actor, row),
    );
    const exactIds = new Set(exact.map((row) => row.id));
    const text = (await searchObjects(db, q, undefined, query.limit * 4)).filter(
      (row) => !exactIds.has(row.id) && this.readable(actor, row),
    );
    const hits = [...exact, ...text].slice(0, query.limit);
    const matchingCases = await searchCases(db, q, query.limit);
    const groups = new Map<string, GlobalSearchResults['groups'][number]>();
    const groupOf = async (caseId: string) => {
      let group = groups.get(caseId);
      if (!group) {
        group = {
          caseId,
          caseTitle: (await findCase(db, caseId))?.title ?? '',
          caseMatches: false,
          objects: [],
        };
        groups.set(caseId, group);
      }
      return group;
    };
    for (const row of hits) {
      (await groupOf(row.case_id)).objects.push({
        id: row.id,
        type: row.type,
        label: row.label,
        tlp: row.tlp,
        exact: exactIds.has(row.id),
      });
    }
    for (const row of matchingCases) (await groupOf(row.id)).caseMatches = true;
    return { q, groups: [...groups.values()] };
  }

  private async withCaseTitles(db: Db, rows: StixObjectRow[]) {
    const titles = new Map<string, string>();
    const results = [];
    for (const row of rows) {
      if (!titles.has(row.case_id)) {
        titles.set(row.case_id, (await findCase(db, row.case_id))?.title ?? '');
      }
      results.push({
        caseId: row.case_id,
        caseTitle: titles.get(row.case_id) ?? '',
        object: await this.presentObject(db, row),
      });
    }
    return { results };
  }

  /**
   * "Have we seen 203.0.113.7?": the objects, in every case, that name the value exactly (an
   * observable's value, a hash, a literal of an indicator's pattern), that this user may see.
   */
  async lookup(actor: Actor, query: { value: string; limit: number }) {
    authorize(actor, 'cases.read');
    const db = this.deps.store.db;
    const value = query.value.trim().toLowerCase();
    const rows = (await objectsWithValue(db, value, query.limit * 4))
      .filter((row) => this.readable(actor, row))
      .slice(0, query.limit);
    return { value, ...(await this.withCaseTitles(db, rows)) };
  }

  /**
   * A STIX 2.1 bundle of a case, or of every case, as a stream of text: only what this user
   * may export (never RED), with the identities and markings it uses first. Objects are read
   * in pages, so a case of any size leaves in flat memory.
   */
  async *exportBundle(
    actor: Actor,
    filter: { caseId?: string | undefined; type?: string | undefined },
  ): AsyncGenerator<string> {
    authorize(actor, 'cases.read');
    const db = this.deps.store.db;
    if (filter.caseId !== undefined) await this.loadCase(db, filter.caseId);
    let kinds = db
      .selectFrom('stix_objects')
      .select(['origin_node', 'tlp'])
      .distinct()
      .where('deleted', '=', 0)
      .where('tlp', '!=', 'red');
    if (filter.caseId !== undefined) kinds = kinds.where('case_id', '=', filter.caseId);
    if (filter.type !== undefined) kinds = kinds.where('type', '=', filter.type);
    const used = await kinds.execute();
    const peers = new Map((await listPeerRows(db)).map((peer) => [peer.node_id, peer.name]));
    const head: Stix[] = [
      ...[...new Set(used.map((row) => row.origin_node))].map((node) =>
        nodeIdentity(
          node,
          node === this.deps.nodeId ? this.deps.nodeName : (peers.get(node) ?? node),
        ),
      ),
      ...[...new Set(used.map((row) => row.tlp))].map(markingDefinitionOf),
    ];
    // `objects` opens with the first object: a bundle with nothing in it has none (STIX
    // 2.1 forbids an empty list).
    yield `{"type":"bundle","id":"bundle--${randomUUID()}"`;
    let first = true;
    const lead = () => {
      const text = first ? ',"objects":[' : ',';
      first = false;
      return text;
    };
    for (const object of head) yield `${lead()}${JSON.stringify(object)}`;
    let after = '';
    for (;;) {
      let page = db
        .selectFrom('stix_objects')
        .selectAll()
        .where('deleted', '=', 0)
        .where('id', '>', after);
      if (filter.caseId !== undefined) page = page.where('case_id', '=', filter.caseId);
      if (filter.type !== undefined) page = page.where('type', '=', filter.type);
      const rows = await page.orderBy('id').limit(1000).execute();
      if (rows.length === 0) break;
      let text = '';
      for (const row of rows) {
        if (!this.exportable(actor, row) || row.body === null) continue;
        text += `${lead()}${row.body}`;
      }
      if (text !== '') yield text;
      after = rows[rows.length - 1]?.id ?? after;
    }
    yield first ? '}' : ']}';
  }

  async report(actor: Actor, query: PeriodQuery): Promise<CaseReport> {
    authorize(actor, 'cases.read');
    const db = this.deps.store.db;
    const from = query.from ? Date.parse(query.from) : -Infinity;
    const to = query.to ? Date.parse(query.to) : Infinity;
    const within = (ms: number) => ms >= from && ms < to;
    const cases = await listCaseRows(db, {});
    const peers = query.peer
      ? [query.peer]
      : (await listPeerRows(db)).filter((p) => p.status !== 'removed').map((p) => p.node_id);
    const out: CaseReport['peers'] = [];
    for (const peer of peers) {
      const entry = {
        peer,
        casesOpened: 0,
        casesShared: 0,
        casesWithActivity: 0,
        requestsLinked: 0,
        feedbackReceived: 0,
      };
      for (const row of cases) {
        const participants = await db
          .selectFrom('case_participants')
          .selectAll()
          .where('case_id', '=', row.id)
          .execute();
        const nodes = [row.owner_node, ...participants.map((p) => p.node_id)];
        if (!nodes.includes(peer)) continue;
        if (within(Number(row.created_at))) entry.casesOpened += 1;
        const sharedAt =
          row.owner_node === peer
            ? participants.find((p) => p.node_id === this.deps.nodeId)?.added_at
            : participants.find((p) => p.node_id === peer)?.added_at;
        if (sharedAt !== undefined && within(Number(sharedAt))) entry.casesShared += 1;
        const active = await db
          .selectFrom('stix_objects')
          .select('id')
          .where('case_id', '=', row.id)
          .where('updated_at', '>=', Number.isFinite(from) ? from : 0)
          .where('updated_at', '<', Number.isFinite(to) ? to : Number.MAX_SAFE_INTEGER)
          .executeTakeFirst();
        if (active) entry.casesWithActivity += 1;
        const links = await db
          .selectFrom('case_links')
          .select('created_at')
          .where('case_id', '=', row.id)
          .where('kind', '=', 'request')
          .execute();
        entry.requestsLinked += links.filter((l) => within(Number(l.created_at))).length;
      }
      const feedback = await db
        .selectFrom('stix_feedback')
        .select('at')
        .where('node_id', '=', peer)
        .execute();
      entry.feedbackReceived = feedback.filter((f) => within(Number(f.at))).length;
      out.push(entry);
    }
    return { from: query.from ?? null, to: query.to ?? null, peers: out };
  }

  // ---- federation ---------------------------------------------------------------------------

  async caseReceived(
    trx: Db,
    hooks: TxHooks,
    sender: string,
    body: CaseShareMessage,
  ): Promise<void> {
    const message = body.case;
    if (message.owner !== sender) {
      throw new AppError(
        'not_case_owner',
        403,
        `Only ${message.owner} shares its case ${message.id}.`,
      );
    }
    const now = this.deps.clock.now();
    const existing = await findCase(trx, message.id);
    if (existing && existing.owner_node !== sender) {
      throw new AppError(
        'not_case_owner',
        403,
        `Case ${message.id} belongs to ${existing.owner_node}.`,
      );
    }
    const row: CaseRow = {
      id: message.id,
      owner_node: sender,
      title: message.title,
      summary: message.summary,
      kind: message.kind,
      priority: message.priority,
      status: message.status,
      priority_case: message.priorityCase ? 1 : 0,
      created_at: existing ? Number(existing.created_at) : now,
      updated_at: now,
    };
    if (existing) await updateCaseRow(trx, row.id, row);
    else await trx.insertInto('cases').values(row).execute();
    await setParticipants(trx, row.id, message.participants, now);
    await appendAudit(trx, {
      actor: { kind: 'peer', nodeId: sender },
      at: now,
      action: existing ? 'case.receive_update' : 'case.receive',
      entityType: 'case',
      entityId: row.id,
      details: { participants: message.participants },
    });
    this.caseChanged(hooks, row.id);
  }

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
      throw new AppError(
        'tlp_violation',
        403,
        'The message marking and the object marking differ.',
      );
    }
    const id = String(object['id']);
    const origin = (await this.nodeOfIdentity(trx, object['created_by_ref'])) ?? sender;
    const marked: Marked = { tlp: body.tlp, origin, redRecipients: body.redRecipients };
    const scope = await this.scopeOf(trx, caseRow);
    if (!mayAccept(marked, scope, sender, this.deps.nodeId)) {
      throw new AppError(
        'tlp_violation',
        403,
        `${sender} may not send ${id} (${body.tlp}) to ${this.deps.nodeId} under TLP 2.0.`,
      );
    }
    const existing = await findObject(trx, id);
    if (existing && (existing.deleted === 1 || existing.case_id !== body.caseId)) return;
    if (existing && !isLater(object['modified'], existing.modified)) return;
    const now = this.deps.clock.now();
    await this.checkReferences(trx, body.caseId, object, true);
    const row = this.rowOf(body.caseId, object, body.tlp, origin, body.redRecipients, now);
    await saveObject(trx, row, valuesOf(object));
    await addVersion(trx, this.versionOf(row, now));
    await updateCaseRow(trx, body.caseId, { updated_at: now });
    await appendAudit(trx, {
      actor: { kind: 'peer', nodeId: sender },
      at: now,
      action: existing ? 'stix.receive_version' : 'stix.receive',
      entityType: 'stix',
      entityId: id,
      details: { case: body.caseId, tlp: body.tlp },
    });
    this.objectChanged(hooks, body.caseId, row);
  }

  async objectDeletedByPeer(
    trx: Db,
    hooks: TxHooks,
    sender: string,
    body: StixDeleteMessage,
  ): Promise<void> {
    const now = this.deps.clock.now();
    const row = await findObject(trx, body.id);
    if (row && row.origin_node !== sender) {
      throw new AppError('not_origin', 403, `${sender} did not write ${body.id}.`);
    }
    if (row) {
      await this.tombstone(trx, row, now);
      this.objectChanged(hooks, row.case_id, row);
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
    this.objectChanged(hooks, row.case_id, row);
  }

  // ---- internals ------------------------------------------------------------------------------

  private async newVersion(
    actor: Actor,
    caseId: string,
    objectId: string,
    change: (object: Stix) => Stix,
    action: string,
    marking?: { tlp: TlpLevel; redRecipients?: string[]; reason: string },
  ): Promise<ObjectView> {
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const current = await findObject(trx, objectId);
      if (!current || current.case_id !== caseId || !this.readable(actor, current)) {
        throw notFound('object_not_found', `The case holds no object ${objectId}.`);
      }
      this.mustBeOrigin(current);
      if (!SDO_SRO_TYPES.has(current.type)) {
        throw new AppError(
          'not_versioned',
          422,
          `${current.type} objects have no versions in STIX 2.1; add a new object instead.`,
        );
      }
      if (current.revoked === 1) {
        throw new AppError(
          'object_revoked',
          409,
          'A revoked object has no later versions; add a new object instead.',
        );
      }
      const before = JSON.parse(current.body ?? '{}') as Stix;
      const next = change({
        ...before,
        modified: nextModified(
          typeof before['modified'] === 'string' ? before['modified'] : '',
          now,
        ),
      });
      assertValidStix(next, parseAnyStixObject);
      await this.checkReferences(trx, caseId, next);
      const tlp = marking?.tlp ?? current.tlp;
      const red =
        tlp === 'red'
          ? (marking?.redRecipients ?? (JSON.parse(current.red_recipients) as string[]))
          : [];
      const row = this.rowOf(caseId, next, tlp, current.origin_node, red, now);
      await saveObject(trx, row, valuesOf(next));
      await addVersion(trx, this.versionOf(row, now));
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
      this.objectChanged(hooks, caseId, row);
      return row;
    });
    return this.presentObject(this.deps.store.db, row);
  }

  /** A new version goes to every peer that had the object and may still have it; the others get a deletion. */
  private async propagate(
    trx: Db,
    hooks: TxHooks,
    caseId: string,
    row: StixObjectRow,
    now: number,
  ): Promise<void> {
    const caseRow = await this.loadCase(trx, caseId);
    const scope = await this.scopeOf(trx, caseRow);
    for (const peer of await sharesOf(trx, row.id)) {
      if (this.sendable(row, scope, peer).ok) {
        await this.sendObject(trx, hooks, row, peer, now);
      } else {
        await this.deps.federation.send(trx, hooks, peer, STIX_DELETE_KIND, {
          caseId,
          id: row.id,
          at: iso(now),
        } satisfies StixDeleteMessage);
        await trx
          .deleteFrom('stix_shares')
          .where('object_id', '=', row.id)
          .where('peer_id', '=', peer)
          .execute();
      }
    }
  }

  private async sendObject(
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
    await trx
      .deleteFrom('stix_shares')
      .where('object_id', '=', row.id)
      .where('peer_id', '=', peer)
      .execute();
    await trx
      .insertInto('stix_shares')
      .values({ object_id: row.id, peer_id: peer, shared_at: now })
      .execute();
  }

  private async sendCase(trx: Db, hooks: TxHooks, row: CaseRow): Promise<void> {
    const scope = await this.scopeOf(trx, row);
    for (const node of nodesOfCase(scope)) {
      if (node !== this.deps.nodeId) await this.sendCaseTo(trx, hooks, row, scope, node);
    }
  }

  private async sendCaseTo(
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

  private async tombstone(trx: Db, row: StixObjectRow, now: number): Promise<void> {
    await saveObject(trx, {
      ...row,
      deleted: 1,
      body: null,
      label: '',
      search: '',
      updated_at: now,
    });
    await trx.deleteFrom('stix_versions').where('id', '=', row.id).execute();
    await trx.deleteFrom('stix_shares').where('object_id', '=', row.id).execute();
  }

  /** Every object a new object refers to must be in the case (or be a node identity or marking). */
  private async checkReferences(
    trx: Db,
    caseId: string,
    object: Stix,
    received = false,
  ): Promise<void> {
    const missing: string[] = [];
    for (const ref of referencesOf(object)) {
      if (ref.startsWith('marking-definition--')) continue;
      if (ref.startsWith('identity--') && (await this.nodeOfIdentity(trx, ref))) continue;
      const target = await findObject(trx, ref);
      if (!target || target.deleted === 1 || target.case_id !== caseId) missing.push(ref);
    }
    if (missing.length > 0 && !received) {
      throw new AppError(
        'unknown_reference',
        422,
        `The object refers to ${missing.join(', ')}, which the case does not hold.`,
        {},
        { missing },
      );
    }
  }

  /** The node whose STIX identity `ref` is (this node or a peer), if any. */
  private async nodeOfIdentity(db: Db, ref: unknown): Promise<string | undefined> {
    if (typeof ref !== 'string') return undefined;
    if (ref === identityIdOf(this.deps.nodeId)) return this.deps.nodeId;
    for (const peer of await listPeerRows(db)) {
      if (identityIdOf(peer.node_id) === ref) return peer.node_id;
    }
    return undefined;
  }

  private rowOf(
    caseId: string,
    object: Stix,
    tlp: TlpLevel,
    origin: string,
    redRecipients: readonly string[],
    now: number,
  ): StixObjectRow {
    return {
      id: String(object['id']),
      case_id: caseId,
      type: String(object['type']),
      origin_node: origin,
      tlp,
      red_recipients: JSON.stringify(redRecipients),
      revoked: object['revoked'] === true ? 1 : 0,
      deleted: 0,
      modified: typeof object['modified'] === 'string' ? object['modified'] : null,
      label: labelOf(object),
      search: searchTextOf(object),
      body: JSON.stringify(object),
      updated_at: now,
    };
  }

  private versionOf(row: StixObjectRow, now: number): NewVersion {
    return {
      id: row.id,
      case_id: row.case_id,
      type: row.type,
      modified: row.modified,
      tlp: row.tlp,
      red_recipients: row.red_recipients,
      body: row.body ?? '{}',
      recorded_at: now,
    };
  }

  private async scopeOf(db: Db, row: CaseRow): Promise<CaseNodes> {
    return { owner: row.owner_node, participants: await participantsOf(db, row.id) };
  }

  private async loadCase(db: Db, id: string): Promise<CaseRow> {
    const row = await findCase(db, id);
    if (!row) throw notFound('case_not_found', `No case has the id ${id}.`);
    return row;
  }

  private mustOwn(row: CaseRow): void {
    if (row.owner_node !== this.deps.nodeId) {
      throw forbidden(
        `Only ${row.owner_node}, which opened the case, changes it or adds participants.`,
      );
    }
  }

  private mustBeOrigin(row: StixObjectRow): void {
    if (row.origin_node !== this.deps.nodeId) {
      throw new AppError(
        'not_origin',
        403,
        `${row.origin_node} wrote this object; only it makes new versions, revokes or deletes it.`,
      );
    }
  }

  private async presentCase(db: Db, actor: Actor, row: CaseRow): Promise<CaseView> {
    const objects = (await objectsOfCase(db, row.id)).filter((o) => this.readable(actor, o));
    return {
      id: row.id,
      owner: row.owner_node,
      title: row.title,
      summary: row.summary,
      kind: row.kind as CaseView['kind'],
      priority: row.priority as CaseView['priority'],
      status: row.status as CaseView['status'],
      priorityCase: row.priority_case === 1,
      participants: (await participantsOf(db, row.id)).filter((n) => n !== row.owner_node),
      links: (await linksOf(db, row.id)).map((l) => ({ kind: l.kind, refId: l.ref_id })),
      objectCount: objects.length,
      createdAt: iso(Number(row.created_at)),
      updatedAt: iso(Number(row.updated_at)),
    };
  }

  private async presentObject(db: Db, row: StixObjectRow): Promise<ObjectView> {
    const object = JSON.parse(row.body ?? '{}') as Stix;
    return {
      id: row.id,
      type: row.type,
      caseId: row.case_id,
      tlp: row.tlp,
      origin: row.origin_node,
      redRecipients: JSON.parse(row.red_recipients) as string[],
      revoked: row.revoked === 1,
      created: typeof object['created'] === 'string' ? object['created'] : null,
      modified: row.modified,
      label: row.label,
      object,
      sharedWith: await sharesOf(db, row.id),
      feedback: (await feedbackOf(db, row.id)).map((f) => ({
        node: f.node_id,
        use: f.use as ObjectView['feedback'][number]['use'],
        note: f.note,
        by: f.actor,
        at: iso(Number(f.at)),
      })),
    };
  }

  private caseChanged(hooks: TxHooks, caseId: string): void {
    hooks.afterCommit(() => this.deps.bus.publish('case.changed', { caseId }, { roles: ROLES }));
  }

  /** Live: only the roles the object's marking lets see it are told (the id only). */
  private objectChanged(hooks: TxHooks, caseId: string, row: StixObjectRow): void {
    const audience = this.audienceOf(row);
    hooks.afterCommit(() =>
      this.deps.bus.publish('case.object', { caseId, objectId: row.id }, audience),
    );
  }
}

function isLater(incoming: unknown, current: string | null): boolean {
  if (typeof incoming !== 'string') return false;
  if (current === null) return true;
  return Date.parse(incoming) > Date.parse(current);
}

/** 422 invalid_stix with every problem, named by property (core/stix/schemas.ts). */
function invalidStix(errors: string[]): AppError {
  return new AppError(
    'invalid_stix',
    422,
    `Not a valid STIX 2.1 object: ${errors.join('; ')}`,
    {},
    { errors },
  );
}

function assertValidStix(object: Stix, parse = parseStixObject): void {
  const parsed = parse(object);
  if (!parsed.ok) throw invalidStix(parsed.errors);
}
