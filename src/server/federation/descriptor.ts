import { calculateJwkThumbprint, CompactSign, compactVerify, importJWK } from 'jose';
import { canonicalJson } from '../../core/canonical-json.js';
import { fingerprintOf, normalizeFingerprint } from '../../core/fingerprint.js';
import { type NodeDescriptor, SignedDescriptor } from '../../core/schemas/federation.js';
import { AppError, unprocessable } from '../errors.js';
import type { NodeKeys } from '../identity/keys.js';
import { JWS_ALG, PROTOCOL_VERSION, type SigningKey } from './envelope.js';

export const DESCRIPTOR_PATH = '/.well-known/liaison';
export const BATCH_PATH = '/federation/v1/batch';

export interface DescriptorInput {
  nodeId: string;
  name: string;
  country: string;
  timeZone: string;
  url: string;
  keys: NodeKeys;
  messageKinds: string[];
  issuedAt: string;
}

/** This node's descriptor, signed with its own key (proof it holds the private key). */
export async function signDescriptor(
  input: DescriptorInput,
  signingKey: SigningKey,
): Promise<SignedDescriptor> {
  const descriptor: NodeDescriptor = {
    protocol: 'liaison-federation',
    versions: [PROTOCOL_VERSION],
    nodeId: input.nodeId,
    name: input.name,
    country: input.country,
    timeZone: input.timeZone,
    url: input.url,
    endpoints: { batch: BATCH_PATH },
    keys: {
      signing: input.keys.signing.publicJwk as NodeDescriptor['keys']['signing'],
      encryption: input.keys.encryption.publicJwk as NodeDescriptor['keys']['encryption'],
    },
    fingerprint: input.keys.fingerprint,
    messageKinds: [...input.messageKinds].sort(),
    issuedAt: input.issuedAt,
  };
  const jws = await new CompactSign(new TextEncoder().encode(canonicalJson(descriptor)))
    .setProtectedHeader({
      alg: JWS_ALG,
      kid: input.keys.signing.kid,
      typ: 'liaison-descriptor+jws',
    })
    .sign(signingKey);
  return { descriptor, jws };
}

/** The fingerprint a descriptor's keys really have (never trust its `fingerprint` field). */
export async function fingerprintOfDescriptor(descriptor: NodeDescriptor): Promise<string> {
  const signing = await calculateJwkThumbprint(descriptor.keys.signing, 'sha256');
  const encryption = await calculateJwkThumbprint(descriptor.keys.encryption, 'sha256');
  return fingerprintOf(signing, encryption);
}

/**
 * Fetches a node's descriptor, checks its self-signature and compares its keys'
 * fingerprint with the one given out of band. Refuses on any difference.
 */
export async function fetchVerifiedDescriptor(
  url: string,
  expectedFingerprint: string,
  fetcher: (url: string) => Promise<Response> = (target) =>
    fetch(target, { signal: AbortSignal.timeout(10_000) }),
): Promise<NodeDescriptor> {
  const base = url.replace(/\/+$/, '');
  let body: unknown;
  try {
    const response = await fetcher(`${base}${DESCRIPTOR_PATH}`);
    if (!response.ok) {
      throw unprocessable(
        'peer_unreachable',
        `${base}${DESCRIPTOR_PATH} answered ${response.status}.`,
      );
    }
    body = await response.json();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw unprocessable(
      'peer_unreachable',
      `Cannot fetch ${base}${DESCRIPTOR_PATH}: ${(error as Error).message}.`,
    );
  }
  const parsed = SignedDescriptor.safeParse(body);
  if (!parsed.success) {
    throw unprocessable(
      'invalid_descriptor',
      `The node at ${base} does not serve a valid Liaison descriptor.`,
    );
  }
  const { descriptor, jws } = parsed.data;
  try {
    const key = await importJWK(descriptor.keys.signing, JWS_ALG);
    const { payload } = await compactVerify(jws, key, { algorithms: [JWS_ALG] });
    if (new TextDecoder().decode(payload) !== canonicalJson(descriptor))
      throw new Error('content differs');
  } catch {
    throw unprocessable(
      'invalid_descriptor',
      `The descriptor of ${base} is not signed by the key it presents.`,
    );
  }
  if (!descriptor.versions.includes(PROTOCOL_VERSION)) {
    throw unprocessable(
      'protocol_mismatch',
      `The node at ${base} speaks protocol versions ${descriptor.versions.join(', ')}; this node speaks ${PROTOCOL_VERSION}.`,
    );
  }
  const actual = await fingerprintOfDescriptor(descriptor);
  if (normalizeFingerprint(actual) !== normalizeFingerprint(expectedFingerprint)) {
    throw unprocessable(
      'fingerprint_mismatch',
      `Fingerprint mismatch: you gave ${expectedFingerprint.trim().replace(/\s+/g, ' ')}, but the node at ${base} ` +
        `(${descriptor.nodeId}) presents ${actual}. Do not peer: check the fingerprint with the other side.`,
    );
  }
  return descriptor;
}
