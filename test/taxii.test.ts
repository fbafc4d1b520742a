import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TLP_LEVELS, type TlpLevel } from '../src/core/tlp-rules.js';
import { withTlp } from '../src/core/stix/tlp.js';
import { openCase } from './harness/cases.js';
import { dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';
import { indicator } from './harness/stix-feed.js';
import { validateStix } from './harness/stix-schemas.js';
import { encodeNext } from '../src/server/features/taxii/taxii.media.js';
import { envelope as envelopeOf } from '../src/server/features/taxii/taxii.present.js';

/**
 * TAXII 2.1 (issue 7, acceptance 3 and 4): every endpoint and filter and the error
 * statuses; paging while objects are added returns each exactly once; cn-mps subscribes to a
 * us-doj collection over real HTTP and receives exactly what the marking allows.
 */
const TAXII = 'application/taxii+json;version=2.1';
const SYSTEM = { kind: 'system', reason: 'test' } as const;

let a: NodeHandle; // us-doj: serves the collections
let b: NodeHandle; // cn-mps: subscribes
let adminA: Session;
let adminB: Session;
let urlA: string;
let feedToken: string; // an analyst's token, granted read (write through its user)
let feedUserId: string;
let watcher: { id: string; username: string; password: string }; // an observer: CLEAR and GREEN only
let strangerToken: string; // an analyst granted nothing
let caseX: string;
let caseY: string;
let everyCase: string; // collection over every case, up to GREEN
let collectionX: string; // case X, up to AMBER

type Stix = Record<string, unknown>;

function marked(n: number, level: TlpLevel, extra: Stix = {}): Stix {
  return withTlp(indicator(n, { name: `${level} indicator ${n}`, ...extra }), level);
}

async function store(caseId: string, objects: Stix[]): Promise<void> {
  const { failures } = await a.node.imports.importObjects(
    SYSTEM,
    { caseId, tlp: 'amber', label: 'test' },
    objects,
  );
  expect(failures).toEqual([]);
}

function basic(user: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
}

function taxii(
  app: FastifyInstance,
  auth: string | undefined,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  options: { accept?: string; contentType?: string; body?: unknown } = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: {
      accept: options.accept ?? TAXII,
      ...(auth ? { authorization: auth } : {}),
      ...(options.body !== undefined ? { 'content-type': options.contentType ?? TAXII } : {}),
    },
    ...(options.body !== undefined ? { payload: JSON.stringify(options.body) } : {}),
  });
}

interface Envelope {
  more: boolean;
  next?: string;
  objects?: Stix[];
}

async function envelope(
  auth: string,
  url: string,
): Promise<{ body: Envelope; response: LightMyRequestResponse }> {
  const response = await taxii(a.app, auth, 'GET', url);
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toBe(TAXII);
  return { body: response.json<Envelope>(), response };
}

const objectsUrl = (collection: string, query = '') =>
  `/taxii2/api/collections/${collection}/objects/${query}`;

function idsOf(body: Envelope): string[] {
  return (body.objects ?? []).map((o) => String(o['id']));
}

