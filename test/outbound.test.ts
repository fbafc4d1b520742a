import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/server/errors.js';
import { OutboundGuard } from '../src/server/outbound.js';
import { openCase } from './harness/cases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';

/**
 * Issue 16, row 1: the URL import fetched any address — loopback, 0x7f000001, a redirect to
 * loopback, the cloud metadata address — and its messages told open ports from closed ones.
 * Now every fetch a user can aim goes through one guard (src/server/outbound.ts).
 */
function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
  return 'allowed';
}

describe('the outbound guard', () => {
  const guard = new OutboundGuard([]);
  it.each([
    'http://127.0.0.1:8080/x',
    'http://0x7f000001:8080/',
    'http://2130706433/',
    'http://127.1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://224.0.0.1/',
    'http://0.0.0.0/',
    'http://localhost:8080/',
    'http://feeds.localhost/',
  ])('refuses %s', (url) => {
    expect(codeOf(() => guard.checkUrl(url))).toBe('outbound_refused');
  });

  it('refuses credentials in the URL and other schemes; takes a public address', () => {
    expect(codeOf(() => guard.checkUrl('https://user:secret@feeds.example/x'))).toBe(
      'url_credentials',
    );
    expect(codeOf(() => guard.checkUrl('file:///etc/passwd'))).toBe('invalid_url');
    expect(codeOf(() => guard.checkUrl('gopher://example.com/'))).toBe('invalid_url');
    expect(codeOf(() => guard.checkUrl('https://93.184.215.14/feed.json'))).toBe('allowed');
  });

  it('takes what the configuration allows, by range, address or host', () => {
    const allowing = new OutboundGuard([
      '10.0.0.0/8',
      '192.168.1.7',
      'feeds.internal',
      '127.0.0.1:9',
    ]);
    expect(codeOf(() => allowing.checkUrl('http://10.9.9.9/'))).toBe('allowed');
    expect(codeOf(() => allowing.checkUrl('http://192.168.1.7/'))).toBe('allowed');
    expect(codeOf(() => allowing.checkUrl('http://192.168.1.8/'))).toBe('outbound_refused');
    expect(codeOf(() => allowing.checkUrl('http://feeds.internal/'))).toBe('allowed');
    expect(codeOf(() => allowing.checkUrl('http://127.0.0.1:9/'))).toBe('allowed');
    expect(codeOf(() => allowing.checkUrl('http://127.0.0.1:10/'))).toBe('outbound_refused');
  });
});

