import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJobView } from '../src/core/schemas/imports.js';
import { openCase } from './harness/cases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';
import { indicator } from './harness/stix-feed.js';
import { until } from './harness/wait.js';

/**
 * Issue 16, rows 3 and 8: an object nested 5,000 levels answered 500; one indicator whose
 * name was 60 MB stalled every page that showed its case. Now a depth cap on every JSON body
 * and a size and depth cap per STIX object at every door, each a clear 4xx (or a failure
 * named in the import), and nothing stored.
 */
const deep = (levels: number): unknown =>
  JSON.parse(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`) as unknown;

let node: NodeHandle;
let admin: Session;
let caseId = '';

beforeAll(async () => {
  node = await makeNode({ nodeId: 'us-doj' });
  admin = await login(node.app, 'admin', node.admin.password);
  caseId = await openCase(node, admin, 'Limits');
});

afterAll(async () => {
  await node?.destroy();
});

describe('limits at every door', () => {
  it('refuses a body nested 5,000 levels with 400 too_deep, never a 500', async () => {
    // Sent as text: the test's own client cannot stringify it either.
    const object = JSON.stringify({ ...indicator(1), id: undefined }).replace(
      /}$/,
      `,"x_deep":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
    );
    const r = await node.app.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/objects`,
      headers: {
        cookie: admin.cookie,
        'x-csrf-token': admin.csrf,
        'content-type': 'application/json',
      },
      payload: `{"object":${object}}`,
    });
    expect([r.statusCode, r.json().error.code]).toEqual([400, 'too_deep']);
    const note = await call(node.app, admin, 'POST', '/api/notes', deep(200));
    expect(note.statusCode).toBe(400);
    const page = await call(node.app, admin, 'GET', `/api/cases/${caseId}`);
    expect(page.json().objects).toEqual([]);
  });

  it('names an over-large or over-deep object among an import’s failures and keeps the rest', async () => {
    const bundle = {
      type: 'bundle',
      id: 'bundle--6b0f7c7e-3f43-4d55-9a0e-1c1c1c1c1c1c',
      objects: [
        indicator(1),
        { ...indicator(2), name: 'x'.repeat(2 * 1024 * 1024) },
        { ...indicator(3), x_deep: deep(100) },
        indicator(4),
      ],
    };
    const r = await node.app.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/imports`,
      headers: {
        cookie: admin.cookie,
        'x-csrf-token': admin.csrf,
        'content-type': 'application/json',
      },
      payload: JSON.stringify(bundle),
    });
    expect(r.statusCode, r.body).toBe(202);
    const id = r.json<ImportJobView>().id;
    const job = await until(async () => {
      const now = (await call(node.app, admin, 'GET', `/api/imports/${id}`)).json<ImportJobView>();
      return now.status !== 'running' && now;
    }, 'the import to end');
    expect(job).toMatchObject({ status: 'done', imported: 2, failed: 2 });
    const errors = (await call(node.app, admin, 'GET', `/api/imports/${id}/errors`)).json();
    const reasons = (errors.errors as { reason: string }[]).map((e) => e.reason).join(' | ');
    expect(reasons).toContain('limits.stixObjectBytes');
    expect(reasons).toContain('limits.jsonDepth');
  });

  it('refuses the same in a TAXII envelope, per object', async () => {
    const me = (await call(node.app, admin, 'GET', '/api/me')).json<{ id: string }>().id;
    const collection = await call(node.app, admin, 'POST', '/api/taxii/collections', {
      title: 'Limits',
      caseId,
      maxTlp: 'amber',
      access: [{ principal: `user:${me}`, canRead: true, canWrite: true }],
    });
    expect(collection.statusCode, collection.body).toBe(201);
    const taxiiId = collection.json().id as string;
    const token = await node.node.accounts.createToken(
      { kind: 'cli', osUser: 'test' },
      { name: 'taxii', roles: ['admin'] },
      me,
    );
    const r = await node.app.inject({
      method: 'POST',
      url: `/taxii2/api/collections/${taxiiId}/objects/`,
      headers: {
        authorization: `Bearer ${token.secret}`,
        accept: 'application/taxii+json;version=2.1',
        'content-type': 'application/taxii+json;version=2.1',
      },
      payload: JSON.stringify({
        objects: [indicator(5), { ...indicator(6), name: 'x'.repeat(2 * 1024 * 1024) }],
      }),
    });
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json()).toMatchObject({ success_count: 1, failure_count: 1 });
    expect(JSON.stringify(r.json().failures)).toContain('limits.stixObjectBytes');
    // An envelope nested too deep is refused whole, a TAXII error, and nothing is stored.
    const tooDeep = await node.app.inject({
      method: 'POST',
      url: `/taxii2/api/collections/${taxiiId}/objects/`,
      headers: {
        authorization: `Bearer ${token.secret}`,
        accept: 'application/taxii+json;version=2.1',
        'content-type': 'application/taxii+json;version=2.1',
      },
      payload: JSON.stringify({ objects: [{ ...indicator(7), x_deep: deep(100) }] }),
    });
    expect([tooDeep.statusCode, tooDeep.json().error_code]).toEqual([400, 'too_deep']);
  });

  it('authorizes an upload and checks its size before a byte is written (row 7)', async () => {
    const small = await makeNode({ nodeId: 'gb-nca', limits: { uploadBytes: 1024 * 1024 } });
    try {
      const owner = await login(small.app, 'admin', small.admin.password);
      const smallCase = await openCase(small, owner, 'Uploads');
      const observer = await small.createUser('observer.upload', ['observer']);
      const asObserver = await login(small.app, observer.username, observer.password);
      const uploadsDir = path.join(small.database.dataDir, 'imports');
      const upload = (session: Session, bytes: number) =>
        small.app.inject({
          method: 'POST',
          url: `/api/cases/${smallCase}/imports`,
          headers: {
            cookie: session.cookie,
            'x-csrf-token': session.csrf,
            'content-type': 'application/octet-stream',
          },
          payload: Buffer.alloc(bytes, 32),
        });
      const refused = await upload(asObserver, 4 * 1024 * 1024);
      expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'forbidden']);
      expect(existsSync(uploadsDir) ? readdirSync(uploadsDir) : []).toEqual([]);
      const big = await upload(owner, 2 * 1024 * 1024);
      expect([big.statusCode, big.json().error.code]).toEqual([413, 'import_too_large']);
      expect(existsSync(uploadsDir) ? readdirSync(uploadsDir) : []).toEqual([]);
    } finally {
      await small.destroy();
    }
  });

  it('limits the rate at the doors open without an account (the descriptor, the login)', async () => {
    const { LIMITS } = await import('../src/server/http/rate-limits.js');
    const { DESCRIPTOR_PATH } = await import('../src/server/federation/descriptor.js');
    const statuses: number[] = [];
    for (let i = 0; i <= LIMITS.descriptor.max; i++) {
      const r = await node.app.inject({ url: DESCRIPTOR_PATH, remoteAddress: '203.0.113.50' });
      statuses.push(r.statusCode);
    }
    expect(statuses.slice(0, LIMITS.descriptor.max).every((s) => s === 200)).toBe(true);
    const last = await node.app.inject({ url: DESCRIPTOR_PATH, remoteAddress: '203.0.113.50' });
    expect([last.statusCode, last.json().error.code]).toEqual([429, 'rate_limited']);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    const other = await node.app.inject({ url: DESCRIPTOR_PATH, remoteAddress: '203.0.113.51' });
    expect(other.statusCode).toBe(200);
  });

  it('limits TAXII requests per address and claimed user, before checking the credentials', async () => {
    const { LIMITS } = await import('../src/server/http/rate-limits.js');
    const taxii = (authorization: string) =>
      node.app.inject({
        url: '/taxii2/',
        remoteAddress: '203.0.113.60',
        headers: { accept: 'application/taxii+json;version=2.1', authorization },
      });
    // Guessing tokens: each guess is refused (401) until the budget is spent, then 429.
    const guessing = 'Bearer lsn_guess';
    const statuses = new Set<number>();
    for (let i = 0; i < LIMITS.taxii.max; i++) statuses.add((await taxii(guessing)).statusCode);
    expect([...statuses]).toEqual([401]);
    const last = await taxii(guessing);
    expect([last.statusCode, last.body]).toEqual([429, expect.stringContaining('rate_limited')]);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    // The admin polling from the same address keeps its own budget.
    const admin = `Basic ${Buffer.from(`admin:${node.admin.password}`).toString('base64')}`;
    expect((await taxii(admin)).statusCode).toBe(200);
  });
});