beforeAll(async () => {
  a = await makeNode({
    nodeId: 'us-doj',
    dialect: dialectAvailable('postgres') ? 'postgres' : 'sqlite',
  });
  b = await makeNode({ nodeId: 'cn-mps' });
  urlA = await a.node.listen();
  adminA = await login(a.app, 'admin', a.admin.password);
  adminB = await login(b.app, 'admin', b.admin.password);
  const cli = { kind: 'cli', osUser: 'test' } as const;
  const feed = await a.createUser('feed', ['analyst']);
  feedUserId = feed.id;
  watcher = await a.createUser('watcher', ['observer']);
  const stranger = await a.createUser('stranger', ['analyst']);
  feedToken = `Bearer ${(await a.node.accounts.createToken(cli, { name: 'SOC', roles: ['analyst'] }, feed.id)).secret}`;
  strangerToken = `Bearer ${(await a.node.accounts.createToken(cli, { name: 'other', roles: ['analyst'] }, stranger.id)).secret}`;
  caseX = await openCase(a, adminA, 'Botnet C2');
  caseY = await openCase(a, adminA, 'Ransomware affiliates');
  // One indicator per marking in case X, an unmarked observable (stored AMBER), one in Y.
  await store(
    caseX,
    TLP_LEVELS.map((level, i) => marked(i + 1, level)),
  );
  await store(caseX, [
    {
      type: 'ipv4-addr',
      spec_version: '2.1',
      id: 'ipv4-addr--ff0f6b1e-1f0c-5f6b-8a6e-1d8f0b1e2c3d',
      value: '203.0.113.7',
    },
  ]);
  await store(caseY, [marked(20, 'green')]);
  const collection = async (body: Stix) => {
    const r = await call(a.app, adminA, 'POST', '/api/taxii/collections', body);
    expect(r.statusCode, r.body).toBe(201);
    return r.json<{ id: string }>().id;
  };
  collectionX = await collection({
    title: 'Botnet C2 indicators',
    caseId: caseX,
    maxTlp: 'amber',
    access: [
      { principal: `user:${feed.id}`, canRead: true, canWrite: true },
      { principal: `user:${watcher.id}`, canRead: true, canWrite: false },
    ],
  });
  everyCase = await collection({
    title: 'Everything GREEN',
    caseId: null,
    maxTlp: 'green',
    access: [{ principal: `user:${watcher.id}`, canRead: true, canWrite: false }],
  });
}, 90_000);

afterAll(async () => {
  for (const n of [a, b]) await n?.destroy();
});

