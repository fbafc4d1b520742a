import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgendaEntry } from '../src/core/schemas/status-report.js';
import { median } from '../src/core/stats.js';
import { REPORT_LABELS } from '../src/server/features/dialogues/report.docx.js';
import {
  clusterRoot,
  createNodeProcess,
  peer,
  removeClusterRoots,
  type NodeProcess,
} from './harness/cluster.js';
import {
  DUTY_DESKS,
  EMERGENCY_FIELDS,
  PRESERVATION_FIELDS,
  createCase,
  dutyDesk,
  placeCall,
  sendRequest,
  untilContactOn,
} from './harness/seed.js';
import { until } from './harness/wait.js';

/**
 * Issue 18, acceptance 3: the status report on two real node processes. A seeded data set
 * (requests each way, answered or withdrawn; a call each way, one acknowledged; a ping test
 * each way, one answered; two indicators shared with feedback on one) gives figures that the
 * test computes by hand from the records; both nodes' reports agree number for number (their
 * sides swapped) and with the hand figures; the DOCX parses back with its sections in both
 * languages.
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

async function ok(node: NodeProcess, method: string, path: string, body?: unknown): Promise<any> {
  const r = await node.api(method, path, body);
  if (r.status >= 300)
    throw new Error(`${node.nodeId} ${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

const LIVE = 30_000;
const seen = (node: NodeProcess, path: string, test: (body: any) => boolean, what: string) =>
  until(
    async () => {
      const r = await node.api('GET', path);
      const body: Record<string, any> | undefined = r.body;
      return r.status === 200 && test(body) ? body : undefined;
    },
    what,
    LIVE,
    100,
  );

/** Time from sending to the move that answered it, read from the request's own timeline. */
async function answerTime(node: NodeProcess, id: string, action: string): Promise<number> {
  const detail = await ok(node, 'GET', `/api/requests/${id}`);
  const event = (detail.timeline as { action: string; at: string }[]).find(
    (e) => e.action === action,
  );
  return Date.parse(event!.at) - Date.parse(detail.sentAt as string);
}

