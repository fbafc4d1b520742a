import { randomUUID } from 'node:crypto';
import {
  checkMove,
  cleanFields,
  MOVES,
  startsPreservation,
  type RequestFields,
  type Side,
} from '../../../core/requests.js';
import type { MoveBody } from '../../../core/schemas/requests.js';
import { authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { badRequest, conflict, failure } from '../../errors.js';
import { checkUpload } from './requests.attachments.js';
import type { RequestAttachmentRow, RequestRow } from './requests.table.js';
import type { RequestsDeps, RequestTimeline } from './timeline.service.js';

/** What a move carries once it is found allowed. */
interface CheckedMove {
  text: string | null;
  fields: RequestFields | null;
}

/**
 * Moves on a sent request by this node's users: each side only its own moves, each only
 * from the statuses core/requests.ts allows, with a text when the move needs one.
 */
export class RequestMoves {
  constructor(
    private readonly deps: RequestsDeps,
    private readonly timeline: RequestTimeline,
  ) {}

  async move(actor: Actor, id: string, body: MoveBody): Promise<void> {
    authorize(actor, 'requests.read');
    const now = this.deps.clock.now();
    const attachment = body.attachment ? checkUpload(body.attachment) : null;
    await this.deps.store.transaction(async (trx, hooks) => {
      const row = await this.timeline.load(trx, id);
      const side: Side = row.direction === 'out' ? 'requester' : 'responder';
      authorize(actor, side === 'requester' ? 'requests.draft' : 'requests.handle');
      const { text, fields } = checkMoveBody(row, side, body, attachment !== null);
      const event = await this.timeline.newEvent(
        trx,
        actor,
        row,
        body.action,
        now,
        text,
        fields,
        body.preservationDays ?? null,
      );
      const attachmentRow = attachment
        ? { ...attachment, id: randomUUID(), request_id: id, event_id: event.id, created_at: now }
        : null;
      if (attachmentRow) event.attachment_id = attachmentRow.id;
      await this.timeline.apply(trx, hooks, row, event, attachmentRow, undefined);
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
          ...(body.preservationDays ? { preservationDays: body.preservationDays } : {}),
          ...(attachmentRow ? { attachment: attachmentSummary(attachmentRow) } : {}),
        },
      });
    });
  }
}

/** Refuses a move this side may not make now, or one without what it needs. */
function checkMoveBody(
  row: RequestRow,
  side: Side,
  body: MoveBody,
  withAttachment: boolean,
): CheckedMove {
  if (row.status === 'draft') {
    throw conflict('not_sent', `Request ${row.reference} is a draft; send it first.`);
  }
  const move = MOVES[body.action];
  const refusal = checkMove(body.action, side, row.status, row.preservation);
  if (refusal) {
    const theirs = move.side !== 'either' && move.side !== side;
    throw failure(theirs ? 'not_your_move' : 'move_not_allowed', theirs ? 403 : 409, `${refusal}.`);
  }
  const text = body.text?.trim() ? body.text.trim() : null;
  if (move.needsText && !text) {
    throw badRequest(
      'text_required',
      `${body.action} needs a text (the reason, question or answer).`,
    );
  }
  if (body.action === 'message' && !text && !withAttachment) {
    throw badRequest('text_required', 'A message needs a text or an attachment.');
  }
  const fields =
    body.fields && body.action === 'provide_information' ? cleanFields(body.fields) : null;
  if (body.fields && body.action !== 'provide_information') {
    throw badRequest('fields_not_allowed', 'Fields can only be added when providing information.');
  }
  const setsPeriod =
    startsPreservation(row.type, body.action) || body.action === 'extend_preservation';
  if (body.preservationDays !== undefined && !setsPeriod) {
    throw badRequest(
      'preservation_days_not_allowed',
      'A preservation period is set when fulfilling a preservation request or extending it.',
    );
  }
  return { text, fields };
}

function attachmentSummary(row: RequestAttachmentRow): Record<string, unknown> {
  return { name: row.name, sha256: row.sha256, size: row.size };
}
