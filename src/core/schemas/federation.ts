import { z } from 'zod';
import { CountryCode, NodeId } from './common.js';

/** Public OKP keys as pinned from a descriptor: no private part allowed. */
export const PublicOkpJwk = z
  .object({
    kty: z.literal('OKP'),
    crv: z.enum(['Ed25519', 'X25519']),
    x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a base64url 32-byte public key'),
    kid: z.string().optional(),
    alg: z.string().optional(),
    use: z.string().optional(),
  })
  .strict();
export type PublicOkpJwk = z.infer<typeof PublicOkpJwk>;

/** The node descriptor served at /.well-known/liaison (docs/federation.md). */
export const NodeDescriptor = z.object({
  protocol: z.literal('liaison-federation'),
  versions: z.array(z.number().int().positive()).min(1),
  nodeId: NodeId,
  name: z.string().min(1).max(200),
  country: CountryCode,
  timeZone: z.string().min(1).max(64),
  url: z.string().url(),
  endpoints: z.object({ batch: z.string().startsWith('/') }),
  keys: z.object({
    signing: PublicOkpJwk.refine((k) => k.crv === 'Ed25519', 'an Ed25519 key'),
    encryption: PublicOkpJwk.refine((k) => k.crv === 'X25519', 'an X25519 key'),
  }),
  fingerprint: z.string(),
  messageKinds: z.array(z.string()),
  issuedAt: z.string(),
});
export type NodeDescriptor = z.infer<typeof NodeDescriptor>;

export const SignedDescriptor = z.object({ descriptor: NodeDescriptor, jws: z.string() });
export type SignedDescriptor = z.infer<typeof SignedDescriptor>;

/** Limits of the batch endpoint (docs/federation.md, "Limits"). */
export const MAX_BATCH_MESSAGES = 500;
export const MAX_BATCH_BYTES = 16 * 1024 * 1024;
export const MAX_ENVELOPE_BYTES = 4 * 1024 * 1024;

export const BatchBody = z.object({
  envelopes: z
    .array(z.string().max(MAX_ENVELOPE_BYTES, `at most ${MAX_ENVELOPE_BYTES} bytes per envelope`))
    .min(1, 'at least one envelope')
    .max(MAX_BATCH_MESSAGES, `at most ${MAX_BATCH_MESSAGES} envelopes`),
});
export type BatchBody = z.infer<typeof BatchBody>;

export const Rejection = z.object({
  seq: z.number(),
  id: z.string(),
  kind: z.string(),
  code: z.string(),
  reason: z.string(),
});
export type Rejection = z.infer<typeof Rejection>;

export const BatchResult = z.object({ applied: z.number(), rejected: z.array(Rejection) });
export type BatchResult = z.infer<typeof BatchResult>;

export const AddPeerBody = z
  .object({
    url: z.url({ error: 'the http(s) URL of the peer node' }),
    fingerprint: z.string().regex(/^[\d\s-]{60,100}$/, 'twelve groups of five digits'),
  })
  .strict();
export type AddPeerBody = z.infer<typeof AddPeerBody>;

export const PeerParams = z.object({ nodeId: NodeId });

export const LedgerView = z.object({
  lastSent: z.number(),
  lastAcknowledged: z.number(),
  backlog: z.number(),
  oldestUndeliveredAgeMs: z.number().nullable(),
  peerUp: z.boolean(),
  lastAttemptAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastError: z.object({ code: z.string(), message: z.string(), at: z.string() }).nullable(),
  lastApplied: z.number(),
  lastReceivedAt: z.string().nullable(),
  rejectedBySender: z.number(),
  rejectedHere: z.number(),
});
export type LedgerView = z.infer<typeof LedgerView>;

export const PeerView = z.object({
  nodeId: z.string(),
  name: z.string(),
  url: z.string(),
  country: z.string(),
  timeZone: z.string(),
  fingerprint: z.string(),
  status: z.enum(['active', 'suspended', 'removed']),
  messageKinds: z.array(z.string()),
  createdAt: z.string(),
  ledger: LedgerView,
});
export type PeerView = z.infer<typeof PeerView>;
export const PeerList = z.object({ peers: z.array(PeerView) });

export const RejectionView = Rejection.extend({
  direction: z.enum(['in', 'out']),
  peer: z.string(),
  at: z.string(),
});
export type RejectionView = z.infer<typeof RejectionView>;
export const RejectionList = z.object({ rejections: z.array(RejectionView) });
