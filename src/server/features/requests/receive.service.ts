import { MOVES } from '../../../core/requests.js';
import type { RequestEventMessage } from '../../../core/schemas/requests.js';
import { appendAudit } from '../../audit/audit.js';
import { forbidden, notFound } from '../../errors.js';
import type { PeerRow } from '../../federation/federation.table.js';
import type { Db, TxHooks } from '../../store/database.js';
import type { RequestDeadlines } from './deadlines.service.js';
import { wallAtExerciseMs } from './requests.exercise.js';
import { checkArrived } from './requests.attachments.js';
import { sideOf } from './requests.present.js';
import { findEvent, findRequest, insertRequest } from './requests.repository.js';
import type { RequestEventRow, RequestRow } from './requests.table.js';
import type { RequestsDeps, RequestTimeline } from './timeline.service.js';

/**
 * `liaison.request.event` from a peer: the request itself with its `send`, then every move
 * the peer makes. What arrives is checked again here (whose move it is, the attachment's
 * hash) and folded into the same timeline as this node's moves.
 */
export class RequestReceiver {
  constructor(
    private readonly deps: RequestsDeps,
    private readonly timeline: RequestTimeline,
    private readonly deadlines: RequestDeadlines,
  ) {}

  /** Runs in the inbox's transaction. */
  async receive(trx: Db, hooks: TxHooks, peer: PeerRow, body: RequestEventMessage): Promise<void> {
    const now = this.deps.clock.now();
    const known = await findRequest(trx, body.requestId);
    if (await findEvent(trx, body.event.id)) return; // already here
    const row = known ?? (await this.firstSight(trx, hooks, peer, body, now));
    if (row.peer_id !== peer.node_id) {
      throw notFound(
        'request_not_found',
        `Request ${body.requestId} is not shared with ${peer.node_id}.`,
      );
    }
    const peerSide = sideOf(row, this.deps.nodeId, peer.node_id);
    const move = MOVES[body.event.action];
    if (move.side !== 'either' && move.side !== peerSide) {
      throw forbidden(
        `${body.event.action} is the ${move.side}'s move; ${peer.node_id} is the ${peerSide} of request ${row.reference}.`,
        'not_your_move',
      );
    }
    const event = eventOf(row.id, peer.node_id, body.event);
    const arrived = body.event.attachment;
    const attachment = arrived ? checkArrived(arrived, row.id, event.id, now) : null;
    await this.timeline.apply(trx, hooks, row, event, attachment, null);
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

  /** A request this node has not seen: only its `send`, with the request, may bring it. */
  private async firstSight(
    trx: Db,
    hooks: TxHooks,
    peer: PeerRow,
    body: RequestEventMessage,
    now: number,
  ): Promise<RequestRow> {
    const r = body.request;
    if (body.event.action !== 'send' || !r) {
      throw notFound('request_not_found', `No request ${body.requestId} is known here.`);
    }
    const row: RequestRow = {
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
      exercise_id: r.exerciseId ?? null,
      exercise_inject_id: r.exerciseId ? (r.exerciseInjectId ?? null) : null,
    };
    const onExercise = row.exercise_id ? await this.onExerciseClock(trx, row, body) : null;
    if (onExercise) Object.assign(row, onExercise);
    await insertRequest(trx, row);
    await this.deadlines.schedule(trx, hooks, row);
    await this.deps.exercise.emit(trx, hooks, row, 'received', now);
    return row;
  }

  /**
   * An exercise request's deadlines in exercise time, as the sender set them (so both nodes
   * show the same), mapped to wall time by this node's copy of the exercise clock. Without
   * them (an older node), or an exercise unknown here, they stay on wall time.
   */
  private async onExerciseClock(
    trx: Db,
    row: RequestRow,
    body: RequestEventMessage,
  ): Promise<Partial<RequestRow> | null> {
    const deadlines = body.request?.exerciseDeadlines;
    if (!row.exercise_id || !deadlines) return null;
    const time = await this.deps.exercise.time(trx, row.exercise_id);
    if (!time) return null;
    return {
      exercise_deadlines: JSON.stringify(deadlines),
      exercise_time: JSON.stringify(time),
      due_ack_at: wallAtExerciseMs(time, deadlines.acknowledgeMs) ?? row.due_ack_at,
      due_respond_at: wallAtExerciseMs(time, deadlines.respondMs) ?? row.due_respond_at,
    };
  }
}

/** The peer's event as this node stores it. */
function eventOf(
  requestId: string,
  node: string,
  event: RequestEventMessage['event'],
): RequestEventRow {
  return {
    id: event.id,
    request_id: requestId,
    lamport: event.lamport,
    node_id: node,
    actor: event.actor,
    action: event.action,
    at: Date.parse(event.at),
    text: event.text,
    fields: event.fields ? JSON.stringify(event.fields) : null,
    attachment_id: event.attachment?.id ?? null,
    preservation_days: event.preservationDays ?? null,
    applied: 1,
  };
}