describe('TAXII 2.1 endpoints', () => {
  it('discovery, API root and the collections each caller may use', async () => {
    const discovery = await taxii(a.app, basic(watcher), 'GET', '/taxii2/');
    expect(discovery.statusCode, discovery.body).toBe(200);
    expect(discovery.headers['content-type']).toBe(TAXII);
    const root = discovery.json<{ default: string; api_roots: string[] }>();
    expect(root.api_roots).toEqual([`${a.node.publicUrl}/taxii2/api/`]);
    const api = await taxii(a.app, feedToken, 'GET', '/taxii2/api/');
    expect(api.json<{ versions: string[] }>().versions).toEqual([TAXII]);
    expect(api.json<{ max_content_length: number }>().max_content_length).toBeGreaterThan(0);

    const forFeed = (await taxii(a.app, feedToken, 'GET', '/taxii2/api/collections/')).json<{
      collections: Stix[];
    }>();
    expect(forFeed.collections).toEqual([
      {
        id: collectionX,
        title: 'Botnet C2 indicators',
        can_read: true,
        can_write: true,
        media_types: ['application/stix+json;version=2.1'],
      },
    ]);
    const forWatcher = (
      await taxii(a.app, basic(watcher), 'GET', '/taxii2/api/collections/')
    ).json<{
      collections: Stix[];
    }>();
    // By title: "Botnet C2 indicators", then "Everything GREEN".
    expect(forWatcher.collections.map((c) => [c['id'], c['can_read'], c['can_write']])).toEqual([
      [collectionX, true, false],
      [everyCase, true, false],
    ]);
    const stranger = await taxii(a.app, strangerToken, 'GET', '/taxii2/api/collections/');
    expect(stranger.json()).toEqual({});
    // The admin picks tokens of every user for a collection's rights; others may not list them.
    const tokens = await call(a.app, adminA, 'GET', '/api/tokens?all=true');
    expect(
      tokens
        .json<{ tokens: { name: string }[] }>()
        .tokens.map((t) => t.name)
        .sort(),
    ).toEqual(['SOC', 'other']);
    const notAdmin = await login(a.app, watcher.username, watcher.password);
    expect((await call(a.app, notAdmin, 'GET', '/api/tokens?all=true')).statusCode).toBe(403);
    const one = await taxii(a.app, basic(watcher), 'GET', `/taxii2/api/collections/${everyCase}/`);
    expect(one.json<Stix>()['title']).toBe('Everything GREEN');
  });

  it('objects: exactly what the collection and the caller’s clearance allow, never RED', async () => {
    const feed = await envelope(feedToken, objectsUrl(collectionX));
    expect(idsOf(feed.body).sort()).toEqual(
      [
        String(indicator(1)['id']),
        String(indicator(2)['id']),
        String(indicator(3)['id']),
        'ipv4-addr--ff0f6b1e-1f0c-5f6b-8a6e-1d8f0b1e2c3d',
      ].sort(),
    );
    expect(feed.body.more).toBe(false);
    for (const object of feed.body.objects ?? []) expect(validateStix(object)).toEqual([]);
    const observer = await envelope(basic(watcher), objectsUrl(collectionX));
    expect(idsOf(observer.body).sort()).toEqual(
      [String(indicator(1)['id']), String(indicator(2)['id'])].sort(),
    );
    const wide = await envelope(basic(watcher), objectsUrl(everyCase));
    expect(idsOf(wide.body).sort()).toEqual(
      [String(indicator(1)['id']), String(indicator(2)['id']), String(indicator(20)['id'])].sort(),
    );
  });

  it('pages with limit and next, with correct date-added headers; added_after, match[id], match[type], match[spec_version]', async () => {
    const manifest = await envelope(feedToken, `/taxii2/api/collections/${collectionX}/manifest/`);
    const entries = (manifest.body.objects ?? []) as {
      id: string;
      date_added: string;
      version: string;
      media_type: string;
    }[];
    expect(entries).toHaveLength(4);
    for (const entry of entries) {
      expect(entry.media_type).toBe('application/stix+json;version=2.1');
      expect(entry.date_added).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    }
    const dates = entries.map((e) => e.date_added);
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(dates).size).toBe(dates.length);
    expect(manifest.response.headers['x-taxii-date-added-first']).toBe(dates[0]);
    expect(manifest.response.headers['x-taxii-date-added-last']).toBe(dates[3]);

    const seen: string[] = [];
    let url = objectsUrl(collectionX, '?limit=3');
    for (let pages = 0; pages < 10; pages++) {
      const page = await envelope(feedToken, url);
      seen.push(...idsOf(page.body));
      const ids = idsOf(page.body);
      const first = entries.find((e) => e.id === ids[0]);
      const last = entries.find((e) => e.id === ids[ids.length - 1]);
      expect(page.response.headers['x-taxii-date-added-first']).toBe(first?.date_added);
      expect(page.response.headers['x-taxii-date-added-last']).toBe(last?.date_added);
      if (!page.body.more) {
        expect(page.body.next).toBeUndefined();
        break;
      }
      url = objectsUrl(collectionX, `?limit=3&next=${page.body.next ?? ''}`);
    }
    expect(seen).toEqual(entries.map((e) => e.id));

    const after = await envelope(
      feedToken,
      objectsUrl(collectionX, `?added_after=${dates[1] ?? ''}`),
    );
    expect(idsOf(after.body)).toEqual(entries.slice(2).map((e) => e.id));
    const byId = await envelope(
      feedToken,
      objectsUrl(collectionX, `?match[id]=${entries[1]?.id ?? ''},${String(indicator(5)['id'])}`),
    );
    expect(idsOf(byId.body)).toEqual([entries[1]?.id]); // RED stays out even when named
    const byType = await envelope(feedToken, objectsUrl(collectionX, '?match[type]=ipv4-addr'));
    expect(idsOf(byType.body)).toEqual(['ipv4-addr--ff0f6b1e-1f0c-5f6b-8a6e-1d8f0b1e2c3d']);
    const old = await envelope(feedToken, objectsUrl(collectionX, '?match[spec_version]=2.0'));
    expect(old.body).toEqual({ more: false });
    expect(old.response.headers['x-taxii-date-added-first']).toBeUndefined();
    const current = await envelope(
      feedToken,
      objectsUrl(collectionX, '?match[spec_version]=2.0,2.1'),
    );
    expect(idsOf(current.body)).toHaveLength(4);
  });

  it('versions: last by default, first, all, a given one; the versions and object endpoints', async () => {
    const id = String(indicator(1)['id']);
    await store(caseX, [
      marked(1, 'clear', { modified: '2026-11-20T00:00:00.000Z', name: 'renamed' }),
    ]);
    const objectUrl = `/taxii2/api/collections/${collectionX}/objects/${id}/`;
    const latest = await envelope(feedToken, objectUrl);
    expect((latest.body.objects ?? []).map((o) => o['modified'])).toEqual([
      '2026-11-20T00:00:00.000Z',
    ]);
    const first = await envelope(feedToken, `${objectUrl}?match[version]=first`);
    expect((first.body.objects ?? []).map((o) => o['modified'])).toEqual([
      '2026-11-01T00:00:00.000Z',
    ]);
    const all = await envelope(feedToken, `${objectUrl}?match[version]=all`);
    expect((all.body.objects ?? []).map((o) => o['modified'])).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-11-20T00:00:00.000Z',
    ]);
    const given = await envelope(feedToken, `${objectUrl}?match[version]=2026-11-01T00:00:00.000Z`);
    expect((given.body.objects ?? []).map((o) => o['name'])).toEqual([
      indicator(1)['name'] === undefined ? '' : 'clear indicator 1',
    ]);
    const versions = await envelope(feedToken, `${objectUrl}versions/`);
    expect((versions.body as unknown as { versions: string[] }).versions).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-11-20T00:00:00.000Z',
    ]);
    // The collection's objects show the new version once, at its new place.
    const listed = await envelope(feedToken, objectsUrl(collectionX));
    expect(idsOf(listed.body).filter((x) => x === id)).toHaveLength(1);
    expect(idsOf(listed.body)[idsOf(listed.body).length - 1]).toBe(id);
  });

  it('adds objects with a status resource, and deletes versions and objects', async () => {
    const good = [marked(30, 'green'), marked(31, 'amber')];
    const bad = { ...indicator(32), pattern_type: undefined, valid_from: 'soon' };
    const added = await taxii(a.app, feedToken, 'POST', objectsUrl(collectionX), {
      body: { objects: [...good, bad] },
    });
    expect(added.statusCode, added.body).toBe(202);
    expect(added.headers['content-type']).toBe(TAXII);
    const status = added.json<{
      id: string;
      status: string;
      total_count: number;
      success_count: number;
      failure_count: number;
      pending_count: number;
      successes: { id: string }[];
      failures: { id: string; message: string }[];
    }>();
    expect(status).toMatchObject({
      status: 'complete',
      total_count: 3,
      success_count: 2,
      failure_count: 1,
      pending_count: 0,
    });
    expect(status.successes.map((s) => s.id)).toEqual(good.map((o) => o['id']));
    expect(status.failures[0]?.id).toBe(indicator(32)['id']);
    expect(status.failures[0]?.message).toMatch(/valid_from/);
    const again = await taxii(a.app, feedToken, 'GET', `/taxii2/api/status/${status.id}/`);
    expect(again.json()).toEqual(status);
    const now = await envelope(
      feedToken,
      objectsUrl(collectionX, '?match[id]=' + good.map((o) => String(o['id'])).join(',')),
    );
    expect(idsOf(now.body)).toEqual(good.map((o) => o['id']));

    const id = String(indicator(1)['id']);
    const objectUrl = `/taxii2/api/collections/${collectionX}/objects/${id}/`;
    const removeOld = await taxii(a.app, feedToken, 'DELETE', `${objectUrl}?match[version]=first`);
    expect(removeOld.statusCode, removeOld.body).toBe(200);
    const left = await envelope(feedToken, `${objectUrl}versions/`);
    expect((left.body as unknown as { versions: string[] }).versions).toEqual([
      '2026-11-20T00:00:00.000Z',
    ]);
    const removeAll = await taxii(a.app, feedToken, 'DELETE', objectUrl);
    expect(removeAll.statusCode, removeAll.body).toBe(200);
    const gone = await taxii(a.app, feedToken, 'GET', objectUrl);
    expect(gone.statusCode).toBe(404);
  });

  it('answers bad requests with the right status and a TAXII error message', async () => {
    const cases: [string, Promise<LightMyRequestResponse>, number][] = [
      ['no credentials', taxii(a.app, undefined, 'GET', '/taxii2/'), 401],
      [
        'wrong password',
        taxii(a.app, basic({ ...watcher, password: 'nope' }), 'GET', '/taxii2/'),
        401,
      ],
      ['unknown token', taxii(a.app, 'Bearer lsn_nothing.nothing', 'GET', '/taxii2/'), 401],
      [
        'JSON asked for',
        taxii(a.app, feedToken, 'GET', '/taxii2/', { accept: 'application/json' }),
        406,
      ],
      [
        'TAXII 2.0 asked for',
        taxii(a.app, feedToken, 'GET', objectsUrl(collectionX), {
          accept: 'application/taxii+json;version=2.0',
        }),
        406,
      ],
      [
        'JSON sent',
        taxii(a.app, feedToken, 'POST', objectsUrl(collectionX), {
          body: { objects: [indicator(40)] },
          contentType: 'application/json',
        }),
        415,
      ],
      ['limit 0', taxii(a.app, feedToken, 'GET', objectsUrl(collectionX, '?limit=0')), 400],
      [
        'a made-up cursor',
        taxii(a.app, feedToken, 'GET', objectsUrl(collectionX, '?next=abc')),
        400,
      ],
      [
        'added_after not a time',
        taxii(a.app, feedToken, 'GET', objectsUrl(collectionX, '?added_after=yesterday')),
        400,
      ],
      [
        'match[version] not a time',
        taxii(a.app, feedToken, 'GET', objectsUrl(collectionX, '?match[version]=latest')),
        400,
      ],
      [
        'unknown collection',
        taxii(a.app, feedToken, 'GET', objectsUrl('0c2a7e21-5d4c-4c3c-9e42-0f1b2f3c4d5e')),
        404,
      ],
      ['collection not granted', taxii(a.app, strangerToken, 'GET', objectsUrl(collectionX)), 404],
      [
        'write without the right',
        taxii(a.app, basic(watcher), 'POST', objectsUrl(collectionX), {
          body: { objects: [indicator(41)] },
        }),
        403,
      ],
      [
        'write to every case',
        taxii(a.app, basic(watcher), 'POST', objectsUrl(everyCase), {
          body: { objects: [indicator(41)] },
        }),
        403,
      ],
      [
        'not an envelope',
        taxii(a.app, feedToken, 'POST', objectsUrl(collectionX), { body: [indicator(42)] }),
        422,
      ],
      [
        'unknown object',
        taxii(
          a.app,
          feedToken,
          'GET',
          `/taxii2/api/collections/${collectionX}/objects/indicator--0c2a7e21-5d4c-4c3c-9e42-0f1b2f3c4d5e/`,
        ),
        404,
      ],
      [
        'RED object',
        taxii(
          a.app,
          feedToken,
          'GET',
          `/taxii2/api/collections/${collectionX}/objects/${String(indicator(5)['id'])}/`,
        ),
        404,
      ],
      [
        'unknown status',
        taxii(a.app, feedToken, 'GET', '/taxii2/api/status/0c2a7e21-5d4c-4c3c-9e42-0f1b2f3c4d5e/'),
        404,
      ],
      ['a status id no server gives', taxii(a.app, feedToken, 'GET', '/taxii2/api/status/x/'), 404],
      ['unknown API root', taxii(a.app, feedToken, 'GET', '/taxii2/nosuch/'), 404],
      [
        'collections of an unknown API root',
        taxii(a.app, feedToken, 'GET', '/taxii2/nosuch/collections/'),
        404,
      ],
      [
        'objects of an unknown API root',
        taxii(a.app, feedToken, 'GET', `/taxii2/nosuch/collections/${collectionX}/objects/`),
        404,
      ],
      [
        'adding under an unknown API root',
        taxii(a.app, feedToken, 'POST', `/taxii2/nosuch/collections/${collectionX}/objects/`, {
          body: { objects: [indicator(43)] },
        }),
        404,
      ],
      ['unknown API root, unauthenticated', taxii(a.app, undefined, 'GET', '/taxii2/nosuch/'), 404],
      [
        'a long made-up collection id',
        taxii(a.app, feedToken, 'GET', objectsUrl('x'.repeat(100))),
        404,
      ],
    ];
    for (const [what, pending, expected] of cases) {
      const response = await pending;
      expect(response.statusCode, `${what}: ${response.body}`).toBe(expected);
      expect(response.headers['content-type'], what).toBe(TAXII);
      const error = response.json<{ title: string; description: string; http_status: string }>();
      expect(error.http_status, what).toBe(String(expected));
      expect(error.title.length, what).toBeGreaterThan(3);
      expect(error.description.length, what).toBeGreaterThan(10);
      if (expected === 415) expect(error.description, what).toContain(TAXII);
      if (expected === 401) {
        expect(response.headers['www-authenticate'], what).toMatch(/^Basic realm=/);
      }
    }
  });
});

