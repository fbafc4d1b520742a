import { afterEach, describe, expect, it } from 'vitest';
import { NOTE_KIND } from '../src/core/schemas/notes.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle } from './harness/node.js';
import { appliedNotesIn } from './harness/notes.js';

/** The stream's store code (outbox, watermark, ledger) on each dialect, over real HTTP. */
for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`federation store on ${dialect}`, () => {
    const handles: NodeHandle[] = [];
    afterEach(async () => {
      for (const h of handles.splice(0)) await h.destroy();
    });

    it('exchanges 1,000 messages each way exactly once, in order', async () => {
      const a = await makeNode({ dialect, nodeId: 'us-doj' });
      const b = await makeNode({ dialect, nodeId: 'cn-mps' });
      handles.push(a, b);
      const urls = [await a.node.listen(), await b.node.listen()] as const;
      const sa = await login(a.app, 'admin', a.admin.password);
      const sb = await login(b.app, 'admin', b.admin.password);
      const add = (h: NodeHandle, s: typeof sa, url: string, fingerprint: string) =>
        call(h.app, s, 'POST', '/api/federation/peers', { url, fingerprint });
      expect((await add(a, sa, urls[1], b.node.keys.fingerprint)).statusCode).toBe(201);
      expect((await add(b, sb, urls[0], a.node.keys.fingerprint)).statusCode).toBe(201);

      const send = async (h: NodeHandle, peer: string, label: string) => {
        const texts: string[] = [];
        for (let chunk = 0; chunk < 1000; chunk += 100) {
          await h.node.store.transaction(async (trx, hooks) => {
            for (let i = chunk; i < chunk + 100; i++) {
              const text = `${label} ${i + 1}`;
              texts.push(text);
              await h.node.federation.send(trx, hooks, peer, NOTE_KIND, {
                noteId: text,
                text,
                author: 't',
              });
            }
          });
        }
        return texts;
      };
      const [toB, toA] = await Promise.all([send(a, 'cn-mps', 'a→b'), send(b, 'us-doj', 'b→a')]);
      const applied = (h: NodeHandle, peer: string) => appliedNotesIn(h.node.store.db, peer);
      for (let i = 0; i < 300; i++) {
        const [x, y] = await Promise.all([applied(b, 'us-doj'), applied(a, 'cn-mps')]);
        if (x.length === 1000 && y.length === 1000) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const [atB, atA] = await Promise.all([applied(b, 'us-doj'), applied(a, 'cn-mps')]);
      expect(atB.map((r) => r.text)).toEqual(toB);
      expect(atB.map((r) => r.seq)).toEqual(toB.map((_, i) => i + 1));
      expect(atA.map((r) => r.text)).toEqual(toA);
      // B applied everything; A learns it from B's answer a moment later.
      for (let i = 0; i < 100; i++) {
        const ledger = (await call(a.app, sa, 'GET', '/api/federation/peers')).json().peers[0]
          .ledger;
        if (ledger.backlog === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const peers = await call(a.app, sa, 'GET', '/api/federation/peers');
      expect(peers.json().peers[0].ledger).toMatchObject({
        lastSent: 1000,
        backlog: 0,
        lastApplied: 1000,
      });
      const outbox = await a.node.store.db.selectFrom('outbox').selectAll().execute();
      expect(outbox).toEqual([]);
    });
  });
}
