import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTlp } from '../src/core/stix/tlp.js';
import type { TlpLevel } from '../src/core/tlp-rules.js';
import { openCase } from './harness/cases.js';
import { createTestDatabase, DIALECTS, dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';
import { indicator } from './harness/stix-feed.js';
import { until } from './harness/wait.js';

/**
 * Issue 14, acceptance 1: every version of an object is kept whatever order it arrives in
 * (TAXII filters, versions, manifest and deletes see the whole history), an object is held
 * by several cases, and a case's objects and the case list are read a page at a time. On
 * both dialects.
 */
const TAXII = 'application/taxii+json;version=2.1';
const SYSTEM = { kind: 'system', reason: 'test' } as const;

type Stix = Record<string, unknown>;

const DAY = (d: string) => `2026-${d}T00:00:00.000Z`;

function version(n: number, modified: string, extra: Stix = {}): Stix {
  return withTlp(
    indicator(n, {
      created: '2026-10-01T00:00:00.000Z',
      modified,
      name: `indicator ${n} as of ${modified}`,
      ...extra,
    }),
    'green',
  );
}

function taxii(
  app: FastifyInstance,
  auth: string,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: {
      accept: TAXII,
      authorization: auth,
      ...(body !== undefined ? { 'content-type': TAXII } : {}),
    },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
}

async function ok<T>(response: Promise<LightMyRequestResponse>, status = 200): Promise<T> {
  const r = await response;
  expect(r.statusCode, r.body).toBe(status);
  return r.json<T>();
}

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`history, cases and pages on ${dialect}`, () => {
    let node: NodeHandle;
    let admin: Session;
    let token: string;
    const collections = new Map<string, string>();

    const collectionOf = async (caseId: string): Promise<string> => {
      const known = collections.get(caseId);
      if (known) return known;
      const made = await ok<{ id: string }>(
        call(node.app, admin, 'POST', '/api/taxii/collections', {
          title: `case ${caseId}`,
          caseId,
          maxTlp: 'amber',
          access: [{ principal: `user:${feedUser}`, canRead: true, canWrite: true }],
        }),
        201,
      );
      collections.set(caseId, made.id);
      return made.id;
    };
    let feedUser = '';

    const importInto = async (caseId: string, objects: Stix[], tlp: TlpLevel = 'amber') => {
      const { job, failures } = await node.node.imports.importObjects(
        SYSTEM,
        { caseId, tlp, label: 'test' },
        objects,
      );
      expect(failures).toEqual([]);
      return job;
    };

    beforeAll(async () => {
      node = await makeNode({ nodeId: 'us-doj', dialect });
      admin = await login(node.app, 'admin', node.admin.password);
      const feed = await node.createUser('feed', ['analyst']);
      feedUser = feed.id;
      const cli = { kind: 'cli', osUser: 'test' } as const;
      const made = await node.node.accounts.createToken(
        cli,
        { name: 'SOC', roles: ['analyst'] },
        feed.id,
      );
      token = `Bearer ${made.secret}`;
    }, 60_000);

    afterAll(async () => {
      await node?.destroy();
    });

    it('keeps every version whatever order it arrives in; filters, versions, manifest and deletes see them all', async () => {
      const caseId = await openCase(node, admin, 'Versions');
      const collection = await collectionOf(caseId);
      const base = `/taxii2/api/collections/${collection}`;
      const id = String(indicator(500)['id']);
      const [oct, nov1, nov10, nov20] = [DAY('10-15'), DAY('11-01'), DAY('11-10'), DAY('11-20')];

      // Three versions in one envelope, shuffled; then an older fourth alone.
      const first = await ok<{ success_count: number; failure_count: number }>(
        taxii(node.app, token, 'POST', `${base}/objects/`, {
          objects: [version(500, nov10), version(500, nov20), version(500, nov1)],
        }),
        202,
      );
      expect(first).toMatchObject({ success_count: 3, failure_count: 0 });
      const older = await ok<{ success_count: number }>(
        taxii(node.app, token, 'POST', `${base}/objects/`, { objects: [version(500, oct)] }),
        202,
      );
      expect(older.success_count).toBe(1);
      // The same instant written differently is the same version (STIX: one modified, one version).
      await ok(
        taxii(node.app, token, 'POST', `${base}/objects/`, {
          objects: [version(500, '2026-11-10T00:00:00Z')],
        }),
        202,
      );

      const modifiedOf = async (query: string) =>
        (
          await ok<{ objects?: Stix[] }>(
            taxii(node.app, token, 'GET', `${base}/objects/${id}/${query}`),
          )
        ).objects?.map((o) => o['modified']) ?? [];
      expect(await modifiedOf('')).toEqual([nov20]);
      expect(await modifiedOf('?match[version]=last')).toEqual([nov20]);
      expect(await modifiedOf('?match[version]=first')).toEqual([oct]);
      expect((await modifiedOf('?match[version]=all')).sort()).toEqual([oct, nov1, nov10, nov20]);
      expect(await modifiedOf(`?match[version]=${nov1}`)).toEqual([nov1]);
      expect(await modifiedOf(`?match[version]=first,last`)).toHaveLength(2);

      const versions = await ok<{ versions: string[] }>(
        taxii(node.app, token, 'GET', `${base}/objects/${id}/versions/`),
      );
      expect([...versions.versions].sort()).toEqual([oct, nov1, nov10, nov20]);

      const manifest = async (query: string) =>
        (
          await ok<{ objects?: { id: string; version: string }[] }>(
            taxii(node.app, token, 'GET', `${base}/manifest/${query}`),
          )
        ).objects ?? [];
      expect((await manifest('')).map((e) => [e.id, e.version])).toEqual([[id, nov20]]);
      expect((await manifest('?match[version]=all')).map((e) => e.version).sort()).toEqual([
        oct,
        nov1,
        nov10,
        nov20,
      ]);
      const listed = await ok<{ objects?: Stix[] }>(
        taxii(node.app, token, 'GET', `${base}/objects/`),
      );
      expect(listed.objects?.map((o) => [o['id'], o['modified']])).toEqual([[id, nov20]]);

      // The case page and the history agree: the newest is the object, all four its history.
      const page = await ok<{ objects: { id: string; object: Stix }[] }>(
        call(node.app, admin, 'GET', `/api/cases/${caseId}`),
      );
      expect(page.objects.map((o) => o.object['modified'])).toEqual([nov20]);
      const history = await ok<{ versions: { modified: string | null }[] }>(
        call(node.app, admin, 'GET', `/api/cases/${caseId}/objects/${id}/history`),
      );
      expect(history.versions.map((v) => v.modified)).toEqual([oct, nov1, nov10, nov20]);

      // Deleting the newest makes the next newest current; deleting the first moves "first".
      expect(
        (await taxii(node.app, token, 'DELETE', `${base}/objects/${id}/?match[version]=${nov20}`))
          .statusCode,
      ).toBe(200);
      expect(await modifiedOf('')).toEqual([nov10]);
      const label = await ok<{ objects: { label: string }[] }>(
        call(node.app, admin, 'GET', `/api/cases/${caseId}/objects`),
      );
      expect(label.objects.map((o) => o.label)).toEqual([`indicator 500 as of ${nov10}`]);
      expect(
        (await taxii(node.app, token, 'DELETE', `${base}/objects/${id}/?match[version]=first`))
          .statusCode,
      ).toBe(200);
      expect(await modifiedOf('?match[version]=first')).toEqual([nov1]);
      expect((await modifiedOf('?match[version]=all')).sort()).toEqual([nov1, nov10]);
      // All versions: the object is gone.
      expect((await taxii(node.app, token, 'DELETE', `${base}/objects/${id}/`)).statusCode).toBe(
        200,
      );
      expect((await taxii(node.app, token, 'GET', `${base}/objects/${id}/`)).statusCode).toBe(404);
    });

    it('serves each version under the stricter of its own marking and its object’s', async () => {
      const caseId = await openCase(node, admin, 'Declassified');
      const watcher = await node.createUser(`watcher-${dialect}`, ['observer']);
      const { id: collection } = await ok<{ id: string }>(
        call(node.app, admin, 'POST', '/api/taxii/collections', {
          title: 'Declassified',
          caseId,
          maxTlp: 'amber',
          access: [
            { principal: `user:${feedUser}`, canRead: true, canWrite: false },
            { principal: `user:${watcher.id}`, canRead: true, canWrite: false },
          ],
        }),
        201,
      );
      const made = await ok<{ id: string }>(
        call(node.app, admin, 'POST', `/api/cases/${caseId}/objects`, {
          object: indicator(800, { name: 'written under AMBER' }),
          tlp: 'amber',
        }),
        201,
      );
      await ok(
        call(node.app, admin, 'POST', `/api/cases/${caseId}/objects/${made.id}/marking`, {
          tlp: 'green',
          reason: 'the victim agreed',
        }),
      );
      const basic = `Basic ${Buffer.from(`${watcher.username}:${watcher.password}`).toString('base64')}`;
      const url = `/taxii2/api/collections/${collection}/objects/${made.id}/?match[version]=all`;
      const asAnalyst = await ok<{ objects?: Stix[] }>(taxii(node.app, token, 'GET', url));
      expect(asAnalyst.objects).toHaveLength(2);
      // The observer (CLEAR and GREEN) gets the GREEN version only, never the AMBER one.
      const asObserver = await ok<{ objects?: Stix[] }>(taxii(node.app, basic, 'GET', url));
      expect(asObserver.objects?.map((o) => o['name'])).toEqual(['written under AMBER']);
      expect(asObserver.objects?.[0]?.['object_marking_refs']).toEqual(
        asAnalyst.objects?.[1]?.['object_marking_refs'],
      );
      const versions = await ok<{ versions: string[] }>(
        taxii(
          node.app,
          basic,
          'GET',
          `/taxii2/api/collections/${collection}/objects/${made.id}/versions/`,
        ),
      );
      expect(versions.versions).toHaveLength(1);
    });

    it('holds one object in two cases; a new version reaches both, leaving one case keeps it in the other', async () => {
      const x = await openCase(node, admin, 'Botnet');
      const y = await openCase(node, admin, 'Ransomware');
      const shared = version(600, DAY('11-01'));
      const job1 = await importInto(x, [shared, version(601, DAY('11-01'))]);
      expect(job1).toMatchObject({ imported: 2 });
      const job2 = await importInto(y, [shared, version(602, DAY('11-01'))]);
      expect(job2).toMatchObject({ imported: 1, elsewhere: 1 });
      // Again: nothing more.
      expect(await importInto(y, [shared])).toMatchObject({
        imported: 0,
        elsewhere: 0,
        unchanged: 1,
      });

      const idsIn = async (caseId: string) =>
        (
          await ok<{ objects: { id: string }[]; objectCount: number }>(
            call(node.app, admin, 'GET', `/api/cases/${caseId}`),
          )
        ).objects
          .map((o) => o.id)
          .sort();
      const sharedId = String(shared['id']);
      expect(await idsIn(x)).toEqual([sharedId, String(indicator(601)['id'])].sort());
      expect(await idsIn(y)).toEqual([sharedId, String(indicator(602)['id'])].sort());

      // Y's TAXII collection serves it; a later version, imported through X, reaches Y's
      // stream after the cursor a poller of Y holds.
      const collectionY = await collectionOf(y);
      const objectsY = `/taxii2/api/collections/${collectionY}/objects/`;
      const before = await taxii(node.app, token, 'GET', objectsY);
      expect(before.statusCode, before.body).toBe(200);
      expect(before.json<{ objects: Stix[] }>().objects.map((o) => o['id'])).toContain(sharedId);
      const last = String(before.headers['x-taxii-date-added-last']);
      await importInto(x, [version(600, DAY('11-25'))]);
      const after = await ok<{ objects?: Stix[] }>(
        taxii(node.app, token, 'GET', `${objectsY}?added_after=${last}`),
      );
      expect(after.objects?.map((o) => [o['id'], o['modified']])).toEqual([
        [sharedId, DAY('11-25')],
      ]);

      // Leaving Y: X still holds it, not deleted.
      expect(
        (await call(node.app, admin, 'DELETE', `/api/cases/${y}/objects/${sharedId}`)).statusCode,
      ).toBe(204);
      expect(await idsIn(y)).toEqual([String(indicator(602)['id'])]);
      expect(await idsIn(x)).toContain(sharedId);
      expect(
        (await call(node.app, admin, 'GET', `/api/cases/${x}/objects/${sharedId}/history`))
          .statusCode,
      ).toBe(200);
    });

    it('takes the same new objects imported into two cases at once', async () => {
      const x = await openCase(node, admin, 'Race one');
      const y = await openCase(node, admin, 'Race two');
      const objects = Array.from({ length: 300 }, (_, i) => version(3000 + i, DAY('11-01')));
      const [jobX, jobY] = await Promise.all([importInto(x, objects), importInto(y, objects)]);
      expect(Number(jobX.imported) + Number(jobY.imported)).toBe(300);
      expect(Number(jobX.elsewhere) + Number(jobY.elsewhere)).toBe(300);
      for (const caseId of [x, y]) {
        const page = await ok<{ objectCount: number }>(
          call(node.app, admin, 'GET', `/api/cases/${caseId}?limit=1`),
        );
        expect(page.objectCount).toBe(300);
      }
    });

    it('reads a case page by page, filtered and sorted, and the case list page by page', async () => {
      const caseId = await openCase(node, admin, 'Large');
      const levels: TlpLevel[] = ['clear', 'green', 'amber'];
      const objects = Array.from({ length: 120 }, (_, i) =>
        withTlp(
          indicator(1000 + i, { name: `item ${String(i).padStart(3, '0')}` }),
          levels[i % 3] ?? 'amber',
        ),
      );
      await importInto(caseId, objects);
      const first = await ok<{
        objects: { id: string }[];
        objectsNext: string | null;
        objectCount: number;
      }>(call(node.app, admin, 'GET', `/api/cases/${caseId}?limit=50`));
      expect(first.objects).toHaveLength(50);
      expect(first.objectCount).toBe(120);
      const seen = new Set(first.objects.map((o) => o.id));
      let next = first.objectsNext;
      while (next) {
        const page = await ok<{ objects: { id: string }[]; next: string | null }>(
          call(node.app, admin, 'GET', `/api/cases/${caseId}/objects?limit=50&cursor=${next}`),
        );
        for (const o of page.objects) seen.add(o.id);
        next = page.next;
      }
      expect(seen.size).toBe(120);

      const byLabel = await ok<{ objects: { label: string }[]; next: string | null }>(
        call(node.app, admin, 'GET', `/api/cases/${caseId}/objects?sort=label&limit=3`),
      );
      expect(byLabel.objects.map((o) => o.label)).toEqual(['item 000', 'item 001', 'item 002']);
      const second = await ok<{ objects: { label: string }[] }>(
        call(
          node.app,
          admin,
          'GET',
          `/api/cases/${caseId}/objects?sort=label&limit=3&cursor=${byLabel.next ?? ''}`,
        ),
      );
      expect(second.objects.map((o) => o.label)).toEqual(['item 003', 'item 004', 'item 005']);
      const amber = await ok<{ objects: { tlp: string }[] }>(
        call(node.app, admin, 'GET', `/api/cases/${caseId}/objects?tlp=amber&limit=500`),
      );
      expect(amber.objects).toHaveLength(40);
      expect(new Set(amber.objects.map((o) => o.tlp))).toEqual(new Set(['amber']));
      const words = await ok<{ objects: { label: string }[] }>(
        call(node.app, admin, 'GET', `/api/cases/${caseId}/objects?q=item%20042`),
      );
      expect(words.objects.map((o) => o.label)).toEqual(['item 042']);
      const unshared = await ok<{ objects: unknown[] }>(
        call(node.app, admin, 'GET', `/api/cases/${caseId}/objects?shared=no&limit=500`),
      );
      expect(unshared.objects).toHaveLength(120);

      // An observer is cleared for CLEAR and GREEN: it counts and pages those only.
      const watcher = await node.createUser('watcher', ['observer']);
      const observer = await login(node.app, watcher.username, watcher.password);
      const seenByObserver = await ok<{ objects: { tlp: string }[]; objectCount: number }>(
        call(node.app, observer, 'GET', `/api/cases/${caseId}?limit=500`),
      );
      expect(seenByObserver.objectCount).toBe(80);
      expect(seenByObserver.objects).toHaveLength(80);

      // Cursors this server did not give, or of another order, are a 400.
      for (const cursor of ['nonsense', byLabel.next ?? '']) {
        const r = await call(
          node.app,
          admin,
          'GET',
          `/api/cases/${caseId}/objects?cursor=${cursor}`,
        );
        expect(r.statusCode, r.body).toBe(400);
        expect(r.json<{ error: { code: string } }>().error.code).toBe('invalid_cursor');
      }
      expect(
        (await call(node.app, admin, 'GET', `/api/cases/${caseId}/objects?limit=0`)).statusCode,
      ).toBe(400);

      // The case list: pages of two, every case once.
      const listed = new Set<string>();
      let cursor: string | null = '';
      while (cursor !== null) {
        const page: { cases: { id: string }[]; next: string | null } = await ok(
          call(node.app, admin, 'GET', `/api/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
        );
        expect(page.cases.length).toBeLessThanOrEqual(2);
        for (const c of page.cases) listed.add(c.id);
        cursor = page.next;
      }
      const all = await ok<{ cases: { id: string }[] }>(call(node.app, admin, 'GET', '/api/cases'));
      expect(listed).toEqual(new Set(all.cases.map((c) => c.id)));
      expect(listed.size).toBeGreaterThanOrEqual(4);
    });

    it('indexes for search, after a restart, what was held before the search existed', async () => {
      const database = await createTestDatabase(dialect);
      let before: NodeHandle | undefined = await makeNode({ nodeId: 'us-doj', dialect, database });
      const session = await login(before.app, 'admin', before.admin.password);
      const caseId = await openCase(before, session, 'Zebracorn campaign');
      const id = String(indicator(700)['id']);
      await before.node.imports.importObjects(SYSTEM, { caseId, tlp: 'green', label: 'test' }, [
        indicator(700, { name: 'quokkabeacon relay' }),
      ]);
      // As the node was before the search: nothing of its cases in the index, the mark set.
      await before.node.store.transaction(async (trx) => {
        await before?.node.search.remove(trx, 'object', [id]);
        await before?.node.search.remove(trx, 'case', [caseId]);
        await trx
          .insertInto('cases_search_backfill')
          .values({ name: 'objects', after: '' })
          .execute();
      });
      const found = async (handle: NodeHandle, who: Session, q: string) =>
        (
          await ok<{ hits: { id: string }[] }>(
            call(handle.app, who, 'GET', `/api/search?q=${encodeURIComponent(q)}`),
          )
        ).hits.map((hit) => hit.id);
      expect(await found(before, session, 'quokkabeacon')).toEqual([]);
      await before.stop();
      before = undefined;

      const after = await makeNode({ nodeId: 'us-doj', dialect, database, noAdmin: true });
      try {
        const again = await login(after.app, 'admin', after.admin.password);
        await until(
          async () => (await found(after, again, 'quokkabeacon')).includes(id),
          'the object held before the search to be found',
        );
        expect(await found(after, again, 'zebracorn')).toContain(caseId);
        const mark = await after.node.store.db
          .selectFrom('cases_search_backfill')
          .selectAll()
          .execute();
        expect(mark).toEqual([]);
      } finally {
        await after.destroy();
      }
    });

    it('keeps each case’s counts equal to what it holds, after everything above', async () => {
      const db = node.node.store.db;
      const held = await db
        .selectFrom('case_objects')
        .select(['case_id', 'tlp', 'red_here', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy(['case_id', 'tlp', 'red_here'])
        .execute();
      const kept = await db
        .selectFrom('case_object_counts')
        .select(['case_id', 'tlp', 'red_here', 'n'])
        .where('n', '!=', 0)
        .execute();
      const key = (r: { case_id: string; tlp: string; red_here: number; n: number }) =>
        `${r.case_id} ${r.tlp} ${Number(r.red_here)} ${Number(r.n)}`;
      expect(kept.map(key).sort()).toEqual(held.map(key).sort());
      expect(held.length).toBeGreaterThan(3);
    });
  });
}
