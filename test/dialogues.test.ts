import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../src/server/events.js';
import { findPeer } from '../src/server/federation/peers.js';
import {
  recordHash,
  signRecord,
  verifyOwnSignature,
  verifyPeerSignature,
} from '../src/server/features/dialogues/dialogues.signatures.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';
import { until } from './harness/wait.js';

/**
 * Issue 18, the dialogue record on each store, between two nodes in this process over
 * loopback HTTP: refused input (4xx naming the field, nothing written, nothing sent); an
 * exercise's corrective action made a commitment of the draft; a declined proposal and a
 * second one accepted; paged lists; who may do what; what the live stream tells.
 */
interface Reply {
  status: number;
  body: any;
}
interface Side {
  handle: NodeHandle;
  url: string;
  admin: Session;
  analyst: Session;
}

async function side(dialect: (typeof DIALECTS)[number], nodeId: string): Promise<Side> {
  const handle = await makeNode({ dialect, nodeId });
  const url = await handle.node.listen();
  const admin = await login(handle.app, 'admin', handle.admin.password);
  const analystUser = await handle.createUser(`${nodeId}.analyst`, ['analyst']);
  const analyst = await login(handle.app, analystUser.username, analystUser.password);
  return { handle, url, admin, analyst };
}

async function api(s: Side, method: string, url: string, body?: unknown, as?: Session) {
  const r = await call(s.handle.app, as ?? s.admin, method as 'GET', url, body);
  const reply: Reply = { status: r.statusCode, body: r.body ? r.json<unknown>() : null };
  return reply;
}
async function ok(s: Side, method: string, url: string, body?: unknown): Promise<any> {
  const r = await api(s, method, url, body);
  expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body as unknown;
}
/** A refusal: the status and code, and (when given) the field its message names. */
async function refused(
  s: Side,
  method: string,
  url: string,
  body: unknown,
  status: number,
  code: string,
  field?: string,
) {
  const r = await api(s, method, url, body);
  expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBe(status);
  expect(r.body.error.code).toBe(code);
  if (field) expect(r.body.error.message).toContain(field);
}

