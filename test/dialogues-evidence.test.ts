import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceView } from '../src/core/schemas/dialogue-evidence.js';
import type { Db } from '../src/server/store/database.js';
import { auditCount } from './harness/audit.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';

/**
 * Issue 19: a report's claims attached as evidence to a dialogue commitment, on each store.
 * An officer attaches the claims that say the commitment is kept or broken; every reader
 * sees them, grouped by bearing and paged; the claim is copied as it stood, so the evidence
 * reads the same when the report changes; an unknown report or claim is 404, a claim
 * rejected in review 422, a second attach 409; an analyst may not attach; each change is
 * audited; nothing is put in the outbox for the peer.
 */
const NOW = Date.parse('2026-06-20T00:00:00Z');
const DIALOGUE = 'd-evidence';
const COMMITMENT = '00000000-0000-4000-8000-0000000000e1';
const BASE = `/api/dialogues/${DIALOGUE}/commitments/${COMMITMENT}/evidence`;

const XINHUA = {
  title: 'China calls OPM hack a criminal case',
  source: 'https://www.xinhuanet.com/english/opm',
  publishedAt: '2015-12-02',
  language: 'en',
  text: [
    'Xinhua said on Wednesday that the hacking of the Office of Personnel Management was a criminal case rather than a state-sponsored attack.',
    "China's foreign ministry denied any role, calling the accusations unfounded.",
  ].join('\n\n'),
};

