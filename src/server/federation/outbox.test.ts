import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { makeNode, type NodeHandle } from '../../../test/harness/node.js';
import { insertPeerRow } from '../../../test/harness/peers.js';
import { openStore } from '../store/database.js';
import { DIAGNOSTIC_KIND } from './federation.js';

/** A message too large for any recipient is refused with the change, never queued. */
describe('the outbox', () => {
  let h: NodeHandle;
  afterAll(async () => {
    await h.destroy();
  });

  it('refuses a message whose envelope would exceed 4 MiB, and writes nothing', async () => {
    h = await makeNode({ nodeId: 'us-doj' });
    const db = h.node.store.db;
    await insertPeerRow(h, {
      nodeId: 'cn-mps',
      url: 'http://127.0.0.1:9',
      kinds: [DIAGNOSTIC_KIND],
    });
    const objects = Array.from({ length: 2000 }, (_, i) => ({ i, text: 'x'.repeat(1200) }));
    await expect(
      h.node.store.transaction((trx) =>
        h.node.federation.send(trx, undefined, 'cn-mps', DIAGNOSTIC_KIND, {
          label: 'too large',
          objects,
        }),
      ),
    ).rejects.toMatchObject({ code: 'message_too_large', status: 413 });
    expect(await db.selectFrom('outbox').select('seq').execute()).toEqual([]);
    const stream = await db.selectFrom('stream_out').select('last_seq').executeTakeFirstOrThrow();
    expect(Number(stream.last_seq)).toBe(0);
  });
});

/**
 * A node stops while a batch is in flight to a peer that holds it without answering: the
 * stop abandons the batch (the peer would have it again at the next start) instead of
 * waiting out the request's 30 s timeout, and records nothing against the peer.
 */
describe('a stopping node', () => {
  it('abandons a batch in flight instead of waiting for its answer', async () => {
    const held: IncomingMessage[] = [];
    let closed = 0;
    const silent = createServer((request) => {
      held.push(request);
      request.socket.on('close', () => (closed += 1));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const h = await makeNode({ nodeId: 'us-doj' });
    try {
      await insertPeerRow(h, {
        nodeId: 'cn-mps',
        url: `http://127.0.0.1:${port}`,
        kinds: [DIAGNOSTIC_KIND],
      });
      await h.node.store.transaction((trx, hooks) =>
        h.node.federation.send(trx, hooks, 'cn-mps', DIAGNOSTIC_KIND, {
          label: 'held',
          objects: [],
        }),
      );
      // The peer list is read every 2 s; the batch goes out once its dispatcher runs.
      for (let i = 0; i < 100 && held.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(held.length).toBe(1);
      const stopped = h.stop().then(() => 'stopped' as const);
      const waited = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 10_000));
      expect(await Promise.race([stopped, waited])).toBe('stopped');
      // The connection that carried it is closed, not left to the peer's patience.
      for (let i = 0; i < 50 && closed === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(closed).toBe(1);
      // Nothing recorded against the peer; the message waits for the next start.
      const store = openStore(h.database.store);
      try {
        const stream = await store.db
          .selectFrom('stream_out')
          .select(['acked_seq', 'last_seq', 'failures', 'last_error_code'])
          .executeTakeFirstOrThrow();
        expect(stream).toMatchObject({ failures: 0, last_error_code: null });
        expect(Number(stream.acked_seq)).toBe(0);
        expect(Number(stream.last_seq)).toBe(1);
      } finally {
        await store.close();
      }
    } finally {
      await h.destroy();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
