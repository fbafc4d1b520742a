import { afterAll, describe, expect, it } from 'vitest';
import { call, login, makeNode, type NodeHandle } from './harness/node.js';

/** A peer that was upgraded is known as such without re-peering; its keys never change so. */
describe('peer descriptor refresh', () => {
  const handles: NodeHandle[] = [];
  afterAll(async () => {
    for (const h of handles) await h.destroy();
  });

  it('takes over the message kinds a peer now accepts, when its keys are the pinned ones', async () => {
    const a = await makeNode({ nodeId: 'us-doj' });
    const b = await makeNode({ nodeId: 'cn-mps' });
    handles.push(a, b);
    await a.node.listen();
    const urlB = await b.node.listen();
    const session = await login(a.app, 'admin', a.admin.password);
    const added = await call(a.app, session, 'POST', '/api/federation/peers', {
      url: urlB,
      fingerprint: b.node.keys.fingerprint,
    });
    expect(added.statusCode).toBe(201);
    // As if cn-mps had been peered while it ran an older version.
    await a.node.store.db
      .updateTable('peers')
      .set({ message_kinds: JSON.stringify(['liaison.note']) })
      .where('node_id', '=', 'cn-mps')
      .execute();
    expect(await a.node.federation.peers.refreshDescriptors()).toEqual(['cn-mps']);
    const row = await a.node.store.db
      .selectFrom('peers')
      .select('message_kinds')
      .where('node_id', '=', 'cn-mps')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.message_kinds)).toContain('liaison.request.event');
    expect(await a.node.federation.peers.refreshDescriptors()).toEqual([]);

    // A peer whose pinned fingerprint no longer matches is left as it is.
    await a.node.store.db
      .updateTable('peers')
      .set({ message_kinds: '[]', fingerprint: '00000 '.repeat(12).trim() })
      .where('node_id', '=', 'cn-mps')
      .execute();
    expect(await a.node.federation.peers.refreshDescriptors()).toEqual([]);
  });
});
