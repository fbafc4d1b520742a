import { z } from 'zod';
import {
  MAX_ATTACHMENT_BYTES,
  PRESERVATION_STATUSES,
  REQUEST_ACTIONS,
  REQUEST_FIELDS,
  REQUEST_STATUSES,
  REQUEST_TYPES,
  URGENCIES,
} from '../requests.js';
import { NodeId } from './common.js';

export const RequestFieldsBody = z.partialRecord(
  z.enum(REQUEST_FIELDS),
  z.union([z.string().max(20_000, 'at most 20,000 characters'), z.boolean()]),
);

export const CreateRequestBody = z
  .object({
    peer: NodeId,
    type: z.enum(REQUEST_TYPES),
    urgency: z.enum(URGENCIES).default('routine'),
    title: z.string().trim().min(1, 'required').max(200, 'at most 200 characters'),
    fields: RequestFieldsBody.default({}),
    /**
     * A player's request in a running exercise with this peer: marked EXERCISE (never in the
     * figures) and observed by the exercise (send_request).
     */
    exerciseId: z.uuid().optional(),
  })
  .strict();
export type CreateRequestBody = z.infer<typeof CreateRequestBody>;

export const UpdateDraftBody = z
  .object({
    urgency: z.enum(URGENCIES).optional(),
    title: z.string().trim().min(1, 'required').max(200).optional(),
    /** Merged into the draft's fields; an empty string clears one. */
    fields: RequestFieldsBody.optional(),
  })
  .strict();
export type UpdateDraftBody = z.infer<typeof UpdateDraftBody>;

export { MAX_ATTACHMENT_BYTES } from '../requests.js';