describe('TAXII credentials and grants, remembered a few seconds', () => {
  it('refuses at once a revoked token, a disabled user and a withdrawn grant', async () => {
    const reader = await a.createUser('reader', ['analyst']);
    const cli = { kind: 'cli', osUser: 'test' } as const;
    const made = await a.node.accounts.createToken(
      cli,
      { name: 'soon revoked', roles: ['analyst'] },
      reader.id,
    );
    const token = `Bearer ${made.secret}`;
    const grant = (canRead: boolean) =>
      call(a.app, adminA, 'PUT', `/api/taxii/collections/${collectionX}`, {
        title: 'Botnet C2 indicators',
        caseId: caseX,
        maxTlp: 'amber',
        access: [
          { principal: `user:${reader.id}`, canRead, canWrite: false },
          ...[feedUserId, watcher.id].map((id) => ({
            principal: `user:${id}`,
            canRead: true,
            canWrite: id === feedUserId,
          })),
        ],
      });
    expect((await grant(true)).statusCode).toBe(200);
    const page = () => taxii(a.app, token, 'GET', objectsUrl(collectionX));
    expect((await page()).statusCode).toBe(200);
    expect((await page()).statusCode).toBe(200);
    expect((await grant(false)).statusCode).toBe(200);
    expect((await page()).statusCode).toBe(404);
    expect((await grant(true)).statusCode).toBe(200);
    expect((await page()).statusCode).toBe(200);
    await a.node.accounts.revokeToken(cli, made.token.id);
    const revoked = await page();
    expect(revoked.statusCode, revoked.body).toBe(401);

    const password = basic(reader);
    expect((await taxii(a.app, password, 'GET', objectsUrl(collectionX))).statusCode).toBe(200);
    await a.node.accounts.updateUser(cli, reader.id, { disabled: true });
    expect((await taxii(a.app, password, 'GET', objectsUrl(collectionX))).statusCode).toBe(401);
  });
});

