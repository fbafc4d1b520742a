import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/server/clock.js';
import { auditCount } from './harness/audit.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle } from './harness/node.js';
import { peerUp } from './harness/peers.js';
import { until } from './harness/wait.js';

/**
 * Deadlines of a sent request fire "due soon" and "overdue" once each, on a moved clock,
 * also across a restart of the node (issue 4, acceptance 3).
 */
const HOUR = 3_600_000;

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`request deadlines on ${dialect}`, () => {
    const handles: NodeHandle[] = [];
    afterAll(async () => {
      for (const h of handles) await h.destroy();
    });

    it('fire due soon and overdue once each, also after a restart', async () => {
      const clock = new ManualClock(Date.parse('2026-03-07T20:00:00Z'));
      let a = await makeNode({ nodeId: 'us-doj', clock, timerPollMs: 50, dialect });
      const b = await makeNode({ nodeId: 'cn-mps' });
      handles.push(b);
      const urlA = await a.node.listen();
      const urlB = await b.node.listen();
      await peerUp(a, b, urlA, urlB);
      const adminA = await login(a.app, 'admin', a.admin.password);
      const adminB = await login(b.app, 'admin', b.admin.password);

      // Urgent incident assistance: acknowledge within 2 hours (default arrangement).
      const draft = await call(a.app, adminA, 'POST', '/api/requests', {
        peer: 'cn-mps',
        type: 'incident_assistance',
        urgency: 'urgent',
        title: 'Ransomware at a hospital',
        fields: {
          requesting_authority: 'FBI Cyber Division',
          incident_description: 'Encryption of the patient records system.',
          confirmation_contact: 'cywatch@example.gov',
        },
      });
      const id = draft.json().id as string;
      const sent = await call(a.app, adminA, 'POST', `/api/requests/${id}/send`);
      expect(sent.statusCode).toBe(200);
      const sentAt = Date.parse(sent.json().sentAt);
      expect(Date.parse(sent.json().acknowledge.dueAt)).toBe(sentAt + 2 * HOUR);
      expect(Date.parse(sent.json().acknowledge.dueSoonAt)).toBe(sentAt + 1.5 * HOUR);

      const fired = (node: NodeHandle, action: string) => auditCount(node, action, id);
      const waitFired = (node: NodeHandle, action: string) =>
        until(async () => (await fired(node, action)) > 0, action, 10_000, 25);

      clock.set(sentAt + 1.5 * HOUR - 1000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await fired(a, 'request.acknowledge_due_soon')).toBe(0);
      clock.set(sentAt + 1.5 * HOUR + 1000);
      await waitFired(a, 'request.acknowledge_due_soon');
      expect(await fired(a, 'request.acknowledge_due_soon')).toBe(1);
      const again = await login(a.app, 'admin', a.admin.password);
      const soon = await call(a.app, again, 'GET', `/api/requests/${id}`);
      expect(soon.json().acknowledge.state).toBe('due_soon');

      // Restart A on the same database; the clock moves past the deadline meanwhile.
      await a.stop();
      clock.set(sentAt + 2 * HOUR + 1000);
      a = await makeNode({
        nodeId: 'us-doj',
        clock,
        timerPollMs: 50,
        database: a.database,
        keys: a.node.keys,
        noAdmin: true,
      });
      handles.push(a);
      await waitFired(a, 'request.acknowledge_overdue');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await fired(a, 'request.acknowledge_overdue')).toBe(1);
      expect(await fired(a, 'request.acknowledge_due_soon')).toBe(1);
      const session = await login(a.app, 'admin', a.admin.password);
      const overdue = await call(a.app, session, 'GET', `/api/requests/${id}`);
      expect(overdue.json().acknowledge.state).toBe('overdue');
      expect(overdue.json().respond.state).toBe('pending');

      // The arrangement sends overdue incident assistance to the hotline: one call, linked
      // to the request, raised by the node itself, and it reaches cn-mps.
      const calls = (await call(a.app, session, 'GET', '/api/hotline/calls')).json().calls;
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({
        direction: 'out',
        requestId: id,
        tier: 'formal_inquiry',
        priority: 'urgent',
        caller: 'us-doj (automatic)',
      });
      let onB: any;
      for (let i = 0; i < 200 && !onB; i++) {
        const r = await call(b.app, adminB, 'GET', `/api/hotline/calls/${calls[0].id}`);
        if (r.statusCode === 200) onB = r.json();
        else await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(onB).toMatchObject({ direction: 'in', requestId: id, state: 'delivered', rung: 1 });
    });
  });
}

