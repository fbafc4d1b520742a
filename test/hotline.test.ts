import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/server/clock.js';
import type { BusEvent } from '../src/server/events.js';
import { auditCount } from './harness/audit.js';
import { contact } from './harness/contacts.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import {
  call,
  login,
  makeNode,
  type MakeNodeOptions,
  type NodeHandle,
  type Session,
} from './harness/node.js';
import { peerUp } from './harness/peers.js';
import { until } from './harness/wait.js';

/**
 * The hotline between two real nodes over loopback HTTP (issue 5): the ladder escalates by
 * itself on a controlled clock, once per step, across a restart of the receiving node
 * (acceptance 2); a call to a peer that is down shows "not delivered" within seconds, the
 * fallback e-mail (real SMTP server) and signed webhook (real HTTP receiver) fire, and the
 * call is delivered when the peer returns, its ladder starting then (acceptance 3 and 4).
 */
const MINUTE = 60_000;

const noFallback = { targets: [], channels: [], webhooks: [], emailPeerContacts: false };
const onDuty = { targets: [{ kind: 'on_duty' }], channels: ['browser'], webhooks: [] };

async function getCall(
  node: NodeHandle,
  session: Session,
  id: string,
): Promise<Record<string, any> | undefined> {
  const r = await call(node.app, session, 'GET', `/api/hotline/calls/${id}`);
  return r.statusCode === 200 ? r.json<Record<string, any>>() : undefined;
}

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`hotline ladder on ${dialect}`, () => {
    const handles: NodeHandle[] = [];
    afterAll(async () => {
      for (const h of handles.reverse()) await h.destroy();
    });

    it('escalates rung by rung at each deadline, once per step, across a restart of the receiver', async () => {
      const a = await makeNode({ nodeId: 'us-doj' });
      handles.push(a);
      const clock = new ManualClock(Date.parse('2026-11-24T02:00:00Z'));
      const bOptions: MakeNodeOptions = { nodeId: 'cn-mps', clock, timerPollMs: 50, dialect };
      let b = await makeNode(bOptions);
      const urlA = await a.node.listen();
      const urlB = await b.node.listen();
      const portB = Number(new URL(urlB).port);
      await peerUp(a, b, urlA, urlB);
      const adminA = await login(a.app, 'admin', a.admin.password);
      let adminB = await login(b.app, 'admin', b.admin.password);

      // cn-mps: a duty desk on the roster around the clock, a supervisor, a senior official.
      const duty = await b.createUser('duty.zhang', ['officer']);
      const supervisor = await b.createUser('supervisor.wang', ['officer']);
      const senior = await b.createUser('director.li', ['admin']);
      const desk = await contact(b, adminB, 'MPS duty desk', [
        { type: 'liaison_account', value: duty.username },
      ]);
      const wang = await contact(b, adminB, 'Supervisor Wang', [
        { type: 'liaison_account', value: supervisor.username },
      ]);
      const li = await contact(b, adminB, 'Director Li', [
        { type: 'liaison_account', value: senior.username },
      ]);
      const shift = await call(b.app, adminB, 'POST', '/api/hotline/shifts', {
        tier: 'technical',
        contactId: desk,
        days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        start: '00:00',
        end: '00:00',
      });
      expect(shift.statusCode, shift.body).toBe(201);
      const contactRung = (id: string) => ({
        targets: [{ kind: 'contact', contactId: id }],
        channels: ['browser'],
        webhooks: [],
      });
      const ladder = await call(b.app, adminB, 'PUT', '/api/hotline/ladder', {
        tiers: {
          technical: [onDuty, contactRung(wang), contactRung(li)],
          formal_inquiry: [onDuty],
          senior: [onDuty],
        },
        fallback: noFallback,
      });
      expect(ladder.statusCode, ladder.body).toBe(200);

      // us-doj learns cn-mps's rung-1 coverage: covered or not, never the unpublished names.
      const coverage = await until(async () => {
        const r = await call(a.app, adminA, 'GET', '/api/hotline/coverage/peers/cn-mps');
        return r.statusCode === 200 && r.json().tiers.technical.gaps.length === 0
          ? r.json<Record<string, any>>()
          : undefined;
      }, "us-doj to learn cn-mps's coverage");
      expect(coverage.tiers.technical.published).toEqual([]);
      expect(coverage.tiers.senior.gaps).toEqual([{ from: coverage.from, to: coverage.to }]);
      expect(JSON.stringify(coverage)).not.toContain('MPS duty desk');

      let alerts: BusEvent[] = [];
      const listen = (node: NodeHandle) =>
        node.node.bus.subscribe((event) => {
          if (event.type === 'hotline.alert') alerts.push(event);
        });
      listen(b);

      // A call's case must be one both sides hold: not free text, not a case kept home.
      const flash = { peer: 'cn-mps', tier: 'technical', priority: 'flash', subject: 'About' };
      const noCase = await call(a.app, adminA, 'POST', '/api/hotline/calls', {
        ...flash,
        caseId: 'not-a-case',
      });
      expect([noCase.statusCode, noCase.json().error.code]).toEqual([404, 'case_not_found']);
      const home = await call(a.app, adminA, 'POST', '/api/cases', {
        title: 'Ours',
        kind: 'fraud',
      });
      const unshared = await call(a.app, adminA, 'POST', '/api/hotline/calls', {
        ...flash,
        caseId: home.json().id,
      });
      expect([unshared.statusCode, unshared.json().error.code]).toEqual([409, 'case_not_shared']);

      // us-doj places a flash technical call: 5 minutes per rung by the default terms.
      const placed = await call(a.app, adminA, 'POST', '/api/hotline/calls', {
        peer: 'cn-mps',
        tier: 'technical',
        priority: 'flash',
        subject: 'Active intrusion: exfiltration in progress from 203.0.113.7',
        text: 'Please null-route or contact the hosting provider now.',
      });
      expect(placed.statusCode, placed.body).toBe(201);
      const id = placed.json().id as string;
      expect(placed.json()).toMatchObject({ state: 'sent', acknowledgeWithinMs: 5 * MINUTE });

      const deliveredAt = clock.now();
      const onA = await until(async () => {
        const c = await getCall(a, adminA, id);
        return c?.state === 'delivered' ? c : undefined;
      }, 'us-doj to see the call delivered');
      expect(onA).toMatchObject({ rung: 1, rungs: 3 });
      expect(Date.parse(onA.rungDeadlineAt)).toBe(deliveredAt + 5 * MINUTE);
      const rung1 = await until(
        () => alerts.find((e) => (e.data as any).reason === 'incoming'),
        'the incoming alert on cn-mps',
      );
      expect(rung1?.audience.userIds).toEqual([duty.id]);

      // Nobody answers: at the deadline rung 2 (the supervisor) is alerted.
      alerts = [];
      clock.advance(5 * MINUTE);
      await until(async () => (await getCall(b, adminB, id))?.rung === 2, 'rung 2 on cn-mps');
      await until(async () => (await getCall(a, adminA, id))?.rung === 2, 'rung 2 on us-doj');
      await until(() => alerts.length > 0, 'the rung 2 alert on cn-mps');
      expect(alerts.map((e) => e.audience.userIds)).toEqual([[supervisor.id]]);

      // cn-mps restarts between the steps; the durable timer still fires rung 3.
      await b.stop();
      b = await makeNode({
        ...bOptions,
        database: b.database,
        keys: b.node.keys,
        noAdmin: true,
        port: portB,
      });
      handles.push(b);
      await b.node.listen();
      adminB = await login(b.app, 'admin', b.admin.password);
      alerts = [];
      listen(b);
      clock.advance(5 * MINUTE);
      await until(async () => (await getCall(b, adminB, id))?.rung === 3, 'rung 3 on cn-mps');
      await until(async () => (await getCall(a, adminA, id))?.rung === 3, 'rung 3 on us-doj');
      await until(() => alerts.length > 0, 'the rung 3 alert on cn-mps');
      expect(alerts.map((e) => e.audience.userIds)).toEqual([[senior.id]]);

      // Each step fired once: a little more time and a pass of the timers change nothing.
      clock.advance(MINUTE);
      await b.node.timers.runDue();
      expect(await auditCount(b, 'hotline.escalate', id)).toBe(2);
      const events = (await getCall(b, adminB, id))?.events as {
        kind: string;
        rung: number;
        by: string;
      }[];
      expect(events.filter((e) => e.kind === 'rung').map((e) => [e.rung, e.by])).toEqual([
        [1, 'MPS duty desk'],
        [2, 'Supervisor Wang'],
        [3, 'Director Li'],
      ]);

      // The director acknowledges: the ladder stops, and us-doj sees who and when.
      const senior1 = await login(b.app, senior.username, senior.password);
      const ack = await call(b.app, senior1, 'POST', `/api/hotline/calls/${id}/acknowledge`);
      expect(ack.statusCode, ack.body).toBe(200);
      const acked = await until(async () => {
        const c = await getCall(a, adminA, id);
        return c?.state === 'acknowledged' ? c : undefined;
      }, 'us-doj to see the acknowledgement');
      expect(acked.acknowledgedBy).toBe('director.li');
      expect(acked.acknowledgedAt).toBe(ack.json().acknowledgedAt);
      const again = await call(b.app, senior1, 'POST', `/api/hotline/calls/${id}/acknowledge`);
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('call_already_acknowledged');
      clock.advance(30 * MINUTE);
      await b.node.timers.runDue();
      expect(await auditCount(b, 'hotline.escalate', id)).toBe(2);

      // Resolving closes it on both sides with the outcome.
      const resolved = await call(b.app, senior1, 'POST', `/api/hotline/calls/${id}/resolve`, {
        outcome: 'Provider null-routed 203.0.113.7 at 02:17 UTC.',
      });
      expect(resolved.statusCode).toBe(200);
      await until(
        async () =>
          Boolean((await getCall(a, adminA, id))?.outcome?.startsWith('Provider null-routed')),
        'us-doj to see the outcome',
      );

      // The usage review counts it on both sides.
      const review = (await call(b.app, adminB, 'GET', '/api/hotline/review')).json();
      expect(review.in.calls).toBe(1);
      expect(review.in.byTier.technical.flash).toBe(1);
      expect(review.in.rungsReached).toEqual({ '3': 1 });
      expect(review.in.acknowledge.medianMs).toBe(
        Date.parse(ack.json().acknowledgedAt) - Date.parse(ack.json().deliveredAt),
      );
      const reviewA = (await call(a.app, adminA, 'GET', '/api/hotline/review')).json();
      expect(reviewA.out.acknowledge.medianMs).toBe(review.in.acknowledge.medianMs);
      // A request is raised as a call in one action, linked both ways.
      const draft = await call(a.app, adminA, 'POST', '/api/requests', {
        peer: 'cn-mps',
        type: 'incident_assistance',
        urgency: 'routine',
        title: 'Ransomware at a hospital',
        fields: {
          requesting_authority: 'FBI Cyber Division',
          incident_description: 'Encryption of the patient records system.',
          confirmation_contact: 'cywatch@example.gov',
        },
      });
      const requestId = draft.json().id as string;
      expect(
        (await call(a.app, adminA, 'POST', `/api/requests/${requestId}/send`)).statusCode,
      ).toBe(200);
      const raised = await call(a.app, adminA, 'POST', `/api/requests/${requestId}/escalate`, {});
      expect(raised.statusCode, raised.body).toBe(201);
      expect(raised.json()).toMatchObject({
        requestId,
        tier: 'formal_inquiry',
        priority: 'urgent',
        acknowledgeWithinMs: 60 * MINUTE,
      });
      expect(raised.json().subject).toContain('Ransomware at a hospital');
      const linked = await until(
        async () => getCall(b, adminB, raised.json().id),
        'cn-mps to receive the raised request',
      );
      expect(linked).toMatchObject({ requestId, requestReference: draft.json().reference });

      const csv = await call(a.app, adminA, 'GET', '/api/hotline/review.csv');
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.body.split('\r\n')[1]).toContain(id);
    }, 90_000);
  });
}

