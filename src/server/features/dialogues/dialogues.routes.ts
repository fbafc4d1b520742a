import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ERROR_RESPONSES } from '../../../core/schemas/common.js';
import {
  AttestationBody,
  CommitmentList,
  CommitmentParams,
  CommitmentQuery,
  CommitmentView,
  CreateDialogueBody,
  DialogueList,
  DialoguePage,
  DialogueParams,
  DialogueView,
  FromCorrectiveBody,
  MeetingBody,
  MeetingList,
  MeetingParams,
  MeetingPatch,
  MeetingView,
  ProposeRecordBody,
  RecordContentBody,
  RecordVersionView,
  VersionList,
  VersionParams,
} from '../../../core/schemas/dialogues.js';
import { requireActor } from '../../http/auth.js';
import type { CommitmentsService } from './commitments.service.js';
import type { DialoguesService } from './dialogues.service.js';
import type { RecordsService } from './records.service.js';

const errors = ERROR_RESPONSES;
const tags = ['dialogues'];

export interface DialogueServices {
  dialogues: DialoguesService;
  records: RecordsService;
  commitments: CommitmentsService;
}

/** Dialogues, meetings, the agreed record of each meeting, commitments and attestations. */
export function registerDialoguesRoutes(parent: FastifyInstance, s: DialogueServices): void {
  registerDialogueRoutes(parent, s.dialogues);
  registerRecordRoutes(parent, s.records);
  registerCommitmentRoutes(parent, s.commitments);
}

function registerDialogueRoutes(parent: FastifyInstance, dialogues: DialoguesService) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const read = { permission: 'dialogues.read' } as const;
  const manage = { permission: 'dialogues.manage' } as const;
  app.get(
    '/api/dialogues',
    {
      config: read,
      schema: {
        tags,
        summary: 'The dialogues with the peers, newest first (paged)',
        querystring: DialoguePage,
        response: { 200: DialogueList, ...errors },
      },
    },
    async (request) => dialogues.list(requireActor(request), request.query),
  );
  app.post(
    '/api/dialogues',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Open a dialogue with a peer (the peer is told)',
        body: CreateDialogueBody,
        response: { 201: DialogueView, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await dialogues.create(requireActor(request), request.body)),
  );
  app.get(
    '/api/dialogues/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'A dialogue',
        params: DialogueParams,
        response: { 200: DialogueView, ...errors },
      },
    },
    async (request) => dialogues.get(requireActor(request), request.params.id),
  );
  app.get(
    '/api/dialogues/:id/meetings',
    {
      config: read,
      schema: {
        tags,
        summary: "A dialogue's meetings by number, each with its record's state (paged)",
        params: DialogueParams,
        querystring: DialoguePage,
        response: { 200: MeetingList, ...errors },
      },
    },
    async (request) => dialogues.meetings(requireActor(request), request.params.id, request.query),
  );
  app.post(
    '/api/dialogues/:id/meetings',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Add a meeting (the peer is told)',
        params: DialogueParams,
        body: MeetingBody,
        response: { 201: MeetingView, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await dialogues.addMeeting(requireActor(request), request.params.id, request.body)),
  );
  app.get(
    '/api/dialogues/:id/meetings/:meetingId',
    {
      config: read,
      schema: {
        tags,
        summary: 'A meeting with its record: the latest and the agreed version, the draft',
        params: MeetingParams,
        response: { 200: MeetingView, ...errors },
      },
    },
    async (request) =>
      dialogues.meeting(requireActor(request), request.params.id, request.params.meetingId),
  );
  app.patch(
    '/api/dialogues/:id/meetings/:meetingId',
    {
      config: manage,
      schema: {
        tags,
        summary: "Change a meeting's dates, place, time zone, delegations or agenda",
        params: MeetingParams,
        body: MeetingPatch,
        response: { 200: MeetingView, ...errors },
      },
    },
    async (request) =>
      dialogues.changeMeeting(
        requireActor(request),
        request.params.id,
        request.params.meetingId,
        request.body,
      ),
  );
}

