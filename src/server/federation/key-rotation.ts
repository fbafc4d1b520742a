import { calculateJwkThumbprint, CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import { z } from 'zod';
import { canonicalJson } from '../../core/canonical-json.js';
import { fingerprintOf } from '../../core/fingerprint.js';
import { PublicOkpJwk } from '../../core/schemas/federation.js';
import { appendAudit } from '../audit/audit.js';
import { unprocessable } from '../errors.js';
import type { Db, Trx } from '../store/database.js';
import { JWS_ALG, type ScheduledKey, type SignedMessage, type SigningKey } from './envelope.js';
import type { PeerRow } from './federation.table.js';
import type { HandlerContext } from './kinds.js';

/**
 * Key rotation, the protocol (docs/federation.md, "Key rotation").
 *
 * A node that rotates queues `liaison.keys` to each peer, in the stream, signed with its old
 * key: the old key is what the peer pinned, so the peer can trust the message; the body also
 * carries a proof signed by the new key (it is held by the same node). Messages after the
 * announcement are signed with the new key, so the peer knows exactly which key signs which
 * sequence: the old one up to the announcement, the new one after it. A batch holding the
 * announcement is opened in two parts, the second with the keys it announces.
 */
export const KEYS_KIND = 'liaison.keys';
export const DAY_MS = 24 * 60 * 60_000;
/** The longest a peer keeps a retired key of ours, whatever the announcement asks. */
export const MAX_GRACE_MS = 365 * DAY_MS;

const Kid = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a JWK thumbprint');
export const KeyAnnouncement = z
  .object({
    signing: PublicOkpJwk.refine((k) => k.crv === 'Ed25519' && k.kid, 'an Ed25519 key with kid'),
    encryption: PublicOkpJwk.refine((k) => k.crv === 'X25519' && k.kid, 'an X25519 key with kid'),
    /** The signing key this one replaces (the one that signs the announcement). */
    previous: Kid,
    /** Until when the old keys still open envelopes sealed to them. */
    graceUntil: z.string().datetime(),
    /** Compact JWS by the new signing key over proofPayload(…). */
    proof: z.string().max(2_000),
  })
  .strict();
export type KeyAnnouncement = z.infer<typeof KeyAnnouncement>;

function proofPayload(nodeId: string, signing: string, encryption: string, previous: string) {
  return canonicalJson({ purpose: 'liaison-key-rotation', nodeId, signing, encryption, previous });
}

/** The new signing key's proof that it belongs to the node announcing it. */
export async function signRotationProof(
  nodeId: string,
  kids: { signing: string; encryption: string; previous: string },
  newSigningKey: SigningKey,
): Promise<string> {
  const payload = proofPayload(nodeId, kids.signing, kids.encryption, kids.previous);
  return new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: JWS_ALG, kid: kids.signing, typ: 'liaison-keys+jws' })
    .sign(newSigningKey);
}

/** A peer's signing keys as JWK text, with the sequences of its stream each signs. */
export async function senderSchedule(
  db: Db,
  peer: PeerRow,
  now: number,
): Promise<ScheduledKey<string>[]> {
  const retired = await db
    .selectFrom('peer_retired_keys')
    .selectAll()
    .where('peer_id', '=', peer.node_id)
    .where('expires_at', '>', now)
    .execute();
  return [
    { key: peer.signing_jwk, from: Number(peer.signing_from_seq), until: null },
    ...retired.map((r) => ({ key: r.jwk, from: Number(r.from_seq), until: Number(r.until_seq) })),
  ];
}

async function thumbprint(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint(jwk, 'sha256');
}

/**
 * Checks an announcement opened (and so signed by the key the schedule gives its sequence)
 * and returns the schedule for the messages after it: the announcing key up to its
 * sequence, the new key from the next one.
 */
