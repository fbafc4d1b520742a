import {
  CompactEncrypt,
  CompactSign,
  compactDecrypt,
  compactVerify,
  decodeProtectedHeader,
  importJWK,
  type JWK,
} from 'jose';
import { failure, type AppError } from '../errors.js';
import { jsonDepth } from '../../core/json-limits.js';

/**
 * The envelope of a federation message (docs/federation.md, "Envelope"): the message is
 * signed (compact JWS, EdDSA with the sender's Ed25519 key), then encrypted to the
 * recipient (compact JWE, ECDH-ES+A256KW with A256GCM, to its X25519 key). The JWE's
 * protected header repeats sender, recipient, sequence, kind and message id, so a receiver
 * can route and refuse before decrypting; after decrypting it checks they match the signed
 * message. No other algorithm is accepted.
 */
export const PROTOCOL_VERSION = 1;
export const JWS_ALG = 'EdDSA';
export const JWE_ALG = 'ECDH-ES+A256KW';
export const JWE_ENC = 'A256GCM';
export const JWS_TYP = 'liaison-message+jws';

/** What the sender signs. */
export interface SignedMessage {
  v: number;
  from: string;
  to: string;
  seq: number;
  kind: string;
  id: string;
  /** ISO 8601 time of the commit that produced the message. */
  at: string;
  body: unknown;
}

export interface EnvelopeHeader {
  from: string;
  to: string;
  seq: number;
  kind: string;
  mid: string;
  /** The id of the recipient's key the envelope is sealed to (key rotation: one of several). */
  rkid?: string;
}

/** A sender's signing key and the sequence numbers of its stream it signs (until null: on). */
export interface ScheduledKey<K> {
  key: K;
  from: number;
  until: number | null;
}

export type SigningKey = Awaited<ReturnType<typeof importJWK>>;

