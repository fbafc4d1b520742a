import { afterAll, describe, expect, it } from 'vitest';
import { findPeer } from '../src/server/federation/peers.js';
import { markRestored, RESUME_PATH, signedResumeRequest } from '../src/server/federation/resume.js';
import { findStreamOut } from '../src/server/federation/streams.repository.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { makeNode, type NodeHandle } from './harness/node.js';
import { peerUp } from './harness/peers.js';

/**
 * A restored node's signed resume is answered once (docs/federation.md, "Resuming after a
 * restore"): the same resume sent again within the minutes it stays fresh is refused as a
 * replay, and nothing of the first answer is done twice.
 */
for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`a replayed resume on ${dialect}`, () => {
    const handles: NodeHandle[] = [];
    afterAll(async () => {
      for (const h of handles) await h.destroy();
    });

    it('is refused with resume_replayed; a fresh resume is still taken', async () => {
      // a: the restored node; its dispatchers are stopped, so it does not resume on its own.
      const a = await makeNode({ nodeId: 'us-doj' });
      const b = await makeNode({ nodeId: 'cn-mps', dialect });
      handles.push(a, b);
      await peerUp(a, b, await a.node.listen(), await b.node.listen());
      await a.node.federation.stop();
      await markRestored(a.node.store, {
        at: Date.now(),
        backupCreatedAt: Date.now() - 60_000,
        osUser: 'test',
        file: 'backup.liaison',
      });
      const ctx = a.node.federation.ctx;
      const peer = await findPeer(a.node.store.db, 'cn-mps');
      const stream = await findStreamOut(a.node.store.db, 'cn-mps');
      if (!peer || !stream) throw new Error('us-doj has no stream to cn-mps');
      const resume = (token: string) =>
        b.app.inject({ method: 'POST', url: RESUME_PATH, payload: { token } });

      const { token } = await signedResumeRequest(ctx, peer, stream);
      const first = await resume(token);
      expect(first.statusCode, first.body).toBe(200);
      const restored = () =>
        b.node.store.db
          .selectFrom('audit_log')
          .select('seq')
          .where('action', '=', 'peer.restored')
          .execute();
      expect(await restored()).toHaveLength(1);

      const again = await resume(token);
      expect(again.statusCode, again.body).toBe(409);
      expect(again.json().error.code).toBe('resume_replayed');
      expect(await restored()).toHaveLength(1);

      // The restored node's own retry signs a new resume: that one is answered.
      const retry = await signedResumeRequest(ctx, peer, stream);
      const second = await resume(retry.token);
      expect(second.statusCode, second.body).toBe(200);
      expect(await restored()).toHaveLength(2);
    });
  });
}