describe('preservation on the responder’s clock', () => {
  const handles: NodeHandle[] = [];
  afterAll(async () => {
    for (const h of handles) await h.destroy();
  });

  it('is active when fulfilled, extended, and expires by itself; the requester sees each step', async () => {
    const clockB = new ManualClock(Date.parse('2026-03-01T02:00:00Z'));
    const a = await makeNode({ nodeId: 'us-doj' });
    const b = await makeNode({ nodeId: 'cn-mps', clock: clockB, timerPollMs: 50 });
    handles.push(a, b);
    const urlA = await a.node.listen();
    const urlB = await b.node.listen();
    const sa = await login(a.app, 'admin', a.admin.password);
    const sb = await login(b.app, 'admin', b.admin.password);
    expect(
      (
        await call(a.app, sa, 'POST', '/api/federation/peers', {
          url: urlB,
          fingerprint: b.node.keys.fingerprint,
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await call(b.app, sb, 'POST', '/api/federation/peers', {
          url: urlA,
          fingerprint: a.node.keys.fingerprint,
        })
      ).statusCode,
    ).toBe(201);
    const draft = await call(a.app, sa, 'POST', '/api/requests', {
      peer: 'cn-mps',
      type: 'preservation',
      title: 'Preserve',
      fields: {
        requesting_authority: 'DOJ',
        reference_number: 'R-1',
        offence: 'Intrusion',
        brief_facts: 'Facts',
        data_requested: 'Logs',
        relation_to_offence: 'Relation',
        custodian_location: 'Provider',
        preservation_reason: 'Deletion',
        mla_to_follow: true,
        confirmation_contact: 'duty@example.gov',
      },
    });
    const id = draft.json().id as string;
    expect((await call(a.app, sa, 'POST', `/api/requests/${id}/send`)).statusCode).toBe(200);
    const onB = async (): Promise<any> =>
      (
        await call(
          b.app,
          await login(b.app, 'admin', b.admin.password),
          'GET',
          `/api/requests/${id}`,
        )
      ).json();
    const onA = async (): Promise<any> =>
      (await call(a.app, sa, 'GET', `/api/requests/${id}`)).json();
    await until(async () => (await onB()).status === 'sent', 'sent on cn-mps', 30_000, 25);
    const move = async (action: string, text?: string) =>
      call(
        b.app,
        await login(b.app, 'admin', b.admin.password),
        'POST',
        `/api/requests/${id}/moves`,
        {
          action,
          ...(text ? { text } : {}),
        },
      );
    expect((await move('acknowledge')).statusCode).toBe(200);
    const fulfilled = (await move('fulfil', 'Preserved.')).json();
    expect(fulfilled.preservation).toBe('active');
    const start = clockB.now();
    // 60 days at the same wall time in Shanghai (no daylight saving: 60 × 24 h).
    expect(Date.parse(fulfilled.preservedUntil)).toBe(start + 60 * 86_400_000);
    const extended = (await move('extend_preservation')).json();
    expect(extended.preservation).toBe('extended');
    expect(Date.parse(extended.preservedUntil)).toBe(start + 90 * 86_400_000);
    await until(
      async () => (await onA()).preservation === 'extended',
      'extended on us-doj',
      30_000,
      25,
    );

    clockB.set(start + 61 * 86_400_000);
    await new Promise((r) => setTimeout(r, 300));
    expect((await onB()).preservation).toBe('extended');
    clockB.set(start + 90 * 86_400_000 + 1000);
    await until(
      async () => (await onB()).preservation === 'expired',
      'expired on cn-mps',
      30_000,
      25,
    );
    expect((await onB()).preservation).toBe('expired');
    await until(
      async () => (await onA()).preservation === 'expired',
      'expired on us-doj',
      30_000,
      25,
    );
    const detail = await onA();
    expect(detail.preservation).toBe('expired');
    expect(detail.timeline.map((e: { action: string }) => e.action)).toEqual([
      'send',
      'acknowledge',
      'fulfil',
      'extend_preservation',
      'expire_preservation',
    ]);
  });
});
