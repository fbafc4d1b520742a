import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clusterRoot,
  createNodeProcess,
  peer,
  removeClusterRoots,
  type NodeProcess,
} from './harness/cluster.js';
import { until } from './harness/wait.js';

/**
 * Requests for assistance and contacts between two real node processes (issue 4,
 * acceptance 1, 4 and 6).
 */
let a: NodeProcess; // us-doj, America/New_York: asks
let b: NodeProcess; // cn-mps, Asia/Shanghai: answers

beforeAll(async () => {
  const root = clusterRoot();
  a = await createNodeProcess(root, 'us-doj', { timeZone: 'America/New_York' });
  b = await createNodeProcess(root, 'cn-mps', { country: 'CN', timeZone: 'Asia/Shanghai' });
  await Promise.all([a.start(), b.start()]);
  await peer(a, b);
}, 120_000);

afterAll(async () => {
  await Promise.all([a.kill(), b.kill()]);
  removeClusterRoots();
});

const PRESERVATION_FIELDS = {
  requesting_authority: 'U.S. Department of Justice, CCIPS',
  reference_number: 'CCIPS-2026-0412',
  offence: 'Computer intrusion (18 U.S.C. 1030)',
  brief_facts: 'Intrusion into a federal personnel agency; records exfiltrated.',
  data_requested: 'Subscriber and log data for the account admin@example.cn',
  relation_to_offence: 'The account received the exfiltrated archive.',
  custodian_location: 'Example Cloud (Beijing) Co., Ltd.',
  preservation_reason: 'Logs are deleted after 30 days.',
  mla_to_follow: true,
  confirmation_contact: 'duty@ccips.example.gov',
};

async function waitFor(node: NodeProcess, id: string, status: string): Promise<any> {
  let last: any;
  await until(
    async () => {
      const r = await node.api('GET', `/api/requests/${id}`);
      last = r.body;
      return r.status === 200 && r.body.status === status;
    },
    `${node.nodeId} to see request ${id} ${status} (last: ${last?.status})`,
    15_000,
    200,
  );
  return last;
}

function move(node: NodeProcess, id: string, body: Record<string, unknown>) {
  return node.api('POST', `/api/requests/${id}/moves`, body);
}

