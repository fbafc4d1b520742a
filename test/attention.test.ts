import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';
import { peerUp } from './harness/peers.js';
import { until } from './harness/wait.js';

/**
 * What awaits the user (issue 15, finding 1): a peer's new request, above all an emergency
 * one, is counted on the menu and listed first among the new incoming items, for those who
 * may act on it and no one else; acknowledging it takes it off.
 */
async function attention(node: NodeHandle, session: Session) {
  const r = await call(node.app, session, 'GET', '/api/attention');
  expect(r.statusCode, r.body).toBe(200);
  return r.json<{
    counts: Record<string, number>;
    overdue: Record<string, number>;
    incoming: { area: string; id: string; level: string; title: string; dueAt: string | null }[];
  }>();
}

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`what awaits the user on ${dialect}`, () => {
    const handles: NodeHandle[] = [];
    afterAll(async () => {
      for (const h of handles) await h.destroy();
    });

    it('counts new requests and calls for those who answer them, the emergency first', async () => {
      const a = await makeNode({ nodeId: 'us-doj' });
      const b = await makeNode({ nodeId: 'cn-mps', dialect });
      handles.push(a, b);
      await peerUp(a, b, await a.node.listen(), await b.node.listen());
      const adminA = await login(a.app, 'admin', a.admin.password);
      const adminB = await login(b.app, 'admin', b.admin.password);
      const observer = await b.createUser('observer.attention', ['observer']);
      const asObserver = await login(b.app, observer.username, observer.password);
      expect(await attention(b, adminB)).toEqual({
        counts: { requests: 0, hotline: 0, pings: 0 },
        overdue: { requests: 0, hotline: 0, pings: 0 },
        incoming: [],
      });

      const send = async (body: Record<string, unknown>) => {
        const draft = await call(a.app, adminA, 'POST', '/api/requests', {
          peer: 'cn-mps',
          ...body,
        });
        expect(draft.statusCode, draft.body).toBe(201);
        const id = draft.json().id as string;
        const sent = await call(a.app, adminA, 'POST', `/api/requests/${id}/send`);
        expect(sent.statusCode, sent.body).toBe(200);
        return id;
      };
      const routine = await send({
        type: 'takedown',
        urgency: 'routine',
        title: 'Phishing site',
        fields: {
          requesting_authority: 'FBI',
          reference_number: 'T-1',
          takedown_target: 'https://phish.example/login',
          brief_facts: 'Imitates a bank.',
        },
      });
      const emergency = await send({
        type: 'emergency_disclosure',
        urgency: 'emergency',
        title: 'Threat to a child',
        fields: {
          requesting_authority: 'FBI',
          threat_to_life: 'A live-streamed threat to harm a child tonight.',
          data_requested: 'Subscriber and last login IP',
          identifiers: 'account 12345',
          confirmation_contact: 'cywatch@example.gov',
        },
      });
      const seen = await until(async () => {
        const view = await attention(b, adminB);
        return view.counts['requests'] === 2 ? view : undefined;
      }, 'cn-mps to count both requests');
      expect(seen.incoming.map((item) => [item.area, item.id, item.level])).toEqual([
        ['requests', emergency, 'emergency'],
        ['requests', routine, 'routine'],
      ]);
      expect(seen.incoming[0]?.title).toBe('Threat to a child');
      expect(seen.incoming[0]?.dueAt).not.toBeNull();
      // An observer answers nothing: nothing waits on them.
      expect((await attention(b, asObserver)).counts).toEqual({
        requests: 0,
        hotline: 0,
        pings: 0,
      });

      const acked = await call(b.app, adminB, 'POST', `/api/requests/${emergency}/moves`, {
        action: 'acknowledge',
      });
      expect(acked.statusCode, acked.body).toBe(200);
      const after = await attention(b, adminB);
      expect(after.counts['requests']).toBe(1);
      expect(after.incoming.map((item) => item.id)).toEqual([routine]);

      // A flash call waits too, as an emergency, above the routine request.
      const placed = await call(a.app, adminA, 'POST', '/api/hotline/calls', {
        peer: 'cn-mps',
        tier: 'technical',
        priority: 'flash',
        subject: 'Exfiltration in progress',
      });
      expect(placed.statusCode, placed.body).toBe(201);
      const withCall = await until(async () => {
        const view = await attention(b, adminB);
        return view.counts['hotline'] === 1 ? view : undefined;
      }, 'cn-mps to count the call');
      expect(withCall.incoming.map((item) => [item.area, item.level])).toEqual([
        ['hotline', 'emergency'],
        ['requests', 'routine'],
      ]);
    });
  });
}
