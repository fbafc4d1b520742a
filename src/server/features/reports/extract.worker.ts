import { parentPort } from 'node:worker_threads';
import { replyTo, type ExtractJob } from './extract.job.js';

/**
 * The reports' extraction thread (extract.pool.ts): one document at a time in, its text,
 * extraction and cluster features out. It says `ready` once its modules are loaded, so the
 * pool's per-document timeout counts the work only.
 */
parentPort?.on('message', (job: ExtractJob) => {
  void replyTo(job).then((reply) => parentPort?.postMessage(reply));
});
parentPort?.postMessage('ready');
