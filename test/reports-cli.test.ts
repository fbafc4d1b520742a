import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { MAX_ARCHIVE_ENTRIES } from '../src/cli/report-archives.js';
import { MAX_REPORT_BYTES } from '../src/core/schemas/reports.js';
import { runCli } from './harness/cli.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';

/**
 * `liaison reports add`: a folder (recursively), a file and archives (zip, tar.gz) ingested
 * through a running node's HTTP API with a token, a line of progress each, a file or entry
 * refused named and counted, an archive past the caps refused whole; with --case every
 * extraction is committed to the case.
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
    rmSync(dir, { recursive: true, force: true });
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
  }, 120_000);

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
  }, 120_000);

  it('reads zip and tar.gz archives: report entries sorted by name, a bomb entry refused alone', async () => {
    const a = 'The dropper calls home to archive-c2[.]top at 198.51.100[.]23.';
    const b =
      '<html><body><p>Archive-c2[.]top and 198.51.100.23 again, says the vendor.</p></body></html>';
    // 11 MB of zeros: a few kilobytes compressed, over the per-entry limit uncompressed.
    const bomb = Buffer.alloc(MAX_REPORT_BYTES + 1024 * 1024);
    await writeZip(path.join(dir, 'bundle.zip'), [
      ['notes/z.txt', Buffer.from(a)],
      ['notes/a.html', Buffer.from(b)],
      ['big.txt', bomb],
      ['tool.exe', Buffer.from([0x4d, 0x5a, 0])],
    ]);
    const src = path.join(dir, 'tarsrc');
    mkdirSync(path.join(src, 'inner'), { recursive: true });
    writeFileSync(path.join(src, 'inner', 'c.md'), 'A third write-up names archive-c2[.]top too.');
    writeFileSync(path.join(src, 'skip.bin'), Buffer.from([1, 2, 3]));
    writeFileSync(path.join(src, 'huge.txt'), bomb);
    await tar.c({ gzip: true, file: path.join(dir, 'bundle.tgz'), cwd: src }, [
      'inner',
      'skip.bin',
      'huge.txt',
    ]);
    const r = await runCli(
      [
        'reports',
        'add',
        path.join(dir, 'bundle.zip'),
        path.join(dir, 'bundle.tgz'),
        '--url',
        url,
        '--json',
      ],
      { LIAISON_TOKEN: token },
    );
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      reports: { source: string; id: string | null; error: string | null }[];
      failed: number;
    };
    expect(out.reports.map((o) => o.source.replace(/^.*(bundle\.)/, '$1'))).toEqual([
      'bundle.zip!big.txt',
      'bundle.zip!notes/a.html',
      'bundle.zip!notes/z.txt',
      'bundle.tgz!huge.txt',
      'bundle.tgz!inner/c.md',
    ]);
    expect(out.reports[0]!.source).toBe(path.join(dir, 'bundle.zip') + '!big.txt');
    expect(out.reports[0]!.error).toContain('big.txt: over');
    expect(out.reports[3]!.error).toContain('huge.txt: over');
    expect(out.failed).toBe(2);
    for (const i of [1, 2, 4]) expect(out.reports[i]!.id, out.reports[i]!.error ?? '').toBeTruthy();
    const report = (await call(node.app, admin, 'GET', `/api/reports/${out.reports[2]!.id}`)).json<{
      indicators: { value: string }[];
    }>();
    expect(report.indicators.map((i) => i.value)).toEqual(
      expect.arrayContaining(['archive-c2.top', '198.51.100.23']),
    );
    // Progress as for folders, with the entry's name.
    const text = await runCli(['reports', 'add', path.join(dir, 'bundle.tgz'), '--url', url], {
      LIAISON_TOKEN: token,
    });
    expect(text.stderr).toMatch(/\[2\/2\] .*bundle\.tgz!inner\/c\.md: report /);
    expect(text.stderr).toMatch(/\[1\/2\] .*bundle\.tgz!huge\.txt: refused: .*over/);
  }, 90_000);

  it('refuses an archive whole past the entry or byte cap, naming it, and the others still go', async () => {
    // A zip of more entries than the cap (a central directory only: tiny).
    const many: [string, Buffer][] = [];
    for (let i = 0; i <= MAX_ARCHIVE_ENTRIES; i++) many.push([`e${i}.txt`, Buffer.from('x')]);
    await writeZip(path.join(dir, 'many.zip'), many);
    // A tar.gz whose one (skipped) entry inflates to 300 MB: a gzip bomb stopped by the byte cap.
    writeFileSync(path.join(dir, 'bomb.tar.gz'), gzipBomb('zeros.bin', 300));
    writeFileSync(path.join(dir, 'plain.txt'), 'Plain text naming bomb-c2[.]top.');
    const r = await runCli(
      [
        'reports',
        'add',
        path.join(dir, 'many.zip'),
        path.join(dir, 'bomb.tar.gz'),
        path.join(dir, 'plain.txt'),
        '--url',
        url,
        '--json',
      ],
      { LIAISON_TOKEN: token },
    );
    const out = JSON.parse(r.stdout) as {
      reports: { source: string; id: string | null; error: string | null }[];
    };
    expect(out.reports).toHaveLength(3);
    expect(out.reports[0]!.error).toMatch(/many\.zip: more than 10000 entries/);
    expect(out.reports[1]!.error).toMatch(
      /bomb\.tar\.gz: more than \d+ bytes uncompressed \(at zeros\.bin\)/,
    );
    expect(out.reports[2]!.id).toBeTruthy();
  }, 90_000);

  it('needs a token', async () => {
    const r = await runCli(['reports', 'add', dir, '--url', url], { LIAISON_TOKEN: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('token');
  }, 120_000);
});

function writeZip(file: string, entries: [string, Buffer][]): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of entries) zip.addBuffer(bytes, name);
  zip.end();
  return pipeline(zip.outputStream, createWriteStream(file));
}

/**
 * A tar.gz of one entry of `mb` megabytes of zeros, made of gzip members (one per megabyte,
 * which gunzip reads one after the other): a few hundred kilobytes on disk, made at once.
 */
function gzipBomb(name: string, mb: number): Buffer {
  const header = Buffer.alloc(512);
  new tar.Header({
    path: name,
    size: mb * 1024 * 1024,
    mode: 0o644,
    type: 'File',
    mtime: new Date(0),
  }).encode(header);
  const megabyte = gzipSync(Buffer.alloc(1024 * 1024));
  return Buffer.concat([gzipSync(header), ...Array.from({ length: mb }, () => megabyte)]);
}
