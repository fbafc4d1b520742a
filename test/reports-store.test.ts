import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Document, Packer, Paragraph } from 'docx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoryClusterer } from '../src/core/reports/cluster.js';
import { analyseReport, DEFAULT_ALLOW_LIST } from '../src/core/reports/index.js';
import { MAX_REPORT_BYTES } from '../src/core/schemas/reports.js';
import { loadCorpus } from './corpus/reports/corpus.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';

/**
 * Issue 19, the reports feature on each store: ingest (paste and upload), extraction stored
 * with spans, the allow-list dropping a value visibly, the stories kept in SQL equal to
 * StoryClusterer's on the corpus in two orders of arrival, bad input refused with nothing
 * stored, review and commit to a case as STIX 2.1, and who may do what.
 */
interface Reply {
  status: number;
  body: any;
}
/** What the tests read of an extraction or a case object. */
type Item = {
  [key: string]: any;
  value: string;
  index: number;
  kind: string;
  state: string;
  id: string;
  type: string;
};

const corpus = loadCorpus();

/** The stories as sets of corpus names, sorted, to compare partitions whatever the ids. */
function partition(
  stories: readonly { reportIds: readonly string[] }[],
  nameOf: (id: string) => string,
) {
  return stories.map((s) => s.reportIds.map(nameOf).sort().join(' ')).sort();
}

function expectedStories(): string[] {
  const c = new StoryClusterer();
  for (const r of corpus) {
    c.add({
      id: r.name,
      text: r.text,
      extraction: analyseReport(r.text, { allowList: DEFAULT_ALLOW_LIST }),
    });
  }
  return partition(c.stories(), (id) => id);
}

