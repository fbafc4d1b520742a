import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  login,
  makeNode,
  type NodeHandle,
  type Session,
} from '../../../../test/harness/node.js';
import { contact } from '../../../../test/harness/contacts.js';

/** The hotline's set-up on one node: the roster's coverage, and refusals of bad input. */
let node: NodeHandle;
let admin: Session;
let analyst: Session;
let observer: Session;

beforeAll(async () => {
  node = await makeNode({ nodeId: 'us-doj' });
  admin = await login(node.app, 'admin', node.admin.password);
  const a = await node.createUser('analyst.ann', ['analyst']);
  const o = await node.createUser('observer.oz', ['observer']);
  analyst = await login(node.app, a.username, a.password);
  observer = await login(node.app, o.username, o.password);
});
afterAll(async () => node.destroy());

const ALL = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

describe('the roster and its coverage', () => {
  it('shows the gap a daylight-saving change opens, in the contacts own zones (acceptance 5)', async () => {
    const ny = await contact(node, admin, 'Washington desk', [], {
      kind: 'desk',
      timeZone: 'America/New_York',
    });
    const sh = await contact(node, admin, 'Beijing liaison', [], {
      kind: 'desk',
      timeZone: 'Asia/Shanghai',
    });
    for (const [contactId, start, end] of [
      [ny, '08:00', '20:00'],
      [sh, '09:00', '21:00'],
    ]) {
      const r = await call(node.app, admin, 'POST', '/api/hotline/shifts', {
        tier: 'technical',
        contactId,
        days: ALL,
        start,
        end,
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    const shifts = (await call(node.app, admin, 'GET', '/api/hotline/shifts')).json().shifts;
    expect(
      shifts.map((s: { contactName: string; timeZone: string }) => [s.contactName, s.timeZone]),
    ).toEqual([
      ['Washington desk', 'America/New_York'],
      ['Beijing liaison', 'Asia/Shanghai'],
    ]);
    const r = await call(
      node.app,
      admin,
      'GET',
      '/api/hotline/coverage?from=2026-03-06T00:00:00Z&hours=96',
    );
    expect(r.statusCode, r.body).toBe(200);
    const technical = r.json().tiers.technical;
    expect(technical.gaps).toEqual([
      { from: '2026-03-09T00:00:00.000Z', to: '2026-03-09T01:00:00.000Z' },
    ]);
    expect(technical.hours).toHaveLength(96);
    const at = (iso: string): unknown => technical.hours.find((h: any) => h.start === iso);
    expect(at('2026-03-08T00:00:00.000Z')).toMatchObject({
      covered: true,
      people: [{ name: 'Washington desk' }],
    });
    expect(at('2026-03-09T00:00:00.000Z')).toMatchObject({ covered: false, people: [] });
    // Tiers whose rung 1 has nobody on the roster are a gap from end to end.
    expect(r.json().tiers.senior.gaps).toEqual([
      { from: '2026-03-06T00:00:00.000Z', to: '2026-03-10T00:00:00.000Z' },
    ]);
    // Names are for the node's supervisors only.
    const denied = await call(node.app, analyst, 'GET', '/api/hotline/coverage');
    expect(denied.statusCode).toBe(403);
  });
});

describe('bad input is refused with a clear 4xx and changes nothing', () => {
  it('refuses shifts, ladders, webhooks and calls that make no sense', async () => {
    const before = (await call(node.app, admin, 'GET', '/api/hotline/shifts')).json().shifts;
    const cases: [Session, 'POST' | 'PUT' | 'DELETE', string, unknown, number, string][] = [
      [
        admin,
        'POST',
        '/api/hotline/shifts',
        {
          tier: 'technical',
          contactId: crypto.randomUUID(),
          days: ['mon'],
          start: '08:00',
          end: '16:00',
        },
        404,
        'contact_not_found',
      ],
      [
        admin,
        'POST',
        '/api/hotline/shifts',
        {
          tier: 'technical',
          contactId: crypto.randomUUID(),
          days: ['mon'],
          start: '8am',
          end: '16:00',
        },
        400,
        'invalid_request',
      ],
      [
        admin,
        'POST',
        '/api/hotline/shifts',
        {
          tier: 'night',
          contactId: crypto.randomUUID(),
          days: ['mon'],
          start: '08:00',
          end: '16:00',
        },
        400,
        'invalid_request',
      ],
      [
        analyst,
        'POST',
        '/api/hotline/shifts',
        {
          tier: 'technical',
          contactId: crypto.randomUUID(),
          days: ['mon'],
          start: '08:00',
          end: '16:00',
        },
        403,
        'forbidden',
      ],
      [
        admin,
        'DELETE',
        `/api/hotline/shifts/${crypto.randomUUID()}`,
        undefined,
        404,
        'shift_not_found',
      ],
      [
        admin,
        'PUT',
        '/api/hotline/ladder',
        {
          tiers: {
            technical: [
              {
                targets: [{ kind: 'contact', contactId: crypto.randomUUID() }],
                channels: ['browser'],
              },
            ],
            formal_inquiry: [{ targets: [{ kind: 'on_duty' }], channels: ['browser'] }],
            senior: [{ targets: [{ kind: 'on_duty' }], channels: ['browser'] }],
          },
          fallback: { targets: [], channels: [] },
        },
        404,
        'contact_not_found',
      ],
      [
        admin,
        'PUT',
        '/api/hotline/ladder',
        {
          tiers: { technical: [], formal_inquiry: [], senior: [] },
          fallback: { targets: [], channels: [] },
        },
        400,
        'invalid_request',
      ],
      [
        admin,
        'POST',
        '/api/hotline/webhooks',
        { name: 'Pager', url: 'ftp://pager.example', secret: 'a'.repeat(20) },
        400,
        'invalid_request',
      ],
      [
        admin,
        'POST',
        '/api/hotline/webhooks',
        { name: 'Pager', url: 'https://pager.example', secret: 'short' },
        400,
        'invalid_request',
      ],
      [
        analyst,
        'POST',
        '/api/hotline/webhooks',
        { name: 'Pager', url: 'https://pager.example', secret: 'a'.repeat(20) },
        403,
        'forbidden',
      ],
      [
        admin,
        'POST',
        '/api/hotline/calls',
        { peer: 'cn-mps', tier: 'technical', priority: 'flash', subject: 'x' },
        404,
        'peer_not_found',
      ],
      [
        admin,
        'POST',
        '/api/hotline/calls',
        { peer: 'cn-mps', tier: 'technical', priority: 'immediate', subject: 'x' },
        400,
        'invalid_request',
      ],
      [
        observer,
        'POST',
        '/api/hotline/calls',
        { peer: 'cn-mps', tier: 'technical', priority: 'flash', subject: 'x' },
        403,
        'forbidden',
      ],
      [
        admin,
        'POST',
        `/api/hotline/calls/${crypto.randomUUID()}/acknowledge`,
        undefined,
        404,
        'call_not_found',
      ],
      [
        analyst,
        'POST',
        `/api/hotline/calls/${crypto.randomUUID()}/acknowledge`,
        undefined,
        403,
        'forbidden',
      ],
      [
        admin,
        'POST',
        `/api/hotline/calls/${crypto.randomUUID()}/resolve`,
        { outcome: '' },
        400,
        'invalid_request',
      ],
      [
        admin,
        'POST',
        `/api/requests/${crypto.randomUUID()}/escalate`,
        {},
        404,
        'request_not_found',
      ],
    ];
    for (const [session, method, url, body, status, code] of cases) {
      const r = await call(node.app, session, method, url, body);
      expect(
        [r.statusCode, r.json().error?.code],
        `${method} ${url} ${JSON.stringify(body)}`,
      ).toEqual([status, code]);
      expect(r.json().error.message.length).toBeGreaterThan(10);
    }
    expect((await call(node.app, admin, 'GET', '/api/hotline/shifts')).json().shifts).toEqual(
      before,
    );
    expect((await call(node.app, admin, 'GET', '/api/hotline/webhooks')).json().webhooks).toEqual(
      [],
    );
    expect((await call(node.app, admin, 'GET', '/api/hotline/calls')).json().calls).toEqual([]);
    const ladder = (await call(node.app, admin, 'GET', '/api/hotline/ladder')).json();
    expect(ladder.tiers.technical).toEqual([
      { targets: [{ kind: 'on_duty' }], channels: ['browser', 'email'], webhooks: [] },
    ]);
  });

  it('keeps a webhook the ladder uses, and never shows its secret', async () => {
    const hook = await call(node.app, admin, 'POST', '/api/hotline/webhooks', {
      name: 'SMS gateway',
      url: 'https://sms.example.gov/hook',
      secret: 'a-very-long-shared-secret',
    });
    expect(hook.statusCode).toBe(201);
    const id = hook.json().id as string;
    const rung = { targets: [{ kind: 'on_duty' }], channels: ['webhook'], webhooks: [id] };
    const set = await call(node.app, admin, 'PUT', '/api/hotline/ladder', {
      tiers: { technical: [rung], formal_inquiry: [rung], senior: [rung] },
      fallback: { targets: [], channels: [] },
    });
    expect(set.statusCode, set.body).toBe(200);
    const removal = await call(node.app, admin, 'DELETE', `/api/hotline/webhooks/${id}`);
    expect(removal.statusCode).toBe(409);
    expect(removal.json().error.code).toBe('webhook_in_use');
    const list = await call(node.app, admin, 'GET', '/api/hotline/webhooks');
    expect(JSON.stringify(list.json())).not.toContain('a-very-long-shared-secret');
    const audit = await node.node.store.db.selectFrom('audit_log').selectAll().execute();
    expect(JSON.stringify(audit)).not.toContain('a-very-long-shared-secret');
  });
});
