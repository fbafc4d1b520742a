import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from 'pino';
import { DEFAULT_ARRANGEMENT } from '../../../core/arrangements.js';
import { addClock, dueSoonAt } from '../../../core/deadlines.js';
import {
  checkMove,
  foldRequest,
  MOVES,
  missingFields,
  startsPreservation,
  type RequestAction,
  type RequestFields,
  type Side,
} from '../../../core/requests.js';
import { ArrangementTerms } from '../../../core/schemas/arrangements.js';
import {
  MAX_ATTACHMENT_BYTES,
  REQUEST_EVENT_KIND,
  type AttachmentUpload,
  type AttachmentView,
  type CreateRequestBody,
  type MoveBody,
  type RequestDetail,
  type RequestFigures,
  type RequestEventMessage,
  type RequestEventView,
  type RequestQuery,
  type RequestView,
  type UpdateDraftBody,
} from '../../../core/schemas/requests.js';
import { actorUserId, authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { iso, isoOrNull } from '../../clock.js';
import { AppError, notFound } from '../../errors.js';
import type { PeerRow } from '../../federation/federation.table.js';
import { findPeer } from '../../federation/peers.js';
import type { Db, TxHooks } from '../../store/database.js';
import type { PeriodQuery } from '../../../core/schemas/pings.js';
import { requestFigures } from './requests.figures.js';
import type { TimerWorker } from '../../timers/timers.js';
import { findArrangement, termsInForce } from '../arrangements/public.js';
import {
  findAttachment,
  findEvent,
  findRequest,
  insertAttachment,
  insertEvent,
  insertRequest,
  listAttachmentMeta,
  listEvents,
  listRequests,
  setEventsApplied,
  updateRequest,
} from './requests.repository.js';
import type { RequestAttachmentRow, RequestEventRow, RequestRow } from './requests.table.js';
import { displayNameOf, type FeatureDeps } from '../feature-deps.js';

const EVERYONE = ['admin', 'officer', 'analyst', 'controller', 'observer'] as const;
export const DEADLINE_TIMER = 'requests.deadline';
export const PRESERVATION_TIMER = 'requests.preservation';

const DeadlinePayload = z.object({
  requestId: z.string(),
  deadline: z.enum(['acknowledge', 'respond']),
  alert: z.enum(['due_soon', 'overdue']),
});
const PreservationPayload = z.object({ requestId: z.string() });
type Deadline = z.infer<typeof DeadlinePayload>['deadline'];
type Alert = z.infer<typeof DeadlinePayload>['alert'];

function deadlineView(
  start: number | null,
  due: number | null,
  percent: number | null,
  metAt: number | null,
  now: number,
): RequestView['acknowledge'] {
  if (start === null || due === null) return null;
  const soon = dueSoonAt(start, due, percent ?? 75);
  const state =
    metAt !== null
      ? metAt <= due
        ? 'met'
        : 'missed'
      : now >= due
        ? 'overdue'
        : now >= soon
          ? 'due_soon'
          : 'pending';
  return { dueAt: iso(due), dueSoonAt: iso(soon), state, metAt: isoOrNull(metAt) };
}

function num(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Requests for assistance (DESIGN.md): drafts checked against the arrangement in force,
 * deadlines computed from it when sent, a lifecycle both sides move (each only its own
 * moves), a thread of messages and attachments. Every event is audited and travels to the
 * peer in the transaction that makes it.
 */
/** Runs in the timer's transaction when a deadline of our request passes and the terms say `hotline`. */
export type OverdueHook = (
  trx: Db,
  hooks: TxHooks,
  request: RequestRow,
  deadline: Deadline,
) => Promise<void>;

export class RequestsService {
  private readonly overdueHooks: OverdueHook[] = [];

  constructor(
    private readonly deps: FeatureDeps & { timers: TimerWorker; timeZone: string; log: Logger },
  ) {
    deps.timers.define(DEADLINE_TIMER, DeadlinePayload, (trx, payload, _timer, hooks) =>
      this.deadlineFired(trx, hooks, payload),
    );
    deps.timers.define(PRESERVATION_TIMER, PreservationPayload, (trx, payload, _timer, hooks) =>
      this.preservationFired(trx, hooks, payload.requestId),
    );
  }

  /** The hotline raises overdue requests whose arrangement says so. */
  onOverdue(hook: OverdueHook): void {
    this.overdueHooks.push(hook);
  }

  // ---- reading -------------------------------------------------------------------------

  async list(actor: Actor, query: RequestQuery): Promise<RequestView[]> {
    authorize(actor, 'requests.read');
    const now = this.deps.clock.now();
    const rows = await listRequests(this.deps.store.db, query);
    return Promise.all(rows.map((row) => this.present(this.deps.store.db, row, now)));
  }

  async get(actor: Actor, id: string): Promise<RequestDetail> {
    authorize(actor, 'requests.read');
    const db = this.deps.store.db;
    const row = await this.load(db, id);
    const view = await this.present(db, row, this.deps.clock.now());
    const attachments = new Map(
      (await listAttachmentMeta(db, id)).map((a) => [
        a.id,
        {
          id: a.id,
          name: a.name,
          mediaType: a.media_type,
          size: Number(a.size),
          sha256: a.sha256,
        } satisfies AttachmentView,
      ]),
    );
    const timeline = (await listEvents(db, id)).map((event) =>
      this.presentEvent(row, event, attachments),
    );
    return { ...view, timeline };
  }

  async attachment(actor: Actor, requestId: string, id: string): Promise<RequestAttachmentRow> {
    authorize(actor, 'requests.read');
    const row = await findAttachment(this.deps.store.db, requestId, id);
    if (!row)
      throw notFound('attachment_not_found', `Request ${requestId} has no attachment ${id}.`);
    return row;
  }

  async figures(actor: Actor, query: PeriodQuery): Promise<RequestFigures> {
    authorize(actor, 'requests.read');
    return requestFigures(this.deps.store.db, query, this.deps.clock.now());
  }

  // ---- drafting ------------------------------------------------------------------------

  async create(actor: Actor, body: CreateRequestBody): Promise<RequestDetail> {
    authorize(actor, 'requests.draft');
    const now = this.deps.clock.now();
    const id = randomUUID();
    await this.deps.store.transaction(async (trx, hooks) => {
      const peer = await findPeer(trx, body.peer);
      if (!peer || peer.status === 'removed')
        throw notFound('peer_not_found', `No peer has the node id ${body.peer}.`);
      const row: RequestRow = {
        id,
        peer_id: body.peer,
        direction: 'out',
        reference: `${this.deps.nodeId.toUpperCase()}-${new Date(now).getUTCFullYear()}-${id.slice(0, 8).toUpperCase()}`,
        type: body.type,
        urgency: body.urgency,
        title: body.title,
        fields: JSON.stringify(clean(body.fields)),
        status: 'draft',
        preservation: null,
        preserved_until: null,
        arrangement_version: null,
        terms_hash: null,
        due_soon_percent: null,
        requester_time_zone: this.deps.timeZone,
        responder_time_zone: peer.time_zone,
        sent_at: null,
        due_ack_at: null,
        due_respond_at: null,
        acknowledged_at: null,
        closed_at: null,
        ack_alert: null,
        respond_alert: null,
        send_refusals: 0,
        created_by: actorUserId(actor) ?? null,
        created_at: now,
        updated_at: now,
      };
      await insertRequest(trx, row);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'request.draft',
        entityType: 'request',
        entityId: id,
        after: row,
      });
      this.publish(hooks, id);
    });
    return this.get(actor, id);
  }

  async updateDraft(actor: Actor, id: string, body: UpdateDraftBody): Promise<RequestDetail> {
    authorize(actor, 'requests.draft');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.load(trx, id);
      if (row.direction !== 'out' || row.status !== 'draft') {
        throw new AppError(
          'not_a_draft',
          409,
          `Request ${row.reference} is ${row.status}; only drafts of this node can be edited.`,
        );
      }
      const fields = clean({
        ...(JSON.parse(row.fields) as RequestFields),
        ...(body.fields ?? {}),
      });
      const changes = {
        fields: JSON.stringify(fields),
        ...(body.title ? { title: body.title } : {}),
        ...(body.urgency ? { urgency: body.urgency } : {}),
        updated_at: now,
      };
      await updateRequest(trx, id, changes);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'request.edit_draft',
        entityType: 'request',
        entityId: id,
        before: row,
        after: { ...row, ...changes },
      });
      this.publish(hooks, id);
    });
    return this.get(actor, id);
  }

  /**
   * Sends a draft: refused, listing what is missing, until every field the arrangement in
   * force requires for its type is filled. Deadlines are computed now, from that
   * arrangement, counting days in the responder's time zone.
   */
  async send(actor: Actor, id: string): Promise<RequestDetail> {
    authorize(actor, 'requests.draft');
    try {
      await this.sendDraft(actor, id);
    } catch (error) {
      // The refusal is counted (the figures report requests sent complete the first time).
      if (error instanceof AppError && error.code === 'request_incomplete') {
        await this.deps.store.transaction(async (trx) => {
          const row = await this.load(trx, id);
          await updateRequest(trx, id, { send_refusals: Number(row.send_refusals) + 1 });
          await appendAudit(trx, {
            actor,
            at: this.deps.clock.now(),
            action: 'request.send_refused',
            entityType: 'request',
            entityId: id,
            details: { missing: error.extra['missing'] },
          });
        });
      }
      throw error;
    }
    return this.get(actor, id);
  }

  private async sendDraft(actor: Actor, id: string): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.load(trx, id);
      if (row.direction !== 'out' || row.status !== 'draft') {
        throw new AppError(
          'not_a_draft',
          409,
          `Request ${row.reference} is already ${row.status}.`,
        );
      }
      const peer = await findPeer(trx, row.peer_id);
      if (!peer || peer.status !== 'active') {
        throw new AppError(
          'peer_not_active',
          409,
          `${row.peer_id} is not an active peer; the request cannot be sent.`,
        );
      }
      const inForce = await termsInForce(trx, row.peer_id);
      const typeTerms = inForce.terms.requestTypes[row.type];
      if (!typeTerms?.allowed) {
        throw new AppError(
          'type_not_allowed',
          422,
          `The arrangement with ${row.peer_id} (version ${inForce.version}) does not allow ${row.type} requests.`,
        );
      }
      const clocks = typeTerms.deadlines[row.urgency];
      if (!clocks) {
        const allowed = Object.keys(typeTerms.deadlines).join(', ');
        throw new AppError(
          'urgency_not_allowed',
          422,
          `The arrangement sets no deadlines for ${row.urgency} ${row.type} requests; use ${allowed}.`,
        );
      }
      const fields = JSON.parse(row.fields) as RequestFields;
      const missing = missingFields(typeTerms.requiredFields, fields);
      if (missing.length > 0) {
        throw new AppError(
          'request_incomplete',
          422,
          `The arrangement requires these fields for a ${row.type} request: ${missing.join(', ')}.`,
          {},
          { missing },
        );
      }
      const dueAck = addClock(now, clocks.acknowledge, peer.time_zone);
      const dueRespond = addClock(now, clocks.respond, peer.time_zone);
      const sent: Partial<RequestRow> = {
        arrangement_version: inForce.version,
        terms_hash: inForce.hash,
        due_soon_percent: inForce.terms.dueSoonPercent,
        responder_time_zone: peer.time_zone,
        sent_at: now,
        due_ack_at: dueAck,
        due_respond_at: dueRespond,
      };
      await updateRequest(trx, id, sent);
      const request = { ...row, ...sent };
      const event = await this.newEvent(trx, actor, request, 'send', now, null, null);
      await this.apply(trx, hooks, request, event, null, {
        reference: row.reference,
        type: row.type,
        urgency: row.urgency,
        title: row.title,
        fields: fields,
        arrangementVersion: inForce.version,
        termsHash: inForce.hash,
        dueAcknowledgeAt: iso(dueAck),
        dueRespondAt: iso(dueRespond),
        dueSoonPercent: inForce.terms.dueSoonPercent,
        requesterTimeZone: row.requester_time_zone,
      });
      await this.scheduleDeadlines(trx, hooks, request);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'request.send',
        entityType: 'request',
        entityId: id,
        details: { event: event.id, arrangementVersion: inForce.version, dueAck, dueRespond },
      });
    });
  }

  // ---- moves ---------------------------------------------------------------------------

  async move(actor: Actor, id: string, body: MoveBody): Promise<RequestDetail> {
    authorize(actor, 'requests.read');
    const now = this.deps.clock.now();
    const attachment = body.attachment ? checkAttachment(body.attachment) : null;
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.load(trx, id);
      const side: Side = row.direction === 'out' ? 'requester' : 'responder';
      authorize(actor, side === 'requester' ? 'requests.draft' : 'requests.handle');
      if (row.status === 'draft') {
        throw new AppError('not_sent', 409, `Request ${row.reference} is a draft; send it first.`);
      }
      const refusal = checkMove(body.action, side, row.status, row.preservation);
      if (refusal) {
        const code =
          MOVES[body.action].side !== 'either' && MOVES[body.action].side !== side
            ? 'not_your_move'
            : 'move_not_allowed';
        throw new AppError(code, code === 'not_your_move' ? 403 : 409, `${refusal}.`);
      }
      const text = body.text?.trim() ? body.text.trim() : null;
      if (MOVES[body.action].needsText && !text) {
        throw new AppError(
          'text_required',
          400,
          `${body.action} needs a text (the reason, question or answer).`,
        );
      }
      if (body.action === 'message' && !text && !attachment) {
        throw new AppError('text_required', 400, 'A message needs a text or an attachment.');
      }
      const fields =
        body.fields && body.action === 'provide_information' ? clean(body.fields) : null;
      if (body.fields && body.action !== 'provide_information') {
        throw new AppError(
          'fields_not_allowed',
          400,
          'Fields can only be added when providing information.',
        );
      }
      const event = await this.newEvent(trx, actor, row, body.action, now, text, fields);
      const attachmentRow = attachment
        ? { ...attachment, id: randomUUID(), request_id: id, event_id: event.id, created_at: now }
        : null;
      if (attachmentRow) event.attachment_id = attachmentRow.id;
      await this.apply(trx, hooks, row, event, attachmentRow, undefined);
      await appendAudit(trx, {
        actor,
        at: now,
        action: `request.${body.action}`,
        entityType: 'request',
        entityId: id,
        details: {
          event: event.id,
          ...(text ? { text } : {}),
          ...(fields ? { fields } : {}),
          ...(attachmentRow
            ? {
                attachment: {
                  name: attachmentRow.name,
                  sha256: attachmentRow.sha256,
                  size: attachmentRow.size,
                },
              }
            : {}),
        },
      });
    });
    return this.get(actor, id);
  }

  // ---- from the peer -------------------------------------------------------------------

  /** A `liaison.request.event` from a peer; runs in the inbox's transaction. */
  async receive(trx: Db, hooks: TxHooks, peer: PeerRow, body: RequestEventMessage): Promise<void> {
    const now = this.deps.clock.now();
    let row = await findRequest(trx, body.requestId);
    if (await findEvent(trx, body.event.id)) return; // already here
    if (!row) {
      if (body.event.action !== 'send' || !body.request) {
        throw new AppError('request_not_found', 404, `No request ${body.requestId} is known here.`);
      }
      const r = body.request;
      row = {
        id: body.requestId,
        peer_id: peer.node_id,
        direction: 'in',
        reference: r.reference,
        type: r.type,
        urgency: r.urgency,
        title: r.title,
        fields: JSON.stringify(r.fields),
        status: 'draft',
        preservation: null,
        preserved_until: null,
        arrangement_version: r.arrangementVersion,
        terms_hash: r.termsHash,
        due_soon_percent: r.dueSoonPercent,
        requester_time_zone: r.requesterTimeZone,
        responder_time_zone: this.deps.timeZone,
        sent_at: Date.parse(body.event.at),
        due_ack_at: Date.parse(r.dueAcknowledgeAt),
        due_respond_at: Date.parse(r.dueRespondAt),
        acknowledged_at: null,
        closed_at: null,
        ack_alert: null,
        respond_alert: null,
        send_refusals: 0,
        created_by: null,
        created_at: now,
        updated_at: now,
      };
      await insertRequest(trx, row);
      await this.scheduleDeadlines(trx, hooks, row);
    } else if (row.peer_id !== peer.node_id) {
      throw new AppError(
        'request_not_found',
        404,
        `Request ${body.requestId} is not shared with ${peer.node_id}.`,
      );
    }
    const requester = row.direction === 'out' ? this.deps.nodeId : row.peer_id;
    const peerSide: Side = peer.node_id === requester ? 'requester' : 'responder';
    const move = MOVES[body.event.action];
    if (move.side !== 'either' && move.side !== peerSide) {
      throw new AppError(
        'not_your_move',
        403,
        `${body.event.action} is the ${move.side}'s move; ${peer.node_id} is the ${peerSide} of request ${row.reference}.`,
      );
    }
    const event: RequestEventRow = {
      id: body.event.id,
      request_id: row.id,
      lamport: body.event.lamport,
      node_id: peer.node_id,
      actor: body.event.actor,
      action: body.event.action,
      at: Date.parse(body.event.at),
      text: body.event.text,
      fields: body.event.fields ? JSON.stringify(body.event.fields) : null,
      attachment_id: body.event.attachment?.id ?? null,
      applied: 1,
    };
    let attachment: RequestAttachmentRow | null = null;
    if (body.event.attachment) {
      const a = body.event.attachment;
      const bytes = Buffer.from(a.content, 'base64');
      const actual = sha256Hex(bytes);
      if (actual !== a.sha256 || bytes.length !== a.size) {
        throw new AppError(
          'attachment_hash_mismatch',
          422,
          `Attachment ${a.name} arrived with SHA-256 ${actual} (${bytes.length} bytes); the sender recorded ${a.sha256} (${a.size} bytes).`,
        );
      }
      attachment = {
        id: a.id,
        request_id: row.id,
        event_id: event.id,
        name: a.name,
        media_type: a.mediaType,
        size: a.size,
        sha256: a.sha256,
        content: a.content,
        created_at: now,
      };
    }
    await this.apply(trx, hooks, row, event, attachment, null);
    await appendAudit(trx, {
      actor: { kind: 'peer', nodeId: peer.node_id },
      at: now,
      action: `request.receive_${body.event.action}`,
      entityType: 'request',
      entityId: row.id,
      details: {
        event: event.id,
        reference: row.reference,
        ...(attachment ? { attachment: { name: attachment.name, sha256: attachment.sha256 } } : {}),
      },
    });
  }

  // ---- timers --------------------------------------------------------------------------

  private async deadlineFired(
    trx: Db,
    hooks: TxHooks,
    payload: { requestId: string; deadline: Deadline; alert: Alert },
  ): Promise<void> {
    const row = await findRequest(trx, payload.requestId);
    if (!row) return;
    const met =
      payload.deadline === 'acknowledge'
        ? row.acknowledged_at !== null || row.closed_at !== null
        : row.closed_at !== null;
    if (met) return;
    const column = payload.deadline === 'acknowledge' ? 'ack_alert' : 'respond_alert';
    if (row[column] === 'overdue') return;
    await updateRequest(trx, row.id, { [column]: payload.alert });
    if (payload.alert === 'overdue' && row.direction === 'out') {
      const terms = await this.termsOf(trx, row);
      if (terms.requestTypes[row.type]?.whenOverdue === 'hotline') {
        for (const hook of this.overdueHooks) await hook(trx, hooks, row, payload.deadline);
      }
    }
    await appendAudit(trx, {
      actor: { kind: 'system', reason: 'deadline' },
      at: this.deps.clock.now(),
      action: `request.${payload.deadline}_${payload.alert}`,
      entityType: 'request',
      entityId: row.id,
      details: { reference: row.reference },
    });
    hooks.afterCommit(() =>
      this.deps.bus.publish(
        'request.deadline',
        {
          requestId: row.id,
          reference: row.reference,
          deadline: payload.deadline,
          alert: payload.alert,
        },
        { roles: EVERYONE },
      ),
    );
    this.publish(hooks, row.id);
  }

  private async preservationFired(trx: Db, hooks: TxHooks, requestId: string): Promise<void> {
    const row = await findRequest(trx, requestId);
    if (!row || row.direction !== 'in') return;
    if (row.preservation !== 'active' && row.preservation !== 'extended') return;
    const until = num(row.preserved_until);
    const now = this.deps.clock.now();
    if (until === null) return;
    if (until > now) {
      // Extended since this timer was set: look again when the new period ends.
      await this.deps.timers.schedule(trx, hooks, {
        kind: PRESERVATION_TIMER,
        dueAt: until,
        payload: { requestId },
      });
      return;
    }
    const event = await this.newEvent(
      trx,
      { kind: 'system', reason: 'preservation period ended' },
      row,
      'expire_preservation',
      now,
      null,
      null,
    );
    await this.apply(trx, hooks, row, event, null, undefined);
    await appendAudit(trx, {
      actor: { kind: 'system', reason: 'preservation' },
      at: now,
      action: 'request.expire_preservation',
      entityType: 'request',
      entityId: row.id,
      details: { event: event.id, preservedUntil: until },
    });
  }

  private async scheduleDeadlines(trx: Db, hooks: TxHooks, row: RequestRow): Promise<void> {
    const sent = num(row.sent_at);
    const percent = row.due_soon_percent ?? 75;
    if (sent === null) return;
    for (const [deadline, due] of [
      ['acknowledge', num(row.due_ack_at)],
      ['respond', num(row.due_respond_at)],
    ] as const) {
      if (due === null) continue;
      for (const [alert, at] of [
        ['due_soon', dueSoonAt(sent, due, percent)],
        ['overdue', due],
      ] as const) {
        await this.deps.timers.schedule(trx, hooks, {
          kind: DEADLINE_TIMER,
          dueAt: at,
          payload: { requestId: row.id, deadline, alert },
        });
      }
    }
  }

  // ---- the shared path of every event --------------------------------------------------

  private async newEvent(
    trx: Db,
    actor: Actor,
    row: RequestRow,
    action: RequestAction,
    at: number,
    text: string | null,
    fields: RequestFields | null,
  ): Promise<RequestEventRow> {
    const events = await listEvents(trx, row.id);
    const lamport = events.reduce((max, e) => Math.max(max, Number(e.lamport)), 0) + 1;
    const name = await displayNameOf(trx, actor, `${this.deps.nodeId} (Liaison)`);
    return {
      id: randomUUID(),
      request_id: row.id,
      lamport,
      node_id: this.deps.nodeId,
      actor: name,
      action,
      at,
      text,
      fields: fields ? JSON.stringify(fields) : null,
      attachment_id: null,
      applied: 1,
    };
  }

  /**
   * Stores an event (and its attachment), folds the timeline into the request's status,
   * sends the event to the peer when it was made here, and tells the browsers.
   */
  private async apply(
    trx: Db,
    hooks: TxHooks,
    row: RequestRow,
    event: RequestEventRow,
    attachment: RequestAttachmentRow | null,
    request: RequestEventMessage['request'] | null | undefined,
  ): Promise<void> {
    await insertEvent(trx, event);
    if (attachment) await insertAttachment(trx, attachment);
    const events = await listEvents(trx, row.id);
    const requester = row.direction === 'out' ? this.deps.nodeId : row.peer_id;
    const sideOf = (node: string): Side => (node === requester ? 'requester' : 'responder');
    const folded = foldRequest(
      row.type,
      events.map((e) => ({
        id: e.id,
        lamport: Number(e.lamport),
        node: e.node_id,
        action: e.action,
        at: Number(e.at),
      })),
      sideOf,
    );
    await setEventsApplied(trx, row.id, folded.superseded);
    let fields = JSON.parse(row.fields) as RequestFields;
    for (const e of events) {
      if (e.action === 'provide_information' && e.fields && !folded.superseded.includes(e.id)) {
        fields = { ...fields, ...(JSON.parse(e.fields) as RequestFields) };
      }
    }
    let preservedUntil: number | null = null;
    if (folded.preservationStartedAt !== null) {
      const terms = await this.termsOf(trx, row);
      const clocks = terms.requestTypes[row.type]?.preservation;
      if (clocks) {
        preservedUntil = addClock(
          folded.preservationStartedAt,
          clocks.period,
          row.responder_time_zone,
        );
        for (let i = 0; i < folded.extensions; i++) {
          preservedUntil = addClock(preservedUntil, clocks.extension, row.responder_time_zone);
        }
      }
    }
    const now = this.deps.clock.now();
    await updateRequest(trx, row.id, {
      status: folded.status,
      fields: JSON.stringify(fields),
      preservation: folded.preservation,
      preserved_until: preservedUntil,
      acknowledged_at: folded.acknowledgedAt,
      closed_at: folded.closedAt,
      updated_at: now,
    });
    // The responder's node keeps the preservation clock.
    const preservationMoved =
      startsPreservation(row.type, event.action) || event.action === 'extend_preservation';
    if (
      row.direction === 'in' &&
      preservationMoved &&
      preservedUntil !== null &&
      !folded.superseded.includes(event.id)
    ) {
      await this.deps.timers.schedule(trx, hooks, {
        kind: PRESERVATION_TIMER,
        dueAt: preservedUntil,
        payload: { requestId: row.id },
      });
    }
    if (event.node_id === this.deps.nodeId) {
      const content = attachment ? attachment.content : null;
      await this.deps.federation.send(trx, hooks, row.peer_id, REQUEST_EVENT_KIND, {
        requestId: row.id,
        ...(request ? { request } : {}),
        event: {
          id: event.id,
          lamport: Number(event.lamport),
          action: event.action,
          actor: event.actor,
          at: iso(Number(event.at)),
          text: event.text,
          fields: event.fields
            ? (JSON.parse(event.fields) as Record<string, string | boolean>)
            : null,
          attachment:
            attachment && content !== null
              ? {
                  id: attachment.id,
                  name: attachment.name,
                  mediaType: attachment.media_type,
                  size: Number(attachment.size),
                  sha256: attachment.sha256,
                  content,
                }
              : null,
        },
      } satisfies RequestEventMessage);
    }
    this.publish(hooks, row.id);
  }

  private async termsOf(db: Db, row: RequestRow): Promise<ArrangementTerms> {
    const version = num(row.arrangement_version);
    if (!version) return DEFAULT_ARRANGEMENT;
    const arrangement = await findArrangement(db, row.peer_id, version);
    return arrangement
      ? ArrangementTerms.parse(JSON.parse(arrangement.terms))
      : DEFAULT_ARRANGEMENT;
  }

  private async load(db: Db, id: string): Promise<RequestRow> {
    const row = await findRequest(db, id);
    if (!row) throw notFound('request_not_found', `No request has the id ${id}.`);
    return row;
  }

  private publish(hooks: TxHooks, id: string): void {
    hooks.afterCommit(() => {
      void (async () => {
        const row = await findRequest(this.deps.store.db, id);
        if (!row) return;
        const request = await this.present(this.deps.store.db, row, this.deps.clock.now());
        this.deps.bus.publish('request.changed', { request }, { roles: EVERYONE });
      })().catch((error: unknown) => this.deps.log.warn({ err: error }, 'request event failed'));
    });
  }

  async present(db: Db, row: RequestRow, now: number): Promise<RequestView> {
    const fields = JSON.parse(row.fields) as RequestFields;
    let missing: RequestView['missing'] = [];
    if (row.status === 'draft' && row.direction === 'out') {
      const inForce = await termsInForce(db, row.peer_id);
      missing = missingFields(inForce.terms.requestTypes[row.type]?.requiredFields ?? [], fields);
    }
    const sent = num(row.sent_at);
    const percent = num(row.due_soon_percent);
    const closed = num(row.closed_at);
    return {
      id: row.id,
      reference: row.reference,
      peer: row.peer_id,
      direction: row.direction,
      requester: row.direction === 'out' ? this.deps.nodeId : row.peer_id,
      responder: row.direction === 'out' ? row.peer_id : this.deps.nodeId,
      type: row.type,
      urgency: row.urgency,
      title: row.title,
      fields: fields,
      status: row.status,
      preservation: row.preservation,
      preservedUntil: isoOrNull(num(row.preserved_until)),
      arrangementVersion: num(row.arrangement_version),
      requesterTimeZone: row.requester_time_zone,
      responderTimeZone: row.responder_time_zone,
      acknowledge: deadlineView(
        sent,
        num(row.due_ack_at),
        percent,
        num(row.acknowledged_at) ?? (closed !== null && row.status !== 'withdrawn' ? closed : null),
        now,
      ),
      respond: deadlineView(sent, num(row.due_respond_at), percent, closed, now),
      sentAt: isoOrNull(sent),
      createdAt: iso(Number(row.created_at)),
      updatedAt: iso(Number(row.updated_at)),
      missing,
    };
  }

  private presentEvent(
    row: RequestRow,
    event: RequestEventRow,
    attachments: Map<string, AttachmentView>,
  ): RequestEventView {
    const requester = row.direction === 'out' ? this.deps.nodeId : row.peer_id;
    return {
      id: event.id,
      lamport: Number(event.lamport),
      node: event.node_id,
      side: event.node_id === requester ? 'requester' : 'responder',
      actor: event.actor,
      action: event.action,
      at: iso(Number(event.at)),
      text: event.text,
      fields: event.fields ? (JSON.parse(event.fields) as Record<string, string | boolean>) : null,
      attachment: event.attachment_id ? (attachments.get(event.attachment_id) ?? null) : null,
      applied: event.applied === 1,
    };
  }
}