export async function scheduleAfter(
  peerId: string,
  schedule: ScheduledKey<string>[],
  message: SignedMessage,
): Promise<ScheduledKey<string>[]> {
  const invalid = (why: string) =>
    unprocessable('invalid_payload', `Message ${message.seq} (${KEYS_KIND}) is not valid: ${why}.`);
  const parsed = KeyAnnouncement.safeParse(message.body);
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => i.message).join('; '));
  const body = parsed.data;
  const signer = schedule.find(
    (k) => k.from <= message.seq && (k.until === null || message.seq <= k.until),
  );
  if (!signer || k(signer) !== body.previous)
    throw invalid('it does not name the key that signs it as the previous one');
  const signingKid = await thumbprint(body.signing);
  const encryptionKid = await thumbprint(body.encryption);
  if (signingKid !== body.signing.kid || encryptionKid !== body.encryption.kid)
    throw invalid('a key id is not the thumbprint of its key');
  try {
    const key = await importJWK(body.signing, JWS_ALG);
    const { payload } = await compactVerify(body.proof, key, { algorithms: [JWS_ALG] });
    const expected = proofPayload(peerId, signingKid, encryptionKid, body.previous);
    if (new TextDecoder().decode(payload) !== expected) throw new Error('other content');
  } catch {
    throw invalid('the new signing key does not sign the proof');
  }
  return [
    ...schedule.map((k) => (k === signer ? { ...k, until: message.seq } : k)),
    { key: JSON.stringify(body.signing), from: message.seq + 1, until: null },
  ];

  function k(entry: ScheduledKey<string>): string | undefined {
    return (JSON.parse(entry.key) as JWK).kid;
  }
}

/**
 * Applies an announcement (in the batch's transaction): pins the new keys, keeps the old
 * signing key for the sequences it signed until the grace ends. The peer is read again:
 * a batch may hold two announcements.
 */
export async function pinAnnouncedKeys(
  trx: Trx,
  body: KeyAnnouncement,
  context: HandlerContext,
  now: number,
): Promise<void> {
  const { message } = context;
  const peer = await trx
    .selectFrom('peers')
    .selectAll()
    .where('node_id', '=', context.peer.node_id)
    .executeTakeFirstOrThrow();
  const signingKid = body.signing.kid as string;
  const encryptionKid = body.encryption.kid as string;
  const fingerprint = fingerprintOf(signingKid, encryptionKid);
  const graceUntil = Math.min(Math.max(Date.parse(body.graceUntil), now), now + MAX_GRACE_MS);
  const oldKid = (JSON.parse(peer.signing_jwk) as JWK).kid ?? body.previous;
  await trx
    .insertInto('peer_retired_keys')
    .values({
      peer_id: peer.node_id,
      kid: oldKid,
      jwk: peer.signing_jwk,
      from_seq: Number(peer.signing_from_seq),
      until_seq: message.seq,
      expires_at: graceUntil,
    })
    .onConflict((oc) => oc.columns(['peer_id', 'kid']).doNothing())
    .execute();
  const changes = {
    signing_jwk: JSON.stringify(body.signing),
    encryption_jwk: JSON.stringify(body.encryption),
    fingerprint,
    signing_from_seq: message.seq + 1,
    updated_at: now,
  };
  await trx.updateTable('peers').set(changes).where('node_id', '=', peer.node_id).execute();
  await appendAudit(trx, {
    actor: { kind: 'peer', nodeId: peer.node_id },
    at: now,
    action: 'peer.keys_rotated',
    entityType: 'peer',
    entityId: peer.node_id,
    before: {
      signing_jwk: peer.signing_jwk,
      encryption_jwk: peer.encryption_jwk,
      fingerprint: peer.fingerprint,
      signing_from_seq: Number(peer.signing_from_seq),
    },
    after: changes,
    details: {
      fingerprint,
      previousFingerprint: peer.fingerprint,
      fromSeq: message.seq + 1,
      graceUntil: new Date(graceUntil).toISOString(),
    },
  });
}