describe('a call to a peer that is down', () => {
  const handles: NodeHandle[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
    for (const h of handles.reverse()) await h.destroy();
  });

  it('shows not delivered within seconds, fires the fallback, and is delivered when the peer returns', async () => {
    // A real SMTP server and a real webhook receiver on loopback.
    const mails: { to: string[]; data: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => smtp.close(() => resolve())));
    const smtpPort = (smtp.server.address() as AddressInfo).port;

    const secret = 'pager-gateway-shared-secret';
    const posts: { verified: boolean; body: any }[] = [];
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const timestamp = String(req.headers['x-liaison-timestamp']);
        const given = Buffer.from(String(req.headers['x-liaison-signature']));
        const expected = Buffer.from(
          `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
        );
        const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
        const verified =
          fresh && given.length === expected.length && timingSafeEqual(given, expected);
        posts.push({ verified, body: JSON.parse(body) });
        res.writeHead(verified ? 204 : 401).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => receiver.close(() => resolve())));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/page`;

    const a = await makeNode({
      nodeId: 'us-doj',
      timerPollMs: 50,
      hotline: {
        deliveryTimeoutSeconds: 3,
        smtp: { host: '127.0.0.1', port: smtpPort, from: 'hotline@doj.example.gov' },
      },
    });
    handles.push(a);
    let b = await makeNode({ nodeId: 'cn-mps', timerPollMs: 50 });
    const urlA = await a.node.listen();
    const urlB = await b.node.listen();
    const portB = Number(new URL(urlB).port);
    await peerUp(a, b, urlA, urlB);
    const adminA = await login(a.app, 'admin', a.admin.password);
    const adminB = await login(b.app, 'admin', b.admin.password);

    // cn-mps publishes its 24/7 duty desk with an e-mail address; us-doj learns it.
    await contact(b, adminB, 'MPS 24/7 desk', [{ type: 'email', value: 'duty@mps.example.cn' }], {
      published: true,
    });
    await until(async () => {
      const r = await call(a.app, adminA, 'GET', '/api/contacts?node=cn-mps');
      return r.json().contacts.length === 1;
    }, "us-doj to learn cn-mps's contact");

    // us-doj's fallback: its supervisor by e-mail, and the pager gateway by webhook.
    const supervisor = await contact(a, adminA, 'Supervisor Smith', [
      { type: 'email', value: 'smith@doj.example.gov' },
    ]);
    const hook = await call(a.app, adminA, 'POST', '/api/hotline/webhooks', {
      name: 'Pager gateway',
      url: hookUrl,
      secret,
    });
    expect(hook.statusCode, hook.body).toBe(201);
    expect(hook.json()).not.toHaveProperty('secret');
    const ladder = await call(a.app, adminA, 'PUT', '/api/hotline/ladder', {
      tiers: { technical: [onDuty], formal_inquiry: [onDuty], senior: [onDuty] },
      fallback: {
        targets: [{ kind: 'contact', contactId: supervisor }],
        channels: ['browser', 'email', 'webhook'],
        webhooks: [hook.json().id],
        emailPeerContacts: true,
      },
    });
    expect(ladder.statusCode, ladder.body).toBe(200);

    // cn-mps goes down; us-doj calls.
    await b.stop();
    const placedAt = Date.now();
    const placed = await call(a.app, adminA, 'POST', '/api/hotline/calls', {
      peer: 'cn-mps',
      tier: 'technical',
      priority: 'urgent',
      subject: 'Botnet C2 takedown needs coordination',
    });
    expect(placed.statusCode, placed.body).toBe(201);
    const id = placed.json().id as string;
    const notDelivered = await until(
      async () => {
        const c = await getCall(a, adminA, id);
        return c?.state === 'not_delivered' ? c : undefined;
      },
      'the caller to see not delivered',
      5_000,
    );
    expect(Date.now() - placedAt).toBeLessThan(5_000);
    expect(notDelivered.events.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['created', 'not_delivered', 'fallback']),
    );

    // The fallback e-mails (our supervisor, and the peer's desk without content) and the webhook.
    await until(
      () => Promise.resolve(mails.length >= 2 && posts.length >= 1),
      'the fallback to fire',
    );
    const toSmith = mails.find((m) => m.to.includes('smith@doj.example.gov'));
    expect(toSmith?.data).toContain('NOT DELIVERED');
    expect(toSmith?.data).toContain('Botnet C2 takedown');
    const toDesk = mails.find((m) => m.to.includes('duty@mps.example.cn'));
    expect(toDesk?.data).toContain('could not reach your node');
    expect(toDesk?.data).not.toContain('Botnet');
    expect(posts[0]?.verified).toBe(true);
    expect(posts[0]?.body).toMatchObject({
      event: 'hotline.alert',
      reason: 'not_delivered',
      callId: id,
      peer: 'cn-mps',
      recipients: [{ name: 'Supervisor Smith', emails: ['smith@doj.example.gov'] }],
    });
    await until(async () => {
      const c = await getCall(a, adminA, id);
      return c?.events.filter((e: any) => e.kind === 'notified').length === 3;
    }, 'the timeline to record the three notifications');

    // cn-mps returns: the call is delivered, and its ladder starts from then.
    const back = Date.now();
    b = await makeNode({
      nodeId: 'cn-mps',
      database: b.database,
      keys: b.node.keys,
      noAdmin: true,
      port: portB,
    });
    handles.push(b);
    await b.node.listen();
    const adminB2 = await login(b.app, 'admin', b.admin.password);
    const received = await until(
      async () => getCall(b, adminB2, id),
      'cn-mps to receive the call',
      30_000,
    );
    expect(Date.parse(received.deliveredAt)).toBeGreaterThanOrEqual(back);
    expect(Date.parse(received.rungDeadlineAt)).toBe(
      Date.parse(received.deliveredAt) + 15 * MINUTE,
    );
    const late = await until(async () => {
      const c = await getCall(a, adminA, id);
      return c?.state === 'delivered' ? c : undefined;
    }, 'us-doj to see the call delivered late');
    expect(late.deliveredAt).toBe(received.deliveredAt);
    expect(late.notDeliveredAt).not.toBeNull();
    expect(late.events.find((e: any) => e.kind === 'delivered').detail).toMatch(/late/);
  }, 90_000);
});