/** Every way an envelope can be wrong has its code; most are 400s. */
function refuse(code: string, message: string, status = 400): AppError {
  return failure(code, status, message);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Deeper than any message kind nests (a STIX object inside a message inside an envelope). */
const MESSAGE_DEPTH = 100;

export async function importSigningKey(jwk: JWK): Promise<SigningKey> {
  return importJWK(jwk, JWS_ALG);
}

export async function importEncryptionKey(jwk: JWK): Promise<SigningKey> {
  return importJWK(jwk, JWE_ALG);
}

export async function sealEnvelope(
  message: SignedMessage,
  sender: { key: SigningKey; kid: string },
  recipient: { key: SigningKey; kid: string },
): Promise<string> {
  const jws = await new CompactSign(encoder.encode(JSON.stringify(message)))
    .setProtectedHeader({ alg: JWS_ALG, kid: sender.kid, typ: JWS_TYP })
    .sign(sender.key);
  return new CompactEncrypt(encoder.encode(jws))
    .setProtectedHeader({
      alg: JWE_ALG,
      enc: JWE_ENC,
      kid: recipient.kid,
      cty: JWS_TYP,
      from: message.from,
      to: message.to,
      seq: message.seq,
      kind: message.kind,
      mid: message.id,
    })
    .encrypt(recipient.key);
}

/** Reads the JWE's protected header without decrypting, and checks its shape and algorithms. */
export function readEnvelopeHeader(envelope: unknown): EnvelopeHeader {
  if (typeof envelope !== 'string' || envelope.split('.').length !== 5) {
    throw refuse('invalid_envelope', 'An envelope must be a compact JWE (five base64url parts).');
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(envelope);
  } catch {
    throw refuse('invalid_envelope', 'The envelope header is not base64url-encoded JSON.');
  }
  if (header['alg'] !== JWE_ALG || header['enc'] !== JWE_ENC) {
    throw refuse(
      'bad_algorithm',
      `Envelopes must use alg ${JWE_ALG} with enc ${JWE_ENC}; got alg ${String(header['alg'])}, enc ${String(header['enc'])}.`,
    );
  }
  const { from, to, seq, kind, mid } = header;
  if (
    typeof from !== 'string' ||
    typeof to !== 'string' ||
    typeof kind !== 'string' ||
    typeof mid !== 'string' ||
    typeof seq !== 'number' ||
    !Number.isSafeInteger(seq) ||
    seq < 1
  ) {
    throw refuse(
      'invalid_envelope',
      'The envelope header must carry from, to, seq (a positive integer), kind and mid.',
    );
  }
  const rkid = typeof header['kid'] === 'string' ? header['kid'] : undefined;
  return { from, to, seq, kind, mid, ...(rkid === undefined ? {} : { rkid }) };
}

/**
 * Opens an envelope with the key of this node it is sealed to (by the JWE's kid: the current
 * key, or a retired one in its grace period) and verifies it with the sender's key for its
 * sequence number: after a rotation the old key signs up to the announcement, the new key
 * after it, and neither signs the other's part of the stream.
 */
export async function openScheduled(
  envelope: string,
  header: EnvelopeHeader,
  own: { keys: Map<string, SigningKey>; current: SigningKey },
  sender: ScheduledKey<SigningKey>[],
): Promise<SignedMessage> {
  const ownKey = header.rkid === undefined ? own.current : own.keys.get(header.rkid);
  if (!ownKey) {
    throw refuse(
      'decryption_failed',
      `The envelope is sealed to the key ${header.rkid}, which this node does not hold (retired after its grace period?).`,
    );
  }
  const verify = sender.find(
    (k) => k.from <= header.seq && (k.until === null || header.seq <= k.until),
  )?.key;
  if (!verify) {
    throw refuse(
      'bad_signature',
      `No key pinned for ${header.from} signs its sequence ${header.seq}.`,
      401,
    );
  }
  return openEnvelope(envelope, header, ownKey, verify);
}

/**
 * Decrypts with this node's key and verifies the signature with the sender's pinned key.
 * Throws an AppError with a specific code for every way an envelope can be wrong.
 */
export async function openEnvelope(
  envelope: string,
  header: EnvelopeHeader,
  ownDecryptionKey: SigningKey,
  senderVerifyKey: SigningKey,
): Promise<SignedMessage> {
  let inner: string;
  try {
    const { plaintext } = await compactDecrypt(envelope, ownDecryptionKey, {
      keyManagementAlgorithms: [JWE_ALG],
      contentEncryptionAlgorithms: [JWE_ENC],
    });
    inner = decoder.decode(plaintext);
  } catch (error) {
    throw refuse(
      'decryption_failed',
      `The envelope cannot be decrypted by this node: ${(error as Error).message}.`,
    );
  }
  let innerHeader: Record<string, unknown>;
  try {
    innerHeader = decodeProtectedHeader(inner);
  } catch {
    throw refuse('invalid_envelope', 'The decrypted content is not a compact JWS.');
  }
  if (innerHeader['alg'] !== JWS_ALG) {
    throw refuse(
      'bad_algorithm',
      `Messages must be signed with ${JWS_ALG}; got ${String(innerHeader['alg'])}.`,
    );
  }
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(inner, senderVerifyKey, { algorithms: [JWS_ALG] }));
  } catch {
    throw refuse(
      'bad_signature',
      `The signature does not verify with the pinned key of ${header.from}.`,
      401,
    );
  }
  let message: SignedMessage;
  try {
    message = JSON.parse(decoder.decode(payload)) as SignedMessage;
  } catch {
    throw refuse('invalid_envelope', 'The signed message is not JSON.');
  }
  // A message nested deeper than any of ours is refused before anything walks it.
  if (jsonDepth(message, MESSAGE_DEPTH) > MESSAGE_DEPTH) {
    throw refuse(
      'invalid_envelope',
      `The signed message nests deeper than ${MESSAGE_DEPTH} levels.`,
    );
  }
  if (
    message === null ||
    typeof message !== 'object' ||
    message.v !== PROTOCOL_VERSION ||
    message.from !== header.from ||
    message.to !== header.to ||
    message.seq !== header.seq ||
    message.kind !== header.kind ||
    message.id !== header.mid ||
    typeof message.at !== 'string'
  ) {
    throw refuse(
      'header_mismatch',
      'The signed message does not match the envelope header (from, to, seq, kind, id) or has another version.',
    );
  }
  return message;
}