describe('TAXII under arbitrary input', () => {
  it('never answers 500, whatever the filters, ids, media types and bodies', async () => {
    const auth = basic({ username: 'admin', password: a.admin.password });
    const param = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('2026-11-01T00:00:00.000Z', 'last', 'first,all', '0', '-1', '1e9', 'djE6MQ'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          `/taxii2/api/collections/${collectionX}/objects/`,
          `/taxii2/api/collections/${collectionX}/manifest/`,
          `/taxii2/api/collections/${collectionX}/objects/${String(indicator(2)['id'])}/`,
          `/taxii2/api/collections/${collectionX}/objects/${String(indicator(2)['id'])}/versions/`,
          `/taxii2/api/collections/%ZZ/objects/`,
          `/taxii2/api/status/x/`,
        ),
        fc.dictionary(
          fc.constantFrom(
            'added_after',
            'limit',
            'next',
            'match[id]',
            'match[type]',
            'match[version]',
            'match[spec_version]',
          ),
          param,
        ),
        fc.constantFrom<'GET' | 'POST' | 'DELETE'>('GET', 'GET', 'POST', 'DELETE'),
        fc.oneof(
          fc.jsonValue(),
          fc.record({ objects: fc.array(fc.jsonValue(), { maxLength: 3 }) }),
        ),
        fc.constantFrom(TAXII, 'application/taxii+json', 'application/json', '*/*', 'text/html'),
        async (path, query, method, body, media) => {
          const search = new URLSearchParams(query).toString();
          const url = `${path}${search ? `?${search}` : ''}`;
          const response = await a.app.inject({
            method: method === 'POST' && !path.endsWith('/objects/') ? 'GET' : method,
            url,
            headers: {
              authorization: auth,
              accept: media,
              ...(method === 'POST' ? { 'content-type': media } : {}),
            },
            ...(method === 'POST' ? { payload: JSON.stringify(body) } : {}),
          });
          expect(response.statusCode, `${method} ${url} → ${response.body}`).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);
});

describe('an envelope of stored bodies', () => {
  // The bodies as the database joins them: UTF-8 bytes, a comma after each but the last.
  const stored = [
    '{"id":"a","name":"Zugriff über 北京"}',
    '{"id":"b"}',
    '{"id":"c","x":"€"}',
    '{"id":"d"}',
  ];
  const window = () => {
    let start = 0;
    const gates = stored.map((body, i) => {
      const bytes = Buffer.byteLength(body);
      const gate = {
        tlp: 'green' as TlpLevel,
        origin_node: 'us-doj',
        added_us: 1_000 + i,
        seq: 10 + i,
        start,
        bytes,
      };
      start += bytes + 1;
      return gate;
    });
    return { gates, bodies: Buffer.from(stored.join(',')) };
  };

  it('serves the bodies the gate lets through, byte for byte, and names the last place seen', () => {
    const all = envelopeOf(window(), 3, () => true);
    expect(JSON.parse(all.body.toString())).toEqual({
      more: true,
      next: encodeNext(12),
      objects: stored.slice(0, 3).map((body) => JSON.parse(body) as unknown),
    });
    const some = envelopeOf(window(), 10, (gate) => gate.seq !== 11);
    expect(JSON.parse(some.body.toString())).toEqual({
      more: false,
      objects: [stored[0], stored[2], stored[3]].map((body) => JSON.parse(body ?? '') as unknown),
    });
    const none = envelopeOf(window(), 2, () => false);
    expect(JSON.parse(none.body.toString())).toEqual({ more: true, next: encodeNext(11) });
    expect(none.first).toBeNull();
  });
});

describe('paging while objects arrive', () => {
  it('returns every object exactly once', async () => {
    const r = await call(a.app, adminA, 'POST', '/api/cases', {
      title: 'Busy feed',
      kind: 'hacking',
    });
    const caseId = r.json<{ id: string }>().id;
    const c = await call(a.app, adminA, 'POST', '/api/taxii/collections', {
      title: 'Busy',
      caseId,
      maxTlp: 'amber',
      access: [],
    });
    const collection = c.json<{ id: string }>().id;
    const initial = Array.from({ length: 40 }, (_, i) => marked(1000 + i, 'green'));
    await store(caseId, initial);
    const expected = new Set(initial.map((o) => String(o['id'])));
    let writing = true;
    const writer = (async () => {
      for (let batch = 0; batch < 30; batch++) {
        const objects = Array.from({ length: 10 }, (_, i) =>
          marked(2000 + batch * 10 + i, 'amber'),
        );
        for (const o of objects) expected.add(String(o['id']));
        await store(caseId, objects);
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      writing = false;
    })();
    const auth = basic({ username: 'admin', password: a.admin.password });
    const seen: string[] = [];
    let query = '?limit=7';
    let pagesWhileWriting = 0;
    for (let pages = 0; pages < 10_000; pages++) {
      const stillWriting = writing;
      const page = await envelope(auth, objectsUrl(collection, query));
      seen.push(...idsOf(page.body));
      if (stillWriting && idsOf(page.body).length > 0) pagesWhileWriting++;
      if (page.body.more) {
        query = `?limit=7&next=${page.body.next ?? ''}`;
        continue;
      }
      // At the end for now: ask again from the last date added, until the writer is done.
      const last = page.response.headers['x-taxii-date-added-last'];
      if (typeof last === 'string') query = `?limit=7&added_after=${last}`;
      if (!stillWriting) break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await writer;
    // The reader really read while the writer wrote.
    expect(pagesWhileWriting).toBeGreaterThan(10);
    expect(seen.length).toBe(new Set(seen).size);
    expect(new Set(seen)).toEqual(expected);
    expect(seen.length).toBe(340);
  }, 120_000);
});

describe('a subscription between two nodes', () => {
  it('cn-mps subscribes to a us-doj collection and receives exactly what its marking allows', async () => {
    const r = await call(b.app, adminB, 'POST', '/api/cases', {
      title: 'From us-doj',
      kind: 'hacking',
    });
    expect(r.statusCode, r.body).toBe(201);
    const local = r.json<{ id: string }>().id;
    const subscribe = await call(b.app, adminB, 'POST', '/api/taxii/subscriptions', {
      caseId: local,
      url: `${urlA}/taxii2/api/collections/${collectionX}/`,
      auth: { kind: 'bearer', token: feedToken.slice('Bearer '.length) },
      tlp: 'amber',
      intervalSeconds: 3600,
    });
    expect(subscribe.statusCode, subscribe.body).toBe(201);
    const id = subscribe.json<{ id: string }>().id;
    const poll = await call(b.app, adminB, 'POST', `/api/taxii/subscriptions/${id}/poll`);
    expect(poll.statusCode, poll.body).toBe(200);
    expect(poll.json<{ lastError: string | null }>().lastError).toBeNull();
    const held = async () =>
      (
        await b.node.store.db
          .selectFrom('stix_objects')
          .select(['id', 'tlp'])
          .where('case_id', '=', local)
          .where('deleted', '=', 0)
          .orderBy('id')
          .execute()
      ).map((o) => [o.id, o.tlp]);
    // What the feed's analyst may read in a collection up to AMBER: not AMBER+STRICT, not RED.
    const served = (await envelope(feedToken, objectsUrl(collectionX, '?limit=1000'))).body;
    const expected = (served.objects ?? [])
      .map((o) => [String(o['id']), tlpOf(o)])
      .sort((x, y) => (String(x[0]) < String(y[0]) ? -1 : 1));
    expect(await held()).toEqual(expected);
    expect(expected.map((e) => e[1])).not.toContain('red');
    expect(expected.map((e) => e[1])).not.toContain('amber_strict');
    const first = poll.json<{ received: number; addedAfter: string }>();
    expect(first.received).toBe(expected.length);

    // New objects on us-doj: the next poll brings exactly those, from where it stopped.
    await store(caseX, [marked(50, 'green'), marked(51, 'red'), marked(52, 'amber_strict')]);
    const second = await call(b.app, adminB, 'POST', `/api/taxii/subscriptions/${id}/poll`);
    const after = second.json<{ received: number; addedAfter: string }>();
    expect(after.received).toBe(first.received + 1);
    expect(after.addedAfter > first.addedAfter).toBe(true);
    expect((await held()).map((h) => h[0])).toContain(String(indicator(50)['id']));
    expect((await held()).map((h) => h[0])).not.toContain(String(indicator(51)['id']));
    expect((await held()).map((h) => h[0])).not.toContain(String(indicator(52)['id']));
  }, 60_000);
});

function tlpOf(object: Stix): TlpLevel {
  const refs = (object['object_marking_refs'] ?? []) as string[];
  const level = TLP_LEVELS.find((l) =>
    refs.includes(String(withTlp({}, l).object_marking_refs[0])),
  );
  return level ?? 'amber';
}
