import { parentPort, workerData } from 'node:worker_threads';
import type { JWK } from 'jose';
import { AppError } from '../errors.js';
import {
  importEncryptionKey,
  importSigningKey,
  openEnvelope,
  type EnvelopeHeader,
  type SigningKey,
} from './envelope.js';
import type { OpenReply, OpenRequest } from './opener.js';

/**
 * A thread of the envelope opener (opener.ts): decrypts and verifies the envelopes it is
 * given with this node's key and the sender's pinned key, one request at a time.
 */
const { ownJwk } = workerData as { ownJwk: JWK };
const ownKey = importEncryptionKey(ownJwk);
ownKey.catch(() => undefined); // reported on first use
const senderKeys = new Map<string, Promise<SigningKey>>();

async function open(request: OpenRequest): Promise<OpenReply> {
  let senderKey = senderKeys.get(request.senderJwk);
  if (!senderKey) {
    if (senderKeys.size > 100) senderKeys.clear();
    senderKey = importSigningKey(JSON.parse(request.senderJwk) as JWK);
    senderKeys.set(request.senderJwk, senderKey);
  }
  const key = await ownKey;
  const verifyKey = await senderKey;
  // Opened concurrently: jose verifies signatures on libuv's thread pool.
  const outcomes = await Promise.all(
    request.envelopes.map((envelope, i) =>
      openEnvelope(envelope, request.headers[i] as EnvelopeHeader, key, verifyKey).catch(
        (error: unknown) => {
          if (error instanceof AppError) return error;
          throw error;
        },
      ),
    ),
  );
  const messages = [];
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome instanceof AppError) {
      return {
        id: request.id,
        ok: false,
        index: i,
        code: outcome.code,
        status: outcome.status,
        message: outcome.message,
      };
    }
    messages.push(outcome);
  }
  return { id: request.id, ok: true, messages };
}

parentPort?.on('message', (request: OpenRequest) => {
  open(request).then(
    (reply) => parentPort?.postMessage(reply),
    (error: unknown) =>
      parentPort?.postMessage({
        id: request.id,
        ok: false,
        index: -1,
        code: 'internal',
        status: 500,
        message: error instanceof Error ? error.message : String(error),
      } satisfies OpenReply),
  );
});
