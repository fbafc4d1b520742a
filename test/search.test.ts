import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchHit, SearchResults } from '../src/core/schemas/search.js';
import * as searchTables from '../src/server/features/search/migrations/2026_12_03_0900_search.js';
import { openCase } from './harness/cases.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';
import { peerUp } from './harness/peers.js';
import { indicator } from './harness/stix-feed.js';
import { until } from './harness/wait.js';

/**
 * Full-text search (issue 14, acceptance 1), over real HTTP on both stores: the search box
 * finds a request, a note and a call by their words, a value inside a question and a
 * defanged one exactly, a Chinese word; each only for those who may see it; bad input is a
 * 400 and the operators of either store's query language are plain words.
 */

/** A preservation request complete under the default arrangement, written in Chinese. */
const REQUEST = {
  peer: 'us-doj',
  type: 'preservation',
  title: '请求保全数据泄露事件的服务器日志',
  fields: {
    requesting_authority: '公安部网络安全保卫局',
    reference_number: 'MPS-2026-0088',
    offence: '非法获取计算机信息系统数据',
    brief_facts:
      'The intrusion set staged its panel on 203[.]0.113.7 and exfiltrated the archive to billing[at]example(.)cn.',
    data_requested: 'Connection logs of the hosting account',
    relation_to_offence: 'The server received the exfiltrated archive.',
    custodian_location: 'Example Hosting LLC, Virginia',
    preservation_reason: 'Logs are deleted after 30 days.',
    mla_to_follow: true,
    confirmation_contact: 'duty@mps.example.cn',
  },
};

const NOTE =
  'Heads up: the phishing kit moved to hxxps://login-portal[.]example[.]com/owa tonight.';

const CALL = {
  peer: 'us-doj',
  tier: 'technical',
  priority: 'urgent',
  subject: 'Ransomware outbreak at a water utility',
  text: 'Encryptor sha256 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f spreading now.',
};

