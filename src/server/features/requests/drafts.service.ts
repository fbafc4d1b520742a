import { randomUUID } from 'node:crypto';
import { addClock } from '../../../core/deadlines.js';
import {
  cleanFields,
  missingFields,
  STATEMENT_FIELDS,
  type RequestFields,
} from '../../../core/requests.js';
import { ROLES } from '../../../core/roles.js';
import type { CreateRequestBody, UpdateDraftBody } from '../../../core/schemas/requests.js';
import { actorUserId, authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { iso } from '../../clock.js';
import { AppError, conflict, notFound, unprocessable } from '../../errors.js';
import type { PeerRow } from '../../federation/federation.table.js';
import { findPeer } from '../../federation/peers.js';
import type { Db, TxHooks } from '../../store/database.js';
import { termsInForce } from '../arrangements/public.js';
import type { RequestDeadlines } from './deadlines.service.js';
import {
  type ExerciseDeadlines,
  type ExerciseRequest,
  exerciseMsAt,
  type ExerciseTime,
  wallAtExerciseMs,
} from './requests.exercise.js';
import { fieldsOf } from './requests.present.js';
import { deleteDraft, insertRequest, updateRequest } from './requests.repository.js';
import type { RequestRow } from './requests.table.js';
import type { RequestsDeps, RequestTimeline } from './timeline.service.js';

type TermsInForce = Awaited<ReturnType<typeof termsInForce>>;
type TypeTerms = NonNullable<TermsInForce['terms']['requestTypes'][RequestRow['type']]>;

/** What sending a draft needs once it is found sendable. */
interface Sendable {
  peer: PeerRow;
  inForce: TermsInForce;
  clocks: NonNullable<TypeTerms['deadlines'][RequestRow['urgency']]>;
  fields: RequestFields;
}

/**
 * Drafting and sending: a draft is checked against the arrangement in force, and sent only
 * once every field it requires is filled; deadlines are computed when it is sent.
 */
export class RequestDrafts {
  constructor(
    private readonly deps: RequestsDeps,
    private readonly timeline: RequestTimeline,
    private readonly deadlines: RequestDeadlines,
  ) {}

  /** Drafts a request to a peer; returns its id. */
  async create(actor: Actor, body: CreateRequestBody): Promise<string> {
    authorize(actor, 'requests.draft');
    const now = this.deps.clock.now();
    const id = randomUUID();
    await this.deps.store.transaction(async (trx, hooks) => {
      const peer = await findPeer(trx, body.peer);
      if (!peer || peer.status === 'removed')
        throw notFound('peer_not_found', `No peer has the node id ${body.peer}.`);
      // A player's request in an exercise: the exercise says whether it may join it.
      if (body.exerciseId) await this.deps.exercise.check(trx, body.exerciseId, peer.node_id);
      const row = {
        ...this.draftRow(id, peer, body, actorUserId(actor) ?? null, now),
        exercise_id: body.exerciseId ?? null,
      };
      await insertRequest(trx, row);
      await this.timeline.index(trx, id);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'request.draft',
        entityType: 'request',
        entityId: id,
        after: row,
      });
      this.timeline.publish(hooks, id);
    });
    return id;
  }

  /**
   * An exercise's inject sends a real request, marked EXERCISE, in the inject's transaction
   * (the timer's): every field the arrangement in force requires is filled with the inject's
   * text (a statement is affirmed). Refused (an AppError, before anything is written) when
   * the peer is not active or the terms do not allow it. Returns its id.
   */
  async sendExercise(trx: Db, hooks: TxHooks, ex: ExerciseRequest): Promise<string> {
    const now = this.deps.clock.now();
    const peer = await findPeer(trx, ex.peer);
    if (!peer || peer.status === 'removed') {
      throw notFound('peer_not_found', `No peer has the node id ${ex.peer}.`);
    }
    const inForce = await termsInForce(trx, ex.peer);
    const required = inForce.terms.requestTypes[ex.type]?.requiredFields ?? [];
    const fields: RequestFields = Object.fromEntries(
      required.map((field) => [field, STATEMENT_FIELDS.includes(field) ? true : ex.text]),
    );
    const body = { type: ex.type, urgency: ex.urgency, title: ex.title.slice(0, 200), fields };
    const row: RequestRow = {
      ...this.draftRow(randomUUID(), peer, body, null, now),
      exercise_id: ex.exerciseId,
      exercise_inject_id: ex.injectId,
    };
    const sendable = await this.sendable(trx, row);
    await insertRequest(trx, row);
    await this.sendIn(trx, hooks, { kind: 'system', reason: 'exercise' }, row, sendable, now);
    return row.id;
  }

  /** A new draft of this node to `peer`. */
  private draftRow(
    id: string,
    peer: PeerRow,
    body: Pick<CreateRequestBody, 'type' | 'urgency' | 'title' | 'fields'>,
    createdBy: string | null,
    now: number,
  ): RequestRow {
    return {
      id,
      peer_id: peer.node_id,
      direction: 'out',
      reference: `${this.deps.nodeId.toUpperCase()}-${new Date(now).getUTCFullYear()}-${id.slice(0, 8).toUpperCase()}`,
      type: body.type,
      urgency: body.urgency,
      title: body.title,
      fields: JSON.stringify(cleanFields(body.fields)),
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
      created_by: createdBy,
      created_at: now,
      updated_at: now,
      exercise_id: null,
      exercise_inject_id: null,
    };
  }

  /** Edits a draft of this node: fields are merged, an empty one clears it. */
  async update(actor: Actor, id: string, body: UpdateDraftBody): Promise<void> {
    authorize(actor, 'requests.draft');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.timeline.load(trx, id);
      if (row.direction !== 'out' || row.status !== 'draft') {
        throw conflict(
          'not_a_draft',
          `Request ${row.reference} is ${row.status}; only drafts of this node can be edited.`,
        );
      }
      const fields = cleanFields({ ...fieldsOf(row), ...(body.fields ?? {}) });
      const changes = {
        fields: JSON.stringify(fields),
        ...(body.title ? { title: body.title } : {}),
        ...(body.urgency ? { urgency: body.urgency } : {}),
        updated_at: now,
      };
      await updateRequest(trx, id, changes);
      await this.timeline.index(trx, id);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'request.edit_draft',
        entityType: 'request',
        entityId: id,
        before: row,
        after: { ...row, ...changes },
      });
      this.timeline.publish(hooks, id);
    });
  }

  /** Deletes a draft of this node (never sent, so no peer knows it): gone, and audited. */
  async remove(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'requests.draft');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.timeline.load(trx, id);
      if (row.direction !== 'out' || row.status !== 'draft') {
        throw conflict(
          'not_a_draft',
          `Request ${row.reference} is ${row.status}; only drafts of this node can be deleted.`,
        );
      }
      await deleteDraft(trx, id);
      await this.deps.search.remove(trx, 'request', [id]);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'request.delete_draft',
        entityType: 'request',
        entityId: id,
        before: row,
      });
      hooks.afterCommit(() => this.deps.bus.publish('request.deleted', { id }, { roles: ROLES }));
    });
  }

  /**
   * Sends a draft: refused, listing what is missing, until every field the arrangement in
   * force requires for its type is filled. Deadlines are computed now, from that
   * arrangement, counting days in the responder's time zone.
   */
  async send(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'requests.draft');
    try {
      await this.sendDraft(actor, id);
    } catch (error) {
      // The refusal is counted (the figures report requests sent complete the first time).
      if (error instanceof AppError && error.code === 'request_incomplete') {
        await this.countRefusal(actor, id, error.extra['missing']);
      }
      throw error;
    }
  }

  private async countRefusal(actor: Actor, id: string, missing: unknown): Promise<void> {
    await this.deps.store.transaction(async (trx) => {
      const row = await this.timeline.load(trx, id);
      await updateRequest(trx, id, { send_refusals: Number(row.send_refusals) + 1 });
      await appendAudit(trx, {
        actor,
        at: this.deps.clock.now(),
        action: 'request.send_refused',
        entityType: 'request',
        entityId: id,
        details: { missing },
      });
    });
  }

  private async sendDraft(actor: Actor, id: string): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.timeline.load(trx, id);
      await this.sendIn(trx, hooks, actor, row, await this.sendable(trx, row), now);
    });
  }

  /** Sends a sendable draft: deadlines, the `send` event (with the request) to the peer. */
  private async sendIn(
    trx: Db,
    hooks: TxHooks,
    actor: Actor,
    row: RequestRow,
    { peer, inForce, clocks, fields }: Sendable,
    now: number,
  ): Promise<void> {
    const id = row.id;
    const onExercise = await this.onExerciseClock(trx, row, now, [
      addClock(now, clocks.acknowledge, peer.time_zone) - now,
      addClock(now, clocks.respond, peer.time_zone) - now,
    ]);
    const dueAck = onExercise?.dueAck ?? addClock(now, clocks.acknowledge, peer.time_zone);
    const dueRespond = onExercise?.dueRespond ?? addClock(now, clocks.respond, peer.time_zone);
    const sent: Partial<RequestRow> = {
      arrangement_version: inForce.version,
      terms_hash: inForce.hash,
      due_soon_percent: inForce.terms.dueSoonPercent,
      responder_time_zone: peer.time_zone,
      sent_at: now,
      due_ack_at: dueAck,
      due_respond_at: dueRespond,
      ...(onExercise
        ? {
            exercise_deadlines: JSON.stringify(onExercise.deadlines),
            exercise_time: JSON.stringify(onExercise.time),
          }
        : {}),
    };
    await updateRequest(trx, id, sent);
    const request = { ...row, ...sent };
    const event = await this.timeline.newEvent(trx, actor, request, 'send', now, null, null);
    await this.timeline.apply(trx, hooks, request, event, null, {
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
      ...(row.exercise_id ? { exerciseId: row.exercise_id } : {}),
      ...(row.exercise_inject_id ? { exerciseInjectId: row.exercise_inject_id } : {}),
      ...(onExercise ? { exerciseDeadlines: onExercise.deadlines } : {}),
    });
    await this.deadlines.schedule(trx, hooks, request);
    await this.deps.exercise.emit(trx, hooks, request, 'sent', now);
    await appendAudit(trx, {
      actor,
      at: now,
      action: 'request.send',
      entityType: 'request',
      entityId: id,
      details: {
        event: event.id,
        arrangementVersion: inForce.version,
        dueAck,
        dueRespond,
        ...(row.exercise_id ? { exercise: row.exercise_id } : {}),
      },
    });
  }

  /**
   * An exercise request's deadlines on the exercise clock: the terms' durations (`spans`:
   * acknowledge, respond, as they fall from now) count in exercise time from the exercise
   * time it is sent at; the wall instants are where the clock now maps them (while it
   * stands, where it would if it ran at 1× from now, until its next move sets them).
   */
  private async onExerciseClock(
    trx: Db,
    row: RequestRow,
    now: number,
    [ack, respond]: [number, number],
  ): Promise<{
    deadlines: ExerciseDeadlines;
    time: ExerciseTime;
    dueAck: number;
    dueRespond: number;
  } | null> {
    if (!row.exercise_id) return null;
    const time = await this.deps.exercise.time(trx, row.exercise_id);
    if (!time) return null;
    const sentMs = Math.round(exerciseMsAt(time, now));
    const deadlines = { sentMs, acknowledgeMs: sentMs + ack, respondMs: sentMs + respond };
    return {
      deadlines,
      time,
      dueAck: wallAtExerciseMs(time, deadlines.acknowledgeMs) ?? now + ack,
      dueRespond: wallAtExerciseMs(time, deadlines.respondMs) ?? now + respond,
    };
  }

  /** Whether a draft may be sent now: to an active peer, complete under the terms in force. */
  private async sendable(trx: Db, row: RequestRow): Promise<Sendable> {
    if (row.direction !== 'out' || row.status !== 'draft') {
      throw conflict('not_a_draft', `Request ${row.reference} is already ${row.status}.`);
    }
    const peer = await findPeer(trx, row.peer_id);
    if (!peer || peer.status !== 'active') {
      throw conflict(
        'peer_not_active',
        `${row.peer_id} is not an active peer; the request cannot be sent.`,
      );
    }
    const inForce = await termsInForce(trx, row.peer_id);
    const typeTerms = inForce.terms.requestTypes[row.type];
    if (!typeTerms?.allowed) {
      throw unprocessable(
        'type_not_allowed',
        `The arrangement with ${row.peer_id} (version ${inForce.version}) does not allow ${row.type} requests.`,
      );
    }
    const clocks = typeTerms.deadlines[row.urgency];
    if (!clocks) {
      const allowed = Object.keys(typeTerms.deadlines).join(', ');
      throw unprocessable(
        'urgency_not_allowed',
        `The arrangement sets no deadlines for ${row.urgency} ${row.type} requests; use ${allowed}.`,
      );
    }
    const fields = fieldsOf(row);
    const missing = missingFields(typeTerms.requiredFields, fields);
    if (missing.length > 0) {
      throw unprocessable(
        'request_incomplete',
        `The arrangement requires these fields for a ${row.type} request: ${missing.join(', ')}.`,
        { extra: { missing } },
      );
    }
    return { peer, inForce, clocks, fields };
  }
}
