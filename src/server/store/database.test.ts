import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  DIALECTS,
  dialectAvailable,
  type TestDatabase,
} from '../../../test/harness/databases.js';
import { openStore, type Store } from './database.js';

/**
 * A transaction that need not wait for the disk (`durable: false`) commits like any other,
 * is undone whole when it fails, and leaves the connection's setting as it found it: the
 * transactions after it wait for the disk again.
 */
for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`a non-durable transaction on ${dialect}`, () => {
    let database: TestDatabase | undefined;
    let store: Store | undefined;
    afterAll(async () => {
      await store?.close();
      await database?.drop();
    });

    const synchronous = async (db: Store['db']) =>
      dialect === 'sqlite'
        ? (await sql<{ synchronous: number }>`pragma synchronous`.execute(db)).rows[0]?.synchronous
        : (await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(db)).rows[0]
            ?.synchronous_commit;

    it('commits, rolls back whole, and the next transactions wait for the disk', async () => {
      database = await createTestDatabase(dialect);
      store = openStore(database.store);
      const s = store;
      await sql`create table durable_probe (id text primary key, n integer not null)`.execute(s.db);
      const full = await synchronous(s.db);
      expect(full).toBe(dialect === 'sqlite' ? 2 : 'on');

      const inside = await s.transaction(
        async (trx) => {
          await sql`insert into durable_probe (id, n) values ('one', 1)`.execute(trx);
          return synchronous(trx);
        },
        { durable: false },
      );
      expect(inside).toBe(dialect === 'sqlite' ? 1 : 'off');
      const read = async () =>
        (await sql<{ n: number }>`select n from durable_probe`.execute(s.db)).rows;
      expect(await read()).toEqual([{ n: 1 }]);
      expect(await synchronous(s.db)).toBe(full);

      await expect(
        s.transaction(
          async (trx) => {
            await sql`update durable_probe set n = 2`.execute(trx);
            throw new Error('refused half-way');
          },
          { durable: false },
        ),
      ).rejects.toThrow('refused half-way');
      expect(await read()).toEqual([{ n: 1 }]);
      expect(await synchronous(s.db)).toBe(full);
    });
  });
}