describe('URL imports, subscriptions and webhooks on a node that allows nothing private', () => {
  let node: NodeHandle;
  let admin: Session;
  let target: Server;
  let redirector: Server;
  let hits = 0;
  let targetUrl = '';
  let redirectUrl = '';

  beforeAll(async () => {
    target = createServer((_req, res) => {
      hits++;
      res.end('{"type":"bundle","id":"bundle--3a3f1d2c-1111-4111-8111-111111111111","objects":[]}');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/feed.json`;
    // An allowed host that sends the fetch on to loopback: each hop is checked again.
    redirector = createServer((_req, res) => {
      res.writeHead(302, { location: targetUrl }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.2', resolve));
    redirectUrl = `http://127.0.0.2:${(redirector.address() as AddressInfo).port}/feed.json`;
    node = await makeNode({ nodeId: 'us-doj', outboundAllow: ['127.0.0.2'] });
    admin = await login(node.app, 'admin', node.admin.password);
  });

  afterAll(async () => {
    await node?.destroy();
    target?.close();
    redirector?.close();
  });

  it('refuses loopback at once, creates no job, and never connects', async () => {
    const caseId = await openCase(node, admin, 'Feeds');
    for (const url of [
      targetUrl,
      targetUrl.replace('127.0.0.1', '0x7f000001'),
      'http://169.254.169.254/latest/meta-data/',
      'http://localhost/feed.json',
    ]) {
      const r = await call(node.app, admin, 'POST', `/api/cases/${caseId}/imports/url`, {
        url,
        format: 'stix',
      });
      expect([r.statusCode, r.json().error.code], url).toEqual([400, 'outbound_refused']);
    }
    const creds = await call(node.app, admin, 'POST', `/api/cases/${caseId}/imports/url`, {
      url: 'https://reader:hunter2@feeds.example/feed.json',
      format: 'stix',
    });
    expect([creds.statusCode, creds.json().error.code]).toEqual([400, 'url_credentials']);
    const jobs = await call(node.app, admin, 'GET', `/api/cases/${caseId}/imports`);
    expect(JSON.stringify(jobs.json())).not.toContain('hunter2');

    // Through an allowed host that redirects to loopback: the job fails, loopback never hit.
    const r = await call(node.app, admin, 'POST', `/api/cases/${caseId}/imports/url`, {
      url: redirectUrl,
      format: 'stix',
    });
    expect(r.statusCode, r.body).toBe(202);
    const id = r.json().id as string;
    let job: { status: string; message: string | null } = { status: 'running', message: null };
    for (let i = 0; i < 100 && job.status === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = (await call(node.app, admin, 'GET', `/api/imports/${id}`)).json();
    }
    expect(job.status).toBe('failed');
    expect(job.message).toContain('outbound.allow');
    expect(hits).toBe(0);

    // Each hop is in the audit log: the address the redirector answered from, then the refusal.
    const audited = await node.node.store.db
      .selectFrom('audit_log')
      .select(['entity_id', 'details'])
      .where('action', '=', 'outbound.fetch')
      .orderBy('seq')
      .execute();
    const hops = audited.map((row) => JSON.parse(row.details) as Record<string, unknown>);
    const port = new URL(redirectUrl).port;
    expect(hops).toEqual([
      expect.objectContaining({ address: `127.0.0.2:${port}`, status: 302, error: null }),
      expect.objectContaining({ url: targetUrl, address: null, status: null }),
    ]);
    expect(String(hops[1]?.error)).toContain('outbound.allow');
  });

  it('refuses a peer whose URL is loopback unless the configuration allows it', async () => {
    const r = await call(node.app, admin, 'POST', '/api/federation/peers', {
      url: targetUrl.replace('/feed.json', ''),
      fingerprint: Array.from({ length: 12 }, () => '12345').join(' '),
    });
    expect([r.statusCode, r.json().error.code]).toEqual([400, 'outbound_refused']);
    expect(hits).toBe(0);
  });

  it('refuses a webhook or a TAXII subscription aimed at loopback', async () => {
    const hook = await call(node.app, admin, 'POST', '/api/hotline/webhooks', {
      name: 'Pager',
      url: targetUrl,
      secret: 'a'.repeat(32),
    });
    expect([hook.statusCode, hook.json().error.code]).toEqual([400, 'outbound_refused']);
    const caseId = await openCase(node, admin, 'Subscribed');
    const sub = await call(node.app, admin, 'POST', '/api/taxii/subscriptions', {
      caseId,
      url: 'http://127.0.0.1:1/taxii2/root/collections/x/',
      tlp: 'green',
      auth: { kind: 'none' },
    });
    expect([sub.statusCode, sub.json().error.code]).toEqual([400, 'outbound_refused']);
    expect(hits).toBe(0);
  });
});

describe('a subscription whose server fails (issue 16, row 2)', () => {
  it('tells the admin only the status, and other roles nothing', async () => {
    const failing = createServer((_req, res) => {
      res.writeHead(500).end('SECRET internal stack trace and config');
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const port = (failing.address() as AddressInfo).port;
    const node = await makeNode({ nodeId: 'cn-mps' });
    try {
      const admin = await login(node.app, 'admin', node.admin.password);
      const caseId = await openCase(node, admin, 'Fed');
      const sub = await call(node.app, admin, 'POST', '/api/taxii/subscriptions', {
        caseId,
        url: `http://127.0.0.1:${port}/taxii2/api/collections/x/`,
        auth: { kind: 'none' },
        tlp: 'green',
        intervalSeconds: 3600,
      });
      expect(sub.statusCode, sub.body).toBe(201);
      const id = sub.json<{ id: string }>().id;
      const polled = await call(node.app, admin, 'POST', `/api/taxii/subscriptions/${id}/poll`);
      const lastError = polled.json<{ lastError: string | null }>().lastError ?? '';
      expect(lastError).toContain('500');
      expect(lastError).not.toContain('SECRET');
      const analystUser = await node.createUser('analyst.subs', ['analyst']);
      const analyst = await login(node.app, analystUser.username, analystUser.password);
      const seen = await call(node.app, analyst, 'GET', '/api/taxii/subscriptions');
      const views = seen.json<{ subscriptions: { lastError: string | null }[] }>().subscriptions;
      expect(views.map((v) => v.lastError)).toEqual([null]);
    } finally {
      await node.destroy();
      failing.close();
    }
  });
});

describe('a remote server that answers too much', () => {
  it('is cut off at the cap, whether it says its length or not', async () => {
    const big = Buffer.alloc(300 * 1024, 97);
    const server = createServer((request, response) => {
      if (request.url === '/declared') {
        response.end(big);
        return;
      }
      // Written in parts, no length: sent chunked.
      for (let at = 0; at < big.length; at += 16 * 1024)
        response.write(big.subarray(at, at + 16 * 1024));
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const guard = new OutboundGuard(['127.0.0.1']);
    try {
      const declared = await guard.fetch(`${base}/declared`, { maxBytes: 64 * 1024 }).then(
        () => 'fetched',
        (error: AppError) => `${error.status} ${error.code}`,
      );
      expect(declared).toBe('413 response_too_large');
      // Chunked, no length: the body fails once it runs past the cap.
      const response = await guard.fetch(`${base}/chunked`, { maxBytes: 64 * 1024 });
      const read = await response.text().then(
        () => 'read',
        (error: AppError) => `${error.status} ${error.code}`,
      );
      expect(read).toBe('413 response_too_large');
      // Under the cap, or without one, the body is whole.
      const whole = await guard.fetch(`${base}/declared`, { maxBytes: 1024 * 1024 });
      expect((await whole.arrayBuffer()).byteLength).toBe(big.length);
    } finally {
      server.close();
    }
  });
});
