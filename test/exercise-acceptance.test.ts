import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATEMENT_FIELDS } from '../src/core/requests.js';
import {
  ADMIN_PASSWORD,
  clusterRoot,
  createNodeProcess,
  peer,
  removeClusterRoots,
  type NodeProcess,
} from './harness/cluster.js';
import { until } from './harness/wait.js';

/**
 * Issue 17, acceptance 1 and 3, on two node processes: us-doj (side A) and cn-mps (side B)
 * run the personnel-breach scenario at 60× on the exercise clock. Every inject arrives
 * through its real channel on the right node, marked EXERCISE (the indicator in an
 * exercise case, the call, the request, the note, the ping; the narratives in the players'
 * feed); the players' own acts are observed met (a call acknowledged and resolved, the
 * preservation request sent with its fields, an indicator shared at AMBER, a note
 * answered), the ping nobody answers missed; pause and resume hold on both nodes; each
 * node is restarted in the middle (one stopped, one killed) and nothing is lost or fired
 * twice; the controllers' console sends an inject early, skips one and adds one, and the
 * peer sees each inject's state. After the run, the real figures (requests, hotline
 * review, case report, ping report) on both nodes are what they were before it.
 */
let us: NodeProcess;
let cn: NodeProcess;

beforeAll(async () => {
  const root = clusterRoot();
  us = await createNodeProcess(root, 'us-doj');
  cn = await createNodeProcess(root, 'cn-mps', { country: 'CN' });
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

interface Inject {
  id: string;
  state: string;
  firedHere: boolean;
  firedAtMinutes: number | null;
  delivered: string | null;
  problem: string | null;
}

const injects = async (node: NodeProcess, id: string) =>
  new Map(
    ((await api(node, 'GET', `/api/exercises/${id}/injects`)).injects as Inject[]).map((i) => [
      i.id,
      i,
    ]),
  );

const observed = async (node: NodeProcess, id: string) =>
  new Map(
    (
      (await api(node, 'GET', `/api/exercises/${id}/observations`)).observations as {
        expectedId: string;
        state: string;
        observed: boolean;
      }[]
    ).map((o) => [o.expectedId, o]),
  );

const feed = async (node: NodeProcess, id: string) =>
  (await api(node, 'GET', `/api/exercises/${id}/feed?limit=200`)).items as {
    kind: string;
    injectId: string | null;
    refId: string | null;
  }[];

const clockState = async (node: NodeProcess, id: string) =>
  (await api(node, 'GET', `/api/exercises/${id}`)).clock.state as string;

/** The real figures a run must leave as they were. */
async function figures(node: NodeProcess): Promise<unknown> {
  return {
    requests: await api(node, 'GET', '/api/requests/figures'),
    hotline: await api(node, 'GET', '/api/hotline/review'),
    cases: await api(node, 'GET', '/api/cases/report'),
    pings: await api(node, 'GET', '/api/pings/report'),
  };
}

/** The inject fired on `node` (its own), once. */
async function fired(node: NodeProcess, id: string, injectId: string): Promise<Inject> {
  return until(async () => {
    const state = (await injects(node, id)).get(injectId);
    return state?.state === 'fired' ? state : undefined;
  }, `${injectId} fired on ${node.nodeId}`);
}

/** us-doj's controller moves the clock; cn-mps follows. */
async function move(id: string, body: Record<string, unknown>): Promise<void> {
  await api(us, 'POST', `/api/exercises/${id}/clock`, body);
  if (body['kind'] === 'pause' || body['kind'] === 'resume') {
    const want = body['kind'] === 'pause' ? 'paused' : 'running';
    await until(async () => (await clockState(cn, id)) === want, `${want} on cn-mps`);
  }
}

/** A player of us-doj drafts and sends a preservation request in the exercise. */
async function sendPreservation(id: string): Promise<string> {
  const text = (name: string) => `Exercise ${name.replace(/_/g, ' ')}`;
  const fields: Record<string, unknown> = {};
  for (const name of [
    'requesting_authority',
    'reference_number',
    'offence',
    'brief_facts',
    'data_requested',
    'custodian_location',
    'preservation_reason',
  ]) {
    fields[name] = text(name);
  }
  const draft = await api(us, 'POST', '/api/requests', {
    peer: 'cn-mps',
    type: 'preservation',
    urgency: 'urgent',
    title: 'Preserve the hosting provider logs (exercise)',
    fields,
    exerciseId: id,
  });
  for (let round = 0; round < 3; round += 1) {
    const sent = await us.api('POST', `/api/requests/${draft.id}/send`);
    if (sent.status < 300) return draft.id as string;
    const missing = (sent.body.error?.missing ?? sent.body.missing ?? []) as string[];
    expect(missing.length, JSON.stringify(sent.body)).toBeGreaterThan(0);
    const more = Object.fromEntries(
      missing.map((name) => [name, STATEMENT_FIELDS.includes(name as never) ? true : text(name)]),
    );
    await api(us, 'PATCH', `/api/requests/${draft.id}`, { fields: more });
  }
  throw new Error('the preservation request could not be sent');
}

describe('acceptance: a joint tabletop at 60× through the real channels', () => {
  it('delivers every inject marked EXERCISE, observes the players, survives restarts, counts nothing', async () => {
    // cn-mps publishes its duty desk, which the closing ping reaches.
    await api(cn, 'POST', '/api/contacts', {
      name: 'MPS 24/7 desk',
      kind: 'desk',
      roles: ['duty_24_7'],
      channels: [{ type: 'email', value: 'duty@mps.example.cn' }],
      languages: ['zh', 'en'],
      workingHours: { days: [], start: '09:00', end: '17:00', always: true },
      timeZone: 'Asia/Shanghai',
      published: true,
    });
    await until(
      async () =>
        ((await api(us, 'GET', '/api/contacts?node=cn-mps')).contacts as unknown[]).length === 1,
      "cn-mps's contact on us-doj",
    );
    const before = { us: await figures(us), cn: await figures(cn) };

    // us-doj proposes (side A); cn-mps accepts (side B); the clock starts at 60×.
    const id = (
      await api(us, 'POST', '/api/exercises', {
        scenarioId: 'personnel-breach',
        peer: 'cn-mps',
        side: 'A',
      })
    ).id as string;
    await until(
      async () => (await cn.api('GET', `/api/exercises/${id}`)).status === 200,
      'the proposal',
    );
    await api(cn, 'POST', `/api/exercises/${id}/accept`);
    await until(
      async () => (await api(us, 'GET', `/api/exercises/${id}`)).status === 'accepted',
      'the acceptance',
    );
    await move(id, { kind: 'start', speed: 60 });
    await fired(us, id, 'briefing');

    // T+00:10: A's indicator lands in an EXERCISE case on cn-mps, marked AMBER.
    await move(id, { kind: 'jump', toMinutes: 10 });
    const indicator = await fired(us, id, 'first-indicator');
    await move(id, { kind: 'pause' });
    expect(indicator.problem).toBeNull();
    const exerciseCase = await until(async () => {
      const cases = (await api(cn, 'GET', '/api/cases')).cases as {
        id: string;
        exerciseId: string | null;
        objectCount: number;
      }[];
      return cases.find((c) => c.exerciseId === id && c.objectCount === 1);
    }, 'the exercise case on cn-mps');
    const detail = await api(cn, 'GET', `/api/cases/${exerciseCase.id}`);
    expect(detail.objects[0]).toEqual(
      expect.objectContaining({ id: indicator.delivered, tlp: 'amber', origin: 'us-doj' }),
    );
    expect(detail.objects[0].object.x_liaison_exercise).toEqual({
      exercise_id: id,
      inject_id: 'first-indicator',
    });
    expect(detail.objects[0].object.pattern).toBe("[ipv4-addr:value = '203.0.113.45']");
    await until(
      async () => (await feed(cn, id)).some((i) => i.kind === 'case_object'),
      "the indicator in cn-mps's feed",
    );

    // cn-mps's analyst shares what it holds on the server at AMBER in that case: met.
    await api(cn, 'POST', `/api/cases/${exerciseCase.id}/objects`, {
      object: {
        type: 'domain-name',
        value: 'c2.example.net',
      },
      tlp: 'amber',
    });
    expect((await observed(cn, id)).get('b-shares-related')?.state).toBe('met');

    // A restart of us-doj while paused: the pause holds on both nodes.
    await us.stop();
    await us.start();
    expect([await clockState(us, id), await clockState(cn, id)]).toEqual(['paused', 'paused']);

    // T+00:20: the logs are about to expire; A's player sends the preservation request
    // with the fields expected, in the exercise: met, and marked EXERCISE on cn-mps.
    await move(id, { kind: 'resume' });
    await move(id, { kind: 'jump', toMinutes: 20 });
    await fired(us, id, 'logs-expire');
    await move(id, { kind: 'pause' });
    const preservation = await sendPreservation(id);
    expect((await observed(us, id)).get('a-requests-preservation')?.state).toBe('met');
    const landed = await until(async () => {
      const r = await cn.api('GET', `/api/requests/${preservation}`);
      return r.status === 200 ? (r.body as Record<string, unknown>) : undefined;
    }, 'the preservation request on cn-mps');
    expect(landed.exerciseId).toBe(id);

    // cn-mps is killed; meanwhile the clock reaches T+00:50 and A's call goes out; cn-mps
    // comes back and the call rings once, as an EXERCISE call.
    await cn.kill();
    await api(us, 'POST', `/api/exercises/${id}/clock`, { kind: 'resume' });
    await api(us, 'POST', `/api/exercises/${id}/clock`, { kind: 'jump', toMinutes: 50 });
    const callInject = await fired(us, id, 'exfiltration-call');
    await api(us, 'POST', `/api/exercises/${id}/clock`, { kind: 'pause' });
    await cn.start();
    await until(async () => (await clockState(cn, id)) === 'paused', 'the pause on cn-mps');
    const call = await until(async () => {
      const calls = (await api(cn, 'GET', '/api/hotline/calls?direction=in')).calls as {
        id: string;
        exerciseId: string | null;
      }[];
      return calls.find((c) => c.id === callInject.delivered);
    }, 'the exercise call on cn-mps');
    expect(call.exerciseId).toBe(id);
    await api(cn, 'POST', `/api/hotline/calls/${call.id}/acknowledge`);
    expect((await observed(cn, id)).get('b-acknowledges-call')?.state).toBe('met');

    // T+01:10: the emergency request lands; cn-mps acknowledges it in time: met.
    await move(id, { kind: 'resume' });
    await move(id, { kind: 'jump', toMinutes: 70 });
    const requestInject = await fired(us, id, 'threat-to-life');
    await move(id, { kind: 'pause' });
    const emergency = await until(async () => {
      const r = await cn.api('GET', `/api/requests/${requestInject.delivered}`);
      return r.status === 200 ? (r.body as Record<string, unknown>) : undefined;
    }, 'the emergency request on cn-mps');
    expect([emergency.exerciseId, emergency.type]).toEqual([id, 'emergency_disclosure']);
    await api(cn, 'POST', `/api/requests/${String(emergency.id)}/moves`, { action: 'acknowledge' });
    expect((await observed(cn, id)).get('b-acknowledges-emergency')?.state).toBe('met');

    // The console. cn-mps's controller skips the attribution report (a narrative it fires
    // for its players): skipped on both nodes. us-doj's controller adds a narrative for its
    // players now, and sends the closing ping (T+02:40) early.
    await api(cn, 'POST', `/api/exercises/${id}/injects/attribution-report/skip`);
    await until(
      async () => (await injects(us, id)).get('attribution-report')?.state === 'skipped',
      'the skip on us-doj',
    );
    const notOurs = await us.api('POST', `/api/exercises/${id}/injects/statement-call/send`);
    expect([notOurs.status, notOurs.body.error.code]).toEqual([409, 'inject_not_ours']);
    const bad = await us.api('POST', `/api/exercises/${id}/injects`, {
      id: 'briefing',
      from: 'A',
      to: { side: 'B' },
      channel: 'call',
      title: { en: 'Again', 'zh-CN': '再次' },
      body: { en: 'Again', 'zh-CN': '再次' },
    });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_inject']);
    expect(JSON.stringify(bad.body)).toContain('briefing is used twice');
    expect(JSON.stringify(bad.body)).toContain('a call inject needs priority');
    await api(us, 'POST', `/api/exercises/${id}/injects`, {
      id: 'press-enquiry',
      from: 'control',
      to: { side: 'A' },
      channel: 'narrative',
      title: { en: 'A journalist calls the agency', 'zh-CN': '一名记者致电该机构' },
      body: { en: 'Was the breach foreign?', 'zh-CN': '入侵是否来自境外？' },
      expect: [
        {
          id: 'a-holds-press-line',
          side: 'A',
          action: 'other',
          objective: 'attribution-dialogue',
          withinMinutes: 30,
          text: { en: 'A says nothing of attribution.', 'zh-CN': 'A方不谈归因。' },
        },
      ],
    });
    expect((await observed(us, id)).get('a-holds-press-line')?.observed).toBe(false);
    await until(
      async () => (await injects(cn, id)).get('press-enquiry')?.firedHere === false,
      'the added inject on cn-mps',
    );
    // Its expected action stays on us-doj: cn-mps's API never shows it.
    const cnText = JSON.stringify([
      await api(cn, 'GET', `/api/exercises/${id}/injects`),
      await api(cn, 'GET', `/api/exercises/${id}/observations`),
      await api(cn, 'GET', `/api/exercises/${id}/feed`),
      await api(cn, 'GET', `/api/exercises/${id}`),
    ]);
    expect(cnText).not.toContain('a-holds-press-line');
    const theirSide = await us.api('POST', `/api/exercises/${id}/injects`, {
      id: 'press-enquiry-b',
      from: 'control',
      to: { side: 'A' },
      channel: 'narrative',
      title: { en: 'More press', 'zh-CN': '更多媒体' },
      body: { en: 'More press', 'zh-CN': '更多媒体' },
      expect: [
        {
          id: 'b-says-nothing',
          side: 'B',
          action: 'other',
          objective: 'attribution-dialogue',
          withinMinutes: 30,
          text: { en: 'B says nothing.', 'zh-CN': 'B方不发言。' },
        },
      ],
    });
    expect([theirSide.status, theirSide.body.error.code]).toEqual([400, 'invalid_inject']);
    await api(us, 'POST', `/api/exercises/${id}/injects/closing-ping/send`);
    const ping = await fired(us, id, 'closing-ping');
    expect(ping.firedAtMinutes).toBeGreaterThanOrEqual(70);
    expect(ping.firedAtMinutes).toBeLessThan(80);
    await until(
      async () => (await injects(cn, id)).get('closing-ping')?.state === 'fired',
      'the early ping on cn-mps',
    );
    const pings = await until(async () => {
      const list = (await api(cn, 'GET', '/api/pings')).pings as {
        direction: string;
        exerciseId: string | null;
      }[];
      const ours = list.filter((p) => p.direction === 'in' && p.exerciseId === id);
      return ours.length === 1 ? ours : undefined;
    }, 'the exercise ping on cn-mps');
    expect(pings).toHaveLength(1);
    await move(id, { kind: 'resume' });
    await until(
      async () => (await feed(us, id)).some((i) => i.injectId === 'press-enquiry'),
      "the added narrative in us-doj's feed",
    );

    // T+01:40: B's note disputes the attribution; A's player answers it: met. Nobody on
    // cn-mps answers the ping within ten minutes of when it was sent: missed.
    await move(id, { kind: 'jump', toMinutes: 85 });
    await until(
      async () => (await observed(cn, id)).get('b-answers-ping')?.state === 'missed',
      'b-answers-ping missed on cn-mps',
    );
    await move(id, { kind: 'jump', toMinutes: 100 });
    const noteInject = await fired(cn, id, 'attribution-note');
    await move(id, { kind: 'pause' });
    const note = await until(async () => {
      const notes = (await api(us, 'GET', '/api/notes?peer=cn-mps')).notes as {
        id: string;
        direction: string;
        exerciseId: string | null;
      }[];
      return notes.find((n) => n.direction === 'in' && n.exerciseId === id);
    }, 'the exercise note on us-doj');
    expect(noteInject.delivered).toEqual(expect.any(String));
    const answer = await api(us, 'POST', '/api/notes', {
      peer: 'cn-mps',
      text: 'We will share what supports the attribution through this channel.',
      replyTo: note.id,
    });
    expect(answer.exerciseId).toBe(id);
    expect((await observed(us, id)).get('a-answers-note')?.state).toBe('met');

    // B's flash call (T+02:00), sent now by cn-mps's controller while the clock stands
    // (five exercise minutes are five seconds at 60×): it rings on us-doj; acknowledged and
    // resolved in time: met.
    await api(cn, 'POST', `/api/exercises/${id}/injects/statement-call/send`);
    const flashInject = await fired(cn, id, 'statement-call');
    await until(
      async () => (await injects(us, id)).get('statement-call')?.state === 'fired',
      'the flash call fired, on us-doj',
    );
    const flash = await until(async () => {
      const r = await us.api('GET', `/api/hotline/calls/${flashInject.delivered}`);
      return r.status === 200 ? (r.body as Record<string, unknown>) : undefined;
    }, 'the flash call on us-doj');
    expect([flash.exerciseId, flash.priority]).toEqual([id, 'flash']);
    await api(us, 'POST', `/api/hotline/calls/${String(flash.id)}/acknowledge`);
    await api(us, 'POST', `/api/hotline/calls/${String(flash.id)}/resolve`, {
      outcome: 'Agreed to talk before any statement.',
    });
    const ours = await observed(us, id);
    expect(ours.get('a-acknowledges-flash')?.state).toBe('met');
    expect(ours.get('a-resolves-flash')?.state).toBe('met');

    // The end: both clocks end, and nothing is left pending that the node observes.
    await move(id, { kind: 'end' });
    await until(async () => (await clockState(cn, id)) === 'ended', 'the end on cn-mps');
    for (const node of [us, cn]) {
      for (const o of (await observed(node, id)).values()) {
        if (o.observed) expect(o.state, `${node.nodeId} ${JSON.stringify(o)}`).not.toBe('pending');
      }
    }
    const theirs = await observed(cn, id);
    expect(theirs.get('b-acknowledges-call')?.state).toBe('met');
    expect(theirs.get('b-answers-ping')?.state).toBe('missed');

    // Each inject fired once, on the node that sends it, and both MSELs agree on states.
    const [usInjects, cnInjects] = [await injects(us, id), await injects(cn, id)];
    for (const [injectId, state] of usInjects) {
      expect(cnInjects.get(injectId)?.state, injectId).toBe(state.state);
      expect(state.firedHere, injectId).toBe(!cnInjects.get(injectId)?.firedHere);
    }
    expect(usInjects.get('attribution-report')?.state).toBe('skipped');
    expect([...usInjects.values()].filter((i) => i.state === 'pending')).toEqual([]);
    const perInject = (items: { injectId: string | null }[]) =>
      items.reduce<Record<string, number>>((counts, item) => {
        const key = item.injectId ?? 'none';
        counts[key] = (counts[key] ?? 0) + 1;
        return counts;
      }, {});
    expect(perInject(await feed(cn, id))).toEqual({
      'first-indicator': 1,
      'exfiltration-call': 1,
      'threat-to-life': 1,
      'closing-ping': 1,
      // A's players' own: the preservation request and the answer to B's note.
      none: 2,
    });
    expect(perInject(await feed(us, id))).toEqual({
      briefing: 1,
      'logs-expire': 1,
      'press-enquiry': 1,
      'attribution-note': 1,
      'statement-call': 1,
      // B's analyst's object in the exercise case.
      none: 1,
    });
    const exerciseCalls = async (node: NodeProcess) =>
      (
        (await api(node, 'GET', '/api/hotline/calls')).calls as { exerciseId: string | null }[]
      ).filter((c) => c.exerciseId === id).length;
    expect([await exerciseCalls(us), await exerciseCalls(cn)]).toEqual([2, 2]);

    // Acceptance 3: the real figures on both nodes are what they were before the run.
    expect(await figures(us)).toEqual(before.us);
    expect(await figures(cn)).toEqual(before.cn);

    // Nor does a TAXII collection over every case serve the exercise's indicators.
    const me = await api(us, 'GET', '/api/me');
    const everyCase = await api(us, 'POST', '/api/taxii/collections', {
      title: 'Every case',
      caseId: null,
      maxTlp: 'amber',
      access: [{ principal: `user:${String(me.id)}`, canRead: true, canWrite: false }],
    });
    const served = await fetch(`${us.url}/taxii2/api/collections/${everyCase.id}/objects/`, {
      headers: {
        accept: 'application/taxii+json;version=2.1',
        authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`,
      },
    });
    expect(served.status).toBe(200);
    const bundle = (await served.json()) as { objects?: unknown[] };
    expect(JSON.stringify(bundle.objects ?? [])).not.toContain('x_liaison_exercise');
    const exerciseCaseFeed = await api(us, 'POST', '/api/taxii/collections', {
      title: 'The exercise case',
      caseId: exerciseCase.id,
      maxTlp: 'amber',
      access: [{ principal: `user:${String(me.id)}`, canRead: true, canWrite: false }],
    });
    const own = await fetch(`${us.url}/taxii2/api/collections/${exerciseCaseFeed.id}/objects/`, {
      headers: {
        accept: 'application/taxii+json;version=2.1',
        authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`,
      },
    });
    expect(JSON.stringify(await own.json())).toContain('x_liaison_exercise');
  }, 300_000);
});
