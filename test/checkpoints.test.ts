import { afterAll, describe, expect, it } from 'vitest';
import { recomputeHash, verifyAudit } from '../src/server/audit/audit.js';
import { ManualClock } from '../src/server/clock.js';
import { call, login, makeNode, type NodeHandle } from './harness/node.js';

/** Audit checkpoints travel to the peer, and a rewritten history no longer matches them. */
describe('audit checkpoints', () => {
  const handles: NodeHandle[] = [];
  afterAll(async () => {
    for (const h of handles) await h.destroy();
  });

  it('sends the chain head to the peer, and `audit verify` catches a consistent rewrite', async () => {
    const clock = new ManualClock(Date.now());
    const a = await makeNode({ nodeId: 'us-doj', clock, timerPollMs: 50 });
    const b = await makeNode({ nodeId: 'cn-mps' });
    handles.push(a, b);
    const urlA = await a.node.listen();
    const urlB = await b.node.listen();
    const adminA = await login(a.app, 'admin', a.admin.password);
    const adminB = await login(b.app, 'admin', b.admin.password);
    expect(
      (
        await call(a.app, adminA, 'POST', '/api/federation/peers', {
          url: urlB,
          fingerprint: b.node.keys.fingerprint,
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await call(b.app, adminB, 'POST', '/api/federation/peers', {
          url: urlA,
          fingerprint: a.node.keys.fingerprint,
        })
      ).statusCode,
    ).toBe(201);

    const head = await a.node.store.db
      .selectFrom('audit_head')
      .selectAll()
      .executeTakeFirstOrThrow();
    clock.advance(6 * 60_000);
    let received: { seq: number; hash: string }[] = [];
    for (let i = 0; i < 100 && received.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      received = await b.node.store.db
        .selectFrom('audit_checkpoints_received')
        .select(['seq', 'hash'])
        .where('peer_id', '=', 'us-doj')
        .execute();
    }
    expect(received).toEqual([{ seq: Number(head.seq), hash: head.hash }]);
    expect(await verifyAudit(a.node.store.db)).toMatchObject({ ok: true, checkpoints: 1 });

    // Someone with the database rewrites entry 2 and recomputes every hash after it.
    const db = a.node.store.db;
    const rows = await db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    let prev = rows[0]!.hash;
    for (const row of rows.slice(1)) {
      const edited = {
        ...row,
        prev_hash: prev,
        details: row.seq === 2 ? '{"rewritten":true}' : row.details,
      };
      const hash = recomputeHash(edited);
      await db
        .updateTable('audit_log')
        .set({ prev_hash: edited.prev_hash, details: edited.details, hash })
        .where('seq', '=', row.seq)
        .execute();
      prev = hash;
    }
    await db.updateTable('audit_head').set({ hash: prev }).where('id', '=', 1).execute();
    const result = await verifyAudit(db);
    expect(result.ok).toBe(false);
    expect(result.firstBad?.seq).toBe(Number(head.seq));
    expect(result.firstBad?.reason).toMatch(/differs from the checkpoint sent to peers/);
  });
});
