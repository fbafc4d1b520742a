import type { PeriodQuery } from '../../../core/schemas/pings.js';
import type {
  CreateRequestBody,
  MoveBody,
  RequestDetail,
  RequestEventMessage,
  RequestFigures,
  RequestQuery,
  RequestView,
  UpdateDraftBody,
} from '../../../core/schemas/requests.js';
import { authorize, type Actor } from '../../actor.js';
import { notFound } from '../../errors.js';
import type { PeerRow } from '../../federation/federation.table.js';
import type { Db, TxHooks } from '../../store/database.js';
import type { OverdueHook, RequestDeadlines } from './deadlines.service.js';
import type { RequestDrafts } from './drafts.service.js';
import type { RequestMoves } from './moves.service.js';
import type { RequestReceiver } from './receive.service.js';
import type {
  ExerciseRequest,
  ExerciseRequestCheck,
  ExerciseRequestListener,
  ExerciseTime,
  ExerciseTimeSource,
} from './requests.exercise.js';
import { requestFigures } from './requests.figures.js';
import { presentAttachment, presentEvent } from './requests.present.js';
import {
  findAttachment,
  listAskedForMore,
  listAttachmentMeta,
  listEvents,
  listRequests,
  listSentIn,
} from './requests.repository.js';
import type { RequestAttachmentRow } from './requests.table.js';
import type { RequestsDeps, RequestTimeline } from './timeline.service.js';

/** The use cases of requests, each in its own file; made by the module (index.ts). */
export interface RequestParts {
  timeline: RequestTimeline;
  deadlines: RequestDeadlines;
  drafts: RequestDrafts;
  moves: RequestMoves;
  receiver: RequestReceiver;
}

/**
 * Requests for assistance (DESIGN.md): drafts checked against the arrangement in force,
 * deadlines computed from it when sent, a lifecycle both sides move (each only its own
 * moves), a thread of messages and attachments. Every event is audited and travels to the
 * peer in the transaction that makes it.
 *
 * This is the feature's face (`node.requests`): it reads, and hands each change to its use
 * case (drafts, moves, receive, deadlines), answering with the request as it then is.
 */
export class RequestsService {
  constructor(
    private readonly deps: RequestsDeps,
    private readonly parts: RequestParts,
  ) {}

  /** An exercise's inject sends an EXERCISE request, in its transaction; returns its id. */
  sendExercise(trx: Db, hooks: TxHooks, request: ExerciseRequest): Promise<string> {
    return this.parts.drafts.sendExercise(trx, hooks, request);
  }

  /** The exercises feature hears of its requests here (received, acknowledged). */
  onExercise(listener: ExerciseRequestListener): void {
    this.deps.exercise.on(listener);
  }

  /** The exercises feature says which exercise a player's request may join. */
  checkExercise(check: ExerciseRequestCheck): void {
    this.deps.exercise.checkWith(check);
  }

  /** The exercises feature tells an exercise request's deadlines its exercise clock. */
  exerciseTimeFrom(source: ExerciseTimeSource): void {
    this.deps.exercise.timeWith(source);
  }

  /**
   * An exercise clock moved (in the move's transaction): the deadlines of the exercise's
   * requests map to new wall instants, their timers set again.
   */
  exerciseClockMoved(
    trx: Db,
    hooks: TxHooks,
    exerciseId: string,
    time: ExerciseTime,
  ): Promise<void> {
    return this.parts.deadlines.exerciseClockMoved(trx, hooks, exerciseId, time);
  }

  /** The hotline raises overdue requests whose arrangement says so. */
  onOverdue(hook: OverdueHook): void {
    this.parts.deadlines.onOverdue(hook);
  }

  // ---- reading -------------------------------------------------------------------------

  async list(actor: Actor, query: RequestQuery): Promise<RequestView[]> {
    authorize(actor, 'requests.read');
    const now = this.deps.clock.now();
    const db = this.deps.store.db;
    const rows = await listRequests(db, query);
    return Promise.all(rows.map((row) => this.parts.timeline.view(db, row, now)));
  }

  async get(actor: Actor, id: string): Promise<RequestDetail> {
    authorize(actor, 'requests.read');
    const db = this.deps.store.db;
    const row = await this.parts.timeline.load(db, id);
    const view = await this.parts.timeline.view(db, row, this.deps.clock.now());
    const attachments = new Map(
      (await listAttachmentMeta(db, id)).map((a) => [a.id, presentAttachment(a)]),
    );
    const timeline = (await listEvents(db, id)).map((event) =>
      presentEvent(row, event, attachments, this.deps.nodeId),
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
    const now = this.deps.clock.now();
    const db = this.deps.store.db;
    const rows = await listSentIn(db, query);
    const askedForMore = new Set(
      await listAskedForMore(
        db,
        rows.map((r) => r.id),
      ),
    );
    return requestFigures(query, rows, askedForMore, now);
  }

  // ---- changing: each use case, then the request as it now is ---------------------------

  async create(actor: Actor, body: CreateRequestBody): Promise<RequestDetail> {
    return this.get(actor, await this.parts.drafts.create(actor, body));
  }

  async updateDraft(actor: Actor, id: string, body: UpdateDraftBody): Promise<RequestDetail> {
    await this.parts.drafts.update(actor, id, body);
    return this.get(actor, id);
  }

  async deleteDraft(actor: Actor, id: string): Promise<void> {
    await this.parts.drafts.remove(actor, id);
  }

  async send(actor: Actor, id: string): Promise<RequestDetail> {
    await this.parts.drafts.send(actor, id);
    return this.get(actor, id);
  }

  async move(actor: Actor, id: string, body: MoveBody): Promise<RequestDetail> {
    await this.parts.moves.move(actor, id, body);
    return this.get(actor, id);
  }

  /** A `liaison.request.event` from a peer; runs in the inbox's transaction. */
  receive(trx: Db, hooks: TxHooks, peer: PeerRow, body: RequestEventMessage): Promise<void> {
    return this.parts.receiver.receive(trx, hooks, peer, body);
  }
}
