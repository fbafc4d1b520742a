import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REPORT_BYTES } from '../src/core/schemas/reports.js';
import { AppError } from '../src/server/errors.js';
import { createLogger } from '../src/server/log.js';
import { ExtractPool } from '../src/server/features/reports/extract.pool.js';
import type { ExtractJob } from '../src/server/features/reports/extract.job.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';

/**
 * Issue 19, the extraction off the request thread: a long report is read and extracted on
 * the extraction pool's thread while the node answers other requests; the pool's queue is
 * bounded (503 with Retry-After), a document that overruns is stopped (422) and the thread
 * replaced, and a thread that dies is replaced.
 */
const PARAGRAPH =
  'Investigators said the group staged data on update-check[.]top and 203.0.113.9 for weeks. ' +
  'Xinhua said the OPM breach was a criminal case, not state-sponsored, on 2 December 2015. ' +
  'The ministry declined to comment on the 20 million records named in the report of CVE-2021-44228.\n';

function longText(chars: number): string {
  return PARAGRAPH.repeat(Math.ceil(chars / PARAGRAPH.length)).slice(0, chars);
}

const job = (text: string): ExtractJob => ({
  reportId: '0190a000-0000-7000-8000-000000000001',
  allowList: [],
  input: { text },
});

/**
 * A POST that announces a full-size body and sends only its first kilobyte: the answer,
 * which can only come before the body is read. Rejects if none comes in 15 s.
 */
function answerBeforeBody(
  base: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const req = httpRequest(url, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'text/plain',
        'content-length': String(MAX_REPORT_BYTES),
      },
    });
    const guard = setTimeout(() => {
      req.destroy();
      reject(new Error(`${path}: no answer before the body was sent`));
    }, 15_000);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        clearTimeout(guard);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection });
      });
    });
    req.on('error', (error) => {
      clearTimeout(guard);
      reject(error);
    });
    req.write(Buffer.alloc(1024, 0x61));
  });
}

async function until(test: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the extraction pool', () => {
  const log = createLogger({ level: 'silent', name: 'test' });

  it('refuses beyond its queue with 503 and Retry-After, then works through what it took', async () => {
    const pool = new ExtractPool(log, { threads: 1, queue: 1 });
    try {
      const first = pool.run(job(longText(30_000)));
      const second = pool.run(job('Seen: 198.51.100.23 on 2 May 2026.'));
      const third = await pool.run(job('one too many')).catch((e: unknown) => e);
      expect(third).toBeInstanceOf(AppError);
      expect((third as AppError).status).toBe(503);
      expect((third as AppError).code).toBe('reports_busy');
      expect(Number((third as AppError).headers['Retry-After'])).toBeGreaterThan(0);
      expect((await first).extraction.indicators.map((i) => i.value)).toContain('update-check.top');
      expect((await second).extraction.indicators.map((i) => i.value)).toEqual(['198.51.100.23']);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('stops a document past its time with 422 report_timeout, and the next one is read', async () => {
    const pool = new ExtractPool(log, { timeoutMs: 300 });
    try {
      const slow = await pool.run(job(longText(150_000))).catch((e: unknown) => e);
      expect(slow).toBeInstanceOf(AppError);
      expect((slow as AppError).status).toBe(422);
      expect((slow as AppError).code).toBe('report_timeout');
      const next = await pool.run(job('Seen: 198.51.100.23 on 2 May 2026.'));
      expect(next.extraction.indicators.map((i) => i.value)).toEqual(['198.51.100.23']);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('fails a document whose thread dies with 422 report_extraction_failed, and does not retry for ever', async () => {
    // A heap too small for the thread: it dies (at its start or on the document).
    const pool = new ExtractPool(log, { heapMb: 2 });
    try {
      const died = await pool.run(job(longText(1_000))).catch((e: unknown) => e);
      expect(died).toBeInstanceOf(AppError);
      expect((died as AppError).status).toBe(422);
      expect((died as AppError).code).toBe('report_extraction_failed');
      expect(pool.running).toBe(0);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('keeps an AppError of the reading (a PDF that fails to parse) with its code', async () => {
    const pool = new ExtractPool(log);
    try {
      const bad = await pool
        .run({
          ...job(''),
          input: { bytes: Buffer.from('%PDF-1.7\n garbage'), contentType: 'application/pdf' },
        })
        .catch((e: unknown) => e);
      expect((bad as AppError).code).toBe('report_unreadable');
      expect((bad as AppError).status).toBe(422);
    } finally {
      await pool.close();
    }
  }, 60_000);
});

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`reports' extraction on ${dialect}`, () => {
    let node: NodeHandle;
    let analyst: Session;
    let observer: Session;

    beforeAll(async () => {
      node = await makeNode({ dialect, nodeId: 'us-doj' });
      const a = await node.createUser('extract.analyst', ['analyst']);
      analyst = await login(node.app, a.username, a.password);
      const o = await node.createUser('extract.observer', ['observer']);
      observer = await login(node.app, o.username, o.password);
    });
    afterAll(async () => {
      await node?.destroy();
    });

    it('answers a cheap request while a long report is extracted', async () => {
      const order: string[] = [];
      const posted = call(node.app, analyst, 'POST', '/api/reports', {
        text: longText(150_000),
      }).then((r) => {
        order.push('report');
        return r;
      });
      // The extraction is under way on its thread.
      await until(() => node.node.reportExtractor.running > 0 || order.length > 0);
      const health = await node.app.inject('/healthz');
      expect(health.statusCode).toBe(200);
      order.push('health');
      const report = await posted;
      expect(report.statusCode, report.body).toBe(201);
      expect(order).toEqual(['health', 'report']);
      expect(report.json<{ indicators: { value: string }[] }>().indicators.length).toBeGreaterThan(
        0,
      );
    }, 120_000);

    it('refuses a role without reports.write before reading the body (upload, URL, paste)', async () => {
      const base = await node.node.listen();
      const before = await node.node.store.db.selectFrom('reports').select('id').execute();
      const as = { cookie: observer.cookie, 'x-csrf-token': observer.csrf };
      for (const path of ['/api/reports/upload', '/api/reports/url', '/api/reports']) {
        const refused = await answerBeforeBody(base, path, as);
        expect(refused.status, `${path}: ${refused.body}`).toBe(403);
        expect(JSON.parse(refused.body).error.code).toBe('forbidden');
        expect(refused.connection).toBe('close');
      }
      const nobody = await answerBeforeBody(base, '/api/reports/upload', {});
      expect(nobody.status).toBe(401);
      const badToken = await answerBeforeBody(base, '/api/reports/upload', {
        authorization: 'Bearer nope',
      });
      expect(badToken.status).toBe(401);
      expect(JSON.parse(badToken.body).error.code).toBe('invalid_token');
      const after = await node.node.store.db.selectFrom('reports').select('id').execute();
      expect(after.length).toBe(before.length);
    }, 60_000);
  });
}
