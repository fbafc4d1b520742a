import type { Permission, Role } from '../../src/core/roles.js';
export type { Method } from './openapi.js';
import type { Method } from './openapi.js';
import type { Fixtures, World } from './world.js';

/**
 * Issue 16: the authorization matrix, as data. One row per route a user can reach: every
 * route of the OpenAPI document (/api/openapi.json) and the few outside it. For each caller
 * (a user of each role, and no one), what a valid-looking request gets:
 *
 *   ok   — let through: anything but 401 and 403 (a 404 for a made-up id, a 409 is fine)
 *   403  — refused for the role
 *   401  — refused for want of credentials
 *
 * `because` names what decides it: a permission of src/core/roles.ts (the test checks the
 * row agrees with PERMISSIONS: `ok` exactly for the roles it lists, 401 for no one), 'user'
 * (any logged-in user), 'public' (anyone), or an explanation for rows decided otherwise.
 *
 * Adding a route: add one `row(...)` line. Its path is the OpenAPI path ({id} style); name
 * the fixtures its parameters need in `params` (default: an id that names nothing, for a
 * 404), and give a valid body when the route has one.
 */
export type Expect = 'ok' | '403' | '401';
export type Caller = Role | 'anonymous';
/** The columns of `expect`, in order. */
export const COLUMNS: readonly Caller[] = [
  'admin',
  'officer',
  'analyst',
  'controller',
  'observer',
  'anonymous',
];

/** What a row's request is made of; functions see the world and who calls. */
export interface Ctx {
  world: World;
  fx: Fixtures;
  caller: Caller;
}

export interface Row {
  method: Method;
  path: string;
  because: Permission | 'user' | 'public' | { why: string };
  expect: Record<Caller, Expect>;
  /** Path parameter → the fixture it names (default: `none`, an id that names nothing). */
  params?: Record<string, keyof Fixtures | { literal: string }>;
  query?: string;
  /** The JSON body, or a function of the world and the caller that makes it. */
  body?: unknown;
  /** How the caller presents its credentials: the session cookie (default), HTTP Basic (TAXII). */
  auth?: 'session' | 'basic';
  /** A raw body with its content type (uploads, TAXII). */
  raw?: { contentType: string; payload: string };
  /** Called with a session of its own (the route ends it). */
  freshSession?: boolean;
  /** An SSE stream: only its status is read. */
  stream?: boolean;
  /**
   * The 400 error code those let through get by design (a valid-looking request that the
   * route still refuses). Any other 400 to them fails the test: the row's request is not valid.
   */
  refusedBy?: string;
  /** Not in the OpenAPI document (the test checks the node still serves it). */
  undocumented?: boolean;
}

function row(
  method: Method,
  path: string,
  because: Row['because'],
  expect: string,
  options: Partial<Omit<Row, 'method' | 'path' | 'because' | 'expect'>> = {},
): Row {
  const cells = expect.trim().split(/\s+/);
  if (cells.length !== COLUMNS.length || cells.some((c) => !['ok', '403', '401'].includes(c))) {
    throw new Error(`${method} ${path}: expect needs ${COLUMNS.length} cells of ok|403|401`);
  }
  const out = Object.fromEntries(COLUMNS.map((c, i) => [c, cells[i] as Expect])) as Row['expect'];
  return { method, path, because, expect: out, ...options };
}

const INDICATOR = {
  type: 'indicator',
  name: 'Matrix indicator',
  pattern: "[ipv4-addr:value = '198.51.100.1']",
  pattern_type: 'stix',
  valid_from: '2026-11-01T00:00:00Z',
};

const CONTACT = {
  name: 'Matrix desk',
  kind: 'desk',
  roles: ['technical'],
  channels: [{ type: 'email', value: 'desk@example.gov' }],
  languages: ['en'],
  workingHours: { days: ['mon'], start: '09:00', end: '17:00' },
  timeZone: 'UTC',
};

const SHIFT = (ctx: Ctx) => ({
  tier: 'senior',
  contactId: ctx.fx.contact,
  days: ['sat'],
  start: '10:00',
  end: '11:00',
});

/** The caller's own credentials (anyone else logs in as the observer). */
const OWN_LOGIN = (ctx: Ctx) => {
  const role: Role = ctx.caller === 'anonymous' ? 'observer' : ctx.caller;
  return { username: ctx.world.usernames[role], password: ctx.world.passwords[role] };
};

const ALL = 'ok  ok  ok  ok  ok  ok';
const USERS = 'ok  ok  ok  ok  ok  401';