export const AttachmentUpload = z
  .object({
    name: z.string().trim().min(1).max(200),
    mediaType: z.string().min(3).max(100).default('application/octet-stream'),
    /** The file's bytes, base64 (at most 1.5 MiB once decoded). */
    content: z.string(),
    /** SHA-256 of the bytes, hex, as the uploader computed it: checked on arrival. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a hex SHA-256'),
  })
  .strict();
export type AttachmentUpload = z.infer<typeof AttachmentUpload>;

export const MoveBody = z
  .object({
    action: z.enum(REQUEST_ACTIONS).exclude(['send', 'expire_preservation']),
    text: z.string().trim().max(20_000).optional(),
    /** provide_information: fields to add or correct. */
    fields: RequestFieldsBody.optional(),
    attachment: AttachmentUpload.optional(),
    /**
     * fulfil / fulfil_partially of a preservation request, and extend_preservation: how many
     * days the data is kept (default: the arrangement's period or extension).
     */
    preservationDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();
export type MoveBody = z.infer<typeof MoveBody>;

export const AttachmentView = z.object({
  id: z.string(),
  name: z.string(),
  mediaType: z.string(),
  size: z.number(),
  sha256: z.string(),
});
export type AttachmentView = z.infer<typeof AttachmentView>;

export const RequestEventView = z.object({
  id: z.string(),
  lamport: z.number(),
  node: z.string(),
  side: z.enum(['requester', 'responder']),
  actor: z.string(),
  action: z.enum(REQUEST_ACTIONS),
  at: z.string(),
  text: z.string().nullable(),
  fields: z.record(z.string(), z.union([z.string(), z.boolean()])).nullable(),
  attachment: AttachmentView.nullable(),
  /** The preservation period or extension the responder set, in days (null: the terms'). */
  preservationDays: z.number().nullable(),
  /** False when the move arrived after the other side had already moved on. */
  applied: z.boolean(),
});
export type RequestEventView = z.infer<typeof RequestEventView>;

export const DeadlineView = z.object({
  dueAt: z.string(),
  dueSoonAt: z.string(),
  /** pending, met (in time), missed (late), or open and due_soon / overdue now. */
  state: z.enum(['pending', 'due_soon', 'overdue', 'met', 'missed']),
  metAt: z.string().nullable(),
});

export const RequestView = z.object({
  id: z.string(),
  reference: z.string(),
  peer: z.string(),
  /** out: this node asks; in: the peer asks this node. */
  direction: z.enum(['out', 'in']),
  requester: z.string(),
  responder: z.string(),
  type: z.enum(REQUEST_TYPES),
  urgency: z.enum(URGENCIES),
  title: z.string(),
  fields: z.record(z.string(), z.union([z.string(), z.boolean()])),
  status: z.enum(REQUEST_STATUSES),
  preservation: z.enum(PRESERVATION_STATUSES).nullable(),
  preservedUntil: z.string().nullable(),
  arrangementVersion: z.number().nullable(),
  /** The requester's and responder's time zones, to show deadlines in both. */
  requesterTimeZone: z.string(),
  responderTimeZone: z.string(),
  acknowledge: DeadlineView.nullable(),
  respond: DeadlineView.nullable(),
  sentAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Fields the arrangement requires that are still empty (drafts). */
  missing: z.array(z.enum(REQUEST_FIELDS)),
  /** The exercise that sent it: an EXERCISE request (never in the figures); null if real. */
  exerciseId: z.string().nullable(),
  /**
   * An EXERCISE request's deadlines on the exercise clock (exercise time, ms since T+00:00;
   * `running` false while the clock stands: the wall instants above wait for it); null when
   * they run on wall time.
   */
  exerciseDeadlines: z
    .object({
      sentMs: z.number(),
      acknowledgeMs: z.number(),
      respondMs: z.number(),
      running: z.boolean(),
    })
    .nullable(),
});
export type RequestView = z.infer<typeof RequestView>;

export const RequestDetail = RequestView.extend({ timeline: z.array(RequestEventView) });
export type RequestDetail = z.infer<typeof RequestDetail>;

export const RequestList = z.object({ requests: z.array(RequestView) });
export const RequestQuery = z.object({
  direction: z.enum(['in', 'out']).optional(),
  peer: NodeId.optional(),
  status: z.enum(REQUEST_STATUSES).optional(),
  open: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type RequestQuery = z.infer<typeof RequestQuery>;

/** Federation: every event of a request travels as one message; `send` carries the request. */
export const REQUEST_EVENT_KIND = 'liaison.request.event';
const FieldsMessage = z.partialRecord(z.enum(REQUEST_FIELDS), z.union([z.string(), z.boolean()]));
export const RequestEventMessage = z
  .object({
    requestId: z.string().uuid(),
    request: z
      .object({
        reference: z.string().max(100),
        type: z.enum(REQUEST_TYPES),
        urgency: z.enum(URGENCIES),
        title: z.string().max(200),
        fields: FieldsMessage,
        arrangementVersion: z.number().int().min(0),
        termsHash: z.string(),
        dueAcknowledgeAt: z.string(),
        dueRespondAt: z.string(),
        dueSoonPercent: z.number().int(),
        requesterTimeZone: z.string(),
        /**
         * An EXERCISE request: the exercise and the inject it delivers. Sent only on exercise
         * requests (a real one's message is what older nodes expect); absent means real.
         */
        exerciseId: z.uuid().optional(),
        exerciseInjectId: z.string().min(1).max(63).optional(),
        /**
         * An EXERCISE request's deadlines on the exercise clock, in exercise time (ms since
         * T+00:00): sent at, acknowledge by, respond by. Absent: on wall time.
         */
        exerciseDeadlines: z
          .object({
            sentMs: z.number().int().min(0),
            acknowledgeMs: z.number().int().min(0),
            respondMs: z.number().int().min(0),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    event: z
      .object({
        id: z.string().uuid(),
        lamport: z.number().int().min(1),
        action: z.enum(REQUEST_ACTIONS),
        actor: z.string().max(200),
        at: z.string(),
        text: z.string().max(20_000).nullable(),
        fields: FieldsMessage.nullable(),
        attachment: z
          .object({
            id: z.string().uuid(),
            name: z.string().max(200),
            mediaType: z.string().max(100),
            size: z.number().int().min(0).max(MAX_ATTACHMENT_BYTES),
            sha256: z.string().regex(/^[0-9a-f]{64}$/),
            content: z.string(),
          })
          .strict()
          .nullable(),
        /** Absent from nodes that predate it: the terms' period then. */
        preservationDays: z.number().int().min(1).max(3650).nullable().optional(),
      })
      .strict(),
  })
  .strict();
export type RequestEventMessage = z.infer<typeof RequestEventMessage>;

export const FigureRow = z.object({
  /** out: requests this node sent (the peer's answers); in: requests it received. */
  direction: z.enum(['out', 'in']),
  /** A request type, or `all`. */
  type: z.string(),
  count: z.number(),
  acknowledged: z.number(),
  acknowledgeMedianMs: z.number().nullable(),
  acknowledgeP90Ms: z.number().nullable(),
  responded: z.number(),
  respondMedianMs: z.number().nullable(),
  respondP90Ms: z.number().nullable(),
  /** Answered by the deadline, among those answered or past their deadline. */
  withinDeadlineShare: z.number().nullable(),
  /** Sent without a refusal for missing fields (known for this node's own requests only). */
  completeFirstTimeShare: z.number().nullable(),
  /** Needed more information at least once. */
  moreInformationShare: z.number().nullable(),
});
export type FigureRow = z.infer<typeof FigureRow>;
export const RequestFigures = z.object({
  peer: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  rows: z.array(FigureRow),
});
export type RequestFigures = z.infer<typeof RequestFigures>;
