import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEPT_CONNECTIONS, PeerUnreachable, postJson } from './transport.js';

type Handler = (request: http.IncomingMessage, body: string, response: http.ServerResponse) => void;

/** A server that reads each request whole, counts connections, and answers with `handler`. */
function serve(handler: Handler, server: http.Server = http.createServer()) {
  const seen = { connections: 0 };
  server.on('connection', () => seen.connections++);
  server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, Buffer.concat(chunks).toString('utf8'), response));
  });
  return {
    seen,
    server,
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const never = () => new AbortController().signal;

describe('posting to a peer', () => {
  const echo = serve((request, body, response) => {
    if (request.url === '/text') return void response.writeHead(502).end('Bad gateway');
    if (request.url === '/large') {
      response.writeHead(200, { 'content-type': 'application/json' });
      return void response.end(`{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`);
    }
    if (request.url === '/hold') return; // never answers
    if (request.url === '/slow') {
      return void setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"applied":1}');
      }, 1_500);
    }
    response.writeHead(request.url === '/refuse' ? 409 : 200, {
      'content-type': 'application/json',
    });
    response.end(
      JSON.stringify({
        method: request.method,
        type: request.headers['content-type'],
        length: request.headers['content-length'],
        received: JSON.parse(body) as unknown,
      }),
    );
  });
  let base = '';
  beforeAll(async () => {
    base = `http://127.0.0.1:${await echo.listen()}`;
  });
  afterAll(async () => {
    echo.server.closeAllConnections();
    await echo.close();
  });

  it('sends JSON with its length and reads the answer, over one kept-alive connection', async () => {
    const before = echo.seen.connections;
    for (let i = 0; i < 5; i++) {
      const body = JSON.stringify({ envelopes: [`envelope ${i}`, '中文'] });
      const answer = await postJson(`${base}/batch`, body, never());
      expect(answer).toEqual({
        status: 200,
        ok: true,
        body: {
          method: 'POST',
          type: 'application/json',
          length: String(Buffer.byteLength(body)),
          received: { envelopes: [`envelope ${i}`, '中文'] },
        },
      });
    }
    expect(echo.seen.connections - before).toBe(1);
  });

  it('gives a refusal as an answer, and an answer that is not JSON or too large as no body', async () => {
    expect(await postJson(`${base}/refuse`, '{}', never())).toMatchObject({
      status: 409,
      ok: false,
      body: { received: {} },
    });
    expect(await postJson(`${base}/text`, '{}', never())).toEqual({
      status: 502,
      ok: false,
      body: undefined,
    });
    expect(await postJson(`${base}/large`, '{}', never())).toEqual({
      status: 200,
      ok: true,
      body: undefined,
    });
  });

  it('waits for a peer that answers after the idle limit of kept connections', async () => {
    // The peers' agents with a 1 s idle limit instead of 30 s: the limit closes idle
    // connections, never one waiting for its answer.
    const agent = new http.Agent({ ...KEPT_CONNECTIONS, timeout: 1_000 });
    expect(await postJson(`${base}/slow`, '{}', AbortSignal.timeout(30_000), agent)).toEqual({
      status: 200,
      ok: true,
      body: { applied: 1 },
    });
    agent.destroy();
  });

  it('rejects with the reason when no answer comes: refused, timed out, stopped, not a URL', async () => {
    const closed = serve(() => undefined);
    const port = await closed.listen();
    await closed.close();
    const refused = postJson(`http://127.0.0.1:${port}/batch`, '{}', never());
    await expect(refused).rejects.toBeInstanceOf(PeerUnreachable);
    await expect(refused).rejects.toThrow('ECONNREFUSED');

    const started = performance.now();
    await expect(postJson(`${base}/hold`, '{}', AbortSignal.timeout(200))).rejects.toThrow(
      /timeout/i,
    );
    expect(performance.now() - started).toBeLessThan(5_000);

    const stop = new AbortController();
    const held = postJson(`${base}/hold`, '{}', stop.signal);
    stop.abort(new Error('the node is stopping'));
    await expect(held).rejects.toThrow('the node is stopping');

    await expect(postJson('not a url', '{}', never())).rejects.toBeInstanceOf(PeerUnreachable);
    await expect(postJson('ftp://127.0.0.1/batch', '{}', never())).rejects.toThrow(
      'unsupported protocol ftp:',
    );
  });
});

/** Peers are reached over TLS in a deployment (deploy/nginx): the same call over https. */
describe('posting to a peer over https', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'liaison-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const tls = serve(
    (_request, body, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(body);
    },
    https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }),
  );
  afterAll(async () => {
    tls.server.closeAllConnections();
    await tls.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('posts over TLS to a certificate it trusts, and refuses one it does not', async () => {
    const url = `https://127.0.0.1:${await tls.listen()}/batch`;
    const trusting = new https.Agent({ keepAlive: true, ca: readFileSync(cert) });
    expect(await postJson(url, '{"a":1}', never(), trusting)).toEqual({
      status: 200,
      ok: true,
      body: { a: 1 },
    });
    trusting.destroy();
    await expect(postJson(url, '{"a":1}', never())).rejects.toThrow(/SELF_SIGNED|self.signed/i);
  });
});
