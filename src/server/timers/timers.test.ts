import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DIALECTS, dialectAvailable } from '../../../test/harness/databases.js';
import { makeNode, type NodeHandle } from '../../../test/harness/node.js';
import { until } from '../../../test/harness/wait.js';
import { ManualClock } from '../clock.js';
import type { Node } from '../node.js';
import type { TimerRow } from './timers.table.js';

const T0 = Date.parse('2026-11-24T09:00:00Z');

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`timers on ${dialect}`, () => {
    const handles: NodeHandle[] = [];
    afterEach(async () => {
      for (const h of handles.splice(0).reverse()) await h.stop();
      // The first node owns the database.
    });

    it('fires each due timer exactly once, when the clock moves and across a restart', async () => {
      const clock = new ManualClock(T0);
      const fired: { id: string; at: number }[] = [];
      const record = (node: Node) =>
        node.timers.define('test.deadline', z.null(), async (_trx, _payload, timer) => {
          fired.push({ id: timer.id, at: clock.now() });
          return Promise.resolve();
        });
      const first = await makeNode({ dialect, clock, timerPollMs: 50, beforeStart: record });
      handles.push(first);
      const db = first.node.store.db;
      for (const [id, offset] of [
        ['a', 60_000],
        ['b', 120_000],
        ['c', 3_600_000],
      ] as const) {
        await first.node.timers.schedule(db, undefined, {
          id,
          kind: 'test.deadline',
          dueAt: T0 + offset,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(fired).toEqual([]);

      clock.advance(90_000);
      await until(() => fired.length === 1, 'timer a', 5000, 20);
      expect(fired.map((f) => f.id)).toEqual(['a']);

      // Restart: a new node process on the same database, with the clock moved past b and c.
      await first.stop();
      handles.pop();
      clock.advance(2 * 3_600_000);
      const second = await makeNode({
        dialect,
        clock,
        database: first.database,
        noAdmin: true,
        timerPollMs: 50,
        beforeStart: record,
      });
      handles.push(second);
      await until(() => fired.length === 3, 'timers b and c', 5000, 20);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(fired.map((f) => f.id).sort()).toEqual(['a', 'b', 'c']);
      const rows = await second.node.store.db
        .selectFrom('timers')
        .selectAll()
        .where('kind', '=', 'test.deadline')
        .orderBy('id')
        .execute();
      expect(rows).toHaveLength(3);
      expect(rows.every((row: TimerRow) => row.fired_at !== null && row.attempts === 1)).toBe(true);
      await second.stop();
      await first.database.drop();
    });

    it('fires a timer on the real clock, not before its time', async () => {
      const h = await makeNode({ dialect });
      handles.push(h);
      let firedAt = 0;
      h.node.timers.define('test.soon', z.null(), () => {
        firedAt = Date.now();
        return Promise.resolve();
      });
      const due = Date.now() + 300;
      await h.node.timers.schedule(h.node.store.db, undefined, { kind: 'test.soon', dueAt: due });
      await until(() => firedAt > 0, 'the timer', 3000, 20);
      expect(firedAt).toBeGreaterThanOrEqual(due);
      await h.destroy();
      handles.pop();
    });

    it('records a timer whose payload its kind refuses as failed, with the reason, and goes on', async () => {
      const clock = new ManualClock(T0);
      const h = await makeNode({ dialect, clock, timerPollMs: 50 });
      handles.push(h);
      const handled: string[] = [];
      h.node.timers.define('test.typed', z.object({ callId: z.string() }), (_trx, payload) => {
        handled.push(payload.callId);
        return Promise.resolve();
      });
      await expect(
        h.node.timers.schedule(h.node.store.db, undefined, {
          kind: 'test.typed',
          dueAt: T0,
          payload: { callId: 7 },
        }),
      ).rejects.toThrow(/payload of timer kind test.typed/);
      // A row written by an older version (or by hand) with a payload the kind no longer takes.
      await h.node.store.db
        .insertInto('timers')
        .values({
          id: 'bad',
          kind: 'test.typed',
          payload: JSON.stringify({ call: 'c-1' }),
          due_at: T0,
          created_at: T0,
          fired_at: null,
          attempts: 0,
          last_error: null,
        })
        .execute();
      await h.node.timers.schedule(h.node.store.db, undefined, {
        id: 'good',
        kind: 'test.typed',
        dueAt: T0 + 1,
        payload: { callId: 'c-2' },
      });
      clock.advance(10);
      await until(() => handled.length === 1, 'the good timer', 5000, 20);
      expect(handled).toEqual(['c-2']);
      const bad = await h.node.store.db
        .selectFrom('timers')
        .selectAll()
        .where('id', '=', 'bad')
        .executeTakeFirstOrThrow();
      expect(bad.fired_at).not.toBeNull();
      expect(bad.attempts).toBe(1);
      expect(bad.last_error).toMatch(/payload of timer kind test.typed is not valid.*callId/s);
      // Spent, not retried: moving the clock far on does not run it again.
      clock.advance(3_600_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(handled).toEqual(['c-2']);
      await h.destroy();
      handles.pop();
    });

    it('rolls back a failing handler, records why, and retries later', async () => {
      const clock = new ManualClock(T0);
      const h = await makeNode({ dialect, clock, timerPollMs: 50 });
      handles.push(h);
      let calls = 0;
      h.node.timers.define('test.flaky', z.null(), async (trx) => {
        calls++;
        // A write the failure must undo.
        await trx
          .insertInto('login_failures')
          .values({ key: `flaky:${calls}`, at: 1 })
          .execute();
        if (calls === 1) throw new Error('peer unreachable');
      });
      const id = await h.node.timers.schedule(h.node.store.db, undefined, {
        kind: 'test.flaky',
        dueAt: T0,
      });
      await until(
        async () => {
          const row = await h.node.store.db
            .selectFrom('timers')
            .selectAll()
            .where('id', '=', id)
            .executeTakeFirst();
          return row?.last_error === 'peer unreachable';
        },
        'the first attempt to fail',
        5000,
        20,
      );
      const leftovers = await h.node.store.db.selectFrom('login_failures').selectAll().execute();
      expect(leftovers).toEqual([]);
      clock.advance(5_000);
      await until(() => calls === 2, 'the second attempt', 5000, 20);
      // The handler has run; its transaction (and the fired mark) commits just after.
      await until(
        async () =>
          (
            await h.node.store.db
              .selectFrom('timers')
              .select('fired_at')
              .where('id', '=', id)
              .executeTakeFirst()
          )?.fired_at != null,
        'the second attempt to commit',
        5000,
        20,
      );
      const row = await h.node.store.db
        .selectFrom('timers')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row.fired_at).not.toBeNull();
      expect(row.attempts).toBe(2);
      await h.destroy();
      handles.pop();
    });

    // Two nodes with their own connection pools compete as two processes would.
    it.skipIf(dialect !== 'postgres')(
      'fires exactly once with two workers on one database',
      async () => {
        const a = await makeNode({ dialect, timerPollMs: 20 });
        const b = await makeNode({ dialect, database: a.database, noAdmin: true, timerPollMs: 20 });
        handles.push(a, b);
        const counts = new Map<string, number>();
        const firedBy = { a: 0, b: 0 };
        for (const [name, h] of [
          ['a', a],
          ['b', b],
        ] as const) {
          h.node.timers.define('test.once', z.null(), async (trx, _payload, timer) => {
            // Hold the claim a little so the other worker really competes for the same rows.
            await trx.selectFrom('timers').select('id').where('id', '=', timer.id).execute();
            await new Promise((resolve) => setTimeout(resolve, 2));
            counts.set(timer.id, (counts.get(timer.id) ?? 0) + 1);
            firedBy[name]++;
          });
        }
        const due = Date.now() + 100;
        await a.node.store.transaction(async (trx) => {
          for (let i = 0; i < 200; i++) {
            await a.node.timers.schedule(trx, undefined, {
              id: `t${i}`,
              kind: 'test.once',
              dueAt: due,
            });
          }
        });
        await until(() => counts.size === 200, 'all 200 timers', 15_000, 20);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect([...counts.values()].every((n) => n === 1)).toBe(true);
        expect(firedBy.a + firedBy.b).toBe(200);
        expect(firedBy.a).toBeGreaterThan(0);
        expect(firedBy.b).toBeGreaterThan(0);
        await b.stop();
        await a.destroy();
        handles.splice(0);
      },
    );
  });
}
