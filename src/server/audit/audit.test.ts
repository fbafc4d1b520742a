import { afterEach, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  DIALECTS,
  dialectAvailable,
  type TestDatabase,
} from '../../../test/harness/databases.js';
import { runCli } from '../../../test/harness/cli.js';
import { call, login, makeNode } from '../../../test/harness/node.js';
import { openStore } from '../store/database.js';
import { verifyAudit } from './audit.js';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`audit chain on ${dialect}`, () => {
    const databases: TestDatabase[] = [];
    afterEach(async () => {
      for (const db of databases.splice(0)) await db.drop();
    });

    it('chains every change and names the first entry edited behind its back', async () => {
      const h = await makeNode({ dialect });
      const admin = await login(h.app, 'admin', h.admin.password);
      for (const name of ['li.na', 'zhang.wei', 'john.doe']) {
        const r = await call(h.app, admin, 'POST', '/api/users', {
          username: name,
          displayName: name,
          roles: ['officer'],
        });
        expect(r.statusCode).toBe(201);
      }
      const list = await call(h.app, admin, 'GET', '/api/audit?limit=100');
      const entries = list.json<{ entries: { seq: number; action: string; actor: string }[] }>()
        .entries;
      expect(entries.map((e) => e.action)).toEqual([
        'user.create',
        'user.create',
        'user.create',
        'session.login',
        'user.create',
      ]);
      expect((await verifyAudit(h.node.store.db)).ok).toBe(true);

      // Tamper: someone with database access edits entry 3.
      await h.node.store.db
        .updateTable('audit_log')
        .set({ actor: 'user:someone-else' })
        .where('seq', '=', 3)
        .execute();
      const result = await verifyAudit(h.node.store.db);
      expect(result.ok).toBe(false);
      expect(result.firstBad?.seq).toBe(3);
      expect(result.checked).toBe(2);
      await h.destroy();
    });

    it('detects removed entries at the end of the chain', async () => {
      const h = await makeNode({ dialect });
      await login(h.app, 'admin', h.admin.password);
      await h.node.store.db.deleteFrom('audit_log').where('seq', '=', 2).execute();
      const result = await verifyAudit(h.node.store.db);
      expect(result).toMatchObject({ ok: false, firstBad: { seq: 2 } });
      await h.destroy();
    });

    it('serialises concurrent appends into one unbroken chain', async () => {
      const h = await makeNode({ dialect });
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => h.createUser(`user${i}`, ['observer'])),
      );
      const result = await verifyAudit(h.node.store.db);
      expect(result).toMatchObject({ ok: true, checked: 21 });
      await h.destroy();
    });

    it('`liaison audit verify` exits non-zero naming the edited entry', async () => {
      const database = await createTestDatabase(dialect);
      databases.push(database);
      const dataDir = `${database.dataDir}/node`;
      const init = await runCli([
        'init',
        '--node-id',
        'cn-mps',
        '--name',
        'China — Ministry of Public Security',
        '--country',
        'CN',
        '--time-zone',
        'Asia/Shanghai',
        '--data',
        dataDir,
        ...(database.store.driver === 'postgres' ? ['--database-url', database.store.url] : []),
      ]);
      expect(init.code, init.stderr).toBe(0);
      expect(
        (
          await runCli([
            'user',
            'add',
            'li.qiang',
            '--name',
            'Li Qiang',
            '--roles',
            'officer',
            '--data',
            dataDir,
          ])
        ).code,
      ).toBe(0);
      const ok = await runCli(['audit', 'verify', '--data', dataDir]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/intact: 2 entries/);

      const store = openStore(
        database.store.driver === 'sqlite'
          ? { driver: 'sqlite', file: `${dataDir}/liaison.db` }
          : database.store,
      );
      await store.db
        .updateTable('audit_log')
        .set({ details: '{"username":"someone else"}' })
        .where('seq', '=', 2)
        .execute();
      await store.close();

      const broken = await runCli(['audit', 'verify', '--data', dataDir]);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(/BROKEN at entry 2 \(user\.create\)/);
      const json = await runCli(['audit', 'verify', '--json', '--data', dataDir]);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({
        ok: false,
        firstBad: { seq: 2, action: 'user.create' },
      });
    });
  });
}