async function seedCommitment(db: Db): Promise<void> {
  await db
    .insertInto('dialogues')
    .values({
      id: DIALOGUE,
      title: JSON.stringify({ en: 'Cybercrime dialogue', zh: '打击网络犯罪对话' }),
      peer_id: 'cn-mps',
      parties: JSON.stringify(['cn-mps', 'us-doj']),
      created_by: 'us-doj',
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
  const what = {
    en: 'Neither side conducts or knowingly supports cyber-enabled theft of trade secrets',
    zh: '双方均不从事或故意支持网络窃取商业秘密',
  };
  await db
    .insertInto('dialogue_commitments')
    .values({
      id: COMMITMENT,
      dialogue_id: DIALOGUE,
      meeting_id: 'm1',
      meeting_number: 1,
      version: 1,
      position: 1,
      content: JSON.stringify({ id: COMMITMENT, what, dueDate: '2026-12-31' }),
      due_date: '2026-12-31',
      state: 'not_started',
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
}

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`claims as commitment evidence on ${dialect}`, () => {
    let node: NodeHandle;
    let officer: Session;
    let analyst: Session;
    let observer: Session;
    let reportId = '';

    async function as(
      who: Session,
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      body?: unknown,
    ) {
      const r = await call(node.app, who, method, url, body);
      return { status: r.statusCode, body: r.body ? r.json<any>() : null };
    }
    async function outboxSize(): Promise<number> {
      return (await node.node.store.db.selectFrom('outbox').select('seq').execute()).length;
    }

    beforeAll(async () => {
      node = await makeNode({ dialect, nodeId: 'us-doj' });
      const o = await node.createUser('evidence.officer', ['officer']);
      officer = await login(node.app, o.username, o.password);
      const a = await node.createUser('evidence.analyst', ['analyst']);
      analyst = await login(node.app, a.username, a.password);
      const v = await node.createUser('evidence.observer', ['observer']);
      observer = await login(node.app, v.username, v.password);
      await seedCommitment(node.node.store.db);
      const created = await as(analyst, 'POST', '/api/reports', XINHUA);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      reportId = created.body.id as string;
    });
    afterAll(async () => {
      await node?.destroy();
    });

    it('attaches claims with a bearing, lists them by bearing and paged, keeps the claim as it stood', async () => {
      const report = (await as(observer, 'GET', `/api/reports/${reportId}`)).body;
      const claims = report.claims as { index: number; source: { text: string }; stance: string }[];
      const denial = claims.find((c) => c.stance === 'denies')!;
      const assertion = claims.find((c) => c.stance === 'asserts')!;
      expect(denial.source.text).toContain('foreign ministry');
      expect(assertion.source.text).toContain('Xinhua');
      const outbox = await outboxSize();

      const first = await as(officer, 'POST', BASE, {
        reportId,
        claimIndex: denial.index,
        bearing: 'kept',
        note: 'The ministry says no state role.',
      });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      const kept = first.body as EvidenceView;
      expect(kept).toMatchObject({
        dialogueId: DIALOGUE,
        commitmentId: COMMITMENT,
        reportId,
        claimIndex: denial.index,
        bearing: 'kept',
        note: 'The ministry says no state role.',
        byName: 'evidence.officer',
        claim: {
          stance: 'denies',
          reportTitle: XINHUA.title,
          reportSource: XINHUA.source,
          sourceUrl: XINHUA.source,
          publishedAt: '2015-12-02',
          language: 'en',
        },
      });
      expect(kept.claim.source.text).toContain('foreign ministry');
      expect(kept.claim.statement).toContain('denied any role');
      const second = await as(officer, 'POST', BASE, {
        reportId,
        claimIndex: assertion.index,
        bearing: 'context',
      });
      expect(second.status, JSON.stringify(second.body)).toBe(201);
      expect(second.body.note).toBe('');

      // Every reader sees them; by bearing; paged newest first with the cursor.
      const all = await as(observer, 'GET', BASE);
      expect(all.status).toBe(200);
      expect(all.body.evidence.map((e: EvidenceView) => e.bearing).sort()).toEqual([
        'context',
        'kept',
      ]);
      const onlyKept = await as(observer, 'GET', `${BASE}?bearing=kept`);
      expect(onlyKept.body.evidence.map((e: EvidenceView) => e.id)).toEqual([kept.id]);
      expect((await as(observer, 'GET', `${BASE}?bearing=broken`)).body).toEqual({
        evidence: [],
        next: null,
      });
      const page1 = await as(observer, 'GET', `${BASE}?limit=1`);
      expect(page1.body.evidence).toHaveLength(1);
      expect(page1.body.next).toEqual(expect.any(String));
      const page2 = await as(observer, 'GET', `${BASE}?limit=1&cursor=${page1.body.next}`);
      expect(page2.body.evidence).toHaveLength(1);
      expect(page2.body.next).toBeNull();
      expect(page2.body.evidence[0].id).not.toBe(page1.body.evidence[0].id);
      expect((await as(observer, 'GET', `${BASE}?cursor=garbage`)).body.error.code).toBe(
        'invalid_cursor',
      );

      // Audited; nothing for the peer: evidence is this node's own reading.
      expect(await auditCount(node, 'dialogue.evidence_attached', DIALOGUE)).toBe(2);
      expect(await outboxSize()).toBe(outbox);

      // The report changes (its claims emptied): the evidence reads as it was attached.
      await node.node.store.db
        .updateTable('reports')
        .set({
          title: 'A later title',
          extraction: JSON.stringify({ indicators: [], dropped: [], entities: [], claims: [] }),
        })
        .where('id', '=', reportId)
        .execute();
      const later = (await as(observer, 'GET', `${BASE}?bearing=kept`)).body.evidence[0];
      expect(later).toEqual(kept);
    });

    it('refuses an unknown report or claim, a rejected claim, a second attach, a role that may not', async () => {
      const fresh = await as(analyst, 'POST', '/api/reports', {
        ...XINHUA,
        title: 'A second copy',
        source: 'Wire',
      });
      expect(fresh.status).toBe(201);
      const id = fresh.body.id as string;
      const claim = fresh.body.claims[0].index as number;
      const before = (await as(observer, 'GET', BASE)).body.evidence.length as number;

      const codes = async (who: Session, body: unknown, url = BASE): Promise<unknown[]> => {
        const r = await as(who, 'POST', url, body);
        return [r.status, r.body?.error?.code as string | undefined];
      };
      expect(await codes(officer, { reportId: 'nope', claimIndex: 0, bearing: 'kept' })).toEqual([
        404,
        'report_not_found',
      ]);
      expect(await codes(officer, { reportId: id, claimIndex: 99, bearing: 'kept' })).toEqual([
        404,
        'claim_not_found',
      ]);
      expect(await codes(officer, { reportId: id, claimIndex: claim, bearing: 'maybe' })).toEqual([
        400,
        'invalid_request',
      ]);
      expect(await codes(analyst, { reportId: id, claimIndex: claim, bearing: 'kept' })).toEqual([
        403,
        'forbidden',
      ]);
      expect(
        await codes(
          officer,
          { reportId: id, claimIndex: claim, bearing: 'kept' },
          `/api/dialogues/${DIALOGUE}/commitments/nope/evidence`,
        ),
      ).toEqual([404, 'commitment_not_found']);

      // Rejected in review: no evidence of anything.
      const reviewed = await as(analyst, 'POST', `/api/reports/${id}/review`, {
        items: [{ kind: 'claim', index: claim, state: 'rejected' }],
      });
      expect(reviewed.status).toBe(200);
      expect(await codes(officer, { reportId: id, claimIndex: claim, bearing: 'broken' })).toEqual([
        422,
        'claim_rejected',
      ]);
      await as(analyst, 'POST', `/api/reports/${id}/review`, {
        items: [{ kind: 'claim', index: claim, state: 'accepted' }],
      });
      const made = await as(officer, 'POST', BASE, {
        reportId: id,
        claimIndex: claim,
        bearing: 'broken',
      });
      expect(made.status).toBe(201);
      expect(await codes(officer, { reportId: id, claimIndex: claim, bearing: 'kept' })).toEqual([
        409,
        'evidence_exists',
      ]);
      expect((await as(observer, 'GET', BASE)).body.evidence).toHaveLength(before + 1);

      // Removal: an analyst may not; the officer may, once; audited.
      const one = `${BASE}/${made.body.id}`;
      expect((await as(analyst, 'DELETE', one)).status).toBe(403);
      expect((await as(officer, 'DELETE', one)).status).toBe(204);
      const again = await as(officer, 'DELETE', one);
      expect([again.status, again.body.error.code]).toEqual([404, 'evidence_not_found']);
      expect((await as(observer, 'GET', BASE)).body.evidence).toHaveLength(before);
      expect(await auditCount(node, 'dialogue.evidence_removed', DIALOGUE)).toBe(1);
    });
  });
}
