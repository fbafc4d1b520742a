import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterList } from '../src/core/schemas/reports.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';

/**
 * Issue 19, the page of all stories: each story of `GET /api/reports/clusters` says what the
 * list shows of it: its lead report, the first and last publication dates of its reports,
 * their languages and the entities most of them name (not news outlets, not dates), paged.
 */
const XINHUA = {
  title: 'China calls OPM hack a criminal case',
  source: 'Xinhua',
  publishedAt: '2015-12-02',
  language: 'en',
  text: [
    'Xinhua said on Wednesday that the hacking of the Office of Personnel Management, which exposed 20 million records, was a criminal case rather than a state-sponsored attack.',
    'Investigators found that the intruders used the server hxxp://update-check[.]net/login and the address 198.51.100[.]23.',
    "China's foreign ministry denied any role, calling the accusations unfounded.",
  ].join('\n\n'),
};
const WIRE = {
  title: 'OPM breach: investigators name the servers used',
  source: 'Wire service',
  publishedAt: '2015-12-03',
  language: 'en',
  text: [
    'Officials said on Thursday that the intruders who stole 20 million records from the Office of Personnel Management used the server at 198.51.100[.]23 and the site update-check[.]net.',
    "China's foreign ministry denied the accusations, calling them unfounded.",
  ].join('\n\n'),
};
const OTHER = {
  title: 'Weather bureau hack blamed on foreign spies',
  source: 'ABC',
  publishedAt: '2015-12-01',
  language: 'en',
  text: 'ABC, citing officials, said the Bureau of Meteorology in Australia was hacked in 2015; the intruders used 203.0.113[.]77.',
};

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`the stories' list on ${dialect}`, () => {
    let node: NodeHandle;
    let session: Session;
    beforeAll(async () => {
      node = await makeNode({ dialect, nodeId: 'us-doj' });
      session = await login(node.app, 'admin', node.admin.password);
    });
    afterAll(async () => {
      await node?.destroy();
    });

    it('gives each story its lead, dates, languages and top entities, paged', async () => {
      const ids: string[] = [];
      for (const body of [XINHUA, WIRE, OTHER]) {
        const r = await call(node.app, session, 'POST', '/api/reports', body);
        expect(r.statusCode, r.body).toBe(201);
        ids.push(r.json<{ id: string }>().id);
      }
      const first = await call(node.app, session, 'GET', '/api/reports/clusters?limit=1');
      const page1 = first.json<ClusterList>();
      expect(page1.items).toHaveLength(1);
      expect(page1.next).toEqual(expect.any(String));
      const second = await call(
        node.app,
        session,
        'GET',
        `/api/reports/clusters?limit=1&cursor=${page1.next}`,
      );
      const page2 = second.json<ClusterList>();
      expect(page2.next).toBeNull();
      const stories = [...page1.items, ...page2.items];
      // The latest active first: the weather story's report came last.
      expect(stories.map((s) => s.size)).toEqual([1, 2]);
      const [weather, opm] = stories as [ClusterList['items'][0], ClusterList['items'][0]];
      expect(opm).toMatchObject({
        id: ids[0],
        lead: { id: ids[0], title: XINHUA.title, source: 'Xinhua' },
        firstPublished: '2015-12-02',
        lastPublished: '2015-12-03',
        languages: ['en'],
      });
      const named = opm.topEntities.map((e) => e.text);
      const agency = opm.topEntities.find((e) => e.text === 'Office of Personnel Management');
      expect(agency).toMatchObject({ kind: 'organisation', reports: 2, zh: expect.any(String) });
      expect(opm.topEntities[0]!.reports).toBe(2);
      expect(opm.topEntities.length).toBeLessThanOrEqual(5);
      expect(named).not.toContain('Xinhua');
      expect(weather).toMatchObject({
        id: ids[2],
        lead: { title: OTHER.title },
        firstPublished: '2015-12-01',
        lastPublished: '2015-12-01',
      });
    });
  });
}
