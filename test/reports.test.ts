import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/server/clock.js';
import type { RequestRow } from '../src/server/features/requests/requests.table.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { makeNode, type NodeHandle } from './harness/node.js';

/**
 * The ping test report and the timeliness figures against values computed by hand on a
 * seeded data set (issue 4, acceptance 5). Definitions: median of an even count is the
 * mean of the two middle values; p90 is nearest-rank.
 */
const CLI = { kind: 'cli', osUser: 'test' } as const;
const T = Date.parse('2026-09-01T00:00:00Z');
const S = 1000;
const H = 3_600_000;
const D = 24 * H;

function request(id: string, changes: Partial<RequestRow>): RequestRow {
  return {
    id,
    peer_id: 'cn-mps',
    direction: 'out',
    reference: `REF-${id}`,
    type: 'subscriber_information',
    urgency: 'routine',
    title: id,
    fields: '{}',
    status: 'sent',
    preservation: null,
    preserved_until: null,
    arrangement_version: 0,
    terms_hash: 'x',
    due_soon_percent: 75,
    requester_time_zone: 'America/New_York',
    responder_time_zone: 'Asia/Shanghai',
    sent_at: T,
    due_ack_at: T + 2 * D,
    due_respond_at: T + 20 * D,
    acknowledged_at: null,
    closed_at: null,
    ack_alert: null,
    respond_alert: null,
    send_refusals: 0,
    created_by: null,
    created_at: T,
    updated_at: T,
    ...changes,
  };
}

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`reports on ${dialect}`, () => {
    const handles: NodeHandle[] = [];
    afterAll(async () => {
      for (const h of handles) await h.destroy();
    });

    it('timeliness figures match the hand-computed values', async () => {
      const h = await makeNode({ dialect, clock: new ManualClock(T + 30 * D) });
      handles.push(h);
      const db = h.node.store.db;
      const rows = [
        request('r1', { status: 'fulfilled', acknowledged_at: T + 1 * H, closed_at: T + 10 * D }),
        request('r2', {
          status: 'fulfilled',
          acknowledged_at: T + 3 * H,
          closed_at: T + 25 * D,
          send_refusals: 1,
        }),
        request('r3', { status: 'in_progress', acknowledged_at: T + 2 * H }),
        request('r4', { status: 'sent' }),
        request('r5', { status: 'withdrawn', closed_at: T + 1 * D }),
        // Outside the period, and a draft: not counted.
        request('r6', { sent_at: T - 40 * D, status: 'fulfilled', closed_at: T - 30 * D }),
        request('r7', { sent_at: null, status: 'draft' }),
      ];
      for (const row of rows) await db.insertInto('requests').values(row).execute();
      await db
        .insertInto('request_events')
        .values({
          id: 'e1',
          request_id: 'r2',
          lamport: 3,
          node_id: 'cn-mps',
          actor: 'x',
          action: 'request_information',
          at: T + 4 * H,
          text: 'which account?',
          fields: null,
          attachment_id: null,
          applied: 1,
        })
        .execute();
      const figures = await h.node.requests.figures(CLI, {
        from: new Date(T - D).toISOString(),
        to: new Date(T + D).toISOString(),
      });
      const out = figures.rows.find((r) => r.direction === 'out' && r.type === 'all');
      expect(out).toEqual({
        direction: 'out',
        type: 'all',
        count: 5,
        acknowledged: 3,
        acknowledgeMedianMs: 2 * H,
        acknowledgeP90Ms: 3 * H,
        responded: 2,
        respondMedianMs: 17.5 * D,
        respondP90Ms: 25 * D,
        withinDeadlineShare: 0.25,
        completeFirstTimeShare: 0.8,
        moreInformationShare: 0.2,
      });
      expect(
        figures.rows.find((r) => r.direction === 'out' && r.type === 'subscriber_information'),
      ).toEqual({
        ...out,
        type: 'subscriber_information',
      });
      expect(figures.rows.find((r) => r.direction === 'in' && r.type === 'all')?.count).toBe(0);
    });

    it('the ping report matches the hand-computed values', async () => {
      const h = await makeNode({ dialect });
      handles.push(h);
      const db = h.node.store.db;
      const pings: [string, string, number | null][] = [
        ['x', 'Duty desk', 60 * S],
        ['x', 'Duty desk', 120 * S],
        ['x', 'Duty desk', null],
        ['y', 'Supervisor', 30 * S],
        ['y', 'Supervisor', 300 * S],
        ['z', 'Diplomatic desk', null],
      ];
      let i = 0;
      for (const [contact, name, after] of pings) {
        const sentAt = T + i * H;
        await db
          .insertInto('pings')
          .values({
            id: `p${i++}`,
            peer_id: 'cn-mps',
            direction: 'out',
            contact_id: contact,
            contact_name: name,
            sent_at: sentAt,
            acknowledged_at: after === null ? null : sentAt + after,
            acknowledged_by: after === null ? null : 'officer',
            scheduled: 0,
          })
          .execute();
      }
      const report = await h.node.pings.report(CLI, {});
      expect(report).toMatchObject({
        sent: 6,
        answered: 4,
        answeredShare: 4 / 6,
        medianMs: 90 * S,
        p90Ms: 300 * S,
        neverAnswered: [
          { peer: 'cn-mps', contactId: 'z', contactName: 'Diplomatic desk', sent: 1 },
        ],
      });
      expect(report.contacts.map((c) => [c.contactName, c.sent, c.answered, c.medianMs])).toEqual([
        ['Diplomatic desk', 1, 0, null],
        ['Duty desk', 3, 2, 90 * S],
        ['Supervisor', 2, 2, 165 * S],
      ]);
    });
  });
}