type Hit = SearchHit;

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`search on ${dialect}`, () => {
    let a: NodeHandle;
    let b: NodeHandle;
    let adminA: Session;
    let adminB: Session;
    let observerB: Session;
    const ids = { request: '', note: '', noteOnA: '', call: '' };

    const search = async (node: NodeHandle, session: Session | undefined, query: string) => {
      const r = await call(node.app, session, 'GET', `/api/search?${query}`);
      return r;
    };
    const hits = async (node: NodeHandle, session: Session, q: string, extra = '') => {
      const r = await search(node, session, `q=${encodeURIComponent(q)}${extra}`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json<SearchResults>().hits;
    };
    const refs = (list: Hit[]) => list.map((h) => `${h.kind}:${h.id}:${h.match}`);

    beforeAll(async () => {
      // cn-mps (b) on the store under test writes; us-doj (a) receives.
      a = await makeNode({ nodeId: 'us-doj', dialect });
      b = await makeNode({ nodeId: 'cn-mps', dialect });
      await peerUp(a, b, await a.node.listen(), await b.node.listen());
      adminA = await login(a.app, 'admin', a.admin.password);
      adminB = await login(b.app, 'admin', b.admin.password);
      const observer = await b.createUser('search.observer', ['observer']);
      observerB = await login(b.app, observer.username, observer.password);

      const draft = await call(b.app, adminB, 'POST', '/api/requests', REQUEST);
      expect(draft.statusCode, draft.body).toBe(201);
      ids.request = draft.json<{ id: string }>().id;
      const sent = await call(b.app, adminB, 'POST', `/api/requests/${ids.request}/send`);
      expect(sent.statusCode, sent.body).toBe(200);

      const note = await call(b.app, adminB, 'POST', '/api/notes', { peer: 'us-doj', text: NOTE });
      expect(note.statusCode, note.body).toBe(201);
      ids.note = note.json<{ id: string }>().id;

      const placed = await call(b.app, adminB, 'POST', '/api/hotline/calls', CALL);
      expect(placed.statusCode, placed.body).toBe(201);
      ids.call = placed.json<{ id: string }>().id;

      // All three reach us-doj, where they are indexed by the features that receive them.
      await until(
        async () => (await hits(a, adminA, 'have we seen 203.0.113.7?')).length > 0,
        'the request on us-doj',
      );
      ids.noteOnA = await until(
        async () => (await hits(a, adminA, 'phishing kit', '&kind=note'))[0]?.id,
        'the note on us-doj',
      );
      await until(
        async () => (await hits(a, adminA, 'water utility')).length > 0,
        'the call on us-doj',
      );
    });

    afterAll(async () => {
      await a?.destroy();
      await b?.destroy();
    });

    it('finds a value inside a question, written defanged in a request, exactly', async () => {
      for (const [node, session] of [
        [b, adminB],
        [a, adminA],
      ] as const) {
        const found = await hits(node, session, 'have we seen 203.0.113.7?');
        expect(found[0]).toMatchObject({
          kind: 'request',
          id: ids.request,
          title: REQUEST.title,
          link: `/requests/${ids.request}`,
          match: 'exact',
          caseId: null,
        });
      }
      // The question defanged, and an e-mail address written "[at]" and "(.)", find it too.
      expect(refs(await hits(b, adminB, '203[.]0[.]113[.]7'))).toEqual([
        `request:${ids.request}:exact`,
      ]);
      expect(refs(await hits(b, adminB, 'billing@example.cn'))).toEqual([
        `request:${ids.request}:exact`,
      ]);
    });

    it('finds a Chinese request by a word of its title, as a phrase of its characters', async () => {
      expect(refs(await hits(a, adminA, '数据泄露'))).toEqual([`request:${ids.request}:words`]);
      expect(refs(await hits(a, adminA, '服务器日志'))).toEqual([`request:${ids.request}:words`]);
      // The same characters, not in that order, are not that word.
      expect(await hits(a, adminA, '露泄')).toEqual([]);
    });

    it('finds a note by its words and by its defanged address, sent and received', async () => {
      const sent = await hits(b, adminB, 'phishing kit tonight');
      expect(sent).toEqual([
        expect.objectContaining({
          kind: 'note',
          id: ids.note,
          link: `/notes?note=${ids.note}`,
          match: 'words',
        }),
      ]);
      expect(sent[0]?.snippet).toContain('phishing kit moved');
      expect(refs(await hits(a, adminA, 'login-portal.example.com'))).toEqual([
        `note:${ids.noteOnA}:exact`,
      ]);
      expect(refs(await hits(a, adminA, 'https://login-portal.example.com/owa'))).toEqual([
        `note:${ids.noteOnA}:exact`,
      ]);
    });

    it('finds a call by its subject and by the hash in its text', async () => {
      for (const [node, session] of [
        [b, adminB],
        [a, adminA],
      ] as const) {
        const found = await hits(node, session, 'ransomware WATER');
        expect(found).toEqual([
          expect.objectContaining({
            kind: 'call',
            id: ids.call,
            title: CALL.subject,
            link: `/hotline/${ids.call}`,
            match: 'words',
          }),
        ]);
        expect(refs(await hits(node, session, CALL.text.split(' ')[2] ?? ''))).toEqual([
          `call:${ids.call}:exact`,
        ]);
      }
    });

    it('follows a change: a call resolved is found by its outcome', async () => {
      const resolved = await call(b.app, adminB, 'POST', `/api/hotline/calls/${ids.call}/resolve`, {
        outcome: 'Contained; the utility restored from offline backups.',
      });
      expect(resolved.statusCode, resolved.body).toBe(200);
      expect(refs(await hits(b, adminB, 'offline backups'))).toEqual([`call:${ids.call}:words`]);
    });

    it('shows each item only to those who may see it', async () => {
      // Every role may read requests, notes and calls: an observer finds them.
      expect(refs(await hits(b, observerB, 'have we seen 203.0.113.7?'))).toEqual([
        `request:${ids.request}:exact`,
      ]);
      expect((await hits(b, observerB, 'phishing kit')).map((h) => h.kind)).toEqual(['note']);
      // Anyone else, nothing: no session, or a peer (which reads nothing of this node's).
      expect((await search(b, undefined, 'q=phishing')).statusCode).toBe(401);
      const asPeer = await b.node.search.search(
        { kind: 'peer', nodeId: 'us-doj' },
        { q: 'have we seen 203.0.113.7? phishing kit water', limit: 50 },
      );
      expect(asPeer.hits).toEqual([]);
      for (const q of ['203.0.113.7', 'phishing', 'ransomware', '数据']) {
        const peerView = await b.node.search.search(
          { kind: 'peer', nodeId: 'us-doj' },
          { q, limit: 50 },
        );
        expect(peerView.hits, q).toEqual([]);
      }
    });

    it('narrows to kinds, and pages with a cursor', async () => {
      expect((await hits(b, adminB, 'example', '&kind=call,note')).map((h) => h.kind)).toEqual([
        'note',
      ]);
      expect(await hits(b, adminB, 'example', '&kind=call')).toEqual([]);
      // "example" is in the request (its custodian, an address) and in the note (the kit's
      // address): one a page, each once, then no cursor.
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query = `q=example&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
        const r = await search(b, adminB, query);
        expect(r.statusCode, r.body).toBe(200);
        const page = r.json<SearchResults>();
        seen.push(...page.hits.map((h) => h.id));
        cursor = page.next;
      } while (cursor && seen.length < 10);
      expect(seen.sort()).toEqual([ids.request, ids.note].sort());
    });

    it('refuses a bad query with a 400 that says what is wrong', async () => {
      for (const [query, code, says] of [
        ['q=', 'invalid_request', 'q'],
        ['q=%20%20', 'invalid_request', 'q'],
        ['q=%22*()-', 'empty_query', 'punctuation'],
        [`q=${'x'.repeat(501)}`, 'invalid_request', '500'],
        ['q=kit&limit=0', 'invalid_request', 'limit'],
        ['q=kit&kind=requests', 'invalid_request', 'kind'],
        ['q=kit&cursor=not-a-cursor', 'invalid_cursor', 'cursor'],
      ] as const) {
        const r = await search(b, adminB, query);
        expect(r.statusCode, query).toBe(400);
        const error = r.json<{ error: { code: string; message: string } }>().error;
        expect(error.code, query).toBe(code);
        expect(error.message, query).toContain(says);
      }
    });

    it('reads the operators of either query language as plain words', async () => {
      for (const q of [
        '"phishing',
        'phishing"kit',
        'phish*',
        'NEAR(phishing kit)',
        'phishing AND kit',
        'phishing OR nothing',
        '(phishing kit)',
        '-phishing',
        'phishing -kit',
        'phishing NOT kit',
        'text:phishing',
        '^phishing',
        'phishing + kit',
        "phishing & kit | !x <-> y:* '",
        '{phishing}',
        '\\',
      ]) {
        const r = await search(b, adminB, `q=${encodeURIComponent(q)}`);
        expect([200, 400], `${q}: ${r.body}`).toContain(r.statusCode);
        if (r.statusCode === 400)
          expect(r.json<{ error: { code: string } }>().error.code).toBe('empty_query');
      }
      // A quote and a parenthesis around a word leave the word.
      expect(refs(await hits(b, adminB, '"phishing" (kit)'))).toEqual([`note:${ids.note}:words`]);
    });

    it('indexes, in its migration, the requests, notes and calls already stored', async () => {
      // cn-mps as it was before search: the index gone; then the migration runs again.
      await searchTables.down(b.node.store.db);
      await searchTables.up(b.node.store.db);
      expect(refs(await hits(b, adminB, 'have we seen 203.0.113.7?'))).toEqual([
        `request:${ids.request}:exact`,
      ]);
      expect(refs(await hits(b, adminB, '数据泄露'))).toEqual([`request:${ids.request}:words`]);
      expect(refs(await hits(b, adminB, 'phishing kit'))).toEqual([`note:${ids.note}:words`]);
      expect(refs(await hits(b, adminB, 'offline backups'))).toEqual([`call:${ids.call}:words`]);
    });
  });

  describe.skipIf(!dialectAvailable(dialect))(`search of cases and objects on ${dialect}`, () => {
    let a: NodeHandle;
    let admin: Session;
    let observer: Session;
    let caseId = '';

    beforeAll(async () => {
      a = await makeNode({ nodeId: 'us-doj', dialect });
      admin = await login(a.app, 'admin', a.admin.password);
      const user = await a.createUser('cases.observer', ['observer']);
      observer = await login(a.app, user.username, user.password);
      caseId = await openCase(a, admin, 'Breach of the personnel agency', {
        kind: 'hacking',
        summary: 'Twenty million records taken through a contractor account.',
      });
      const bundle = {
        type: 'bundle',
        id: 'bundle--5e0c2a21-5d4c-4c3c-9e42-0f1b2f3c4d5e',
        objects: [
          indicator(700_001, { name: 'Staging panel', description: 'Kit admin panel.' }),
          indicator(700_002, {
            name: 'Exfiltration relay',
            object_marking_refs: ['marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1'],
          }),
        ],
      };
      const r = await a.app.inject({
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
      const job = r.json<{ id: string }>().id;
      await until(
        async () =>
          (await call(a.app, admin, 'GET', `/api/imports/${job}`)).json<{ status: string }>()
            .status === 'done',
        'the import',
      );
    });

    afterAll(async () => {
      await a?.destroy();
    });

    const hits = async (session: Session, q: string, extra = '') => {
      const r = await call(a.app, session, 'GET', `/api/search?q=${encodeURIComponent(q)}${extra}`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json<SearchResults>().hits;
    };
    const ipOf = (n: number) => String(indicator(n)['pattern']).replace(/^.*'(.*)'.*$/, '$1');

    it('finds an object by the value of its pattern, inside a question, linked into its case', async () => {
      const id = String(indicator(700_001)['id']);
      expect(await hits(admin, `have we seen ${ipOf(700_001)}?`)).toEqual([
        expect.objectContaining({
          kind: 'object',
          id,
          title: 'Staging panel',
          caseId,
          link: `/cases/${caseId}?object=${encodeURIComponent(id)}`,
          match: 'exact',
          tlp: 'amber',
        }),
      ]);
      expect((await hits(admin, 'kit panel')).map((h) => h.id)).toEqual([id]);
    });

    it('finds a case by the words of its title and summary, and narrows to a case', async () => {
      expect(await hits(admin, 'personnel contractor')).toEqual([
        expect.objectContaining({ kind: 'case', id: caseId, link: `/cases/${caseId}` }),
      ]);
      expect((await hits(admin, 'panel', `&case=${caseId}`)).length).toBe(1);
      expect(await hits(admin, 'panel', '&case=another-case')).toEqual([]);
    });

    it('shows an object only to whom its marking lets see it', async () => {
      expect((await hits(admin, ipOf(700_002)))[0]?.tlp).toBe('red');
      expect(await hits(observer, ipOf(700_002))).toEqual([]);
      expect(await hits(observer, ipOf(700_001))).toEqual([]);
      expect((await hits(observer, 'personnel')).map((h) => h.kind)).toEqual(['case']);
    });
  });
}
