import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ARRANGEMENT } from '../src/core/arrangements.js';
import { REQUEST_ACTIONS, REQUEST_FIELDS, REQUEST_TYPES } from '../src/core/requests.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';
import { insertPeerRow } from './harness/peers.js';

/**
 * Whatever a user sends to the contacts, arrangements, requests, pings, hotline, cases, imports
 * and TAXII admin routes, the answer
 * is never a 500 (property-based). The node has a peer (its row, with real keys; the peer is
 * not running, so messages wait in the outbox) and a draft, so the inputs reach the services.
 */
let h: NodeHandle;
let admin: Session;
let draftId = '';
let sentId = '';
let callId = '';
let caseId = '';
let objectId = '';

beforeAll(async () => {
  h = await makeNode({ nodeId: 'us-doj' });
  admin = await login(h.app, 'admin', h.admin.password);
  await insertPeerRow(h, {
    nodeId: 'cn-mps',
    url: 'http://127.0.0.1:9',
    name: 'China — Ministry of Public Security',
  });
  const db = h.node.store.db;
  await db.insertInto('stream_in').values({ peer_id: 'cn-mps', applied_seq: 0 }).execute();
  const draft = await call(h.app, admin, 'POST', '/api/requests', {
    peer: 'cn-mps',
    type: 'takedown',
    title: 'Draft',
  });
  draftId = draft.json().id as string;
  const sent = await call(h.app, admin, 'POST', '/api/requests', {
    peer: 'cn-mps',
    type: 'takedown',
    title: 'Sent',
    fields: {
      requesting_authority: 'a',
      reference_number: 'b',
      takedown_target: 'c',
      brief_facts: 'd',
    },
  });
  sentId = sent.json().id as string;
  expect((await call(h.app, admin, 'POST', `/api/requests/${sentId}/send`)).statusCode).toBe(200);
  // A case with a participant and an object, so object and sharing routes reach the service.
  const opened = await call(h.app, admin, 'POST', '/api/cases', { title: 'Fuzz', kind: 'fraud' });
  caseId = opened.json().id as string;
  await call(h.app, admin, 'POST', `/api/cases/${caseId}/participants`, { peer: 'cn-mps' });
  const added = await call(h.app, admin, 'POST', `/api/cases/${caseId}/objects`, {
    object: { type: 'ipv4-addr', value: '203.0.113.7' },
  });
  objectId = added.json().id as string;
  // A call from the peer, so acknowledging and resolving reach the service.
  callId = crypto.randomUUID();
  await h.node.store.transaction((trx, hooks) =>
    h.node.hotline.received(trx, hooks, 'cn-mps', {
      callId,
      tier: 'technical',
      priority: 'flash',
      subject: 'A call',
      text: '',
      requestId: null,
      requestReference: null,
      caseId: null,
      caller: 'Someone',
      createdAt: new Date().toISOString(),
      acknowledgeWithinMs: 300_000,
    }),
  );
}, 60_000);

afterAll(async () => {
  await h.destroy();
});

