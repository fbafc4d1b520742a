import { randomUUID } from 'node:crypto';
import type {
  CaseDetail,
  CaseLink,
  CaseObjectsQuery,
  CaseReport,
  CaseShareMessage,
  CaseView,
  CreateCaseBody,
  ObjectPage,
  UpdateCaseBody,
} from '../../../core/schemas/cases.js';
import type { PeriodQuery } from '../../../core/schemas/pings.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { forbidden, notFound } from '../../errors.js';
import { findPeer, listPeerRows } from '../../federation/peers.js';
import type { Db, TxHooks } from '../../store/database.js';
import {
  addLink,
  caseActiveBetween,
  feedbackTimesOf,
  findCase,
  hasLink,
  insertCase,
  linkTargetExists,
  listCaseRows,
  participantRowsOf,
  participantsOf,
  requestLinkTimes,
  setParticipants,
  updateCaseRow,
} from './cases.repository.js';
import {
  decodeCaseCursor,
  decodeObjectCursor,
  encodeCaseCursor,
  encodeObjectCursor,
} from './cases.cursors.js';
import type { CaseSupport } from './cases.support.js';
import type { CaseFlow } from './flow.service.js';
import { objectsPage } from './members.repository.js';
import type { CaseRow } from './cases.table.js';

type CaseQuery = {
  status?: string | undefined;
  priorityCase?: 'true' | 'false' | undefined;
  limit: number;
  cursor?: string | undefined;
};

/**
 * Cases: opening, changing and linking them, who is in them, the status report, and a
 * case as its owner shares it. Their objects are objects.service.ts; sending them,
 * sharing.service.ts; finding them, search.service.ts.
 */
export class CasesService {
  constructor(
    private readonly support: CaseSupport,
    private readonly flow: CaseFlow,
  ) {}

  private get deps() {
    return this.support.deps;
  }

