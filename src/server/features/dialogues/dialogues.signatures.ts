import { createHash } from 'node:crypto';
import { CompactSign, compactVerify, importJWK, type JWK, type KeyLike } from 'jose';
import { canonicalJson } from '../../../core/canonical-json.js';
import type { RecordContent, RecordSignature } from '../../../core/schemas/dialogues.js';
import type { Federation } from '../../federation/federation.js';
import type { PeerRow } from '../../federation/federation.table.js';
import type { Db } from '../../store/database.js';

const ALG = 'EdDSA';
/** The JWS `typ` of a record signature, so it is never taken for a message envelope. */
const TYP = 'liaison-dialogue-record+jws';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The hash both nodes sign: SHA-256 (hex) of the canonical JSON of the record's identity and
 * content. The ids and the version are inside, so a signature holds for this version of
 * this meeting's record only.
 */
export function recordHash(
  dialogueId: string,
  meetingId: string,
  version: number,
  content: RecordContent,
): string {
  return createHash('sha256')
    .update(canonicalJson({ dialogueId, meetingId, version, content }))
    .digest('hex');
}

/** This node signs a record's hash with its current Ed25519 node key (a compact JWS). */
export async function signRecord(
  federation: Federation,
  db: Db,
  hash: string,
): Promise<{ kid: string; jws: string }> {
  const ring = federation.ctx.ring;
  const { signing } = await ring.current(db);
  const jws = await new CompactSign(encoder.encode(hash))
    .setProtectedHeader({ alg: ALG, kid: signing, typ: TYP })
    .sign(await ring.key(signing));
  return { kid: signing, jws };
}

async function verifyWith(key: KeyLike | Uint8Array, jws: string, hash: string) {
  try {
    const { payload, protectedHeader } = await compactVerify(jws, key, { algorithms: [ALG] });
    return protectedHeader.typ === TYP && decoder.decode(payload) === hash;
  } catch {
    return false;
  }
}

/** Whether the peer's signature of `hash` verifies with the peer's pinned signing key. */
export async function verifyPeerSignature(
  federation: Federation,
  peer: PeerRow,
  signature: { kid: string; jws: string },
  hash: string,
): Promise<boolean> {
  const key = await federation.ctx.peerKeys.signing(peer);
  return verifyWith(key, signature.jws, hash);
}

/** Whether this node's own signature verifies with the public half of the key it names. */
export async function verifyOwnSignature(
  federation: Federation,
  signature: { kid: string; jws: string },
  hash: string,
): Promise<boolean> {
  const jwk = federation.ctx.ring.privateJwk(signature.kid);
  if (!jwk) return false;
  const { d: _d, ...publicJwk } = jwk;
  return verifyWith(await importJWK(publicJwk as JWK, ALG), signature.jws, hash);
}

export function parseSignatures(text: string): RecordSignature[] {
  return JSON.parse(text) as RecordSignature[];
}

/** The signatures with `signature` put in its node's place (one per node). */
export function withSignature(text: string, signature: RecordSignature): string {
  const others = parseSignatures(text).filter((s) => s.node !== signature.node);
  return JSON.stringify([...others, signature].sort((a, b) => (a.node < b.node ? -1 : 1)));
}
