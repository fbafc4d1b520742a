import { parentPort } from 'node:worker_threads';
import type { FromPreparer, ToPreparer } from './import.preparer.js';
import { BatchScanner } from './import.scan.js';

/**
 * The import preparer's thread (import.preparer.ts): for each import, the bundle's bytes
 * in, scanned and prepared batches out, in order.
 */
const sessions = new Map<number, BatchScanner>();

function send(message: FromPreparer): void {
  parentPort?.postMessage(message);
}

function run(session: number, work: (scanner: BatchScanner) => ReturnType<BatchScanner['end']>) {
  const scanner = sessions.get(session);
  if (!scanner) return;
  try {
    for (const batch of work(scanner)) send({ kind: 'batch', session, ...batch });
  } catch (error) {
    sessions.delete(session);
    send({
      kind: 'failed',
      session,
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

parentPort?.on('message', (message: ToPreparer) => {
  switch (message.kind) {
    case 'open':
      sessions.set(message.session, new BatchScanner(message.resume ?? undefined, message.context));
      break;
    case 'chunk': {
      const bytes = message.bytes;
      run(message.session, (scanner) =>
        scanner.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
      );
      send({ kind: 'took', session: message.session, bytes: bytes.byteLength });
      break;
    }
    case 'end':
      run(message.session, (scanner) => scanner.end());
      if (sessions.delete(message.session)) send({ kind: 'done', session: message.session });
      break;
    case 'cut':
      // What was scanned of a source that failed: the full batches are sent already.
      if (sessions.delete(message.session)) send({ kind: 'done', session: message.session });
      break;
    case 'close':
      sessions.delete(message.session);
      break;
  }
});