const OUTCOMES = [
  { paragraph: 1, kind: 'agreement', text: { en: 'Guidelines for requests for assistance.' } },
  { paragraph: 2, kind: 'statement', text: { zh: '双方介绍了各自的法律框架。' } },
];
const MEETING_TWO = { number: 2, place: 'Beijing', timeZone: 'Asia/Shanghai' };
const COMMITMENT = {
  what: { en: 'Write the guidelines' },
  ownerSides: ['us-doj'],
  owner: 'Office of International Affairs',
  dueDate: '2016-06-01',
  paragraph: 1,
};

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`the dialogue record on ${dialect}`, () => {
    let us: Side;
    let cn: Side;
    let dialogueId: string;
    let meetingId: string;
    const usEvents: BusEvent[] = [];
    const cnEvents: BusEvent[] = [];

    beforeAll(async () => {
      us = await side(dialect, 'us-doj');
      cn = await side(dialect, 'cn-mps');
      us.handle.node.bus.subscribe((e) => usEvents.push(e));
      cn.handle.node.bus.subscribe((e) => cnEvents.push(e));
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

    const count = async (s: Side, table: string) =>
      Number(
        (
          await s.handle.node.store.db
            .selectFrom(table as 'dialogues')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('refuses a bad dialogue or meeting, naming the field, and writes nothing', async () => {
      await refused(
        us,
        'POST',
        '/api/dialogues',
        { peer: 'cn-mps' },
        400,
        'invalid_request',
        'title',
      );
      await refused(
        us,
        'POST',
        '/api/dialogues',
        { peer: 'cn-mps', title: { en: '', zh: '' } },
        400,
        'invalid_request',
        'title',
      );
      await refused(
        us,
        'POST',
        '/api/dialogues',
        { peer: 'xx-nowhere', title: { en: 'T' } },
        404,
        'peer_not_found',
      );
      const analyst = await api(
        us,
        'POST',
        '/api/dialogues',
        { peer: 'cn-mps', title: { en: 'T' } },
        us.analyst,
      );
      expect(analyst.status).toBe(403);
      expect(await count(us, 'dialogues')).toBe(0);

      const dialogue = await ok(us, 'POST', '/api/dialogues', {
        peer: 'cn-mps',
        title: { en: 'Joint dialogue', zh: '联合对话' },
      });
      dialogueId = dialogue.id;
      const meetings = `/api/dialogues/${dialogueId}/meetings`;
      const meeting = { number: 1, place: 'Washington', timeZone: 'America/New_York' };
      await refused(
        us,
        'POST',
        meetings,
        { ...meeting, timeZone: 'Mars/Olympus' },
        400,
        'invalid_request',
        'timeZone',
      );
      await refused(
        us,
        'POST',
        meetings,
        { ...meeting, startDate: '2015-12-02', endDate: '2015-12-01' },
        400,
        'invalid_request',
        'endDate',
      );
      await refused(
        us,
        'POST',
        meetings,
        { ...meeting, startDate: '2015-13-01' },
        400,
        'invalid_request',
        'startDate',
      );
      await refused(
        us,
        'POST',
        meetings,
        { ...meeting, delegations: [{ side: 'xx-other', delegates: [] }] },
        400,
        'invalid_delegation',
        'delegations.0.side',
      );
      await refused(us, 'POST', '/api/dialogues/nope/meetings', meeting, 404, 'dialogue_not_found');
      expect(await count(us, 'dialogue_meetings')).toBe(0);

      meetingId = (
        await ok(us, 'POST', meetings, {
          ...meeting,
          startDate: '2015-12-01',
          endDate: '2015-12-02',
        })
      ).id;
      await refused(us, 'POST', meetings, meeting, 409, 'meeting_number_taken');
      await refused(
        us,
        'PATCH',
        `${meetings}/${meetingId}`,
        { endDate: '2015-11-01' },
        400,
        'invalid_request',
        'endDate',
      );
      expect((await ok(us, 'GET', `${meetings}/${meetingId}`)).endDate).toBe('2015-12-02');
      await until(
        async () => (await api(cn, 'GET', `${meetings}/${meetingId}`)).status === 200,
        'the meeting at cn-mps',
      );
    });

    it('refuses a record that does not hold together, and sends nothing', async () => {
      const base = `/api/dialogues/${dialogueId}/meetings/${meetingId}`;
      const propose = (content: unknown) => ({ content });
      await refused(us, 'POST', `${base}/record`, {}, 400, 'record_content_missing');
      await refused(
        us,
        'POST',
        `${base}/record`,
        propose({ outcomes: OUTCOMES, commitments: [{ ...COMMITMENT, paragraph: 9 }] }),
        400,
        'invalid_record',
        'commitments.0.paragraph',
      );
      await refused(
        us,
        'POST',
        `${base}/record`,
        propose({ outcomes: [OUTCOMES[0], OUTCOMES[0]], commitments: [] }),
        400,
        'invalid_record',
        'outcomes.1.paragraph',
      );
      await refused(
        us,
        'POST',
        `${base}/record`,
        propose({ outcomes: OUTCOMES, commitments: [{ ...COMMITMENT, ownerSides: ['xx-other'] }] }),
        400,
        'invalid_record',
        'commitments.0.ownerSides',
      );
      await refused(
        us,
        'POST',
        `${base}/record`,
        propose({
          outcomes: OUTCOMES,
          commitments: [
            { ...COMMITMENT, evidence: [{ kind: 'file', name: 'a.pdf', sha256: 'abc' }] },
          ],
        }),
        400,
        'invalid_request',
        'sha256',
      );
      await refused(
        us,
        'POST',
        `${base}/record`,
        propose({ outcomes: OUTCOMES, commitments: [{ ...COMMITMENT, dueDate: 'soon' }] }),
        400,
        'invalid_request',
        'dueDate',
      );
      await refused(
        us,
        'POST',
        `${base}/record`,
        propose({ outcomes: [{ ...OUTCOMES[0], kind: 'promise' }], commitments: [] }),
        400,
        'invalid_request',
        'kind',
      );
      await refused(us, 'POST', `${base}/record/1/accept`, undefined, 409, 'record_not_open');
      expect(await count(us, 'dialogue_record_versions')).toBe(0);
      expect((await ok(us, 'GET', base)).record.status).toBe('draft');
    });

    it("turns an exercise's corrective action into a commitment of the draft", async () => {
      const exercise = await ok(us, 'POST', '/api/exercises', {
        scenarioId: 'personnel-breach',
        peer: 'cn-mps',
        side: 'A',
      });
      const action = await ok(us, 'POST', `/api/exercises/${exercise.id}/corrective-actions`, {
        title: 'Publish the hotline numbers to every duty desk',
        capability: 'operational-communications',
        ownerSide: 'A',
        owner: 'Duty desk',
        startDate: '2016-01-01',
        dueDate: '2016-03-01',
      });
      const base = `/api/dialogues/${dialogueId}/meetings/${meetingId}`;
      const body = { exerciseId: exercise.id, actionId: action.id, paragraph: 1 };
      await refused(
        us,
        'POST',
        `${base}/draft/corrective-actions`,
        body,
        400,
        'paragraph_not_in_draft',
        'paragraph',
      );
      await ok(us, 'PUT', `${base}/draft`, { outcomes: OUTCOMES, commitments: [COMMITMENT] });
      await refused(
        us,
        'POST',
        `${base}/draft/corrective-actions`,
        { ...body, actionId: 'nope' },
        404,
        'corrective_action_not_found',
      );
      const view = await ok(us, 'POST', `${base}/draft/corrective-actions`, body);
      await refused(
        us,
        'POST',
        `${base}/draft/corrective-actions`,
        body,
        409,
        'corrective_already_in_draft',
      );
      const added = view.record.draft.commitments[1];
      expect(added).toMatchObject({
        what: { en: 'Publish the hotline numbers to every duty desk' },
        ownerSides: ['us-doj'],
        owner: 'Duty desk',
        dueDate: '2016-03-01',
        paragraph: 1,
        source: { exerciseId: exercise.id, actionId: action.id },
      });
      // The draft is this node's alone until proposed.
      expect((await ok(cn, 'GET', base)).record.draft).toBeNull();
    });

    it('a declined proposal, then one accepted; commitments paged; attestations checked', async () => {
      const base = `/api/dialogues/${dialogueId}/meetings/${meetingId}`;
      const v1 = await ok(us, 'POST', `${base}/record`, {});
      expect(v1.content.commitments).toHaveLength(2);
      expect((await ok(us, 'GET', base)).record.draft).toBeNull();
      await until(async () => (await ok(cn, 'GET', base)).record.awaiting === 'cn-mps', 'v1 at cn');
      await ok(cn, 'POST', `${base}/record/1/decline`);
      await until(
        async () => (await ok(us, 'GET', base)).record.status === 'declined',
        'declined at us',
      );
      await refused(cn, 'POST', `${base}/record/1/accept`, undefined, 409, 'record_not_open');

      const v2 = await ok(us, 'POST', `${base}/record`, { content: v1.content });
      expect(v2.version).toBe(2);
      await until(async () => (await ok(cn, 'GET', base)).record.latest?.version === 2, 'v2 at cn');
      await ok(cn, 'POST', `${base}/record/2/accept`);
      await until(
        async () => (await ok(us, 'GET', base)).record.agreed?.signatures.length === 2,
        'sealed at us',
      );

      const history = await ok(us, 'GET', `${base}/versions?limit=1`);
      expect(history.versions.map((v: any) => v.status as string)).toEqual(['declined']);
      const rest = await ok(us, 'GET', `${base}/versions?limit=1&cursor=${history.next}`);
      expect(rest.versions.map((v: any) => v.status as string)).toEqual(['accepted']);
      expect(rest.next).toBeNull();
      await refused(us, 'GET', `${base}/versions?cursor=garbage`, undefined, 400, 'invalid_cursor');

      const list = `/api/dialogues/${dialogueId}/commitments`;
      const first = await ok(us, 'GET', `${list}?limit=1`);
      const second = await ok(us, 'GET', `${list}?limit=1&cursor=${first.next}`);
      expect(
        [...first.commitments, ...second.commitments].map((c: any) => c.paragraph as number),
      ).toEqual([1, 1]);
      expect(second.next).toBeNull();
      // Due in 2016: both are overdue now, and listed so.
      expect((await ok(us, 'GET', `${list}?overdue=true`)).commitments).toHaveLength(2);
      expect((await ok(us, 'GET', `${list}?overdue=false`)).commitments).toHaveLength(0);

      const id = first.commitments[0].id as string;
      const attest = `${list}/${id}/attestation`;
      await refused(us, 'PUT', attest, { status: 'finished' }, 400, 'invalid_request', 'status');
      await refused(
        us,
        'PUT',
        attest,
        { status: 'done', evidence: [{ kind: 'url', url: 'ftp://x' }] },
        400,
        'invalid_request',
        'url',
      );
      await refused(
        us,
        'PUT',
        `${list}/nope/attestation`,
        { status: 'done' },
        404,
        'commitment_not_found',
      );
      const analyst = await api(us, 'PUT', attest, { status: 'done' }, us.analyst);
      expect(analyst.status).toBe(403);
      expect(await count(us, 'dialogue_attestations')).toBe(0);

      const evidence = [
        { kind: 'file', name: 'guidelines.pdf', sha256: 'a'.repeat(64) },
        { kind: 'url', url: 'https://www.justice.gov/opa' },
        { kind: 'exercise', id: 'x-1' },
      ];
      const stated = await ok(us, 'PUT', attest, { status: 'done', note: 'Published.', evidence });
      expect(stated.ours).toMatchObject({ side: 'us-doj', status: 'done', note: 'Published.' });
      expect(stated.ours.evidence).toHaveLength(3);
      expect(stated.state).toBe('diverging');
      await until(
        async () => (await ok(cn, 'GET', `${list}/${id}`)).theirs?.status === 'done',
        'at cn',
      );
    });

    it('two first proposals sent at once end as one and the same open version on both', async () => {
      const meetings = `/api/dialogues/${dialogueId}/meetings`;
      const id = (await ok(us, 'POST', meetings, { ...MEETING_TWO })).id as string;
      await until(async () => (await api(cn, 'GET', `${meetings}/${id}`)).status === 200, 'at cn');
      const content = (en: string) => ({
        outcomes: [{ paragraph: 1, kind: 'agreement', text: { en } }],
        commitments: [],
      });
      // Both propose before either has the other's: usually they cross on the way.
      const [fromUs, fromCn] = await Promise.all([
        api(us, 'POST', `${meetings}/${id}/record`, { content: content('As us-doj wrote it.') }),
        api(cn, 'POST', `${meetings}/${id}/record`, { content: content('As cn-mps wrote it.') }),
      ]);
      // One may be refused outright if the other's arrived first; never both.
      expect([fromUs.status, fromCn.status]).toContain(201);
      const latest = async (s: Side) =>
        (await ok(s, 'GET', `${meetings}/${id}`)).record.latest as {
          hash: string;
          proposedBy: string;
        } | null;
      await until(async () => {
        const [a, b] = await Promise.all([latest(us), latest(cn)]);
        return a !== null && b !== null && a.hash === b.hash;
      }, 'one open version on both');
      const [a, b] = await Promise.all([latest(us), latest(cn)]);
      const same = (v: any) => ({ v: v.version, by: v.proposedBy, c: v.content, s: v.status });
      expect(same(a)).toEqual(same(b));
      if (fromUs.status === 201 && fromCn.status === 201) {
        // They crossed: the proposal of the node whose id sorts first stands.
        expect(a?.proposedBy).toBe('cn-mps');
      }
      // And the record moves on: the other side can answer it.
      const answerer = a?.proposedBy === 'cn-mps' ? us : cn;
      await ok(answerer, 'POST', `${meetings}/${id}/record/1/accept`);
      for (const s of [us, cn]) {
        await until(
          async () =>
            (await ok(s, 'GET', `${meetings}/${id}`)).record.agreed?.signatures.length === 2,
          'sealed on both',
        );
      }
    });

    it("a record's signature verifies only with the signer's pinned key and for its hash", async () => {
      const hash = recordHash(dialogueId, meetingId, 9, {
        outcomes: OUTCOMES as never,
        commitments: [],
      });
      const db = us.handle.node.store.db;
      const signature = await signRecord(us.handle.node.federation, db, hash);
      expect(await verifyOwnSignature(us.handle.node.federation, signature, hash)).toBe(true);
      const usAtCn = await findPeer(cn.handle.node.store.db, 'us-doj');
      const cnAtUs = await findPeer(db, 'cn-mps');
      const federation = cn.handle.node.federation;
      expect(await verifyPeerSignature(federation, usAtCn!, signature, hash)).toBe(true);
      // Another hash, another signer's key, a tampered signature: refused.
      const other = recordHash(dialogueId, meetingId, 10, {
        outcomes: OUTCOMES as never,
        commitments: [],
      });
      expect(await verifyPeerSignature(federation, usAtCn!, signature, other)).toBe(false);
      expect(await verifyPeerSignature(us.handle.node.federation, cnAtUs!, signature, hash)).toBe(
        false,
      );
      const tampered = { ...signature, jws: `${signature.jws.slice(0, -4)}AAAA` };
      expect(await verifyPeerSignature(federation, usAtCn!, tampered, hash)).toBe(false);
    });

    it('every change was told to every role that reads dialogues, on both nodes', () => {
      for (const events of [usEvents, cnEvents]) {
        const told = events.filter((e) => e.type === 'dialogue.changed');
        expect(told.length).toBeGreaterThan(5);
        for (const e of told) {
          expect((e.data as { dialogueId: string }).dialogueId).toBe(dialogueId);
          expect(e.audience.roles).toEqual([
            'admin',
            'officer',
            'analyst',
            'controller',
            'observer',
          ]);
        }
        expect(told.some((e) => (e.data as { commitmentId: string | null }).commitmentId)).toBe(
          true,
        );
      }
    });
  });
}