describe('the request routes', () => {
  it('never answer 500, whatever the input (property-based)', async () => {
    const text = fc.oneof(
      { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 300 }) },
      fc.constant(''),
      fc.integer(),
      fc.constant(null),
    );
    const bytes = fc.uint8Array({ maxLength: 64 });
    const attachment = fc.oneof(
      bytes.map((b) => ({
        name: 'f.bin',
        content: Buffer.from(b).toString('base64'),
        sha256: createHash('sha256').update(b).digest('hex'),
      })),
      fc.record(
        { name: text, content: fc.string(), sha256: fc.string(), mediaType: text },
        { requiredKeys: [] },
      ),
    );
    const fields = fc.dictionary(
      fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...REQUEST_FIELDS) },
        fc.string({ maxLength: 20 }),
      ),
      fc.oneof({ weight: 8, arbitrary: fc.string({ maxLength: 100 }) }, fc.boolean(), fc.integer()),
      { maxKeys: 6 },
    );
    const terms = fc.oneof(
      fc.jsonValue(),
      fc.constant(DEFAULT_ARRANGEMENT),
      fc
        .record({ percent: fc.integer(), amount: fc.integer(), unit: fc.string() })
        .map(({ percent, amount, unit }) => ({
          ...DEFAULT_ARRANGEMENT,
          dueSoonPercent: percent,
          requestTypes: {
            takedown: {
              allowed: true,
              requiredFields: ['brief_facts'],
              deadlines: { routine: { acknowledge: { amount, unit }, respond: { amount, unit } } },
              whenOverdue: 'notify',
            },
          },
        })),
    );
    const pick = <T extends Record<string, fc.Arbitrary<unknown>>>(shape: T) =>
      fc.record(shape, { requiredKeys: [] });
    const peer = fc.oneof(
      { weight: 6, arbitrary: fc.constant('cn-mps') },
      fc.constantFrom('us-doj', 'zz-none'),
      fc.string(),
    );
    const type = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...REQUEST_TYPES) }, fc.string());
    const urgency = fc.oneof(fc.constantFrom('routine', 'urgent', 'emergency'), fc.string());
    const contact = pick({
      name: text,
      kind: fc.constantFrom('person', 'desk', 'x'),
      roles: fc.array(fc.constantFrom('duty_24_7', 'technical', 'x'), { maxLength: 3 }),
      channels: fc.array(
        fc.record({ type: fc.constantFrom('email', 'phone', 'fax'), value: text }),
        { maxLength: 2 },
      ),
      languages: fc.array(fc.constantFrom('en', 'zh', ''), { maxLength: 2 }),
      workingHours: fc.record({
        days: fc.array(fc.constantFrom('mon', 'sun', 'xyz'), { maxLength: 3 }),
        start: fc.constantFrom('09:00', '25:00', ''),
        end: fc.constantFrom('17:00', 'x'),
        always: fc.boolean(),
      }),
      timeZone: fc.constantFrom('Asia/Shanghai', 'Mars/Base', ''),
      published: fc.oneof(fc.boolean(), fc.string()),
    });
    const bodies: Record<string, fc.Arbitrary<unknown>> = {
      '/api/requests': pick({ peer, type, urgency, title: text, fields }),
      '/api/requests/:draft': pick({ urgency, title: text, fields }),
      '/api/requests/:draft/send': fc.constant({}),
      '/api/requests/:sent/moves': pick({
        action: fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom(...REQUEST_ACTIONS) },
          fc.string(),
        ),
        text,
        fields,
        attachment,
      }),
      '/api/contacts': contact,
      '/api/contacts/:id': contact,
      '/api/arrangements/cn-mps': pick({ terms }),
      '/api/pings': pick({ peer, contacts: fc.array(fc.oneof(fc.uuid(), fc.string())) }),
      '/api/pings/schedule/:id': pick({ everyHours: fc.oneof(fc.integer(), fc.string()) }),
      '/api/hotline/calls': pick({
        peer,
        tier: fc.constantFrom('technical', 'formal_inquiry', 'senior', 'x'),
        priority: fc.constantFrom('routine', 'urgent', 'flash', 'x'),
        subject: text,
        text,
        requestId: fc.oneof(fc.constant(sentId), fc.constant(draftId), fc.uuid(), fc.string()),
        caseId: text,
      }),
      '/api/hotline/shifts': pick({
        tier: fc.constantFrom('technical', 'senior', 'x'),
        contactId: fc.oneof(fc.uuid(), fc.string()),
        days: fc.array(fc.constantFrom('mon', 'sun', 'xyz'), { maxLength: 3 }),
        start: fc.constantFrom('09:00', '25:00', '00:00', ''),
        end: fc.constantFrom('17:00', '00:00', 'x'),
        timeZone: fc.constantFrom('Asia/Shanghai', 'Mars/Base', ''),
        from: fc.constantFrom('2026-11-01', '2026-02-30', null, 'x'),
        until: fc.constantFrom('2026-10-01', null, 3),
        rotation: fc.oneof(
          fc.constant(null),
          fc.record({ everyWeeks: fc.integer(), week: fc.integer() }),
        ),
      }),
      '/api/hotline/ladder': pick({
        tiers: fc.oneof(
          fc.jsonValue(),
          fc.record({
            technical: fc.array(
              fc.record({
                targets: fc.array(
                  fc.oneof(
                    fc.constant({ kind: 'on_duty' }),
                    fc.record({ kind: fc.constant('contact'), contactId: fc.uuid() }),
                  ),
                  { maxLength: 2 },
                ),
                channels: fc.array(fc.constantFrom('browser', 'email', 'webhook', 'x'), {
                  maxLength: 3,
                }),
                webhooks: fc.array(fc.uuid(), { maxLength: 1 }),
              }),
              { maxLength: 2 },
            ),
          }),
        ),
        fallback: fc.jsonValue(),
      }),
      '/api/hotline/webhooks': pick({
        name: text,
        url: fc.oneof(fc.webUrl(), fc.string()),
        secret: text,
        enabled: fc.oneof(fc.boolean(), fc.string()),
      }),
      '/api/hotline/calls/:call/resolve': pick({ outcome: text }),
      '/api/cases': pick({
        title: text,
        summary: text,
        kind: fc.constantFrom('hacking', 'fraud', 'x'),
        priority: fc.constantFrom('low', 'critical', 'x'),
        priorityCase: fc.oneof(fc.boolean(), fc.string()),
      }),
      '/api/cases/:case/objects': pick({
        object: fc.oneof(
          fc.jsonValue(),
          fc.record(
            {
              type: fc.constantFrom(
                'indicator',
                'malware',
                'relationship',
                'opinion',
                'note',
                'ipv4-addr',
                'file',
                'x-custom',
              ),
              name: text,
              value: text,
              pattern: fc.oneof(fc.constant("[ipv4-addr:value = '1.2.3.4']"), text),
              pattern_type: fc.constantFrom('stix', 'x'),
              valid_from: fc.constantFrom('2026-01-01T00:00:00Z', 'x'),
              is_family: fc.oneof(fc.boolean(), text),
              source_ref: fc.oneof(fc.constant(objectId), fc.string()),
              target_ref: fc.oneof(fc.constant(objectId), fc.string()),
              relationship_type: text,
              object_refs: fc.array(fc.oneof(fc.constant(objectId), fc.string()), { maxLength: 2 }),
              opinion: fc.constantFrom('agree', 'x'),
              content: text,
              hashes: fc.dictionary(fc.constantFrom('SHA-256', 'MD5', 'x'), fc.string()),
              object_marking_refs: fc.array(fc.string(), { maxLength: 2 }),
              created_by_ref: fc.string(),
              id: fc.string(),
              modified: fc.string(),
            },
            { requiredKeys: ['type'] },
          ),
        ),
        tlp: fc.constantFrom('clear', 'green', 'amber', 'amber_strict', 'red', 'x'),
        redRecipients: fc.array(fc.oneof(fc.constant('cn-mps'), fc.string()), { maxLength: 2 }),
      }),
      '/api/cases/:case/share': pick({
        peer,
        objects: fc.array(fc.oneof(fc.constant(objectId), fc.string()), { maxLength: 2 }),
      }),
      '/api/cases/:case/objects/:object/marking': pick({
        tlp: fc.constantFrom('clear', 'red', 'x'),
        reason: text,
        redRecipients: fc.array(fc.string(), { maxLength: 2 }),
      }),
      '/api/cases/:case/objects/:object/feedback': pick({
        use: fc.constantFrom('blocked', 'x'),
        note: text,
      }),
      '/api/cases/:case/objects/:object': pick({ changes: fc.jsonValue() }),
      '/api/cases/:case/links': pick({
        kind: fc.constantFrom('request', 'call', 'x'),
        refId: fc.oneof(fc.constant(sentId), fc.uuid(), fc.string()),
      }),
      '/api/cases/:case/imports/url': pick({
        url: fc.oneof(fc.constant('http://127.0.0.1:9/feed.json'), fc.webUrl(), fc.string()),
        format: fc.constantFrom('stix', 'misp', 'x'),
        tlp: fc.constantFrom('amber', 'red', 'x'),
      }),
      '/api/taxii/collections': pick({
        title: text,
        description: text,
        caseId: fc.oneof(fc.constant(caseId), fc.constant(null), fc.uuid(), fc.string()),
        maxTlp: fc.constantFrom('clear', 'green', 'amber', 'amber_strict', 'red', 'x'),
        access: fc.array(
          fc.record({
            principal: fc.oneof(fc.constant('user:x'), fc.string()),
            canRead: fc.boolean(),
            canWrite: fc.oneof(fc.boolean(), fc.string()),
          }),
          { maxLength: 3 },
        ),
      }),
      '/api/taxii/subscriptions': pick({
        caseId: fc.oneof(fc.constant(caseId), fc.uuid(), fc.string()),
        url: fc.oneof(
          fc.constant('http://127.0.0.1:9/taxii2/api/collections/x/'),
          fc.webUrl(),
          fc.string(),
        ),
        auth: fc.oneof(
          fc.constant({ kind: 'none' }),
          fc.record({ kind: fc.constantFrom('bearer', 'basic', 'x'), token: text }),
        ),
        tlp: fc.constantFrom('amber', 'x'),
        intervalSeconds: fc.oneof(fc.integer(), fc.double()),
      }),
      '/api/requests/:sent/escalate': pick({
        tier: fc.constantFrom('technical', 'x'),
        priority: fc.constantFrom('flash', 'x'),
        text,
      }),
    };
    const route = fc.constantFrom<['GET' | 'POST' | 'PATCH' | 'PUT', string]>(
      ['POST', '/api/requests'],
      ['PATCH', '/api/requests/:draft'],
      ['POST', '/api/requests/:draft/send'],
      ['POST', '/api/requests/:sent/moves'],
      ['POST', '/api/requests/:id/moves'],
      ['GET', '/api/requests?open=:id&limit=:id'],
      ['GET', '/api/requests/figures?from=:id&to=2026-12-01T00:00:00Z'],
      ['POST', '/api/contacts'],
      ['PUT', '/api/contacts/:id'],
      ['POST', '/api/arrangements/cn-mps'],
      ['POST', '/api/arrangements/cn-mps/:id/accept'],
      ['POST', '/api/pings'],
      ['PUT', '/api/pings/schedule/:id'],
      ['GET', '/api/pings/report?from=:id'],
      ['POST', '/api/hotline/calls'],
      ['POST', '/api/hotline/shifts'],
      ['PUT', '/api/hotline/ladder'],
      ['POST', '/api/hotline/webhooks'],
      ['POST', '/api/hotline/calls/:call/resolve'],
      ['POST', '/api/hotline/calls/:call/acknowledge'],
      ['POST', '/api/hotline/calls/:id/seen'],
      ['POST', '/api/requests/:sent/escalate'],
      ['GET', '/api/hotline/coverage?from=:id&hours=:id'],
      ['GET', '/api/hotline/calls?open=:id&direction=:id'],
      ['GET', '/api/hotline/review?from=:id'],
      ['POST', '/api/cases'],
      ['POST', '/api/cases/:case/objects'],
      ['POST', '/api/cases/:case/share'],
      ['POST', '/api/cases/:case/objects/:object/marking'],
      ['POST', '/api/cases/:case/objects/:object/feedback'],
      ['PATCH', '/api/cases/:case/objects/:object'],
      ['POST', '/api/cases/:case/links'],
      ['GET', '/api/cases/search?q=:id'],
      ['GET', '/api/cases/lookup?value=:id'],
      ['GET', '/api/cases/:id'],
      ['GET', '/api/cases/:case/objects/:id/history'],
      ['GET', '/api/cases/report?from=:id'],
      ['GET', '/api/search?q=:id&limit=:id'],
      ['GET', '/api/stix/export?case=:id&type=:id'],
      ['GET', '/api/cases/:case/export?type=:id'],
      ['POST', '/api/cases/:case/imports/url'],
      ['GET', '/api/imports/:id'],
      ['GET', '/api/imports/:id/errors?after=:id&limit=:id'],
      ['POST', '/api/imports/:id/resume'],
      ['POST', '/api/taxii/collections'],
      ['PUT', '/api/taxii/collections/:id'],
      ['POST', '/api/taxii/subscriptions'],
      ['POST', '/api/taxii/subscriptions/:id/poll'],
    );
    await fc.assert(
      fc.asyncProperty(
        route.chain((r) =>
          fc.tuple(fc.constant(r), bodies[r[1]] ?? pick({ action: fc.string(), text })),
        ),
        fc.oneof(
          fc.constantFrom('cn-mps', 'true', '2026-11-01T00:00:00Z'),
          fc.string({ maxLength: 30 }),
        ),
        async ([[method, path], b], id) => {
          const url = path
            .replace(':draft', draftId)
            .replace(':sent', sentId)
            .replace(':call', callId)
            .replace(':case', caseId)
            .replace(':object', encodeURIComponent(objectId))
            .replaceAll(':id', encodeURIComponent(id));
          const r = await h.app.inject({
            method,
            url,
            headers: {
              cookie: admin.cookie,
              'x-csrf-token': admin.csrf,
              'content-type': 'application/json',
            },
            ...(method === 'GET' ? {} : { payload: JSON.stringify(b) }),
          });
          expect(r.statusCode, `${method} ${url} ${JSON.stringify(b)} → ${r.body}`).toBeLessThan(
            500,
          );
        },
      ),
      { numRuns: 800 },
    );
  }, 240_000);
});