describe('the status report for the next meeting', () => {
  it('has the same figures on both nodes, equal to the figures computed by hand', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    await dutyDesk(us);
    await dutyDesk(cn);
    await untilContactOn(us, cn, DUTY_DESKS['cn-mps'].name);
    await untilContactOn(cn, us, DUTY_DESKS['us-doj'].name);

    // Requests: us-doj sends two preservations (one fulfilled, one withdrawn), cn-mps one
    // emergency disclosure (fulfilled).
    const preservation = {
      type: 'preservation',
      urgency: 'urgent',
      title: 'Preserve',
      fields: PRESERVATION_FIELDS,
    };
    const r1 = (await sendRequest(us, 'cn-mps', preservation)).id;
    const r2 = (await sendRequest(us, 'cn-mps', preservation)).id;
    const r3 = (
      await sendRequest(cn, 'us-doj', {
        type: 'emergency_disclosure',
        urgency: 'emergency',
        title: 'Kidnapping',
        fields: EMERGENCY_FIELDS,
      })
    ).id;
    for (const [node, id] of [
      [cn, r1],
      [cn, r2],
      [us, r3],
    ] as const) {
      await seen(node, `/api/requests/${id}`, () => true, `request ${id} on ${node.nodeId}`);
    }
    await ok(cn, 'POST', `/api/requests/${r1}/moves`, { action: 'acknowledge' });
    await ok(cn, 'POST', `/api/requests/${r1}/moves`, { action: 'fulfil' });
    await ok(us, 'POST', `/api/requests/${r2}/moves`, { action: 'withdraw', text: 'Not needed.' });
    await ok(us, 'POST', `/api/requests/${r3}/moves`, { action: 'acknowledge' });
    await ok(us, 'POST', `/api/requests/${r3}/moves`, { action: 'fulfil' });
    await seen(
      us,
      `/api/requests/${r1}`,
      (b) => b.status === 'fulfilled',
      'r1 fulfilled on us-doj',
    );
    await seen(
      cn,
      `/api/requests/${r2}`,
      (b) => b.status === 'withdrawn',
      'r2 withdrawn on cn-mps',
    );
    await seen(
      cn,
      `/api/requests/${r3}`,
      (b) => b.status === 'fulfilled',
      'r3 fulfilled on cn-mps',
    );

    // Calls: us-doj's is acknowledged by cn-mps; cn-mps's is delivered, never acknowledged.
    const c1 = await placeCall(us, 'cn-mps', { priority: 'urgent', subject: 'C2 still up' });
    const c2 = await placeCall(cn, 'us-doj', { priority: 'urgent', subject: 'Ransom desk' });
    await seen(cn, `/api/hotline/calls/${c1}`, () => true, 'the call on cn-mps');
    await ok(cn, 'POST', `/api/hotline/calls/${c1}/acknowledge`);
    await seen(
      us,
      `/api/hotline/calls/${c1}`,
      (b) => b.acknowledgedAt !== null,
      'the ack on us-doj',
    );
    await seen(cn, `/api/hotline/calls/${c2}`, (b) => b.deliveredAt !== null, 'c2 delivered');

    // Pings: us-doj's is answered by cn-mps; cn-mps's is not.
    await ok(us, 'POST', '/api/pings', { peer: 'cn-mps' });
    await ok(cn, 'POST', '/api/pings', { peer: 'us-doj' });
    const pingIn = await seen(
      cn,
      '/api/pings?direction=in',
      (b) => b.pings.length === 1,
      'ping on cn',
    );
    await seen(us, '/api/pings?direction=in', (b) => b.pings.length === 1, 'ping on us');
    const answered = await ok(cn, 'POST', `/api/pings/${pingIn.pings[0].id}/acknowledge`);
    await seen(
      us,
      '/api/pings?direction=out',
      (b) => typeof b.pings[0]?.acknowledgedAt === 'string',
      'the answer on us',
    );

    // Sharing: two indicators from us-doj; cn-mps gives feedback on one.
    const caseId = await createCase(us, 'Lotus Relay');
    const ids: string[] = [];
    for (const value of ['203.0.113.7', '198.51.100.23']) {
      const created = await ok(us, 'POST', `/api/cases/${caseId}/objects`, {
        object: {
          type: 'indicator',
          name: `C2 ${value}`,
          pattern: `[ipv4-addr:value = '${value}']`,
          pattern_type: 'stix',
          valid_from: '2026-11-01T00:00:00Z',
        },
        tlp: 'green',
      });
      ids.push(created.id as string);
    }
    await ok(us, 'POST', `/api/cases/${caseId}/participants`, { peer: 'cn-mps' });
    await ok(us, 'POST', `/api/cases/${caseId}/share`, { peer: 'cn-mps' });
    await seen(cn, `/api/cases/${caseId}`, (b) => (b.objects?.length ?? 0) >= 2, 'the case on cn');
    await ok(cn, 'POST', `/api/cases/${caseId}/objects/${ids[0]}/feedback`, { use: 'blocked' });
    await until(
      async () => {
        const r = await us.api('GET', `/api/status-report?peer=cn-mps&from=${from}&to=${to}`);
        return r.body?.there?.sharing?.feedbackGiven === 1;
      },
      'the feedback on us-doj',
      LIVE,
      100,
    );

    // A dialogue whose first meeting's record cn-mps accepts: three commitments, one done by
    // both, one done on one side and in progress on the other, one overdue.
    const dialogue = await ok(us, 'POST', '/api/dialogues', {
      peer: 'cn-mps',
      title: { en: 'High-Level Joint Dialogue', zh: '高级别联合对话' },
    });
    const dialogueId = dialogue.id as string;
    const meeting = await ok(us, 'POST', `/api/dialogues/${dialogueId}/meetings`, {
      number: 1,
      startDate: '2015-12-01',
      endDate: '2015-12-02',
      place: 'Washington',
      timeZone: 'America/New_York',
      delegations: [],
    });
    const path = `/api/dialogues/${dialogueId}/meetings/${meeting.id as string}`;
    await seen(cn, path, () => true, 'the meeting on cn-mps');
    const commitment = (id: string, en: string, zh: string, dueDate: string) => ({
      id,
      what: { en, zh },
      ownerSides: ['us-doj', 'cn-mps'],
      owner: 'Central authorities',
      dueDate,
      paragraph: 1,
    });
    const [hotline, guidelines, exercise] = [
      '3f0c4f4e-7a58-4a53-9b0a-0c5b5b0e4a11',
      '3f0c4f4e-7a58-4a53-9b0a-0c5b5b0e4a12',
      '3f0c4f4e-7a58-4a53-9b0a-0c5b5b0e4a13',
    ];
    await ok(us, 'POST', `${path}/record`, {
      content: {
        outcomes: [{ paragraph: 1, kind: 'agreement', text: { en: 'The sides agreed.' } }],
        commitments: [
          commitment(hotline, 'Establish the hotline', '建立热线', '2016-03-01'),
          commitment(guidelines, 'Write the guidelines', '制定指南', '2099-06-01'),
          commitment(exercise, 'Hold a tabletop exercise', '举行桌面演练', '2016-06-01'),
        ],
      },
    });
    await seen(cn, path, (b) => b.record.latest?.version === 1, 'the proposal on cn-mps');
    await ok(cn, 'POST', `${path}/record/1/accept`);
    const statement = `/api/dialogues/${dialogueId}/commitments`;
    await seen(us, `${statement}/${hotline}`, () => true, 'the commitments on us-doj');
    await seen(cn, `${statement}/${hotline}`, () => true, 'the commitments on cn-mps');
    await ok(us, 'PUT', `${statement}/${hotline}/attestation`, { status: 'done', note: '' });
    await ok(cn, 'PUT', `${statement}/${hotline}/attestation`, { status: 'done', note: '' });
    await ok(us, 'PUT', `${statement}/${guidelines}/attestation`, { status: 'done', note: '' });
    await ok(cn, 'PUT', `${statement}/${guidelines}/attestation`, {
      status: 'in_progress',
      note: '',
    });
    for (const node of [us, cn]) {
      await seen(node, `${statement}/${hotline}`, (b) => b.state === 'done', 'done on both');
      await seen(
        node,
        `${statement}/${guidelines}`,
        (b) => Boolean(b.theirs && b.ours),
        'both statements',
      );
    }

    // The figures by hand, from the records.
    const t1 = await answerTime(us, r1, 'fulfil');
    const t3 = await answerTime(us, r3, 'fulfil');
    const pingTime = Date.parse(answered.acknowledgedAt) - Date.parse(answered.sentAt);
    const row = (type: string, sent: number, ms: number | null, answeredN: number) => ({
      type,
      sent,
      answered: answeredN,
      decided: answeredN,
      onTime: answeredN,
      onTimeShare: answeredN ? 1 : null,
      respondMedianMs: ms,
      respondP90Ms: ms,
    });
    const usSide = {
      node: 'us-doj',
      requests: [row('all', 2, t1, 1), row('preservation', 2, t1, 1)],
      hotline: {
        placed: 1,
        delivered: 1,
        acknowledgedWithinDeadline: 1,
        acknowledgedWithinDeadlineShare: 1,
        escalated: 0,
      },
      pings: { sent: 1, answered: 1, answeredShare: 1, medianMs: median([pingTime]) },
      sharing: { objectsShared: 2, feedbackGiven: 0 },
      exercises: { aarShared: 0, ratings: { P: 0, S: 0, M: 0, U: 0 }, openCorrectiveActions: 0 },
      commitments: { saysDone: 2 },
    };
    const cnSide = {
      node: 'cn-mps',
      requests: [row('all', 1, t3, 1), row('emergency_disclosure', 1, t3, 1)],
      hotline: {
        placed: 1,
        delivered: 1,
        acknowledgedWithinDeadline: 0,
        acknowledgedWithinDeadlineShare: null,
        escalated: 0,
      },
      pings: { sent: 1, answered: 0, answeredShare: 0, medianMs: null },
      sharing: { objectsShared: 0, feedbackGiven: 1 },
      exercises: { aarShared: 0, ratings: { P: 0, S: 0, M: 0, U: 0 }, openCorrectiveActions: 0 },
      commitments: { saysDone: 1 },
    };
    const query = `dialogue=${dialogueId}&from=${from}&to=${to}`;
    const onUs = await ok(us, 'GET', `/api/status-report?peer=cn-mps&${query}`);
    const onCn = await ok(cn, 'GET', `/api/status-report?${query}`);
    expect(onUs.here).toEqual(usSide);
    expect(onUs.there).toEqual(cnSide);
    // The same figures on cn-mps, its sides swapped.
    expect(onCn.here).toEqual(onUs.there);
    expect(onCn.there).toEqual(onUs.here);
    for (const key of ['from', 'to', 'exercisesRun', 'commitments']) {
      expect(onCn[key], key).toEqual(onUs[key]);
    }
    expect(onUs.commitments).toEqual({ total: 3, doneByBoth: 1, diverging: 1, overdue: 1 });
    expect(onUs.agenda.map((a: AgendaEntry) => [a.reason, a.what.zh, a.here, a.peer])).toEqual([
      ['overdue', '举行桌面演练', null, null],
      ['diverging', '制定指南', 'done', 'in_progress'],
    ]);
    expect(onCn.agenda.map((a: AgendaEntry) => [a.commitmentId, a.here, a.peer])).toEqual([
      [exercise, null, null],
      [guidelines, 'in_progress', 'done'],
    ]);

    // The DOCX, in both languages, parses back with its sections and both sides' columns.
    for (const lang of ['en', 'zh-CN'] as const) {
      const { cookie } = await us.session();
      const response = await fetch(`${us.url}/api/status-report.docx?${query}&lang=${lang}`, {
        headers: { cookie },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('wordprocessingml');
      const zip = await JSZip.loadAsync(Buffer.from(await response.arrayBuffer()));
      const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
      const l = REPORT_LABELS[lang];
      for (const heading of [
        l.title,
        l.requests,
        l.hotline,
        l.pings,
        l.sharing,
        l.exercises,
        l.commitments,
        l.agenda,
      ]) {
        expect(xml, heading).toContain(heading);
      }
      expect(xml).toContain('us-doj');
      expect(xml).toContain('cn-mps');
      expect(xml).toContain('emergency_disclosure');
      expect(xml).toContain(lang === 'en' ? 'Hold a tabletop exercise' : '举行桌面演练');
    }
  }, 240_000);
});
