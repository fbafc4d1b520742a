import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_RESPONSES } from '../../core/schemas/common.js';
import {
  AddPeerBody,
  BatchBody,
  BatchResult,
  MAX_BATCH_BYTES,
  PeerList,
  PeerParams,
  PeerView,
  RejectionList,
  SignedDescriptor,
} from '../../core/schemas/federation.js';
import { requireActor } from '../http/auth.js';
import { BATCH_PATH, DESCRIPTOR_PATH } from './descriptor.js';
import type { Federation } from './federation.js';
import { receiveBatch } from './inbox.js';
import { receiveResume, RESUME_PATH, ResumeBody } from './resume.js';
import { LIMITS } from '../http/rate-limits.js';
import { KeyRotationView, RotateKeysBody } from './keys.service.js';

const errors = ERROR_RESPONSES;

export function registerFederationRoutes(parent: FastifyInstance, federation: Federation): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  app.get(
    DESCRIPTOR_PATH,
    {
      config: { auth: 'public', rateLimit: LIMITS.descriptor },
      schema: {
        tags: ['federation'],
        summary: "This node's descriptor, signed with its key",
        response: { 200: SignedDescriptor },
      },
    },
    () => federation.signedDescriptor(),
  );

  app.post(
    BATCH_PATH,
    {
      config: { auth: 'public', rateLimit: LIMITS.batch },
      bodyLimit: MAX_BATCH_BYTES,
      schema: {
        tags: ['federation'],
        summary: 'Receive a batch of envelopes from a peer (docs/federation.md)',
        body: BatchBody,
        response: { 200: BatchResult, ...errors },
      },
    },
    (request) => receiveBatch(federation.ctx, request.body.envelopes),
  );

  app.post(
    RESUME_PATH,
    {
      config: { auth: 'public', rateLimit: LIMITS.descriptor },
      schema: {
        tags: ['federation'],
        summary: 'A peer restored from a backup resumes its streams (docs/federation.md)',
        body: ResumeBody,
        response: { 200: ResumeBody, ...errors },
      },
    },
    (request) => receiveResume(federation.ctx, request.body.token),
  );

  const tags = ['peers'];
  app.get(
    '/api/federation/peers',
    {
      config: { permission: 'peers.read' },
      schema: {
        tags,
        summary: 'Peers and their delivery ledger',
        response: { 200: PeerList, ...errors },
      },
    },
    async (request) => ({ peers: await federation.peers.list(requireActor(request)) }),
  );
  app.post(
    '/api/federation/peers',
    {
      config: { permission: 'peers.manage' },
      schema: {
        tags,
        summary:
          'Peer with a node: fetch its descriptor, compare the fingerprint, pin its keys (admin)',
        body: AddPeerBody,
        response: { 201: PeerView, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await federation.peers.add(requireActor(request), request.body)),
  );
  app.get(
    '/api/federation/peers/:nodeId',
    {
      config: { permission: 'peers.read' },
      schema: {
        tags,
        summary: 'One peer and its ledger',
        params: PeerParams,
        response: { 200: PeerView, ...errors },
      },
    },
    (request) => federation.peers.get(requireActor(request), request.params.nodeId),
  );
  for (const [verb, status] of [
    ['suspend', 'suspended'],
    ['resume', 'active'],
  ] as const) {
    app.post(
      `/api/federation/peers/:nodeId/${verb}`,
      {
        config: { permission: 'peers.manage' },
        schema: {
          tags,
          summary: `${verb === 'suspend' ? 'Suspend' : 'Resume'} a peer (admin)`,
          params: PeerParams,
          response: { 200: PeerView, ...errors },
        },
      },
      async (request) =>
        (await federation.peers.setStatus(
          requireActor(request),
          request.params.nodeId,
          status,
        )) as PeerView,
    );
  }
  app.delete(
    '/api/federation/peers/:nodeId',
    {
      config: { permission: 'peers.manage' },
      schema: {
        tags,
        summary: 'Remove a peer: its envelopes are refused from now on (admin)',
        params: PeerParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await federation.peers.setStatus(requireActor(request), request.params.nodeId, 'removed');
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/federation/rejections',
    {
      schema: {
        tags,
        summary: 'Messages refused by a handler, here (in) or at the peer (out)',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: RejectionList, ...errors },
      },
    },
    async (request) => ({
      rejections: await federation.peers.rejections(requireActor(request), request.query.limit),
    }),
  );

  app.post(
    '/api/node/keys/rotate',
    {
      config: { permission: 'peers.manage' },
      schema: {
        tags: ['node'],
        summary:
          "Rotate this node's keys: announce new ones to every peer, signed with the old (admin)",
        body: RotateKeysBody,
        response: { 200: KeyRotationView, ...errors },
      },
    },
    (request) => federation.keys.rotate(requireActor(request), request.body),
  );
}