function attachment(text: string) {
  const bytes = Buffer.from(text);
  return {
    name: 'preservation-confirmation.txt',
    mediaType: 'text/plain',
    content: bytes.toString('base64'),
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** What both sides must agree on in a timeline. */
function timelineOf(detail: any): unknown[] {
  return (detail.timeline as any[]).map((e) => ({
    id: e.id,
    lamport: e.lamport,
    node: e.node,
    side: e.side,
    action: e.action,
    actor: e.actor,
    at: e.at,
    text: e.text,
    fields: e.fields,
    attachment: e.attachment,
    applied: e.applied,
  }));
}

describe('a preservation request between us-doj and cn-mps', () => {
  let id = '';

  it('is drafted, refused while incomplete with the missing fields listed, then sent', async () => {
    const { brief_facts: _b, mla_to_follow: _m, ...partial } = PRESERVATION_FIELDS;
    const draft = await a.api('POST', '/api/requests', {
      peer: 'cn-mps',
      type: 'preservation',
      title: 'Preserve logs of admin@example.cn',
      fields: partial,
    });
    expect(draft.status).toBe(201);
    id = draft.body.id;
    expect(draft.body.status).toBe('draft');
    expect(draft.body.missing).toEqual(['brief_facts', 'mla_to_follow']);

    const refused = await a.api('POST', `/api/requests/${id}/send`);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('request_incomplete');
    expect(refused.body.error.missing).toEqual(['brief_facts', 'mla_to_follow']);
    expect(refused.body.error.message).toContain('brief_facts');

    const completed = await a.api('PATCH', `/api/requests/${id}`, {
      fields: { brief_facts: PRESERVATION_FIELDS.brief_facts, mla_to_follow: true },
    });
    expect(completed.body.missing).toEqual([]);
    const sent = await a.api('POST', `/api/requests/${id}/send`);
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe('sent');
    expect(sent.body.arrangementVersion).toBe(0);
    // Default arrangement: a routine preservation is acknowledged within a day and
    // answered within three, counted in the responder's zone.
    expect(Date.parse(sent.body.acknowledge.dueAt) - Date.parse(sent.body.sentAt)).toBe(86_400_000);
    expect(sent.body.respond.state).toBe('pending');
    expect(sent.body.responderTimeZone).toBe('Asia/Shanghai');
  });

  it('appears on cn-mps, which acknowledges and asks for more information', async () => {
    const seen = await waitFor(b, id, 'sent');
    expect(seen.direction).toBe('in');
    expect(seen.fields).toEqual(PRESERVATION_FIELDS);
    expect(seen.acknowledge.dueAt).toBe(
      (await a.api('GET', `/api/requests/${id}`)).body.acknowledge.dueAt,
    );
    expect((await move(b, id, { action: 'acknowledge' })).status).toBe(200);
    const asked = await move(b, id, {
      action: 'request_information',
      text: 'Please give the time range of the intrusion.',
    });
    expect(asked.body.status).toBe('more_information_needed');
  });

  it('gets the information from us-doj', async () => {
    await waitFor(a, id, 'more_information_needed');
    const answered = await move(a, id, {
      action: 'provide_information',
      text: 'Between 2026-10-01 and 2026-10-15 UTC.',
      fields: { time_range: '2026-10-01/2026-10-15' },
    });
    expect(answered.body.status).toBe('in_progress');
    expect(answered.body.fields.time_range).toBe('2026-10-01/2026-10-15');
  });

  it('is fulfilled with an attachment whose hash matches on both sides', async () => {
    const progress = await waitFor(b, id, 'in_progress');
    expect(progress.fields.time_range).toBe('2026-10-01/2026-10-15');
    const file = attachment('Data preserved under reference MPS-PRES-8841.');
    // The period is only set where preservation begins or is extended.
    const early = await move(b, id, { action: 'message', text: 'x', preservationDays: 90 });
    expect([early.status, early.body.error.code]).toEqual([400, 'preservation_days_not_allowed']);
    // The responder keeps the data 90 days, not the arrangement's 60: the record says so.
    const fulfilled = await move(b, id, {
      action: 'fulfil',
      text: 'Data preserved for 90 days.',
      attachment: file,
      preservationDays: 90,
    });
    expect(fulfilled.status).toBe(200);
    expect(fulfilled.body.status).toBe('fulfilled');
    expect(fulfilled.body.preservation).toBe('active');
    const fulfilEvent = fulfilled.body.timeline.find((e: any) => e.action === 'fulfil');
    expect(fulfilEvent.preservationDays).toBe(90);
    const days = (Date.parse(fulfilled.body.preservedUntil) - Date.parse(fulfilEvent.at)) / 864e5;
    expect(Math.round(days)).toBe(90);
    const onA = await waitFor(a, id, 'fulfilled');
    expect(onA.preservation).toBe('active');
    expect(onA.preservedUntil).toBe(fulfilled.body.preservedUntil);
    const event = onA.timeline.find((e: any) => e.action === 'fulfil');
    expect(event.preservationDays).toBe(90);
    expect(event.attachment.sha256).toBe(file.sha256);
    for (const node of [a, b]) {
      const response = await fetch(
        `${node.url}/api/requests/${id}/attachments/${event.attachment.id}`,
        {
          headers: { cookie: (await node.session()).cookie },
        },
      );
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
      expect(response.headers.get('x-content-sha256')).toBe(file.sha256);
    }
  });

  it('has the same timeline on both sides, and every step in both audit logs', async () => {
    await until(
      async () => (await b.api('GET', `/api/requests/${id}`)).body.timeline.length === 5,
      'cn-mps to hold the whole timeline',
      10_000,
      200,
    );
    const onA = (await a.api('GET', `/api/requests/${id}`)).body;
    const onB = (await b.api('GET', `/api/requests/${id}`)).body;
    expect(timelineOf(onA)).toEqual(timelineOf(onB));
    expect(onA.timeline.map((e: { action: string }) => e.action)).toEqual([
      'send',
      'acknowledge',
      'request_information',
      'provide_information',
      'fulfil',
    ]);
    expect(onA.status).toBe(onB.status);

    const actionsOf = async (node: NodeProcess) =>
      ((await node.api('GET', '/api/audit?limit=500')).body.entries as any[])
        .filter((e) => e.entityId === id)
        .map((e): unknown => e.action);
    expect(await actionsOf(a)).toEqual(
      expect.arrayContaining([
        'request.draft',
        'request.edit_draft',
        'request.send',
        'request.receive_acknowledge',
        'request.receive_request_information',
        'request.provide_information',
        'request.receive_fulfil',
      ]),
    );
    expect(await actionsOf(b)).toEqual(
      expect.arrayContaining([
        'request.receive_send',
        'request.acknowledge',
        'request.request_information',
        'request.receive_provide_information',
        'request.fulfil',
      ]),
    );
  });
});

describe('refusals', () => {
  let id = '';
  beforeAll(async () => {
    const draft = await a.api('POST', '/api/requests', {
      peer: 'cn-mps',
      type: 'preservation',
      title: 'Second preservation',
      fields: PRESERVATION_FIELDS,
    });
    id = draft.body.id;
    expect((await a.api('POST', `/api/requests/${id}/send`)).status).toBe(200);
    await waitFor(b, id, 'sent');
  });

  it('an unknown type', async () => {
    const r = await a.api('POST', '/api/requests', { peer: 'cn-mps', type: 'wiretap', title: 'x' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_request');
    expect(r.body.error.message).toContain('type');
    // Each problem also as data, for a client to say in its user's language.
    expect(r.body.error.issues).toEqual([
      expect.objectContaining({ field: 'body.type', code: 'invalid_value' }),
    ]);
    expect(r.body.error.issues[0].params.values).toContain('takedown');
  });

  it('deleting a request once sent; a draft may be deleted', async () => {
    const sent = await a.api('DELETE', `/api/requests/${id}`);
    expect([sent.status, sent.body.error.code]).toEqual([409, 'not_a_draft']);
    const draft = await a.api('POST', '/api/requests', {
      peer: 'cn-mps',
      type: 'preservation',
      title: 'Started by mistake',
    });
    expect(draft.status).toBe(201);
    expect((await a.api('DELETE', `/api/requests/${draft.body.id}`)).status).toBe(204);
    expect((await a.api('GET', `/api/requests/${draft.body.id}`)).status).toBe(404);
  });

  it('a move not allowed from the current state', async () => {
    const r = await move(b, id, { action: 'fulfil' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('move_not_allowed');
    expect(r.body.error.message).toContain('sent');
  });

  it("a move that is the other side's", async () => {
    const r = await move(a, id, { action: 'acknowledge' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('not_your_move');
  });

  it("acting on the peer's request without the role", async () => {
    const user = await b.api('POST', '/api/users', {
      username: 'analyst1',
      displayName: 'An analyst',
      roles: ['analyst'],
      password: 'analyst password long enough',
    });
    expect(user.status).toBe(201);
    const login = await fetch(`${b.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'analyst1', password: 'analyst password long enough' }),
    });
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const response = await fetch(`${b.url}/api/requests/${id}/moves`, {
      method: 'POST',
      headers: {
        cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
        'x-csrf-token': csrfToken,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ action: 'acknowledge' }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as any).error.code).toBe('forbidden');
  });

  it('an attachment over the limit, or whose bytes do not match its hash', async () => {
    const big = Buffer.alloc(1.5 * 1024 * 1024 + 1, 7);
    const tooBig = await move(a, id, {
      action: 'message',
      text: 'big',
      attachment: {
        name: 'big.bin',
        content: big.toString('base64'),
        sha256: createHash('sha256').update(big).digest('hex'),
      },
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('attachment_too_large');
    const damaged = await move(a, id, {
      action: 'message',
      text: 'damaged',
      attachment: { ...attachment('the real bytes'), sha256: 'a'.repeat(64) },
    });
    expect(damaged.status).toBe(422);
    expect(damaged.body.error.code).toBe('attachment_hash_mismatch');
    const detail = (await a.api('GET', `/api/requests/${id}`)).body;
    expect(detail.timeline.map((e: { action: string }) => e.action)).toEqual(['send']);
  });

  it('takes an attachment at the limit, which reaches the peer intact', async () => {
    const largest = Buffer.alloc(1.5 * 1024 * 1024, 3);
    const sha256 = createHash('sha256').update(largest).digest('hex');
    const sent = await move(a, id, {
      action: 'message',
      text: 'largest',
      attachment: { name: 'largest.bin', content: largest.toString('base64'), sha256 },
    });
    expect(sent.status).toBe(200);
    await until(
      async () =>
        ((await b.api('GET', `/api/requests/${id}`)).body.timeline as any[]).some(
          (e) => e.attachment?.sha256 === sha256,
        ),
      'the largest attachment on cn-mps',
      20_000,
      200,
    );
  });

  it('a request type the arrangement does not allow, and a missing text', async () => {
    const r = await move(b, id, { action: 'decline' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('text_required');
  });
});

describe('contacts', () => {
  const duty = {
    name: 'MPS cybercrime duty desk',
    kind: 'desk',
    roles: ['duty_24_7'],
    channels: [{ type: 'phone', value: '+86 10 0000 0000' }],
    languages: ['zh', 'en'],
    workingHours: {
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      start: '00:00',
      end: '23:59',
      always: true,
    },
    timeZone: 'Asia/Shanghai',
    published: true,
  };

  it('a published contact reaches the peer, changes follow, and a removal propagates', async () => {
    const created = await b.api('POST', '/api/contacts', duty);
    expect(created.status).toBe(201);
    const id = created.body.id;
    const onA = async (): Promise<any> =>
      ((await a.api('GET', '/api/contacts?node=cn-mps')).body.contacts as any[]).find(
        (c) => c.id === id,
      );
    await until(async () => (await onA())?.name === duty.name, 'the contact on us-doj', 5_000, 200);
    expect(await onA()).toMatchObject({ node: 'cn-mps', roles: ['duty_24_7'], stale: false });

    const changed = await b.api('PUT', `/api/contacts/${id}`, {
      ...duty,
      name: 'MPS duty desk (24/7)',
    });
    expect(changed.status).toBe(200);
    await until(
      async () => (await onA())?.name === 'MPS duty desk (24/7)',
      'the change',
      5_000,
      200,
    );

    const unpublished = await b.api('POST', '/api/contacts', {
      ...duty,
      name: 'Internal only',
      published: false,
    });
    expect(unpublished.status).toBe(201);

    expect((await b.api('DELETE', `/api/contacts/${id}`)).status).toBe(204);
    await until(async () => (await onA()) === undefined, 'the removal on us-doj', 5_000, 200);
    const all = (await a.api('GET', '/api/contacts?node=cn-mps')).body.contacts as any[];
    expect(all.find((c) => c.name === 'Internal only')).toBeUndefined();
  });

  it("refuses to change a peer's contact, and an invalid time zone", async () => {
    const bad = await a.api('POST', '/api/contacts', { ...duty, timeZone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('timeZone');
  });
});

describe('ping tests', () => {
  it('pings the peer’s published contacts; the duty officer acknowledges; the sender reports it', async () => {
    const desk = await b.api('POST', '/api/contacts', {
      name: 'MPS 24/7 point of contact',
      kind: 'desk',
      roles: ['duty_24_7'],
      channels: [{ type: 'liaison_account', value: 'duty' }],
      languages: ['zh', 'en'],
      workingHours: { days: ['mon'], start: '00:00', end: '23:59', always: true },
      timeZone: 'Asia/Shanghai',
      published: true,
    });
    expect(desk.status).toBe(201);
    await until(
      async () =>
        ((await a.api('GET', '/api/contacts?node=cn-mps')).body.contacts as any[]).some(
          (c) => c.id === desk.body.id,
        ),
      'the desk on us-doj',
      5_000,
      200,
    );
    const sent = await a.api('POST', '/api/pings', { peer: 'cn-mps' });
    expect(sent.status).toBe(201);
    expect(sent.body.pings.map((p: { contactName: string }) => p.contactName)).toEqual([
      'MPS 24/7 point of contact',
    ]);
    const pingId = sent.body.pings[0].id;
    await until(
      async () =>
        ((await b.api('GET', '/api/pings?direction=in&pending=true')).body.pings as any[]).some(
          (p) => p.id === pingId,
        ),
      'the ping on cn-mps',
      5_000,
      200,
    );
    const acked = await b.api('POST', `/api/pings/${pingId}/acknowledge`);
    expect(acked.status).toBe(200);
    expect((await b.api('POST', `/api/pings/${pingId}/acknowledge`)).body.error.code).toBe(
      'already_acknowledged',
    );
    await until(
      async () =>
        ((await a.api('GET', '/api/pings?direction=out')).body.pings as any[]).find(
          (p) => p.id === pingId,
        )?.acknowledgedAt != null,
      'the acknowledgement on us-doj',
      5_000,
      200,
    );
    const report = await a.api('GET', '/api/pings/report?peer=cn-mps');
    expect(report.body).toMatchObject({
      sent: 1,
      answered: 1,
      answeredShare: 1,
      neverAnswered: [],
    });
    expect(report.body.medianMs).toBeGreaterThanOrEqual(0);
    const csv = await fetch(`${a.url}/api/pings/report.csv?peer=cn-mps`, {
      headers: { cookie: (await a.session()).cookie },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).split('\r\n')[1]).toContain('MPS 24/7 point of contact,1,1,');
    const schedule = await a.api('PUT', '/api/pings/schedule/cn-mps', { everyHours: 24 });
    expect(schedule.status).toBe(200);
    expect(schedule.body.everyHours).toBe(24);
    expect((await a.api('GET', '/api/pings/schedule/cn-mps')).body).toEqual(schedule.body);
  });
});

describe('the arrangement', () => {
  it('is proposed by one side, accepted by the other, and then sets the deadlines', async () => {
    const current = (await a.api('GET', '/api/arrangements/cn-mps')).body;
    expect(current.inForce.version).toBe(0);
    const terms = structuredClone(current.inForce.terms);
    terms.requestTypes.subscriber_information.deadlines.routine.respond = {
      amount: 10,
      unit: 'days',
    };
    const proposed = await a.api('POST', '/api/arrangements/cn-mps', { terms });
    expect(proposed.status).toBe(201);
    expect(proposed.body).toMatchObject({ version: 1, status: 'proposed', proposedBy: 'us-doj' });
    const own = await a.api('POST', '/api/arrangements/cn-mps/1/accept');
    expect(own.status).toBe(409);
    expect(own.body.error.code).toBe('not_your_move');
    await until(
      async () => (await b.api('GET', '/api/arrangements/us-doj')).body.versions.length === 1,
      'the proposal on cn-mps',
      5_000,
      200,
    );
    const accepted = await b.api('POST', '/api/arrangements/us-doj/1/accept');
    expect(accepted.status).toBe(200);
    expect(accepted.body.termsHash).toBe(proposed.body.termsHash);
    await until(
      async () => (await a.api('GET', '/api/arrangements/cn-mps')).body.inForce.version === 1,
      'the acceptance on us-doj',
      5_000,
      200,
    );
    const draft = await a.api('POST', '/api/requests', {
      peer: 'cn-mps',
      type: 'subscriber_information',
      title: 'Subscriber of 203.0.113.7',
      fields: {
        requesting_authority: 'FBI',
        reference_number: 'F-1',
        offence: 'Fraud',
        brief_facts: 'Phishing site.',
        identifiers: '203.0.113.7',
        time_range: '2026-11-01T10:00Z',
        relation_to_offence: 'Hosted the site.',
        confirmation_contact: 'agent@example.gov',
      },
    });
    const sent = await a.api('POST', `/api/requests/${draft.body.id}/send`);
    expect(sent.body.arrangementVersion).toBe(1);
    expect(Date.parse(sent.body.respond.dueAt) - Date.parse(sent.body.sentAt)).toBe(
      10 * 86_400_000,
    );
  });
});
