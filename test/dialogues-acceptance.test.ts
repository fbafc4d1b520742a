import { createHash } from 'node:crypto';
import { compactVerify, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/core/canonical-json.js';
import {
  clusterRoot,
  createNodeProcess,
  peer,
  removeClusterRoots,
  type NodeProcess,
} from './harness/cluster.js';
import { until } from './harness/wait.js';

/**
 * Issue 18, acceptance 1 and the attestation part of 2, on two node processes over real
 * HTTP: us-doj opens a dialogue and proposes the record of its first meeting; cn-mps
 * amends it; us-doj accepts the amendment. Both nodes then hold the identical version with
 * both signatures and the same history, and each signature verifies (here, independently)
 * against the signer's published key. Then each side states its status of a commitment:
 * done against in progress shows diverging on both; done on both shows done on both.
 */
let us: NodeProcess;
let cn: NodeProcess;

beforeAll(async () => {
  const root = clusterRoot();
  us = await createNodeProcess(root, 'us-doj', { timeZone: 'America/New_York' });
  cn = await createNodeProcess(root, 'cn-mps', { country: 'CN', timeZone: 'Asia/Shanghai' });
  await Promise.all([us.start(), cn.start()]);
  await peer(us, cn);
}, 180_000);

afterAll(async () => {
  await Promise.all([us?.kill(), cn?.kill()]);
  removeClusterRoots();
}, 60_000);

async function api(node: NodeProcess, method: string, url: string, body?: unknown): Promise<any> {
  const r = await node.api(method, url, body);
  expect(r.status, `${node.nodeId} ${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body as unknown;
}

const HOTLINE = '3f0c4f4e-7a58-4a53-9b0a-0c5b5b0e4a01';
const GUIDELINES = '3f0c4f4e-7a58-4a53-9b0a-0c5b5b0e4a02';

const proposal = {
  outcomes: [
    {
      paragraph: 1,
      kind: 'agreement',
      text: { en: 'The sides agreed on guidelines for requests for assistance.' },
    },
    { paragraph: 2, kind: 'agreement', text: { en: 'The sides agreed to establish a hotline.' } },
  ],
  commitments: [
    {
      id: GUIDELINES,
      what: { en: 'Write the guidelines for requests for assistance' },
      ownerSides: ['us-doj', 'cn-mps'],
      owner: 'Central authorities',
      dueDate: '2016-06-01',
      paragraph: 1,
    },
    {
      id: HOTLINE,
      what: { en: 'Establish the hotline' },
      ownerSides: ['us-doj', 'cn-mps'],
      owner: 'Duty desks',
      dueDate: '2016-03-01',
      paragraph: 2,
      measure: { key: 'pings.answered_share', comparator: 'gte', threshold: 0.9 },
    },
  ],
};

/** The signer's public signing key, from its published descriptor. */
async function signingKey(node: NodeProcess) {
  const r = await fetch(`${node.url}/.well-known/liaison`);
  const { descriptor } = (await r.json()) as { descriptor: { keys: { signing: JWK } } };
  return importJWK(descriptor.keys.signing, 'EdDSA');
}

describe('the agreed record of a meeting between two nodes', () => {
  let dialogueId: string;
  let meetingId: string;

  it('us-doj opens a dialogue and a meeting; cn-mps learns of both', async () => {
    const dialogue = await api(us, 'POST', '/api/dialogues', {
      peer: 'cn-mps',
      title: {
        en: 'High-Level Joint Dialogue on Cybercrime',
        zh: '打击网络犯罪及相关事项高级别联合对话',
      },
    });
    dialogueId = dialogue.id;
    expect(dialogue.parties).toEqual(['cn-mps', 'us-doj']);
    const meeting = await api(us, 'POST', `/api/dialogues/${dialogueId}/meetings`, {
      number: 1,
      startDate: '2015-12-01',
      endDate: '2015-12-02',
      place: 'Washington',
      timeZone: 'America/New_York',
      delegations: [
        {
          side: 'us-doj',
          delegates: [{ name: 'Loretta Lynch', title: 'Attorney General', role: 'head' }],
        },
      ],
    });
    meetingId = meeting.id;
    expect(meeting.record.status).toBe('draft');
    const there = await until(async (): Promise<any> => {
      const r = await cn.api('GET', `/api/dialogues/${dialogueId}/meetings/${meetingId}`);
      return r.status === 200 ? r.body : null;
    }, 'cn-mps to hold the meeting');
    expect(there.place).toBe('Washington');
    expect((await api(cn, 'GET', `/api/dialogues/${dialogueId}`)).peer).toBe('us-doj');
  });

  it('us-doj proposes, cn-mps amends, us-doj accepts: one signed version on both', async () => {
    const v1 = await api(us, 'POST', `/api/dialogues/${dialogueId}/meetings/${meetingId}/record`, {
      content: proposal,
    });
    expect(v1).toMatchObject({
      version: 1,
      kind: 'proposal',
      status: 'open',
      proposedBy: 'us-doj',
    });
    const path = `/api/dialogues/${dialogueId}/meetings/${meetingId}`;
    await until(async () => (await api(cn, 'GET', path)).record.latest?.version === 1, 'v1 at cn');
    const atCn = await api(cn, 'GET', path);
    expect(atCn.record.awaiting).toBe('cn-mps');
    expect(atCn.record.latest.hash).toBe(v1.hash);

    // The proposer cannot answer its own version.
    const own = await us.api('POST', `${path}/record/1/accept`);
    expect(own.status).toBe(409);
    expect(own.body.error.code).toBe('not_your_move');

    const amended = structuredClone(proposal) as any;
    amended.outcomes[1].text.zh = '双方同意建立热线。';
    amended.commitments[1].dueDate = '2016-04-01';
    const v2 = await api(cn, 'POST', `${path}/record/1/amend`, amended);
    expect(v2).toMatchObject({
      version: 2,
      kind: 'amendment',
      status: 'open',
      proposedBy: 'cn-mps',
    });
    await until(async () => (await api(us, 'GET', path)).record.latest?.version === 2, 'v2 at us');

    // The stale version cannot be accepted any more.
    const stale = await us.api('POST', `${path}/record/1/accept`);
    expect(stale.status).toBe(409);

    const accepted = await api(us, 'POST', `${path}/record/2/accept`);
    expect(accepted.status).toBe('accepted');

    const sealed = async (node: NodeProcess): Promise<any> => {
      const m = await api(node, 'GET', path);
      return m.record.agreed?.signatures.length === 2 ? m : null;
    };
    const [mUs, mCn] = [
      await until(() => sealed(us), 'both signatures at us'),
      await until(() => sealed(cn), 'both signatures at cn'),
    ];
    expect(mUs.record.status).toBe('agreed');
    expect(mCn.record.status).toBe('agreed');
    expect(mUs.record.agreed).toEqual(mCn.record.agreed);
    expect(mUs.record.agreed.hash).toBe(v2.hash);

    // The hash is SHA-256 of the canonical JSON of the record; each signature verifies.
    const agreed = mUs.record.agreed;
    const hash = createHash('sha256')
      .update(canonicalJson({ dialogueId, meetingId, version: 2, content: agreed.content }))
      .digest('hex');
    expect(agreed.hash).toBe(hash);
    expect(agreed.content.outcomes[1].text.zh).toBe('双方同意建立热线。');
    const keys = { 'us-doj': await signingKey(us), 'cn-mps': await signingKey(cn) };
    for (const m of [mUs, mCn]) {
      expect(m.record.agreed.signatures.map((s: any) => s.node as string)).toEqual([
        'cn-mps',
        'us-doj',
      ]);
      for (const s of m.record.agreed.signatures) {
        expect(s.verified).toBe(true);
        const { payload } = await compactVerify(s.jws, keys[s.node as 'us-doj' | 'cn-mps']);
        expect(new TextDecoder().decode(payload)).toBe(hash);
      }
    }

    // The same history on both: who proposed, amended, accepted, when, the hashes.
    const history = async (node: NodeProcess): Promise<any[]> =>
      (await api(node, 'GET', `${path}/versions`)).versions as any[];
    const hUs = await history(us);
    expect(hUs).toEqual(await history(cn));
    expect(
      hUs.map((v: any) => [v.version, v.kind, v.status, v.proposedBy, v.answeredBy] as unknown[]),
    ).toEqual([
      [1, 'proposal', 'amended', 'us-doj', 'cn-mps'],
      [2, 'amendment', 'accepted', 'cn-mps', 'us-doj'],
    ]);
    expect(hUs[0].hash).toBe(v1.hash);

    // An agreed record does not change.
    const again = await us.api('POST', `${path}/record`, { content: proposal });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('record_agreed');
  });

  it('attestations: done against in progress diverges on both; done on both is done', async () => {
    const url = `/api/dialogues/${dialogueId}/commitments/${HOTLINE}`;
    const state = async (node: NodeProcess) => (await api(node, 'GET', url)).state as string;
    await until(async () => (await cn.api('GET', url)).status === 200, 'the commitment at cn');
    expect(await state(us)).toBe('not_started');

    await api(us, 'PUT', `${url}/attestation`, {
      status: 'done',
      note: 'Hotline numbers exchanged.',
    });
    await api(cn, 'PUT', `${url}/attestation`, { status: 'in_progress', note: '正在测试。' });
    const diverging = async (node: NodeProcess): Promise<any> => {
      const c = await api(node, 'GET', url);
      return c.state === 'diverging' && c.ours && c.theirs ? c : null;
    };
    const cUs = await until(() => diverging(us), 'diverging at us');
    const cCn = await until(() => diverging(cn), 'diverging at cn');
    expect([cUs.ours.status, cUs.theirs.status]).toEqual(['done', 'in_progress']);
    expect([cCn.ours.status, cCn.theirs.status]).toEqual(['in_progress', 'done']);
    expect(cCn.theirs.note).toBe('Hotline numbers exchanged.');
    expect(cUs.measure).toMatchObject({
      key: 'pings.answered_share',
      comparator: 'gte',
      threshold: 0.9,
    });

    const list = await api(us, 'GET', `/api/dialogues/${dialogueId}/commitments?state=diverging`);
    expect(list.commitments.map((c: any) => c.id as string)).toEqual([HOTLINE]);

    await api(cn, 'PUT', `${url}/attestation`, { status: 'done', note: '已完成。' });
    await until(async () => (await state(us)) === 'done', 'done at us');
    await until(async () => (await state(cn)) === 'done', 'done at cn');
    const other = await api(cn, 'GET', `/api/dialogues/${dialogueId}/commitments/${GUIDELINES}`);
    expect(other.state).toBe('not_started');
  });
});
