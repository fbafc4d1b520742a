import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoryClusterer } from '../src/core/reports/cluster.js';
import { analyseReport, DEFAULT_ALLOW_LIST } from '../src/core/reports/index.js';
import { loadCorpus } from './corpus/reports/corpus.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';
import { until } from './harness/wait.js';

/**
 * Issue 19, acceptance 3, between two nodes over loopback HTTP: a report us-doj commits to
 * a case shared with cn-mps reaches cn-mps with its objects under the marking, and cn-mps
 * ingests the STIX report into its own reports, where its own clustering puts it with its
 * copy of the story.
 */
interface Side {
  handle: NodeHandle;
  url: string;
  admin: Session;
}

const corpus = loadCorpus();
/** The committed report, and one StoryClusterer puts in the same story. */
function pickPair(): { sent: (typeof corpus)[number]; kin: (typeof corpus)[number] } {
  const c = new StoryClusterer();
  for (const r of corpus) {
    c.add({
      id: r.name,
      text: r.text,
      extraction: analyseReport(r.text, { allowList: DEFAULT_ALLOW_LIST }),
    });
  }
  const story = c.stories().find((s) => s.reportIds.length >= 3)!;
  const sent = corpus.find((r) => r.name === story.reportIds[1])!;
  const kin = corpus.find((r) => r.name === story.reportIds[0])!;
  return { sent, kin };
}

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`reports between two nodes on ${dialect}`, () => {
    let us: Side;
    let cn: Side;

    async function side(nodeId: string): Promise<Side> {
      const handle = await makeNode({ dialect, nodeId });
      const url = await handle.node.listen();
      return { handle, url, admin: await login(handle.app, 'admin', handle.admin.password) };
    }
    async function ok(s: Side, method: string, url: string, body?: unknown): Promise<any> {
      const r = await call(s.handle.app, s.admin, method as 'GET', url, body);
      expect(r.statusCode, `${method} ${url}: ${r.body}`).toBeLessThan(300);
      return r.json<unknown>();
    }

    beforeAll(async () => {
      us = await side('us-doj');
      cn = await side('cn-mps');
      await ok(us, 'POST', '/api/federation/peers', {
        url: cn.url,
        fingerprint: cn.handle.node.keys.fingerprint,
      });
      await ok(cn, 'POST', '/api/federation/peers', {
        url: us.url,
        fingerprint: us.handle.node.keys.fingerprint,
      });
    }, 60_000);
    afterAll(async () => {
      await us?.handle.destroy();
      await cn?.handle.destroy();
    });

    it('a committed report reaches the peer under its marking and joins the peer’s story', async () => {
      const { sent, kin } = pickPair();
      // cn-mps holds the rest of the corpus: its copy of the story among others.
      const cnIds = new Map<string, string>();
      for (const r of corpus) {
        if (r.name === sent.name) continue;
        const made = await ok(cn, 'POST', '/api/reports', { text: r.text, title: r.name });
        cnIds.set(r.name, made.id);
      }
      const report = await ok(us, 'POST', '/api/reports', {
        text: sent.text,
        title: sent.name,
        source: 'Corpus',
      });
      const items = [
        ...report.indicators.map((i: { index: number }) => ({
          kind: 'indicator',
          index: i.index,
          state: 'accepted',
        })),
        ...report.entities.map((e: { index: number }) => ({
          kind: 'entity',
          index: e.index,
          state: 'accepted',
        })),
        ...report.claims.map((c: { index: number }) => ({
          kind: 'claim',
          index: c.index,
          state: 'accepted',
        })),
      ];
      await ok(us, 'POST', `/api/reports/${report.id}/review`, { items });
      const caseView = await ok(us, 'POST', '/api/cases', {
        title: 'Shared story',
        kind: 'hacking',
      });
      await ok(us, 'POST', `/api/cases/${caseView.id}/participants`, { peer: 'cn-mps' });
      const committed = await ok(us, 'POST', `/api/reports/${report.id}/commit`, {
        caseId: caseView.id,
        tlp: 'green',
      });

      // The objects reach cn-mps, every one under GREEN.
      let objects: { id: string; tlp: string; type: string; object: Record<string, unknown> }[] =
        [];
      await until(async () => {
        const r = await call(
          cn.handle.app,
          cn.admin,
          'GET',
          `/api/cases/${caseView.id}/objects?limit=200`,
        );
        if (r.statusCode !== 200) return false;
        objects = r.json<{ objects: typeof objects }>().objects;
        const held = new Set(objects.map((o) => o.id));
        return [committed.stixId, ...committed.objectIds].every((id: string) => held.has(id));
      }, 'cn-mps to hold the report and its objects');
      const wanted = new Set<string>([committed.stixId, ...committed.objectIds]);
      for (const o of objects.filter((x) => wanted.has(x.id))) expect(o.tlp, o.id).toBe('green');

      // cn-mps ingests the STIX report into its own reports, and its stories put it with its copy.
      let received: any;
      await until(async () => {
        const list = await ok(cn, 'GET', '/api/reports?limit=200');
        received = list.items.find((r: { origin: string }) => r.origin === 'peer');
        return received !== undefined;
      }, 'cn-mps to ingest the received report');
      expect(received.originNode).toBe('us-doj');
      expect(received.stixId).toBe(committed.stixId);
      expect(received.caseId).toBe(caseView.id);
      const kinView = await ok(cn, 'GET', `/api/reports/${cnIds.get(kin.name)}`);
      expect(received.clusterId).toBe(kinView.clusterId);
      const full = await ok(cn, 'GET', `/api/reports/${received.id}`);
      expect(full.indicators.map((i: { value: string }) => i.value)).toEqual(
        report.indicators.map((i: { value: string }) => i.value),
      );
      // Its objects are in the case already: cn-mps does not commit it again.
      const again = await call(
        cn.handle.app,
        cn.admin,
        'POST',
        `/api/reports/${received.id}/commit`,
        { caseId: caseView.id },
      );
      expect(again.statusCode).toBe(409);
    }, 120_000);

    it('a received report the node missed (it stopped before the ingest) is ingested at its next start', async () => {
      const db = () => cn.handle.node.store.db;
      const peer = await db()
        .selectFrom('reports')
        .select(['id', 'stix_id', 'case_id'])
        .where('origin', '=', 'peer')
        .executeTakeFirstOrThrow();
      // What a stop between storing the object and its ingest leaves: the object, no report.
      await db().deleteFrom('report_buckets').where('report_id', '=', peer.id).execute();
      await db().deleteFrom('reports').where('id', '=', peer.id).execute();
      await cn.handle.stop();
      const handle = await makeNode({
        dialect,
        nodeId: 'cn-mps',
        database: cn.handle.database,
        keys: cn.handle.node.keys,
        noAdmin: true,
      });
      cn = { ...cn, handle, admin: await login(handle.app, 'admin', handle.admin.password) };
      let again: { id: string; stix_id: string | null; case_id: string | null } | undefined;
      await until(
        async () => {
          again = await db()
            .selectFrom('reports')
            .select(['id', 'stix_id', 'case_id'])
            .where('origin', '=', 'peer')
            .executeTakeFirst();
          return again !== undefined;
          // A start and an extraction thread's first document: slow on a loaded machine.
        },
        'cn-mps to ingest the missed report at its start',
        60_000,
      );
      expect(again!.stix_id).toBe(peer.stix_id);
      expect(again!.case_id).toBe(peer.case_id);
      // Once, as a peer's report again, its text the STIX report's description.
      const view = await ok(cn, 'GET', `/api/reports/${again!.id}`);
      expect(view.originNode).toBe('us-doj');
      expect(view.text.length).toBeGreaterThan(100);
      const peers = await db()
        .selectFrom('reports')
        .select('id')
        .where('origin', '=', 'peer')
        .execute();
      expect(peers.length).toBe(1);
    }, 120_000);
  });
}