/** Drops cleared fields (empty strings, false statements). */
function clean(fields: RequestFields): RequestFields {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) =>
      typeof value === 'boolean' ? value : typeof value === 'string' && value.trim() !== '',
    ),
  );
}

/** Decodes an upload, refusing one over the limit or whose bytes do not match its SHA-256. */
function checkAttachment(
  upload: AttachmentUpload,
): Omit<RequestAttachmentRow, 'id' | 'request_id' | 'event_id' | 'created_at'> {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(upload.content)) {
    throw new AppError('invalid_attachment', 400, 'The attachment content must be base64.');
  }
  const bytes = Buffer.from(upload.content, 'base64');
  if (bytes.length > MAX_ATTACHMENT_BYTES) {
    throw new AppError(
      'attachment_too_large',
      413,
      `The attachment is ${bytes.length} bytes; the limit is ${MAX_ATTACHMENT_BYTES} bytes (1.5 MiB).`,
    );
  }
  const actual = sha256Hex(bytes);
  if (actual !== upload.sha256) {
    throw new AppError(
      'attachment_hash_mismatch',
      422,
      `The attachment's SHA-256 is ${actual}, not ${upload.sha256} as declared: it was damaged on the way.`,
    );
  }
  return {
    name: upload.name,
    media_type: upload.mediaType,
    size: bytes.length,
    sha256: actual,
    content: bytes.toString('base64'),
  };
}
