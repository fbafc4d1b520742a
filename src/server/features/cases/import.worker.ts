import { parentPort } from 'node:worker_threads';
import { prepareElement, type PrepareReply, type PrepareRequest } from './import.prepare.js';

/** The import preparer's thread (cases.import.prepare.ts): one batch at a time, in order. */
parentPort?.on('message', (request: PrepareRequest) => {
  let reply: PrepareReply;
  try {
    reply = {
      id: request.id,
      ok: true,
      prepared: request.elements.map((element) => prepareElement(element, request.context)),
    };
  } catch (error) {
    reply = {
      id: request.id,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  parentPort?.postMessage(reply);
});
