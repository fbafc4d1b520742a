import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/server/clock.js';
import { contact } from './harness/contacts.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';
import { peerUp } from './harness/peers.js';
import { PRESERVATION_FIELDS } from './harness/seed.js';
import { until } from './harness/wait.js';

/**
 * The measures tied to commitments (issue 18, acceptance 2): two nodes in this process over
 * loopback HTTP, on one controlled clock. The ping measure moves when cn-mps answers a ping
 * test, the requests measure when a request is fulfilled after its deadline; each change is
 * recorded as a reading, the daily reading fires when the clock passes a day, the history
 * pages, and both nodes read the same value. Bad input is a 4xx naming what is wrong.
 */
const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`measures on ${dialect}`, () => {
    const handles: NodeHandle[] = [];
    afterAll(async () => {
      for (const h of handles.reverse()) await h.destroy();
    });

    it('move with answered pings and late requests, and keep their history', async () => {
      const clock = new ManualClock(Date.parse('2026-12-01T02:00:00Z'));
      const us = await makeNode({ nodeId: 'us-doj', clock, timerPollMs: 50, dialect });
      handles.push(us);
      const cn = await makeNode({ nodeId: 'cn-mps', clock, timerPollMs: 50, dialect });
      handles.push(cn);
      await peerUp(us, cn, await us.node.listen(), await cn.node.listen());
      let adminUs = await login(us.app, 'admin', us.admin.password);
      let adminCn = await login(cn.app, 'admin', cn.admin.password);
      const value = async (node: NodeHandle, session: Session, key: string) => {
        const r = await call(node.app, session, 'GET', `/api/measures/${key}?peer=${peerOf(node)}`);
        expect(r.statusCode, r.body).toBe(200);
        return r.json<{ value: number | null }>().value;
      };

      // Nothing sent yet: no share to speak of.
      expect(await value(us, adminUs, 'pings.answered_share')).toBeNull();

      // A ping test of cn-mps's duty desk: sent, not answered (0), then answered (1).
      await contact(cn, adminCn, 'MPS duty desk', [{ type: 'phone', value: '+86 10 0000' }], {
        published: true,
      });
      await until(async () => {
        const r = await call(us.app, adminUs, 'GET', '/api/contacts?node=cn-mps');
        return (r.json<{ contacts: unknown[] }>().contacts ?? []).length > 0;
      }, 'cn-mps’s contact on us-doj');
      const sent = await call(us.app, adminUs, 'POST', '/api/pings', { peer: 'cn-mps' });
      expect(sent.statusCode, sent.body).toBe(201);
      const pingId = await until(async () => {
        const r = await call(cn.app, adminCn, 'GET', '/api/pings?direction=in');
        return r.json<{ pings: { id: string }[] }>().pings[0]?.id;
      }, 'the ping on cn-mps');
      expect(await value(us, adminUs, 'pings.answered_share')).toBe(0);
      clock.advance(60_000);
      const ack = await call(cn.app, adminCn, 'POST', `/api/pings/${pingId}/acknowledge`);
      expect(ack.statusCode, ack.body).toBe(200);
      await until(
        async () => (await value(us, adminUs, 'pings.answered_share')) === 1,
        'the answer counted on us-doj',
      );
      expect(await value(cn, adminCn, 'pings.answered_share')).toBe(1);

      // The readings as the value changed: null, 0, 1 (newest first), paged one at a time.
      // The first daily reading, taken when the measures were first read, may say null too.
      const readings: (number | null)[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/measures/pings.answered_share/history?peer=cn-mps&limit=1${
          cursor ? `&cursor=${cursor}` : ''
        }`;
        const page = await call(us.app, adminUs, 'GET', url);
        expect(page.statusCode, page.body).toBe(200);
        const body = page.json<{
          readings: { value: number | null }[];
          nextCursor: string | null;
        }>();
        readings.push(...body.readings.map((r) => r.value));
        cursor = body.nextCursor;
      } while (cursor);
      expect(readings.filter((v, i) => i === 0 || v !== readings[i - 1])).toEqual([1, 0, null]);

      // Requests answered on time: one fulfilled in time (1), one after its deadline (½).
      const request = async () => {
        const draft = await call(us.app, adminUs, 'POST', '/api/requests', {
          peer: 'cn-mps',
          type: 'preservation',
          urgency: 'urgent',
          title: 'Preserve logs',
          fields: PRESERVATION_FIELDS,
        });
        expect(draft.statusCode, draft.body).toBe(201);
        const id = draft.json<{ id: string }>().id;
        const send = await call(us.app, adminUs, 'POST', `/api/requests/${id}/send`);
        expect(send.statusCode, send.body).toBe(200);
        await until(
          async () =>
            (await call(cn.app, adminCn, 'GET', `/api/requests/${id}`)).statusCode === 200,
          'the request on cn-mps',
        );
        return id;
      };
      const move = async (id: string, action: string) => {
        const r = await call(cn.app, adminCn, 'POST', `/api/requests/${id}/moves`, { action });
        expect(r.statusCode, r.body).toBe(200);
      };
      const status = async (node: NodeHandle, session: Session, id: string) =>
        (await call(node.app, session, 'GET', `/api/requests/${id}`)).json<{ status: string }>()
          .status;
      const onTime = await request();
      await move(onTime, 'acknowledge');
      await move(onTime, 'fulfil');
      await until(async () => (await status(us, adminUs, onTime)) === 'fulfilled', 'fulfilled');
      expect(await value(us, adminUs, 'requests.on_time_share')).toBe(1);
      const late = await request();
      await move(late, 'acknowledge');
      clock.advance(5 * DAY);
      // Five days on, the sessions have expired: log in again.
      adminUs = await login(us.app, 'admin', us.admin.password);
      adminCn = await login(cn.app, 'admin', cn.admin.password);
      await move(late, 'fulfil');
      await until(async () => (await status(us, adminUs, late)) === 'fulfilled', 'fulfilled late');
      expect(await value(us, adminUs, 'requests.on_time_share')).toBe(0.5);
      expect(await value(cn, adminCn, 'requests.on_time_share')).toBe(0.5);

      // The clock passed a day: the daily reading of every measure was taken.
      await until(async () => {
        const r = await call(
          us.app,
          adminUs,
          'GET',
          '/api/measures/arrangement.in_force/history?peer=cn-mps',
        );
        return r
          .json<{ readings: { reason: string }[] }>()
          .readings.some((x) => x.reason === 'daily');
      }, 'the daily reading');
      const all = await call(us.app, adminUs, 'GET', '/api/measures?peer=cn-mps');
      expect(all.statusCode, all.body).toBe(200);
      const list = all.json<{
        measures: { key: string; unit: string; definition: { en: string; zh: string } }[];
      }>();
      expect(list.measures.map((m) => m.key)).toEqual([
        'pings.answered_share',
        'hotline.acknowledged_in_time_share',
        'arrangement.in_force',
        'requests.on_time_share',
        'sharing.objects_per_month',
        'sharing.feedback_given',
        'exercises.finished_with_aar',
      ]);
      expect(
        list.measures.every((m) => m.definition.en.length > 20 && m.definition.zh.length > 10),
      ).toBe(true);

      // Bad input: a 4xx that names what is wrong.
      const bad = async (url: string, status: number, code: string) => {
        const r = await call(us.app, adminUs, 'GET', url);
        expect([r.statusCode, r.json<{ error: { code: string } }>().error.code], url).toEqual([
          status,
          code,
        ]);
      };
      await bad('/api/measures/no.such?peer=cn-mps', 404, 'measure_not_found');
      await bad('/api/measures/pings.answered_share?peer=xx-none', 404, 'peer_not_found');
      await bad('/api/measures/pings.answered_share', 400, 'invalid_request');
      await bad(
        '/api/measures/pings.answered_share/history?peer=cn-mps&limit=0',
        400,
        'invalid_request',
      );
      await bad(
        '/api/measures/pings.answered_share/history?peer=cn-mps&cursor=zz',
        400,
        'invalid_cursor',
      );
      const period = 'from=2026-12-01T00:00:00Z&to=2026-12-31T00:00:00Z';
      await bad(`/api/status-report?peer=xx-none&${period}`, 404, 'peer_not_found');
      await bad(`/api/status-report?${period}`, 400, 'peer_required');
      await bad(
        '/api/status-report?peer=cn-mps&from=2026-12-31T00:00:00Z&to=2026-12-01T00:00:00Z',
        400,
        'invalid_period',
      );
      await bad(
        '/api/status-report?peer=cn-mps&from=yesterday&to=2026-12-01T00:00:00Z',
        400,
        'invalid_request',
      );
      await bad(`/api/status-report?dialogue=none&${period}`, 404, 'dialogue_not_found');
      await bad(`/api/status-report.docx?peer=cn-mps&lang=fr&${period}`, 400, 'invalid_request');
    }, 120_000);
  });
}

function peerOf(node: NodeHandle): string {
  return node.node.config.node.id === 'us-doj' ? 'cn-mps' : 'us-doj';
}