  /** A page of cases, most recently changed first, with what each holds for this reader. */
  async list(actor: Actor, query: CaseQuery): Promise<{ cases: CaseView[]; next: string | null }> {
    authorize(actor, 'cases.read');
    const db = this.deps.store.db;
    const after = query.cursor === undefined ? undefined : decodeCaseCursor(query.cursor);
    const rows = await listCaseRows(db, {
      status: query.status,
      priorityCase: query.priorityCase === undefined ? undefined : query.priorityCase === 'true',
      after,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      cases: await this.support.caseViews(db, actor, page),
      next: rows.length > query.limit && last ? encodeCaseCursor(last) : null,
    };
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
      auto_share: body.autoShare ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    await this.deps.store.transaction(async (trx, hooks) => {
      await insertCase(trx, row);
      await this.support.indexCase(trx, row);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'case.create',
        entityType: 'case',
        entityId: row.id,
        after: { title: row.title, kind: row.kind, priority: row.priority },
      });
      this.support.caseChanged(hooks, row.id);
    });
    return this.support.caseView(this.deps.store.db, actor, row);
  }

  /** A case with the first page of the objects this user may see (the query shapes it). */
  async get(actor: Actor, id: string, query: CaseObjectsQuery): Promise<CaseDetail> {
    authorize(actor, 'cases.read');
    const db = this.deps.store.db;
    const row = await this.support.loadCase(db, id);
    const page = await this.objects(actor, id, query);
    return {
      ...(await this.support.caseView(db, actor, row)),
      objects: page.objects,
      objectsNext: page.next,
    };
  }

  /** A page of a case's objects this user may see, filtered and sorted, after a cursor. */
  async objects(actor: Actor, id: string, query: CaseObjectsQuery): Promise<ObjectPage> {
    authorize(actor, 'cases.read');
    const db = this.deps.store.db;
    await this.support.loadCase(db, id);
    const cursor = query.cursor === undefined ? null : decodeObjectCursor(query.cursor, query.sort);
    const { rows, cursors } = await objectsPage(db, id, this.support.sight(actor), {
      filter: { type: query.type, tlp: query.tlp, q: query.q, shared: query.shared },
      sort: query.sort,
      cursor,
      limit: query.limit,
    });
    const page = rows.slice(0, query.limit);
    const last = cursors[page.length - 1];
    return {
      objects: await this.support.objectViews(db, page),
      next: rows.length > query.limit && last ? encodeObjectCursor(query.sort, last) : null,
    };
  }

  /** The owner changes a case; the participants get the new version. */
  async update(actor: Actor, id: string, body: UpdateCaseBody): Promise<CaseView> {
    authorize(actor, 'cases.write');
    const now = this.deps.clock.now();
    // Automatic sharing is each node's own setting; everything else is the owner's.
    const localOnly = Object.keys(body).every((key) => key === 'autoShare');
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.support.loadCase(trx, id);
      if (!localOnly) this.support.mustOwn(row);
      const changes = {
        ...(body.title !== undefined ? { title: body.title } : {}),
        ...(body.summary !== undefined ? { summary: body.summary } : {}),
        ...(body.kind !== undefined ? { kind: body.kind } : {}),
        ...(body.priority !== undefined ? { priority: body.priority } : {}),
        ...(body.status !== undefined ? { status: body.status } : {}),
        ...(body.priorityCase !== undefined ? { priority_case: body.priorityCase ? 1 : 0 } : {}),
        ...(body.autoShare !== undefined ? { auto_share: body.autoShare ? 1 : 0 } : {}),
        updated_at: now,
      };
      await updateCaseRow(trx, id, changes);
      const updated = { ...row, ...changes };
      await this.support.indexCase(trx, updated);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'case.update',
        entityType: 'case',
        entityId: id,
        before: row,
        after: updated,
      });
      if (!localOnly) await this.support.sendCase(trx, hooks, updated);
      if (body.autoShare === true && row.auto_share !== 1) {
        await this.flow.caseToAll(trx, hooks, updated, now);
      }
      this.support.caseChanged(hooks, id);
      return updated;
    });
    return this.support.caseView(this.deps.store.db, actor, row);
  }

  /** The owner adds a peer to the case: every node of the case learns who is in it. */
  async addParticipant(actor: Actor, id: string, peerId: string): Promise<CaseView> {
    authorize(actor, 'cases.write');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.support.loadCase(trx, id);
      this.support.mustOwn(row);
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
        await this.support.sendCase(trx, hooks, { ...row, updated_at: now });
        await this.flow.caseTo(trx, hooks, row, peerId, now);
        this.support.caseChanged(hooks, id);
      }
      return { ...row, updated_at: now };
    });
    return this.support.caseView(this.deps.store.db, actor, row);
  }

  async link(actor: Actor, id: string, link: CaseLink): Promise<CaseView> {
    authorize(actor, 'cases.write');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.support.loadCase(trx, id);
      if (!(await linkTargetExists(trx, link))) {
        throw notFound(`${link.kind}_not_found`, `No ${link.kind} has the id ${link.refId}.`);
      }
      if (!(await hasLink(trx, id, link))) {
        await addLink(trx, { case_id: id, kind: link.kind, ref_id: link.refId, created_at: now });
        await updateCaseRow(trx, id, { updated_at: now });
        await appendAudit(trx, {
          actor,
          at: now,
          action: 'case.link',
          entityType: 'case',
          entityId: id,
          details: link,
        });
        this.support.caseChanged(hooks, id);
      }
      return row;
    });
    return this.support.caseView(this.deps.store.db, actor, row);
  }

  /** Per peer: the cases opened, shared and active in the period, requests linked, feedback. */
  async report(actor: Actor, query: PeriodQuery): Promise<CaseReport> {
    authorize(actor, 'cases.read');
    const db = this.deps.store.db;
    const from = query.from ? Date.parse(query.from) : -Infinity;
    const to = query.to ? Date.parse(query.to) : Infinity;
    const within = (ms: number) => ms >= from && ms < to;
    // Exercise cases are never counted in the real report.
    const cases = (await listCaseRows(db, {})).filter((row) => !row.exercise_id);
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
      for (const row of cases) await this.countCase(db, entry, row, { from, to, within });
      entry.feedbackReceived = (await feedbackTimesOf(db, peer)).filter(within).length;
      out.push(entry);
    }
    return { from: query.from ?? null, to: query.to ?? null, peers: out };
  }

  /** What one case adds to a peer's line of the report, if the peer is in it. */
  private async countCase(
    db: Db,
    entry: CaseReport['peers'][number],
    row: CaseRow,
    period: { from: number; to: number; within: (ms: number) => boolean },
  ): Promise<void> {
    const { peer } = entry;
    const { from, to, within } = period;
    const participants = await participantRowsOf(db, row.id);
    const nodes = [row.owner_node, ...participants.map((p) => p.node_id)];
    if (!nodes.includes(peer)) return;
    if (within(Number(row.created_at))) entry.casesOpened += 1;
    const sharedAt =
      row.owner_node === peer
        ? participants.find((p) => p.node_id === this.deps.nodeId)?.added_at
        : participants.find((p) => p.node_id === peer)?.added_at;
    if (sharedAt !== undefined && within(Number(sharedAt))) entry.casesShared += 1;
    const active = await caseActiveBetween(
      db,
      row.id,
      Number.isFinite(from) ? from : 0,
      Number.isFinite(to) ? to : Number.MAX_SAFE_INTEGER,
    );
    if (active) entry.casesWithActivity += 1;
    entry.requestsLinked += (await requestLinkTimes(db, row.id)).filter(within).length;
  }

  // ---- federation ---------------------------------------------------------------------------

  /** A case as its owner shares it: created or brought up to date here. */
  async caseReceived(
    trx: Db,
    hooks: TxHooks,
    sender: string,
    body: CaseShareMessage,
  ): Promise<void> {
    const message = body.case;
    if (message.owner !== sender) {
      throw forbidden(`Only ${message.owner} shares its case ${message.id}.`, 'not_case_owner');
    }
    const now = this.deps.clock.now();
    const existing = await findCase(trx, message.id);
    if (existing && existing.owner_node !== sender) {
      throw forbidden(`Case ${message.id} belongs to ${existing.owner_node}.`, 'not_case_owner');
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
      auto_share: existing?.auto_share ?? 1,
      created_at: existing ? Number(existing.created_at) : now,
      updated_at: now,
      exercise_id: existing ? (existing.exercise_id ?? null) : (message.exerciseId ?? null),
    };
    if (existing) await updateCaseRow(trx, row.id, row);
    else await insertCase(trx, row);
    await this.support.indexCase(trx, row);
    const before = new Set(existing ? await participantsOf(trx, row.id) : []);
    await setParticipants(trx, row.id, message.participants, now);
    // A node that joined gets what this node holds of the case, as TLP allows.
    for (const node of message.participants) {
      if (!before.has(node)) await this.flow.caseTo(trx, hooks, row, node, now);
    }
    await appendAudit(trx, {
      actor: { kind: 'peer', nodeId: sender },
      at: now,
      action: existing ? 'case.receive_update' : 'case.receive',
      entityType: 'case',
      entityId: row.id,
      details: { participants: message.participants },
    });
    this.support.caseChanged(hooks, row.id);
  }
}
