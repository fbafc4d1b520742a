import { parentPort } from 'node:worker_threads';
import { AppError } from '../errors.js';
import { openScheduled, type EnvelopeHeader } from './envelope.js';
import { ImportedKeys, type OpenReply, type OpenRequest } from './opener.js';

/**
 * A thread of the envelope opener (opener.ts): decrypts and verifies the envelopes it is
 * given with this node's keys and the sender's pinned keys, one request at a time. The
 * keys come with each request (a rotation changes them); imported ones are kept.
 */
const imported = new ImportedKeys();

async function open(request: OpenRequest): Promise<OpenReply> {
  const { own, sender } = await imported.forRequest(request.ownJwks, request.senderKeys);
  // Opened concurrently: jose verifies signatures on libuv's thread pool.
  const outcomes = await Promise.all(
    request.envelopes.map((envelope, i) =>
      openScheduled(envelope, request.headers[i] as EnvelopeHeader, own, sender).catch(
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