// prettier-ignore
export const MATRIX: Row[] = [
  //  method  path                                       because                 admin officer analyst controller observer anonymous
  // ---- operations and the node -----------------------------------------------------------
  row('GET', '/healthz',                                 'public',               ALL),
  row('GET', '/readyz',                                  'public',               ALL),
  row('GET', '/metrics',                                 { why: 'the metrics token, not a user, opens it (http/metrics.ts)' },
                                                                                 '401 401 401 401 401 401', { undocumented: true }),
  row('GET', '/api/openapi.json',                        'public',               ALL, { undocumented: true }),
  row('GET', '/api/docs',                                'public',               ALL, { undocumented: true }),
  row('GET', '/api/node',                                'node.read',            USERS),
  row('GET', '/api/audit',                               'audit.read',           'ok  403 403 403 403 401'),
  row('GET', '/api/events',                              'events.read',          USERS, { stream: true }),
  row('GET', '/api/search',                              { why: 'any user; each kind of hit is filtered by its read permission' },
                                                                                 USERS, { query: 'q=Lotus' }),
  row('GET', '/api/attention',                           { why: 'any user; each item is filtered by its permission' },
                                                                                 USERS),
  // ---- federation -------------------------------------------------------------------------
  row('GET', '/.well-known/liaison',                     'public',               ALL),
  row('POST', '/federation/v1/batch',                    { why: 'peers, by signed envelopes, not users' },
                                                                                 ALL, { body: { envelopes: ['not.a.jwe'] }, refusedBy: 'invalid_envelope' }),
  row('POST', '/federation/v1/resume',                   { why: 'a restored peer, by a signed resume, not users' },
                                                                                 ALL, { body: { token: 'not.a.jws' }, refusedBy: 'invalid_request' }),
  row('GET', '/api/federation/peers',                    'peers.read',           USERS),
  row('POST', '/api/federation/peers',                   'peers.manage',         'ok  403 403 403 403 401',
      { body: (c: Ctx) => ({ url: c.world.cnUrl, fingerprint: c.world.cnFingerprint }) }),
  row('GET', '/api/federation/peers/{nodeId}',           'peers.read',           USERS, { params: { nodeId: 'peer' } }),
  row('DELETE', '/api/federation/peers/{nodeId}',        'peers.manage',         'ok  403 403 403 403 401',
      { params: { nodeId: { literal: 'no-such-peer' } } }),
  row('POST', '/api/federation/peers/{nodeId}/suspend',  'peers.manage',         'ok  403 403 403 403 401',
      { params: { nodeId: { literal: 'no-such-peer' } } }),
  row('POST', '/api/federation/peers/{nodeId}/resume',   'peers.manage',         'ok  403 403 403 403 401',
      { params: { nodeId: { literal: 'no-such-peer' } } }),
  row('GET', '/api/federation/rejections',               'peers.read',           USERS),
  row('POST', '/api/node/keys/rotate',                   'peers.manage',         'ok  403 403 403 403 401',
      { body: { graceDays: 0 }, refusedBy: 'invalid_request' }),
  // ---- accounts ---------------------------------------------------------------------------
  row('POST', '/api/session',                            'public',               ALL, { body: OWN_LOGIN }),
  row('GET', '/api/session',                             'user',                 USERS),
  row('DELETE', '/api/session',                          'user',                 USERS, { freshSession: true }),
  row('GET', '/api/me/sessions',                         'user',                 USERS),
  row('DELETE', '/api/me/sessions/{id}',                 'user',                 USERS, { params: { id: { literal: '0123456789abcdef' } } }),
  row('GET', '/api/me',                                  'user',                 USERS),
  row('PATCH', '/api/me',                                'user',                 USERS, { body: { timeZone: 'UTC' } }),
  row('POST', '/api/me/password',                        { why: 'any user, for their own password (the same one again: refused 400, nothing changes)' },
                                                                                 USERS, { refusedBy: 'weak_password', body: (c: Ctx) => ({
                                                                                   currentPassword: OWN_LOGIN(c).password, newPassword: OWN_LOGIN(c).password }) }),
  row('GET', '/api/me/second-factor',                    'user',                 USERS),
  row('POST', '/api/me/second-factor',                   { why: 'any user, from a session, with their own password: begins their own enrolment' },
                                                                                 USERS, { body: (c: Ctx) => ({ password: OWN_LOGIN(c).password }) }),
  row('POST', '/api/me/second-factor/confirm',           { why: 'any user, from a session (a wrong code: refused 400)' },
                                                                                 USERS, { body: { code: 'x' }, refusedBy: 'second_factor_invalid' }),
  row('POST', '/api/me/second-factor/disable',           { why: 'any user, from a session (a malformed code: refused 400)' },
                                                                                 USERS, { body: { code: 'x' }, refusedBy: 'invalid_request' }),
  row('POST', '/api/me/second-factor/recovery-codes',    { why: 'any user, from a session (a malformed code: refused 400)' },
                                                                                 USERS, { body: { code: 'x' }, refusedBy: 'invalid_request' }),
  row('DELETE', '/api/users/{id}/second-factor',         'users.manage',         'ok  403 403 403 403 401', { params: { id: 'user' } }),
  row('GET', '/api/users',                               'users.manage',         'ok  403 403 403 403 401'),
  row('POST', '/api/users',                              'users.manage',         'ok  403 403 403 403 401',
      { body: { username: 'matrix.made', displayName: 'Made by the matrix', roles: ['observer'] } }),
  row('GET', '/api/users/{id}',                          'users.manage',         'ok  403 403 403 403 401', { params: { id: 'user' } }),
  row('PATCH', '/api/users/{id}',                        'users.manage',         'ok  403 403 403 403 401',
      { params: { id: 'user' }, body: { displayName: 'Victor Victim' } }),
  row('POST', '/api/users/{id}/password-reset',          'users.manage',         'ok  403 403 403 403 401', { params: { id: 'user' } }),
  row('GET', '/api/tokens',                              { why: "any user, their own tokens (?all=true needs users.manage)" },
                                                                                 USERS),
  row('POST', '/api/tokens',                             { why: 'any user, a token with (some of) their own roles' },
                                                                                 USERS, { body: (c: Ctx) => ({
                                                                                   name: 'matrix', roles: [c.caller === 'anonymous' ? 'observer' : c.caller] }) }),
  row('DELETE', '/api/tokens/{id}',                      { why: "the admin's own token: its owner, or users.manage" },
                                                                                 'ok  403 403 403 403 401', { params: { id: 'token' } }),
  // ---- notes ------------------------------------------------------------------------------
  row('GET', '/api/notes',                               'notes.read',           USERS),
  row('POST', '/api/notes',                              'notes.send',           'ok  ok  ok  ok  403 401',
      { body: { peer: 'cn-mps', text: 'A note from the matrix' } }),
  row('POST', '/api/notes/{id}/acknowledge',             'notes.send',           'ok  ok  ok  ok  403 401', { params: { id: 'note' } }),
  // ---- contacts and pings -----------------------------------------------------------------
  row('GET', '/api/contacts',                            'contacts.read',        USERS),
  row('POST', '/api/contacts',                           'contacts.manage',      'ok  ok  403 403 403 401', { body: CONTACT }),
  row('GET', '/api/contacts/{id}',                       'contacts.read',        USERS, { params: { id: 'contact' } }),
  row('PUT', '/api/contacts/{id}',                       'contacts.manage',      'ok  ok  403 403 403 401',
      { params: { id: 'contact' }, body: { ...CONTACT, name: 'CCIPS duty desk', roles: ['duty_24_7'],
        channels: [{ type: 'liaison_account', value: 'officer.one' }] } }),
  row('DELETE', '/api/contacts/{id}',                    'contacts.manage',      'ok  ok  403 403 403 401'),
  row('POST', '/api/contacts/{id}/confirm',              'contacts.manage',      'ok  ok  403 403 403 401', { params: { id: 'contact' } }),
  row('GET', '/api/pings',                               'contacts.read',        USERS),
  row('POST', '/api/pings',                              'pings.send',           'ok  ok  403 403 403 401', { body: { peer: 'cn-mps' } }),
  row('POST', '/api/pings/{id}/acknowledge',             'pings.answer',         'ok  ok  403 403 403 401'),
  row('GET', '/api/pings/schedule/{peer}',               'contacts.read',        USERS, { params: { peer: 'peer' } }),
  row('PUT', '/api/pings/schedule/{peer}',               'pings.send',           'ok  ok  403 403 403 401',
      { params: { peer: 'peer' }, body: { everyHours: 24 } }),
  row('GET', '/api/pings/report',                        'contacts.read',        USERS),
  row('GET', '/api/pings/report.csv',                    'contacts.read',        USERS),
  // ---- arrangements -----------------------------------------------------------------------
  row('GET', '/api/arrangements/default',                'user',                 USERS),
  row('GET', '/api/arrangements/{peer}',                 'arrangements.read',    USERS, { params: { peer: 'peer' } }),
  row('POST', '/api/arrangements/{peer}',                'arrangements.manage',  'ok  403 403 403 403 401',
      { params: { peer: 'peer' }, body: (c: Ctx) => c.world.defaultTerms }),
  row('POST', '/api/arrangements/{peer}/{version}/accept', 'arrangements.manage', 'ok  403 403 403 403 401',
      { params: { peer: 'peer', version: { literal: '99' } } }),
  row('POST', '/api/arrangements/{peer}/{version}/decline', 'arrangements.manage', 'ok  403 403 403 403 401',
      { params: { peer: 'peer', version: { literal: '99' } } }),
  // ---- requests ---------------------------------------------------------------------------
  row('GET', '/api/requests',                            'requests.read',        USERS),
  row('POST', '/api/requests',                           'requests.draft',       'ok  ok  ok  403 403 401',
      { body: { peer: 'cn-mps', type: 'traffic_data', title: 'A draft of the matrix' } }),
  row('GET', '/api/requests/figures',                    'requests.read',        USERS),
  row('GET', '/api/requests/figures.csv',                'requests.read',        USERS),
  row('GET', '/api/requests/{id}',                       'requests.read',        USERS, { params: { id: 'incoming' } }),
  row('PATCH', '/api/requests/{id}',                     'requests.draft',       'ok  ok  ok  403 403 401',
      { params: { id: 'draft' }, body: { title: 'A draft, edited' } }),
  row('DELETE', '/api/requests/{id}',                    'requests.draft',       'ok  ok  ok  403 403 401'),
  row('POST', '/api/requests/{id}/send',                 'requests.draft',       'ok  ok  ok  403 403 401'),
  row('POST', '/api/requests/{id}/moves',                { why: "requests.handle: acknowledging the peer's request is the responder's move" },
                                                                                 'ok  ok  403 403 403 401',
      { params: { id: 'incoming' }, body: { action: 'acknowledge' } }),
  row('GET', '/api/requests/{id}/attachments/{attachmentId}', 'requests.read',   USERS, { params: { id: 'incoming' } }),
  row('POST', '/api/requests/{id}/escalate',             'hotline.call',         'ok  ok  ok  403 403 401',
      { params: { id: 'sent' }, body: { text: 'Escalated by the matrix' } }),
  // ---- hotline ----------------------------------------------------------------------------
  row('GET', '/api/hotline/calls',                       'hotline.read',         USERS),
  row('POST', '/api/hotline/calls',                      'hotline.call',         'ok  ok  ok  403 403 401',
      { body: { peer: 'cn-mps', tier: 'technical', priority: 'routine', subject: 'Matrix call' } }),
  row('GET', '/api/hotline/calls/{id}',                  'hotline.read',         USERS, { params: { id: 'call' } }),
  row('POST', '/api/hotline/calls/{id}/seen',            'hotline.answer',       'ok  ok  403 403 403 401', { params: { id: 'incomingCall' } }),
  row('POST', '/api/hotline/calls/{id}/acknowledge',     'hotline.answer',       'ok  ok  403 403 403 401', { params: { id: 'incomingCall' } }),
  row('POST', '/api/hotline/calls/{id}/resolve',         { why: 'hotline.call: our own call is resolved by who may place calls' },
                                                                                 'ok  ok  ok  403 403 401',
      { params: { id: 'call' }, body: { outcome: 'Answered' } }),
  row('GET', '/api/hotline/review',                      'hotline.read',         USERS),
  row('GET', '/api/hotline/review.csv',                  'hotline.read',         USERS),
  row('GET', '/api/hotline/ladder',                      'hotline.read',         USERS),
  row('PUT', '/api/hotline/ladder',                      'hotline.manage',       'ok  ok  403 403 403 401',
      { body: (c: Ctx) => c.world.ladder }),
  row('GET', '/api/hotline/shifts',                      'hotline.read',         USERS),
  row('POST', '/api/hotline/shifts',                     'hotline.manage',       'ok  ok  403 403 403 401', { body: SHIFT }),
  row('PUT', '/api/hotline/shifts/{id}',                 'hotline.manage',       'ok  ok  403 403 403 401', { params: { id: 'shift' }, body: SHIFT }),
  row('DELETE', '/api/hotline/shifts/{id}',              'hotline.manage',       'ok  ok  403 403 403 401'),
  row('GET', '/api/hotline/coverage',                    'hotline.manage',       'ok  ok  403 403 403 401'),
  row('GET', '/api/hotline/coverage/peers/{peer}',       'hotline.read',         USERS, { params: { peer: 'peer' } }),
  row('GET', '/api/hotline/webhooks',                    'hotline.manage',       'ok  ok  403 403 403 401'),
  row('POST', '/api/hotline/webhooks',                   'hotline.webhooks',     'ok  403 403 403 403 401',
      { body: { name: 'Matrix hook', url: 'http://127.0.0.1:9/matrix', secret: 'a secret of the matrix' } }),
  row('PATCH', '/api/hotline/webhooks/{id}',             'hotline.webhooks',     'ok  403 403 403 403 401',
      { params: { id: 'webhook' }, body: { enabled: false } }),
  row('DELETE', '/api/hotline/webhooks/{id}',            'hotline.webhooks',     'ok  403 403 403 403 401'),
  // ---- cases ------------------------------------------------------------------------------
  row('GET', '/api/cases',                               'cases.read',           USERS),
  row('POST', '/api/cases',                              'cases.write',          'ok  ok  ok  403 403 401',
      { body: { title: 'A case of the matrix', kind: 'fraud' } }),
  row('GET', '/api/cases/report',                        'cases.read',           USERS),
  row('GET', '/api/cases/report.csv',                    'cases.read',           USERS),
  row('GET', '/api/cases/search',                        'cases.read',           USERS, { query: 'q=203.0.113.7' }),
  row('GET', '/api/cases/lookup',                        'cases.read',           USERS, { query: 'value=203.0.113.7' }),
  row('GET', '/api/cases/{id}',                          'cases.read',           USERS, { params: { id: 'case' } }),
  row('PATCH', '/api/cases/{id}',                        'cases.write',          'ok  ok  ok  403 403 401',
      { params: { id: 'case' }, body: { priority: 'high' } }),
  row('GET', '/api/cases/{id}/objects',                  'cases.read',           USERS, { params: { id: 'case' } }),
  row('POST', '/api/cases/{id}/objects',                 'cases.write',          'ok  ok  ok  403 403 401',
      { params: { id: 'case' }, body: { object: INDICATOR, tlp: 'green' } }),
  row('POST', '/api/cases/{id}/participants',            'cases.write',          'ok  ok  ok  403 403 401',
      { params: { id: 'case' }, body: { peer: 'cn-mps' } }),
  row('POST', '/api/cases/{id}/links',                   'cases.write',          'ok  ok  ok  403 403 401',
      { params: { id: 'case' }, body: (c: Ctx) => ({ kind: 'request', refId: c.fx.sent }) }),
  row('POST', '/api/cases/{id}/share',                   'cases.write',          'ok  ok  ok  403 403 401',
      { params: { id: 'case' }, body: { peer: 'cn-mps' } }),
  row('GET', '/api/cases/{id}/export',                   'cases.read',           USERS, { params: { id: 'case' } }),
  row('GET', '/api/stix/export',                         'cases.read',           USERS),
  row('GET', '/api/cases/{id}/objects/{objectId}',       'cases.read',           USERS, { params: { id: 'case', objectId: 'object' } }),
  row('PATCH', '/api/cases/{id}/objects/{objectId}',     'cases.write',          'ok  ok  ok  403 403 401',
      { params: { id: 'case', objectId: 'object' }, body: { changes: { description: 'Seen again' } } }),
  row('DELETE', '/api/cases/{id}/objects/{objectId}',    'cases.write',          'ok  ok  ok  403 403 401',
      { params: { id: 'case', objectId: { literal: 'indicator--00000000-0000-4000-8000-000000000000' } } }),
  row('POST', '/api/cases/{id}/objects/{objectId}/revoke', 'cases.write',        'ok  ok  ok  403 403 401',
      { params: { id: 'case', objectId: { literal: 'indicator--00000000-0000-4000-8000-000000000000' } } }),
  row('POST', '/api/cases/{id}/objects/{objectId}/marking', { why: 'cases.write to raise a marking (lowering it needs cases.declassify)' },
                                                                                 'ok  ok  ok  403 403 401',
      { params: { id: 'case', objectId: 'object' }, body: { tlp: 'amber', reason: 'Raised by the matrix' } }),
  row('GET', '/api/cases/{id}/objects/{objectId}/history', 'cases.read',         USERS, { params: { id: 'case', objectId: 'object' } }),
  row('POST', '/api/cases/{id}/objects/{objectId}/feedback', 'cases.write',      'ok  ok  ok  403 403 401',
      { params: { id: 'case', objectId: 'object' }, body: { use: 'blocked' } }),
  // ---- imports ----------------------------------------------------------------------------
  row('POST', '/api/cases/{id}/imports/url',             'cases.write',          'ok  ok  ok  403 403 401',
      { params: { id: 'case' }, body: { url: 'http://127.0.0.1:9/bundle.json', format: 'stix' } }),
  row('GET', '/api/cases/{id}/imports',                  'cases.read',           USERS, { params: { id: 'case' } }),
  row('POST', '/api/cases/{id}/imports',                 'cases.write',          'ok  ok  ok  403 403 401',
      { params: { id: 'case' }, query: 'format=stix',
        raw: { contentType: 'application/json', payload: '{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000001","objects":[]}' } }),
  row('GET', '/api/imports/{id}',                        'cases.read',           USERS, { params: { id: 'import' } }),
  row('GET', '/api/imports/{id}/errors',                 'cases.read',           USERS, { params: { id: 'import' } }),
  row('POST', '/api/imports/{id}/resume',                'cases.write',          'ok  ok  ok  403 403 401', { params: { id: 'import' } }),
  // ---- TAXII: the node's collections (admin) and subscriptions ---------------------------
  row('GET', '/api/taxii/collections',                   'taxii.manage',         'ok  403 403 403 403 401'),
  row('POST', '/api/taxii/collections',                  'taxii.manage',         'ok  403 403 403 403 401', { body: { title: 'Matrix collection' } }),
  row('PUT', '/api/taxii/collections/{id}',              'taxii.manage',         'ok  403 403 403 403 401',
      { body: { title: 'Matrix collection, renamed' } }),
  row('DELETE', '/api/taxii/collections/{id}',           'taxii.manage',         'ok  403 403 403 403 401'),
  row('GET', '/api/taxii/subscriptions',                 'cases.read',           USERS),
  row('POST', '/api/taxii/subscriptions',                'taxii.manage',         'ok  403 403 403 403 401',
      { body: (c: Ctx) => ({ caseId: c.fx.case, url: 'http://127.0.0.1:9/taxii2/api/collections/x/' }) }),
  row('POST', '/api/taxii/subscriptions/{id}/poll',      'cases.write',          'ok  ok  ok  403 403 401'),
  row('DELETE', '/api/taxii/subscriptions/{id}',         'taxii.manage',         'ok  403 403 403 403 401'),
  // ---- exercises ---------------------------------------------------------------------------
  row('GET', '/api/exercises/scenarios',                 'exercises.read',       USERS),
  row('GET', '/api/exercises/scenarios/{id}',            'exercises.read',       USERS, { params: { id: { literal: 'personnel-breach' } } }),
  row('GET', '/api/exercises/scenarios/{id}/source',     'exercises.manage',     'ok  403 403 ok  403 401',
      { params: { id: { literal: 'personnel-breach' } } }),
  row('POST', '/api/exercises/scenarios',                'exercises.manage',     'ok  403 403 ok  403 401',
      { body: { source: 'id: [' }, refusedBy: 'invalid_scenario' }),
  row('PUT', '/api/exercises/scenarios/{id}',            'exercises.manage',     'ok  403 403 ok  403 401',
      { params: { id: { literal: 'personnel-breach' } }, body: { source: 'id: [' }, refusedBy: 'invalid_scenario' }),
  row('DELETE', '/api/exercises/scenarios/{id}',         'exercises.manage',     'ok  403 403 ok  403 401'),
  row('GET', '/api/exercises',                           'exercises.read',       USERS),
  row('POST', '/api/exercises',                          'exercises.manage',     'ok  403 403 ok  403 401',
      { body: { scenarioId: 'no-such-scenario', peer: 'cn-mps', side: 'A' } }),
  row('GET', '/api/exercises/{id}',                      'exercises.read',       USERS),
  row('GET', '/api/exercises/{id}/injects',              'exercises.manage',     'ok  403 403 ok  403 401'),
  row('POST', '/api/exercises/{id}/accept',              'exercises.manage',     'ok  403 403 ok  403 401'),
  row('POST', '/api/exercises/{id}/decline',             'exercises.manage',     'ok  403 403 ok  403 401'),
  row('POST', '/api/exercises/{id}/clock',               'exercises.manage',     'ok  403 403 ok  403 401', { body: { kind: 'pause' } }),
  row('GET', '/api/exercises/{id}/feed',                 'exercises.read',       USERS),
  row('GET', '/api/exercises/{id}/observations',         'exercises.manage',     'ok  403 403 ok  403 401'),
  row('POST', '/api/exercises/{id}/injects',             'exercises.manage',     'ok  403 403 ok  403 401',
      { body: { id: 'matrix-inject', from: 'control', to: { side: 'A' }, channel: 'narrative', title: { en: 'M', 'zh-CN': 'M' }, body: { en: 'M', 'zh-CN': 'M' } } }),
  row('POST', '/api/exercises/{id}/injects/{injectId}/send', 'exercises.manage', 'ok  403 403 ok  403 401'),
  row('POST', '/api/exercises/{id}/injects/{injectId}/skip', 'exercises.manage', 'ok  403 403 ok  403 401'),
  // The evaluation: routes open to every role; the service then lets only the exercise's
  // evaluators and controllers through (403 not_evaluator, test/exercise-evaluation.test.ts).
  row('GET', '/api/exercises/{id}/participants',         'exercises.read',       USERS),
  row('POST', '/api/exercises/{id}/participants',        'exercises.manage',     'ok  403 403 ok  403 401',
      { body: { username: 'admin', role: 'player' } }),
  row('DELETE', '/api/exercises/{id}/participants/{userId}', 'exercises.manage', 'ok  403 403 ok  403 401'),
  row('GET', '/api/exercises/{id}/evaluation/observations', 'exercises.read',    USERS),
  row('POST', '/api/exercises/{id}/evaluation/observations', 'exercises.read',   USERS, { body: { text: 'Matrix observation' } }),
  row('DELETE', '/api/exercises/{id}/evaluation/observations/{observationId}', 'exercises.read', USERS),
  row('GET', '/api/exercises/{id}/evaluation/ratings',   'exercises.read',       USERS),
  row('PUT', '/api/exercises/{id}/evaluation/ratings',   'exercises.read',       USERS, { body: { objective: 'hotline-response', rating: 'P' } }),
  row('GET', '/api/exercises/{id}/hotwash',              'exercises.read',       USERS),
  row('PUT', '/api/exercises/{id}/hotwash',              'exercises.read',       USERS, { body: { strengths: 'Matrix strength' } }),
  row('GET', '/api/exercises/{id}/aar',                  'exercises.read',       USERS),
  row('GET', '/api/exercises/{id}/aar.docx',             'exercises.read',       USERS),
  row('POST', '/api/exercises/{id}/aar/share',           'exercises.manage',     'ok  403 403 ok  403 401'),
  row('GET', '/api/exercises/{id}/corrective-actions',   'exercises.read',       USERS),
  row('POST', '/api/exercises/{id}/corrective-actions',  'exercises.manage',     'ok  403 403 ok  403 401',
      { body: { title: 'Matrix action', capability: 'operational-communications', ownerSide: 'A', owner: 'desk', startDate: '2027-01-01', dueDate: '2027-02-01' } }),
  row('PATCH', '/api/exercises/{id}/corrective-actions/{actionId}', 'exercises.manage', 'ok  403 403 ok  403 401', { body: { status: 'done' } }),
  row('DELETE', '/api/exercises/{id}/corrective-actions/{actionId}', 'exercises.manage', 'ok  403 403 ok  403 401'),
  // ---- status report and measures (dialogues) ---------------------------------------------
  row('GET', '/api/status-report',                       'dialogues.read',       USERS,
      { query: 'peer=cn-mps&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z' }),
  row('GET', '/api/status-report.docx',                  'dialogues.read',       USERS,
      { query: 'peer=cn-mps&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&lang=zh-CN' }),
  row('GET', '/api/measures',                            'dialogues.read',       USERS, { query: 'peer=cn-mps' }),
  row('GET', '/api/measures/{key}',                      'dialogues.read',       USERS,
      { params: { key: { literal: 'pings.answered_share' } }, query: 'peer=cn-mps' }),
  row('GET', '/api/measures/{key}/history',              'dialogues.read',       USERS,
      { params: { key: { literal: 'pings.answered_share' } }, query: 'peer=cn-mps&limit=10' }),
  // ---- dialogues: the agreed record of meetings, commitments, attestations ------------------
  row('GET', '/api/dialogues',                           'dialogues.read',       USERS),
  row('POST', '/api/dialogues',                          'dialogues.manage',     'ok  ok  403 403 403 401',
      { body: { peer: 'xx-nowhere', title: { en: 'Matrix dialogue' } } }),
  row('GET', '/api/dialogues/{id}',                      'dialogues.read',       USERS),
  row('GET', '/api/dialogues/{id}/meetings',             'dialogues.read',       USERS),
  row('POST', '/api/dialogues/{id}/meetings',            'dialogues.manage',     'ok  ok  403 403 403 401',
      { body: { number: 1, place: 'Washington', timeZone: 'America/New_York' } }),
  row('GET', '/api/dialogues/{id}/meetings/{meetingId}', 'dialogues.read',       USERS),
  row('PATCH', '/api/dialogues/{id}/meetings/{meetingId}', 'dialogues.manage',   'ok  ok  403 403 403 401', { body: { place: 'Beijing' } }),
  row('GET', '/api/dialogues/{id}/meetings/{meetingId}/versions', 'dialogues.read', USERS),
  row('PUT', '/api/dialogues/{id}/meetings/{meetingId}/draft', 'dialogues.manage', 'ok  ok  403 403 403 401',
      { body: { outcomes: [{ paragraph: 1, kind: 'agreement', text: { en: 'Matrix' } }] } }),
  row('POST', '/api/dialogues/{id}/meetings/{meetingId}/draft/corrective-actions', 'dialogues.manage', 'ok  ok  403 403 403 401',
      { body: { exerciseId: 'none', actionId: 'none', paragraph: 1 } }),
  row('POST', '/api/dialogues/{id}/meetings/{meetingId}/record', 'dialogues.manage', 'ok  ok  403 403 403 401', { body: {} }),
  row('POST', '/api/dialogues/{id}/meetings/{meetingId}/record/{version}/amend', 'dialogues.manage', 'ok  ok  403 403 403 401',
      { params: { version: { literal: '1' } }, body: { outcomes: [{ paragraph: 1, kind: 'statement', text: { zh: '矩阵' } }] } }),
  row('POST', '/api/dialogues/{id}/meetings/{meetingId}/record/{version}/accept', 'dialogues.manage', 'ok  ok  403 403 403 401',
      { params: { version: { literal: '1' } } }),
  row('POST', '/api/dialogues/{id}/meetings/{meetingId}/record/{version}/decline', 'dialogues.manage', 'ok  ok  403 403 403 401',
      { params: { version: { literal: '1' } } }),
  row('GET', '/api/dialogues/{id}/commitments',          'dialogues.read',       USERS),
  row('GET', '/api/dialogues/{id}/commitments/{commitmentId}', 'dialogues.read', USERS),
  row('PUT', '/api/dialogues/{id}/commitments/{commitmentId}/attestation', 'dialogues.attest', 'ok  ok  403 403 403 401',
      { body: { status: 'done', note: 'Matrix' } }),
  row('GET', '/api/dialogues/{id}/commitments/{commitmentId}/evidence', 'dialogues.read', USERS),
  row('POST', '/api/dialogues/{id}/commitments/{commitmentId}/evidence', 'dialogues.attest', 'ok  ok  403 403 403 401',
      { body: { reportId: 'none', claimIndex: 0, bearing: 'kept' } }),
  row('DELETE', '/api/dialogues/{id}/commitments/{commitmentId}/evidence/{evidenceId}', 'dialogues.attest', 'ok  ok  403 403 403 401'),
  // ---- reports: ingest, extractions, stories, review, commit, the allow-list -------------
  row('POST', '/api/reports',                            'reports.write',        'ok  ok  ok  403 403 401',
      { body: { text: 'Matrix report: 198.51.100.7 was seen.' } }),
  row('POST', '/api/reports/upload',                     'reports.write',        'ok  ok  ok  403 403 401',
      { raw: { contentType: 'text/plain', payload: 'Matrix upload: 198.51.100.8 was seen.' } }),
  row('POST', '/api/reports/url',                        'reports.write',        'ok  ok  ok  403 403 401',
      { body: { url: 'http://10.255.255.1/report.html' }, refusedBy: 'outbound_refused' }),
  row('GET', '/api/reports',                             'reports.read',         USERS),
  row('GET', '/api/reports/clusters',                    'reports.read',         USERS),
  row('GET', '/api/reports/clusters/{id}',               'reports.read',         USERS),
  row('GET', '/api/reports/allow-list',                  'reports.read',         USERS),
  row('POST', '/api/reports/allow-list',                 'reports.allowlist',    'ok  ok  ok  403 403 401',
      { body: (ctx: Ctx) => ({ type: 'domain', value: `matrix-${ctx.caller}.example.net`, reason: 'Matrix' }) }),
  row('DELETE', '/api/reports/allow-list/{id}',          'reports.allowlist',    'ok  ok  ok  403 403 401'),
  row('GET', '/api/reports/{id}',                        'reports.read',         USERS),
  row('POST', '/api/reports/{id}/review',                'reports.write',        'ok  ok  ok  403 403 401',
      { body: { items: [{ kind: 'indicator', index: 0, state: 'accepted' }] } }),
  row('POST', '/api/reports/{id}/commit',                'reports.write',        'ok  ok  ok  403 403 401',
      { body: { caseId: 'none', tlp: 'amber' } }),
  // ---- TAXII 2.1 server: HTTP Basic (or a bearer token), never the browser's cookie ------
  row('GET', '/taxii2/',                                 'user',                 USERS, { auth: 'basic' }),
  row('GET', '/taxii2/api/',                             'user',                 USERS, { auth: 'basic' }),
  row('GET', '/taxii2/api/collections/',                 'user',                 USERS, { auth: 'basic' }),
  row('GET', '/taxii2/api/collections/{collection}/',    'cases.read',           USERS, { auth: 'basic', params: { collection: 'collection' } }),
  row('GET', '/taxii2/api/collections/{collection}/objects/', 'cases.read',      USERS, { auth: 'basic', params: { collection: 'collection' } }),
  row('POST', '/taxii2/api/collections/{collection}/objects/', 'cases.write',    'ok  ok  ok  403 403 401',
      { auth: 'basic', params: { collection: 'collection' },
        raw: { contentType: 'application/taxii+json;version=2.1', payload: JSON.stringify({ objects: [{
          ...INDICATOR, id: 'indicator--00000000-0000-4000-8000-0000000000aa', spec_version: '2.1',
          created: '2026-11-01T00:00:00.000Z', modified: '2026-11-01T00:00:00.000Z' }] }) } }),
  row('GET', '/taxii2/api/collections/{collection}/manifest/', 'cases.read',     USERS, { auth: 'basic', params: { collection: 'collection' } }),
  row('GET', '/taxii2/api/collections/{collection}/objects/{object}/', 'cases.read', USERS,
      { auth: 'basic', params: { collection: 'collection', object: 'object' } }),
  row('DELETE', '/taxii2/api/collections/{collection}/objects/{object}/', 'cases.write', 'ok  ok  ok  403 403 401',
      { auth: 'basic', params: { collection: 'collection', object: { literal: 'indicator--00000000-0000-4000-8000-000000000000' } } }),
  row('GET', '/taxii2/api/collections/{collection}/objects/{object}/versions/', 'cases.read', USERS,
      { auth: 'basic', params: { collection: 'collection', object: 'object' } }),
  row('GET', '/taxii2/api/status/{status}/',             { why: 'any user: a status is shown to who asked for it or may write its collection' },
                                                                                 USERS, { auth: 'basic' }),
];
