import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJobView } from '../src/core/schemas/imports.js';
import type { SearchResults } from '../src/core/schemas/search.js';
import { tlpOfObject } from '../src/core/stix/tlp.js';
import { loadConfig } from '../src/server/config.js';
import { createLogger } from '../src/server/log.js';
import { createNode } from '../src/server/node.js';
import { openCase } from './harness/cases.js';
import { CLI_MAIN, ROOT, runCli } from './harness/cli.js';
import { dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';
import { indicator, writeIndicatorBundle } from './harness/stix-feed.js';
import { oasisExamples, validateStixBundleObjects } from './harness/stix-schemas.js';
import { until } from './harness/wait.js';

/**
 * Bulk import (issue 7, acceptance 1 and 2): the OASIS examples import cleanly and export
 * again as valid bundles; malformed objects are listed with the reason while the rest is
 * stored; an import cut off (the CLI killed, a download cut) resumes where it stopped; a
 * second import of the same file adds nothing; MISP events arrive as STIX.
 */
const CLI = { kind: 'cli', osUser: 'test' } as const;
const dir = mkdtempSync(path.join(tmpdir(), 'liaison-import-'));
let a: NodeHandle;
let admin: Session;

async function upload(caseId: string, body: string | Buffer, query = ''): Promise<ImportJobView> {
  const r = await a.app.inject({
    method: 'POST',
    url: `/api/cases/${caseId}/imports${query}`,
    headers: {
      cookie: admin.cookie,
      'x-csrf-token': admin.csrf,
      'content-type': 'application/json',
    },
    payload: body,
  });
  expect(r.statusCode, r.body).toBe(202);
  const job = r.json<ImportJobView>();
  return until(
    async () => {
      const now = (await call(a.app, admin, 'GET', `/api/imports/${job.id}`)).json<ImportJobView>();
      return now.status !== 'running' && now;
    },
    `import ${job.id}`,
    60_000,
  );
}

async function errorsOf(jobId: string) {
  const r = await call(a.app, admin, 'GET', `/api/imports/${jobId}/errors?limit=1000`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json<{
    errors: { position: number | null; objectId: string | null; reason: string }[];
  }>().errors;
}

async function exportOf(caseId: string): Promise<{ objects?: Record<string, unknown>[] }> {
  const r = await call(a.app, admin, 'GET', `/api/cases/${caseId}/export`);
  expect(r.statusCode, r.body).toBe(200);
  expect(r.headers['content-type']).toMatch(/^application\/stix\+json/);
  return r.json();
}

beforeAll(async () => {
  a = await makeNode({
    nodeId: 'us-doj',
    dialect: dialectAvailable('postgres') ? 'postgres' : 'sqlite',
  });
  admin = await login(a.app, 'admin', a.admin.password);
}, 60_000);

afterAll(async () => {
  await a?.destroy();
});

describe('importing STIX bundles', () => {
  it('imports every OASIS example cleanly, and exports it again as valid bundles', async () => {
    const examples = oasisExamples();
    expect(examples.length).toBeGreaterThan(5);
    // One case holds them all: the examples share identities, and an object belongs to
    // one case of a node.
    const caseId = await openCase(a, admin, 'OASIS examples');
    const all = new Map<string, Record<string, unknown>>();
    for (const example of examples) {
      const job = await upload(caseId, JSON.stringify(example.json), `?name=${example.file}`);
      const objects = ((example.json as { objects?: unknown[] }).objects ?? [
        example.json,
      ]) as Record<string, unknown>[];
      expect(job.status, example.file).toBe('done');
      expect(await errorsOf(job.id), example.file).toEqual([]);
      expect(job).toMatchObject({ failed: 0, elsewhere: 0, read: objects.length });
      expect(job.imported + job.unchanged).toBe(objects.length);
      for (const object of objects) all.set(String(object['id']), object);
      const bundle = await exportOf(caseId);
      expect(validateStixBundleObjects(bundle), example.file).toEqual([]);
    }
    // Everything comes back but what RED keeps home (one example is marked TLP 1.0 RED).
    const bundle = await exportOf(caseId);
    const exported = new Set((bundle.objects ?? []).map((o) => o['id']));
    for (const object of all.values()) {
      if (object['type'] === 'marking-definition') continue;
      expect(exported.has(object['id']), String(object['id'])).toBe(tlpOfObject(object) !== 'red');
    }
    // A second case importing the same bundle copies nothing the first holds, and says so.
    const other = await openCase(a, admin, 'OASIS again');
    const poisonIvy = examples.find((e) => e.file.includes('poisonivy'));
    const again = await upload(other, JSON.stringify(poisonIvy?.json));
    expect(again).toMatchObject({ status: 'done', imported: 0, failed: 0 });
    expect(again.elsewhere).toBe(again.read);
  }, 120_000);

  it('stores the good objects of a partly malformed bundle and names each bad one and why', async () => {
    const caseId = await openCase(a, admin, 'A feed with broken entries');
    const bundle = JSON.stringify({
      type: 'bundle',
      id: 'bundle--0c2a7e21-5d4c-4c3c-9e42-0f1b2f3c4d5e',
      objects: [
        indicator(1),
        { ...indicator(2), pattern: undefined },
        indicator(3),
        { ...indicator(4), created: 'yesterday' },
        'not an object',
        { type: 'no-such-type', id: 'x' },
        { ...indicator(5), modified: '2020-01-01T00:00:00Z' },
        indicator(6),
      ],
    }).replace('"pattern":null,', '');
    const job = await upload(caseId, bundle);
    expect(job).toMatchObject({ status: 'done', read: 8, imported: 3, failed: 5 });
    const errors = await errorsOf(job.id);
    expect(errors.map((e) => [e.position, e.objectId])).toEqual([
      [1, indicator(2)['id']],
      [3, indicator(4)['id']],
      [4, null],
      [5, 'x'],
      [6, indicator(5)['id']],
    ]);
    expect(errors[0]?.reason).toMatch(/indicator\.pattern: required/);
    expect(errors[1]?.reason).toMatch(/indicator\.created/);
    expect(errors[2]?.reason).toMatch(/not a JSON object/);
    expect(errors[3]?.reason).toMatch(/not a STIX 2\.1 type/);
    expect(errors[4]?.reason).toMatch(/modified/);
    const held = ((await exportOf(caseId)).objects ?? []).filter((o) => o['type'] === 'indicator');
    expect(held.map((o) => o['id']).sort()).toEqual(
      [indicator(1)['id'], indicator(3)['id'], indicator(6)['id']].sort(),
    );
  });

  it('a second import of the same file adds nothing; a newer version updates', async () => {
    const caseId = await openCase(a, admin, 'Repeated feed');
    const file = path.join(dir, 'repeat.json');
    // Ids are one per node, across cases: this feed's own range.
    const feed = (n: number) => indicator(10_000 + n);
    await writeIndicatorBundle(file, 300, feed);
    const first = await upload(caseId, readFileSync(file));
    expect(first).toMatchObject({ status: 'done', imported: 300, unchanged: 0 });
    const versions = async () =>
      Number(
        (
          await a.node.store.db
            .selectFrom('stix_versions')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('case_id', '=', caseId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await versions()).toBe(300);
    const second = await upload(caseId, readFileSync(file));
    expect(second).toMatchObject({ status: 'done', imported: 0, updated: 0, unchanged: 300 });
    expect(await versions()).toBe(300);
    await writeIndicatorBundle(file, 300, (n) =>
      n === 7
        ? indicator(10_007, { modified: '2026-11-20T00:00:00.000Z', name: 'renamed' })
        : feed(n),
    );
    const third = await upload(caseId, readFileSync(file));
    expect(third).toMatchObject({ imported: 0, updated: 1, unchanged: 299 });
    expect(await versions()).toBe(301);
  });

  it('refuses a file that is not a bundle, saying why, and stores nothing', async () => {
    const caseId = await openCase(a, admin, 'Garbage');
    const job = await upload(caseId, 'this is not json');
    expect(job.status).toBe('failed');
    expect(job.message).toMatch(/Expected a STIX bundle/);
    expect(job.imported).toBe(0);
    const cut = await upload(
      caseId,
      JSON.stringify({ type: 'bundle', objects: [indicator(1)] }).slice(0, 120),
    );
    expect(cut.status).toBe('failed');
    expect(cut.message).toMatch(/ends early/);
  });
});

describe('resuming an interrupted import', () => {
  it('the CLI killed mid-import resumes from where it stopped when run again', async () => {
    // A node of its own, made by `liaison init`, so the CLI opens the same data directory.
    const dataDir = path.join(dir, 'cli-node');
    const init = await runCli([
      'init',
      '--node-id',
      'us-doj',
      '--name',
      'United States — Department of Justice',
      '--country',
      'US',
      '--time-zone',
      'America/New_York',
      '--data',
      dataDir,
    ]);
    expect(init.code, init.stderr).toBe(0);
    const node = await createNode({
      config: loadConfig(dataDir),
      log: createLogger({ level: 'silent', name: 'us-doj' }),
    });
    await node.store.migrate();
    const caseId = (
      await node.cases.create(CLI, {
        title: 'Big feed',
        kind: 'hacking',
        summary: '',
        priority: 'medium',
        priorityCase: false,
        autoShare: true,
      })
    ).id;
    const file = path.join(dir, 'big.json');
    const count = 60_000;
    await writeIndicatorBundle(file, count);

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI_MAIN, 'import', 'stix', file, '--case', caseId, '--data', dataDir],
      { cwd: ROOT, stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const job = await until(
      async () => {
        const row = await node.store.db.selectFrom('import_jobs').selectAll().executeTakeFirst();
        return row && Number(row.read) >= 4000 && row;
      },
      'the first batches',
      60_000,
    );
    child.kill('SIGKILL');
    await exited;
    const cut = await node.store.db
      .selectFrom('import_jobs')
      .selectAll()
      .where('id', '=', job.id)
      .executeTakeFirstOrThrow();
    expect(cut.status).toBe('running');
    expect(Number(cut.imported)).toBeLessThan(count);

    const again = await runCli(
      ['import', 'stix', file, '--case', caseId, '--data', dataDir],
      {},
      180_000,
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`Resuming import ${job.id} at byte ${cut.resume_offset}`);
    expect(again.stdout).toMatch(new RegExp(`Import ${job.id} into case ${caseId}: done`));
    const done = await node.store.db
      .selectFrom('import_jobs')
      .selectAll()
      .where('id', '=', job.id)
      .executeTakeFirstOrThrow();
    // Every object exactly once: the resumed run read only what the first did not store.
    expect(Number(done.imported)).toBe(count);
    expect(Number(done.read)).toBe(count);
    expect(Number(done.unchanged)).toBe(0);
    const held = await node.store.db
      .selectFrom('stix_objects')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('case_id', '=', caseId)
      .executeTakeFirstOrThrow();
    expect(Number(held.n)).toBe(count);

    const twice = await runCli(
      ['import', 'stix', file, '--case', caseId, '--data', dataDir, '--json'],
      {},
      180_000,
    );
    expect(twice.code, twice.stderr).toBe(0);
    const summary = JSON.parse(twice.stdout) as { import: ImportJobView };
    expect(summary.import).toMatchObject({ imported: 0, unchanged: count, failed: 0 });
    await node.close();
  }, 300_000);

  it('a download cut off resumes with a Range request', async () => {
    const caseId = await openCase(a, admin, 'Feed over HTTP');
    const file = path.join(dir, 'http.json');
    const count = 5000;
    const size = await writeIndicatorBundle(file, count, (n) => indicator(100_000 + n));
    const bytes = readFileSync(file);
    const ranges: (string | undefined)[] = [];
    let cutOnce = true;
    const server: Server = createServer((request, response) => {
      ranges.push(request.headers.range);
      const match = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
      if (match) {
        const from = Number(match[1]);
        response.writeHead(206, { 'content-range': `bytes ${from}-${size - 1}/${size}` });
        response.end(bytes.subarray(from));
        return;
      }
      response.writeHead(200, { 'content-length': size });
      if (cutOnce) {
        cutOnce = false;
        response.write(bytes.subarray(0, Math.floor(size * 0.6)), () => response.destroy());
        return;
      }
      response.end(bytes);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/feed.json`;
    try {
      const r = await call(a.app, admin, 'POST', `/api/cases/${caseId}/imports/url`, { url });
      expect(r.statusCode, r.body).toBe(202);
      const id = r.json<ImportJobView>().id;
      const failed = await until(
        async () => {
          const job = (await call(a.app, admin, 'GET', `/api/imports/${id}`)).json<ImportJobView>();
          return job.status !== 'running' && job;
        },
        'the cut',
        60_000,
      );
      expect(failed.status).toBe('failed');
      expect(failed.imported).toBeGreaterThan(0);
      expect(failed.imported).toBeLessThan(count);
      const resumed = await call(a.app, admin, 'POST', `/api/imports/${id}/resume`);
      expect(resumed.statusCode, resumed.body).toBe(202);
      const done = await until(
        async () => {
          const job = (await call(a.app, admin, 'GET', `/api/imports/${id}`)).json<ImportJobView>();
          return job.status === 'done' && job;
        },
        'the resumed import',
        60_000,
      );
      expect(done).toMatchObject({ imported: count, read: count, unchanged: 0, failed: 0 });
      expect(ranges).toEqual([undefined, `bytes=${failed.bytesRead}-`]);
    } finally {
      server.close();
    }
  }, 120_000);
});

describe('importing MISP events', () => {
  it('maps attributes and objects to STIX with their TLP tags, and reports what it cannot map', async () => {
    const caseId = await openCase(a, admin, 'MISP event');
    const event = {
      Event: {
        uuid: '5f8d2c1e-1b2a-4c3d-8e4f-5a6b7c8d9e0f',
        info: 'Phishing wave against ministries',
        date: '2026-11-20',
        timestamp: '1763600000',
        publish_timestamp: '1763600100',
        Orgc: { uuid: '3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a99', name: 'US-CERT' },
        Tag: [{ name: 'tlp:green' }],
        Attribute: [
          {
            uuid: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
            type: 'ip-dst',
            category: 'Network activity',
            value: '203.0.113.7',
            to_ids: true,
            timestamp: '1763600000',
          },
          {
            uuid: '1a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
            type: 'domain',
            category: 'Network activity',
            value: 'evil.example',
            to_ids: true,
            timestamp: '1763600000',
            Tag: [{ name: 'tlp:red' }],
          },
          {
            uuid: '2a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
            type: 'ip-src',
            category: 'Network activity',
            value: '999.1.1.1',
            to_ids: true,
            timestamp: '1763600000',
          },
        ],
      },
    };
    const job = await upload(caseId, JSON.stringify(event), '?format=misp&tlp=amber');
    expect(job.status, job.message ?? '').toBe('done');
    expect(job.imported).toBeGreaterThan(3);
    const errors = await errorsOf(job.id);
    expect(errors.some((e) => e.reason.includes('2a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d'))).toBe(
      true,
    );
    const objects = (
      await a.node.store.db
        .selectFrom('stix_objects')
        .select(['id', 'type', 'tlp'])
        .where('case_id', '=', caseId)
        .execute()
    ).map((o) => [o.id, o.type, o.tlp]);
    expect(objects).toContainEqual([
      'indicator--0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
      'indicator',
      'green',
    ]);
    expect(objects).toContainEqual([
      'indicator--1a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
      'indicator',
      'red',
    ]);
    expect(objects).toContainEqual([
      'report--5f8d2c1e-1b2a-4c3d-8e4f-5a6b7c8d9e0f',
      'report',
      'green',
    ]);
    const bundle = await exportOf(caseId);
    expect(validateStixBundleObjects(bundle)).toEqual([]);
    // RED never leaves in a bulk export.
    expect(
      (bundle.objects ?? []).some(
        (o) => o['id'] === 'indicator--1a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
      ),
    ).toBe(false);
    const again = await upload(caseId, JSON.stringify(event), '?format=misp&tlp=amber');
    expect(again).toMatchObject({ status: 'done', imported: 0 });
    writeFileSync(path.join(dir, 'event.json'), JSON.stringify(event));
  });
});

describe('the search box', () => {
  it('finds a value exactly and words anywhere, each hit linked into its case, as the user may see them', async () => {
    const caseId = await openCase(a, admin, 'Search: phishing kit infrastructure');
    await upload(
      caseId,
      JSON.stringify({
        type: 'bundle',
        id: 'bundle--7d0c2a21-5d4c-4c3c-9e42-0f1b2f3c4d5e',
        objects: [
          indicator(900_001, { name: 'Phishing kit panel', description: 'Kit admin panel.' }),
          indicator(900_002, {
            object_marking_refs: ['marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1'],
          }),
        ],
      }),
    );
    const search = async (session: Session, q: string) => {
      const r = await call(a.app, session, 'GET', `/api/search?q=${encodeURIComponent(q)}`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json<SearchResults>().hits;
    };
    const objectId = String(indicator(900_001)['id']);
    // 10.13.186.161 is the value of indicator 900_001's pattern.
    const ip = String(indicator(900_001)['pattern']).replace(/^.*'(.*)'.*$/, '$1');
    expect(await search(admin, ip)).toEqual([
      {
        kind: 'object',
        id: objectId,
        title: 'Phishing kit panel',
        snippet: expect.stringContaining('phishing kit panel') as string,
        caseId,
        link: `/cases/${caseId}?object=${encodeURIComponent(objectId)}`,
        match: 'exact',
        tlp: 'amber',
      },
    ]);
    const words = (await search(admin, 'kit PANEL')).filter((hit) => hit.caseId === caseId);
    expect(words.map((hit) => [hit.kind, hit.id, hit.match])).toEqual([
      ['object', objectId, 'words'],
    ]);
    expect(
      (await search(admin, 'phishing kit')).some((hit) => hit.kind === 'case' && hit.id === caseId),
    ).toBe(true);
    // RED: the admin of the node that holds it sees it; an observer sees neither it nor AMBER.
    const redIp = String(indicator(900_002)['pattern']).replace(/^.*'(.*)'.*$/, '$1');
    expect((await search(admin, redIp))[0]?.tlp).toBe('red');
    const observer = await a.createUser('search-observer', ['observer']);
    const watching = await login(a.app, observer.username, observer.password);
    expect(await search(watching, redIp)).toEqual([]);
    expect(await search(watching, ip)).toEqual([]);
    const bad = await call(a.app, admin, 'GET', '/api/search?q=');
    expect(bad.statusCode).toBe(400);
  });
});
