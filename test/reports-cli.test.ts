import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './harness/cli.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';

/**
 * `liaison reports add`: a folder (recursively) and a file ingested through a running
 * node's HTTP API with a token, a line of progress each, a file the node refuses named and
 * counted; with --case every extraction is committed to the case.
 */
describe('liaison reports add', () => {
  let node: NodeHandle;
  let url: string;
  let admin: Session;
  let token: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'liaison-reports-'));

  beforeAll(async () => {
    node = await makeNode({ dialect: 'sqlite', nodeId: 'us-doj' });
    url = await node.node.listen();
    admin = await login(node.app, 'admin', node.admin.password);
    const me = (
      await node.node.store.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'admin')
        .executeTakeFirstOrThrow()
    ).id;
    token = (
      await node.node.accounts.createToken(
        { kind: 'cli', osUser: 'test' },
        { name: 'cli', roles: ['admin'] },
        me,
      )
    ).secret;
    mkdirSync(path.join(dir, 'folder', 'inner'), { recursive: true });
    writeFileSync(
      path.join(dir, 'folder', 'a.txt'),
      'The loader beacons to evil-c2[.]top and 203.0.113[.]9.',
    );
    writeFileSync(
      path.join(dir, 'folder', 'inner', 'b.html'),
      '<html><body><p>样本连接evil-c2[.]top和203.0.113.9。</p></body></html>',
    );
    writeFileSync(path.join(dir, 'folder', 'skip.bin'), Buffer.from([0, 1, 2]));
    writeFileSync(path.join(dir, 'empty.txt'), '');
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('ingests a folder and files with progress, names what was refused', async () => {
    const r = await runCli(
      ['reports', 'add', path.join(dir, 'folder'), path.join(dir, 'empty.txt'), '--url', url],
      { LIAISON_TOKEN: token },
    );
    expect(r.stderr).toContain('[1/3]');
    expect(r.stderr).toContain('[3/3]');
    expect(r.stderr).toContain('refused');
    expect(r.stdout).toContain('2 ingested, 1 refused.');
    expect(r.code).toBe(1);
    const list = (await call(node.app, admin, 'GET', '/api/reports/clusters')).json<{
      items: { size: number }[];
    }>();
    // The English and the Chinese report share two indicators: one story.
    expect(list.items.map((s) => s.size)).toEqual([2]);
  }, 60_000);

  it('commits to a case with --case', async () => {
    const created = await call(node.app, admin, 'POST', '/api/cases', {
      title: 'CLI',
      kind: 'hacking',
    });
    const caseId = created.json<{ id: string }>().id;
    const r = await runCli(
      [
        'reports',
        'add',
        path.join(dir, 'folder', 'a.txt'),
        '--case',
        caseId,
        '--tlp',
        'green',
        '--url',
        url,
        '--json',
      ],
      { LIAISON_TOKEN: token },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { reports: { committed: string | null }[] };
    expect(out.reports[0]!.committed).toMatch(/^report--/);
    const objects = (
      await call(node.app, admin, 'GET', `/api/cases/${caseId}/objects?limit=50`)
    ).json<{ objects: { type: string; tlp: string }[] }>();
    expect(objects.objects.map((o) => o.type)).toEqual(
      expect.arrayContaining(['report', 'indicator', 'ipv4-addr']),
    );
    expect(objects.objects.every((o) => o.tlp === 'green')).toBe(true);
  }, 60_000);

  it('needs a token', async () => {
    const r = await runCli(['reports', 'add', dir, '--url', url], { LIAISON_TOKEN: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('token');
  }, 60_000);
});