/** A one-page PDF with one line of text (Helvetica), written by hand. */
function makePdf(text: string): Buffer {
  const stream = `BT /F1 12 Tf 72 720 Td (${text.replace(/([()\\])/g, '\\$1')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  let a = seed;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`reports on ${dialect}`, () => {
    let node: NodeHandle;
    let analyst: Session;
    let observer: Session;

    async function api(method: string, url: string, body?: unknown, as?: Session): Promise<Reply> {
      const r = await call(node.app, as ?? analyst, method as 'GET', url, body);
      return { status: r.statusCode, body: r.body ? r.json<unknown>() : null };
    }
    async function ok(method: string, url: string, body?: unknown, as?: Session): Promise<any> {
      const r = await api(method, url, body, as);
      expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
      return r.body;
    }
    async function upload(payload: Buffer | string, contentType: string, query = '') {
      const r = await node.app.inject({
        method: 'POST',
        url: `/api/reports/upload${query}`,
        headers: {
          cookie: analyst.cookie,
          'x-csrf-token': analyst.csrf,
          'content-type': contentType,
        },
        payload,
      });
      return { status: r.statusCode, body: r.body ? r.json<any>() : null };
    }
    async function count(): Promise<number> {
      const rows = await node.node.store.db.selectFrom('reports').select('id').execute();
      return rows.length;
    }

    beforeAll(async () => {
      node = await makeNode({ dialect, nodeId: 'us-doj' });
      const a = await node.createUser('reports.analyst', ['analyst']);
      analyst = await login(node.app, a.username, a.password);
      const o = await node.createUser('reports.observer', ['observer']);
      observer = await login(node.app, o.username, o.password);
    });
    afterAll(async () => {
      await node?.destroy();
    });

    it('ingests a pasted text: indicators with spans, the allow-listed value dropped with its reason', async () => {
      const text =
        'The implant beacons to update-check[.]top and 203.0.113[.]9 and resolves via 8.8.8.8. ' +
        'It exploits CVE-2021-44228. Xinhua said the OPM breach was a criminal case, not state-sponsored.';
      const created = await ok('POST', '/api/reports', {
        text,
        title: 'Vendor note',
        source: 'Example Labs',
        publishedAt: '2015-06-05',
      });
      expect(created.id).toBeTruthy();
      expect(created.clusterId).toBe(created.id);
      const report = await ok('GET', `/api/reports/${created.id}`, undefined, observer);
      const values = report.indicators.map((i: Item) => `${i.type} ${i.value}`);
      expect(values).toEqual(
        expect.arrayContaining([
          'domain update-check.top',
          'ipv4 203.0.113.9',
          'cve CVE-2021-44228',
        ]),
      );
      for (const i of report.indicators) expect(text.slice(i.start, i.end)).toBe(i.original);
      expect(report.dropped).toEqual([
        expect.objectContaining({
          type: 'ipv4',
          value: '8.8.8.8',
          reason: expect.stringContaining('Google'),
        }),
      ]);
      expect(report.claims.length).toBeGreaterThan(0);
      expect(report.claims[0].state).toBe('pending');
      expect(report.publishedAt).toBe('2015-06-05');
      expect(report.language).toBe('en');
    });

    it('drops what the node adds to its allow-list, and keeps it once removed', async () => {
      const entry = await ok('POST', '/api/reports/allow-list', {
        type: 'domain',
        value: 'Update-Check.top',
        reason: 'Our own sinkhole',
      });
      expect(entry.value).toBe('update-check.top');
      const dup = await api('POST', '/api/reports/allow-list', {
        type: 'domain',
        value: 'update-check.top',
        reason: 'again',
      });
      expect(dup.status).toBe(409);
      const r1 = await ok('POST', '/api/reports', {
        text: 'Traffic to update-check[.]top on 3 March 2026.',
      });
      expect(r1.indicators).toEqual([]);
      expect(r1.dropped).toEqual([
        expect.objectContaining({ value: 'update-check.top', reason: 'Our own sinkhole' }),
      ]);
      const list = await ok('GET', '/api/reports/allow-list?limit=100', undefined, observer);
      expect(list.items.map((e: Item) => e.value)).toEqual(
        expect.arrayContaining(['8.8.8.8', 'update-check.top']),
      );
      expect(
        (
          await api(
            'POST',
            '/api/reports/allow-list',
            { type: 'ipv4', value: '1.2.3.4', reason: 'x' },
            observer,
          )
        ).status,
      ).toBe(403);
      expect((await api('DELETE', `/api/reports/allow-list/${entry.id}`)).status).toBe(204);
      expect((await api('DELETE', `/api/reports/allow-list/${entry.id}`)).status).toBe(404);
      const r2 = await ok('POST', '/api/reports', {
        text: 'Traffic to update-check[.]top on 3 March 2026.',
      });
      expect(r2.indicators.map((i: Item) => i.value)).toEqual(['update-check.top']);
    });

    it('reads uploads: plain text, HTML (its article), DOCX, PDF', async () => {
      const txt = await upload(
        'Seen: 198.51.100.23 on 2 May 2026.',
        'text/plain; charset=utf-8',
        '?filename=note.txt',
      );
      expect(txt.status, JSON.stringify(txt.body)).toBe(201);
      expect(txt.body.title).toBe('note.txt');
      expect(txt.body.indicators.map((i: Item) => i.value)).toEqual(['198.51.100.23']);
      const html = `<html><head><title>Breach note</title></head><body><nav>Home | About</nav><article><h1>Breach note</h1>
        <p>The attackers used bad-domain[.]xyz to stage data stolen from the agency's servers over many weeks of activity.</p>
        <p>Investigators found the hash d41d8cd98f00b204e9800998ecf8427e on the servers as well, and more.</p></article>
        <script>var x = "198.51.100.99";</script></body></html>`;
      const h = await upload(html, 'text/html');
      expect(h.status, JSON.stringify(h.body)).toBe(201);
      expect(h.body.text).not.toContain('198.51.100.99');
      expect(h.body.indicators.map((i: Item) => i.value).sort()).toEqual([
        'bad-domain.xyz',
        'd41d8cd98f00b204e9800998ecf8427e',
      ]);
      const doc = new Document({
        sections: [{ children: [new Paragraph('The DOCX names evil-docx[.]top as the C2.')] }],
      });
      const bytes = await Packer.toBuffer(doc);
      const d = await upload(
        bytes,
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      );
      expect(d.status, JSON.stringify(d.body)).toBe(201);
      expect(d.body.indicators.map((i: Item) => i.value)).toEqual(['evil-docx.top']);
      const pdf = await upload(
        makePdf('The PDF names evil-pdf[.]top and 198.51.100.41.'),
        'application/pdf',
      );
      expect(pdf.status, JSON.stringify(pdf.body)).toBe(201);
      expect(pdf.body.indicators.map((i: Item) => i.value)).toEqual([
        'evil-pdf.top',
        '198.51.100.41',
      ]);
    });

    it('reads a URL through the outbound guard: the page, a 404, a refused address', async () => {
      const server: Server = createServer((req, res) => {
        if (req.url === '/story.html') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(
            '<html><head><title>Wire story</title></head><body><article><p>' +
              'Investigators traced the intrusion to c2-wire[.]top, which they said the group used for months of activity against the ministry.' +
              '</p></article></body></html>',
          );
        } else {
          res.writeHead(404).end();
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const page = await api('POST', '/api/reports/url', { url: `${base}/story.html` });
        expect(page.status, JSON.stringify(page.body)).toBe(201);
        expect(page.body.title).toBe('Wire story');
        expect(page.body.source).toBe('127.0.0.1');
        expect(page.body.origin).toBe('url');
        expect(page.body.indicators.map((i: Item) => i.value)).toEqual(['c2-wire.top']);
        const before = await count();
        const missing = await api('POST', '/api/reports/url', { url: `${base}/nope.html` });
        expect(missing.status).toBe(422);
        expect(missing.body.error.code).toBe('report_fetch_failed');
        const refused = await api('POST', '/api/reports/url', {
          url: 'http://10.255.255.1/x.html',
        });
        expect(refused.status).toBe(400);
        expect(refused.body.error.code).toBe('outbound_refused');
        expect(await count()).toBe(before);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('refuses bad input with a clear 4xx and stores nothing', async () => {
      const before = await count();
      const empty = await api('POST', '/api/reports', { text: '   ' });
      expect(empty.status).toBe(400);
      expect(empty.body.error.message).toContain('text');
      expect((await upload('', 'text/plain')).status).toBe(400);
      const binary = await upload(
        Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0, 0]),
        'text/plain',
      );
      expect(binary.status).toBe(400);
      expect(binary.body.error.code).toBe('report_binary');
      const exe = await upload(Buffer.from([1, 2, 3]), 'application/octet-stream');
      expect(exe.status).toBe(415);
      expect(exe.body.error.code).toBe('report_type');
      const pdf = await upload('%PDF-1.7\n1 0 obj <</Type /Catalog>> garbage', 'application/pdf');
      expect(pdf.status).toBe(422);
      expect(pdf.body.error.code).toBe('report_unreadable');
      const docx = await upload(
        'not a zip',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      );
      expect(docx.status).toBe(422);
      // 50 MB: refused from its Content-Length, before the body is read whole.
      const huge = await upload(Buffer.alloc(50 * 1024 * 1024, 0x61), 'text/plain');
      expect(huge.status).toBe(413);
      const justOver = await upload(Buffer.alloc(MAX_REPORT_BYTES + 1, 0x61), 'text/plain');
      expect(justOver.status).toBe(413);
      const bigJson = await api('POST', '/api/reports', { text: 'a'.repeat(5 * 1024 * 1024) });
      expect(bigJson.status).toBe(413);
      const longJson = await api('POST', '/api/reports', { text: 'a '.repeat(300_000) });
      expect(longJson.status).toBe(400);
      expect(longJson.body.error.message).toContain('text');
      const date = await api('POST', '/api/reports', { text: 'x', publishedAt: 'yesterday' });
      expect(date.status).toBe(400);
      expect(date.body.error.message).toContain('publishedAt');
      const noSuchDay = await api('POST', '/api/reports', { text: 'x', publishedAt: '5644-19-72' });
      expect(noSuchDay.status).toBe(400);
      expect(noSuchDay.body.error.message).toContain('publishedAt');
      expect(
        (await api('POST', '/api/reports', { text: 'An observer may not.' }, observer)).status,
      ).toBe(403);
      expect(await count()).toBe(before);
    });

    it('reviews extractions and commits the accepted ones to a case as STIX 2.1 under the marking', async () => {
      const text =
        'The ABC reported that officials blamed China for the attack on the Bureau of Meteorology. ' +
        'The malware called back to met-update[.]top and 203.0.113.77.';
      const report = await ok('POST', '/api/reports', { text, title: 'BoM hack' });
      const caseView = await ok('POST', '/api/cases', { title: 'BoM', kind: 'hacking' });
      const nothing = await api('POST', `/api/reports/${report.id}/commit`, {
        caseId: caseView.id,
      });
      expect(nothing.status).toBe(422);
      expect(nothing.body.error.code).toBe('nothing_accepted');
      const bad = await api('POST', `/api/reports/${report.id}/review`, {
        items: [{ kind: 'claim', index: 99, state: 'accepted' }],
      });
      expect(bad.status).toBe(422);
      expect(bad.body.error.message).toContain('items.0.index');
      const items = [
        ...report.indicators.map((i: Item) => ({
          kind: 'indicator',
          index: i.index,
          state: 'accepted',
        })),
        ...report.entities.map((e: Item) => ({
          kind: 'entity',
          index: e.index,
          state: e.kind === 'country' ? 'rejected' : 'accepted',
        })),
        ...report.claims.map((c: Item) => ({ kind: 'claim', index: c.index, state: 'accepted' })),
      ];
      expect(report.claims.length).toBe(1);
      const reviewed = await ok('POST', `/api/reports/${report.id}/review`, { items });
      expect(reviewed.indicators.every((i: Item) => i.state === 'accepted')).toBe(true);
      expect(
        (await api('POST', `/api/reports/${report.id}/review`, { items }, observer)).status,
      ).toBe(403);
      const committed = await ok('POST', `/api/reports/${report.id}/commit`, {
        caseId: caseView.id,
        tlp: 'green',
      });
      expect(committed.stixId).toMatch(/^report--/);
      const objects = await ok('GET', `/api/cases/${caseView.id}/objects?limit=100`);
      const byId = new Map<string, Item>(objects.objects.map((o: Item) => [o.id, o]));
      const stixReport: any = byId.get(committed.stixId);
      expect(stixReport.tlp).toBe('green');
      expect(stixReport.object.object_refs).toEqual(committed.objectIds);
      for (const ref of committed.objectIds) expect(byId.has(ref), ref).toBe(true);
      const types = [...byId.values()].map((o: Item) => o.type);
      expect(types).toEqual(
        expect.arrayContaining([
          'indicator',
          'domain-name',
          'ipv4-addr',
          'identity',
          'opinion',
          'report',
        ]),
      );
      const opinion: any = [...byId.values()].find((o: Item) => o.type === 'opinion');
      expect(opinion.object.x_liaison_claim.stance).toBe('asserts');
      expect(opinion.object.opinion).toBe('agree');
      const again = await api('POST', `/api/reports/${report.id}/commit`, { caseId: caseView.id });
      expect(again.status).toBe(409);
      const shown = await ok('GET', `/api/reports/${report.id}`);
      expect(shown.caseId).toBe(caseView.id);
      expect(shown.stixId).toBe(committed.stixId);
    });

    it('commits all or nothing: one object refused leaves the case unchanged and the report uncommitted', async () => {
      async function acceptAll(id: string) {
        const r = await ok('GET', `/api/reports/${id}`);
        const items = [
          ...r.indicators.map((i: Item) => ({
            kind: 'indicator',
            index: i.index,
            state: 'accepted',
          })),
          ...r.entities.map((e: Item) => ({ kind: 'entity', index: e.index, state: 'accepted' })),
        ];
        await ok('POST', `/api/reports/${id}/review`, { items });
      }
      const first = await ok('POST', '/api/reports', {
        text: 'The Office of Personnel Management saw beacons to 198.51.100.201.',
      });
      const caseA = await ok('POST', '/api/cases', { title: 'Atomic A', kind: 'hacking' });
      await acceptAll(first.id);
      await ok('POST', `/api/reports/${first.id}/commit`, { caseId: caseA.id });
      // The second report's domain and indicators come before the address case A holds: the
      // node refuses to put an observable of another case in this one (object_exists).
      const second = await ok('POST', '/api/reports', {
        text: 'The Bureau of Meteorology found atomic-c2[.]top, then 198.51.100.201 again.',
      });
      await acceptAll(second.id);
      const caseB = await ok('POST', '/api/cases', { title: 'Atomic B', kind: 'hacking' });
      const refused = await api('POST', `/api/reports/${second.id}/commit`, { caseId: caseB.id });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('object_exists');
      expect(refused.body.error.message).toMatch(/^objects\[\d+\] ipv4-addr--/);
      const inB = await ok('GET', `/api/cases/${caseB.id}/objects?limit=100`);
      expect(inB.objects).toEqual([]);
      const stixOfB = await node.node.store.db
        .selectFrom('audit_log')
        .select('seq')
        .where('action', '=', 'stix.create')
        .where('details', 'like', `%${caseB.id}%`)
        .execute();
      expect(stixOfB).toEqual([]);
      const uncommitted = await ok('GET', `/api/reports/${second.id}`);
      expect(uncommitted.caseId).toBeNull();
      expect(uncommitted.stixId).toBeNull();
      // To the case that holds the address, the same commit goes through, keeping what it holds.
      const before = (await ok('GET', `/api/cases/${caseA.id}/objects?limit=100`)).objects.length;
      const committed = await ok('POST', `/api/reports/${second.id}/commit`, { caseId: caseA.id });
      const inA = await ok('GET', `/api/cases/${caseA.id}/objects?limit=100`);
      const ids = new Set(inA.objects.map((o: Item) => o.id));
      for (const ref of committed.objectIds) expect(ids.has(ref), ref).toBe(true);
      expect(inA.objects.length).toBeGreaterThan(before);
      expect(inA.objects.filter((o: Item) => o.type === 'ipv4-addr')).toHaveLength(1);
    });

    it('keeps the stories StoryClusterer finds on the corpus, in two orders of arrival', async () => {
      const expected = expectedStories();
      for (const [n, order] of [corpus, shuffled(corpus, 7)].entries()) {
        const fresh = n === 0 ? node : await makeNode({ dialect, nodeId: 'us-doj' });
        const session = n === 0 ? analyst : await login(fresh.app, 'admin', fresh.admin.password);
        try {
          // Clear the reports of the other tests (this node only).
          if (n === 0) {
            await fresh.node.store.db.deleteFrom('report_buckets').execute();
            await fresh.node.store.db.deleteFrom('report_reviews').execute();
            await fresh.node.store.db.deleteFrom('reports').execute();
          }
          const nameOf = new Map<string, string>();
          for (const r of order) {
            const reply = await call(fresh.app, session, 'POST', '/api/reports', {
              text: r.text,
              title: r.name,
            });
            expect(reply.statusCode, reply.body).toBe(201);
            nameOf.set(reply.json<{ id: string }>().id, r.name);
          }
          const stories: { id: string; reportIds: string[]; size: number }[] = [];
          let cursor: string | null = null;
          do {
            const page: any = (
              await call(
                fresh.app,
                session,
                'GET',
                `/api/reports/clusters?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
              )
            ).json();
            stories.push(...page.items);
            cursor = page.next;
          } while (cursor);
          for (const s of stories) {
            expect(s.reportIds.length).toBe(s.size);
            expect(s.id).toBe([...s.reportIds].sort()[0]);
          }
          expect(partition(stories, (id) => nameOf.get(id)!)).toEqual(expected);
          // A story's page: its reports with their claims side by side.
          const biggest = stories.reduce((a, b) => (b.size > a.size ? b : a));
          const story: any = (
            await call(fresh.app, session, 'GET', `/api/reports/clusters/${biggest.id}?limit=50`)
          ).json();
          expect(story.reports.length).toBe(biggest.size);
          const listed: any = (
            await call(fresh.app, session, 'GET', `/api/reports?clusterId=${biggest.id}&limit=2`)
          ).json();
          expect(listed.items.length).toBe(2);
          expect(listed.next).toBeTruthy();
        } finally {
          if (n > 0) await fresh.destroy();
        }
      }
    }, 120_000);
  });
}