function registerRecordRoutes(parent: FastifyInstance, records: RecordsService) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const manage = { permission: 'dialogues.manage' } as const;
  app.get(
    '/api/dialogues/:id/meetings/:meetingId/versions',
    {
      config: { permission: 'dialogues.read' },
      schema: {
        tags,
        summary: "The history of a meeting's record: every version, oldest first (paged)",
        params: MeetingParams,
        querystring: DialoguePage,
        response: { 200: VersionList, ...errors },
      },
    },
    async (request) =>
      records.versions(
        requireActor(request),
        request.params.id,
        request.params.meetingId,
        request.query,
      ),
  );
  app.put(
    '/api/dialogues/:id/meetings/:meetingId/draft',
    {
      config: manage,
      schema: {
        tags,
        summary: "Save this node's draft of the record (not shared until proposed)",
        params: MeetingParams,
        body: RecordContentBody,
        response: { 200: MeetingView, ...errors },
      },
    },
    async (request) =>
      records.saveDraft(
        requireActor(request),
        request.params.id,
        request.params.meetingId,
        request.body,
      ),
  );
  app.post(
    '/api/dialogues/:id/meetings/:meetingId/draft/corrective-actions',
    {
      config: manage,
      schema: {
        tags,
        summary: "Add an exercise's corrective action to the draft as a commitment",
        params: MeetingParams,
        body: FromCorrectiveBody,
        response: { 200: MeetingView, ...errors },
      },
    },
    async (request) =>
      records.draftFromCorrective(
        requireActor(request),
        request.params.id,
        request.params.meetingId,
        request.body,
      ),
  );
  app.post(
    '/api/dialogues/:id/meetings/:meetingId/record',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Propose the record (the content given, or the draft) to the peer',
        params: MeetingParams,
        body: ProposeRecordBody,
        response: { 201: RecordVersionView, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await records.propose(
            requireActor(request),
            request.params.id,
            request.params.meetingId,
            request.body.content,
          ),
        ),
  );
  app.post(
    '/api/dialogues/:id/meetings/:meetingId/record/:version/amend',
    {
      config: manage,
      schema: {
        tags,
        summary: "Answer the peer's open version with a counter-version",
        params: VersionParams,
        body: RecordContentBody,
        response: { 201: RecordVersionView, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await records.amend(
            requireActor(request),
            request.params.id,
            request.params.meetingId,
            request.params.version,
            request.body,
          ),
        ),
  );
  for (const answer of ['accepted', 'declined'] as const) {
    app.post(
      `/api/dialogues/:id/meetings/:meetingId/record/:version/${answer === 'accepted' ? 'accept' : 'decline'}`,
      {
        config: manage,
        schema: {
          tags,
          summary:
            answer === 'accepted'
              ? "Accept the peer's open version (this node signs it; the peer countersigns)"
              : "Decline the peer's open version",
          params: VersionParams,
          response: { 200: RecordVersionView, ...errors },
        },
      },
      async (request) =>
        records.answer(
          requireActor(request),
          request.params.id,
          request.params.meetingId,
          request.params.version,
          answer,
        ),
    );
  }
}

function registerCommitmentRoutes(parent: FastifyInstance, commitments: CommitmentsService) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/dialogues/:id/commitments',
    {
      config: { permission: 'dialogues.read' },
      schema: {
        tags,
        summary:
          'The commitments of agreed records, both sides\u2019 statements side by side (paged)',
        params: DialogueParams,
        querystring: CommitmentQuery,
        response: { 200: CommitmentList, ...errors },
      },
    },
    async (request) => commitments.list(requireActor(request), request.params.id, request.query),
  );
  app.get(
    '/api/dialogues/:id/commitments/:commitmentId',
    {
      config: { permission: 'dialogues.read' },
      schema: {
        tags,
        summary: 'A commitment, with its tied measure and the measure\u2019s readings',
        params: CommitmentParams,
        response: { 200: CommitmentView, ...errors },
      },
    },
    async (request) =>
      commitments.get(requireActor(request), request.params.id, request.params.commitmentId),
  );
  app.put(
    '/api/dialogues/:id/commitments/:commitmentId/attestation',
    {
      config: { permission: 'dialogues.attest' },
      schema: {
        tags,
        summary: "State this side's status of a commitment (sent to the peer)",
        params: CommitmentParams,
        body: AttestationBody,
        response: { 200: CommitmentView, ...errors },
      },
    },
    async (request) =>
      commitments.attest(
        requireActor(request),
        request.params.id,
        request.params.commitmentId,
        request.body,
      ),
  );
}
