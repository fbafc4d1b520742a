import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STIX_UPSERT_KIND, type StixUpsertMessage } from '../src/core/schemas/cases.js';
import type { ImportJobView } from '../src/core/schemas/imports.js';
import { identityIdOf } from '../src/core/stix/ids.js';
import { withTlp } from '../src/core/stix/tlp.js';
import type { TlpLevel } from '../src/core/tlp-rules.js';
import { addObject, openCase } from './harness/cases.js';
import { dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';
import { peerUp } from './harness/peers.js';
import { until } from './harness/wait.js';

/**
 * Issue 16, row 5, on every path: who may hold a RED object, and how low a marking goes,
 * change only through the marking action (cases.declassify and a reason, test/cases.test.ts).
 * An import (upload, `liaison import`, TAXII POST) never lowers a held marking nor changes
 * RED recipients; removing versions through TAXII cannot either; a peer cannot change the
 * marking of an object this node wrote, and what the author of an object changes of its
 * marking is audited. Two real nodes, us-doj (PostgreSQL when the tests have it) and cn-mps.
 */
type Stix = Record<string, unknown>;

interface ObjectView {
  id: string;
  tlp: TlpLevel;
  origin: string;
  redRecipients: string[];
  modified: string | null;
  object: Stix;
}

const CLI = { kind: 'cli', osUser: 'test' } as const;
const TAXII = 'application/taxii+json;version=2.1';
const dir = mkdtempSync(path.join(tmpdir(), 'liaison-red-'));

let a: NodeHandle; // us-doj
let b: NodeHandle; // cn-mps
let adminA: Session;
let adminB: Session;
let analystA: Session;
let feed: { id: string; username: string; password: string }; // an analyst of us-doj, on TAXII

beforeAll(async () => {
  a = await makeNode({
    nodeId: 'us-doj',
    dialect: dialectAvailable('postgres') ? 'postgres' : 'sqlite',
  });
  b = await makeNode({ nodeId: 'cn-mps' });
  const [urlA, urlB] = await Promise.all([a.node.listen(), b.node.listen()]);
  await peerUp(a, b, urlA, urlB);
  adminA = await login(a.app, 'admin', a.admin.password);
  adminB = await login(b.app, 'admin', b.admin.password);
  const analyst = await a.createUser('analyst', ['analyst']);
  analystA = await login(a.app, analyst.username, analyst.password);
  feed = await a.createUser('feed', ['analyst']);
}, 60_000);

afterAll(async () => {
  for (const n of [a, b]) await n?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const indicator = (name: string, ip: string): Stix => ({
  type: 'indicator',
  name,
  pattern: `[ipv4-addr:value = '${ip}']`,
  pattern_type: 'stix',
  valid_from: '2026-11-01T00:00:00.000Z',
  indicator_types: ['malicious-activity'],
});

async function add(
  node: NodeHandle,
  session: Session,
  caseId: string,
  object: Stix,
  tlp: TlpLevel,
  redRecipients: string[] = [],
): Promise<ObjectView> {
  return addObject<ObjectView>(node, session, caseId, object, tlp, redRecipients);
}

async function objectOn(node: NodeHandle, session: Session, caseId: string, id: string) {
  const r = await call(node.app, session, 'GET', `/api/cases/${caseId}/objects/${id}`);
  return r.statusCode === 200 ? r.json<ObjectView>() : undefined;
}

async function historyOf(node: NodeHandle, session: Session, caseId: string, id: string) {
  const r = await call(node.app, session, 'GET', `/api/cases/${caseId}/objects/${id}/history`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json<{ versions: { tlp: TlpLevel; modified: string | null }[] }>().versions;
}

/** A later version of `view`'s object (`seconds` after its own), marked `tlp`. */
function later(view: ObjectView, seconds: number, tlp: TlpLevel, extra: Stix = {}): Stix {
  const modified = new Date(Date.parse(String(view.modified)) + seconds * 1000).toISOString();
  return withTlp({ ...view.object, ...extra, modified }, tlp);
}

async function upload(session: Session, caseId: string, objects: Stix[]): Promise<ImportJobView> {
  const r = await a.app.inject({
    method: 'POST',
    url: `/api/cases/${caseId}/imports`,
    headers: {
      cookie: session.cookie,
      'x-csrf-token': session.csrf,
      'content-type': 'application/json',
    },
    payload: JSON.stringify({ type: 'bundle', id: `bundle--${randomUUID()}`, objects }),
  });
  expect(r.statusCode, r.body).toBe(202);
  const job = r.json<ImportJobView>();
  return until(async () => {
    const now = (await call(a.app, session, 'GET', `/api/imports/${job.id}`)).json<ImportJobView>();
    return now.status !== 'running' && now;
  }, `import ${job.id}`);
}

async function importErrors(jobId: string) {
  const r = await call(a.app, adminA, 'GET', `/api/imports/${jobId}/errors?limit=100`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json<{ errors: { objectId: string | null; reason: string }[] }>().errors;
}

describe('an import', () => {
  it('never lowers a held marking nor changes who may hold a RED object, whoever imports', async () => {
    const caseId = await openCase(a, analystA, 'Imports and markings');
    const red = await add(a, analystA, caseId, indicator('Red C2', '203.0.113.10'), 'red', [
      'cn-mps',
    ]);
    const amber = await add(a, analystA, caseId, indicator('Amber C2', '203.0.113.11'), 'amber');

    // The admin may declassify, but an import gives no reason: lowering is refused all the
    // same, per object, and the RED version taken keeps its recipients.
    const job = await upload(adminA, caseId, [
      later(red, 60, 'red', { name: 'Red C2, renamed' }),
      later(red, 120, 'clear', { name: 'Red C2, cleared' }),
      later(amber, 60, 'green', { name: 'Amber C2, greened' }),
    ]);
    expect(job).toMatchObject({ status: 'done', updated: 1, failed: 2, imported: 0 });
    const errors = await importErrors(job.id);
    expect(errors.map((e) => e.objectId).sort()).toEqual([amber.id, red.id].sort());
    expect(errors.find((e) => e.objectId === red.id)?.reason).toMatch(
      /marked TLP:CLEAR, but this node holds it as TLP:RED: an import does not lower a marking/,
    );
    expect(errors.find((e) => e.objectId === amber.id)?.reason).toMatch(
      /marked TLP:GREEN, but this node holds it as TLP:AMBER/,
    );
    const redNow = await objectOn(a, analystA, caseId, red.id);
    expect(redNow).toMatchObject({
      tlp: 'red',
      origin: 'us-doj',
      redRecipients: ['cn-mps'],
      object: { name: 'Red C2, renamed' },
    });
    expect(await historyOf(a, adminA, caseId, red.id)).toHaveLength(2);
    const amberNow = await objectOn(a, analystA, caseId, amber.id);
    expect(amberNow).toMatchObject({ tlp: 'amber', modified: amber.modified });
    expect(await historyOf(a, adminA, caseId, amber.id)).toHaveLength(1);

    // `liaison import` (a file, as the CLI runs it) is held to the same rule.
    const file = path.join(dir, 'lower.json');
    const objects = [later(amber, 180, 'clear')];
    writeFileSync(file, JSON.stringify({ type: 'bundle', id: `bundle--${randomUUID()}`, objects }));
    const source = { kind: 'file', path: file } as const;
    const started = await a.node.imports.begin(CLI, {
      caseId,
      format: 'stix',
      tlp: 'amber',
      source,
    });
    const ended = await a.node.imports.run(started, source);
    expect(ended).toMatchObject({ status: 'done', updated: 0, failed: 1 });
    expect((await importErrors(ended.id))[0]?.reason).toMatch(/holds it as TLP:AMBER/);
    expect(await objectOn(a, analystA, caseId, amber.id)).toMatchObject({ tlp: 'amber' });
  });
});

describe('TAXII', () => {
  let caseId: string;
  let collection: string;

  const auth = () => `Basic ${Buffer.from(`${feed.username}:${feed.password}`).toString('base64')}`;
  const taxii = (method: 'POST' | 'DELETE', url: string, body?: unknown) =>
    a.app.inject({
      method,
      url,
      headers: {
        accept: TAXII,
        authorization: auth(),
        ...(body === undefined ? {} : { 'content-type': TAXII }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    caseId = await openCase(a, adminA, 'TAXII and markings');
    const r = await call(a.app, adminA, 'POST', '/api/taxii/collections', {
      title: 'Markings',
      caseId,
      maxTlp: 'amber',
      access: [{ principal: `user:${feed.id}`, canRead: true, canWrite: true }],
    });
    expect(r.statusCode, r.body).toBe(201);
    collection = r.json<{ id: string }>().id;
  });

  it('adds no version that lowers a marking, and keeps RED recipients', async () => {
    const red = await add(a, analystA, caseId, indicator('Red via TAXII', '203.0.113.20'), 'red', [
      'cn-mps',
    ]);
    const amber = await add(
      a,
      analystA,
      caseId,
      indicator('Amber via TAXII', '203.0.113.21'),
      'amber',
    );
    const posted = await taxii('POST', `/taxii2/api/collections/${collection}/objects/`, {
      objects: [later(amber, 60, 'green'), later(red, 60, 'red', { description: 'seen again' })],
    });
    expect(posted.statusCode, posted.body).toBe(202);
    const status = posted.json<{
      success_count: number;
      failure_count: number;
      failures: { id: string; message: string }[];
    }>();
    expect(status).toMatchObject({ success_count: 1, failure_count: 1 });
    expect(status.failures[0]?.id).toBe(amber.id);
    expect(status.failures[0]?.message).toMatch(/holds it as TLP:AMBER/);
    expect(await objectOn(a, analystA, caseId, amber.id)).toMatchObject({
      tlp: 'amber',
      modified: amber.modified,
    });
    expect(await objectOn(a, analystA, caseId, red.id)).toMatchObject({
      tlp: 'red',
      redRecipients: ['cn-mps'],
      object: { description: 'seen again' },
    });
  });

  it('removes no version when that would lower the marking', async () => {
    const green = await add(a, analystA, caseId, indicator('Raised', '203.0.113.22'), 'green');
    const raised = await call(
      a.app,
      analystA,
      'POST',
      `/api/cases/${caseId}/objects/${green.id}/marking`,
      { tlp: 'amber' },
    );
    expect(raised.statusCode, raised.body).toBe(200);
    const removed = await taxii(
      'DELETE',
      `/taxii2/api/collections/${collection}/objects/${green.id}/?match[version]=last`,
    );
    expect(removed.statusCode, removed.body).toBe(422);
    expect(removed.body).toContain('marking_change');
    expect(removed.body).toMatch(/marked TLP:GREEN where the object is TLP:AMBER now/);
    expect(await objectOn(a, analystA, caseId, green.id)).toMatchObject({ tlp: 'amber' });
    expect((await historyOf(a, adminA, caseId, green.id)).map((v) => v.tlp)).toEqual([
      'green',
      'amber',
    ]);
  });
});

describe('a peer', () => {
  let caseId: string;

  /** cn-mps sends us-doj a message of its own making, as a peer could. */
  async function forge(body: StixUpsertMessage): Promise<void> {
    await b.node.store.transaction(async (trx, hooks) => {
      await b.node.federation.send(trx, hooks, 'us-doj', STIX_UPSERT_KIND, body);
    });
  }

  async function rejectedOnA(): Promise<{ kind: string; code: string; reason: string }[]> {
    const r = await call(a.app, adminA, 'GET', '/api/federation/rejections');
    expect(r.statusCode, r.body).toBe(200);
    return r
      .json<{
        rejections: {
          direction: string;
          peer: string;
          kind: string;
          code: string;
          reason: string;
        }[];
      }>()
      .rejections.filter((x) => x.direction === 'in' && x.peer === 'cn-mps');
  }

  beforeAll(async () => {
    // cn-mps opens the case and brings us-doj in: it owns the case, and may pass on its
    // CLEAR, GREEN and AMBER objects.
    caseId = await openCase(b, adminB, 'Peers and markings');
    const r = await call(b.app, adminB, 'POST', `/api/cases/${caseId}/participants`, {
      peer: 'us-doj',
    });
    expect(r.statusCode, r.body).toBe(200);
    await until(
      async () => (await call(a.app, adminA, 'GET', `/api/cases/${caseId}`)).statusCode === 200,
      'us-doj to have the case',
    );
  });

  it('cannot change the recipients, the author or the marking of an object us-doj wrote', async () => {
    const red = await add(a, analystA, caseId, indicator('Ours, RED', '203.0.113.30'), 'red', [
      'cn-mps',
    ]);
    const amber = await add(a, analystA, caseId, indicator('Ours, AMBER', '203.0.113.31'), 'amber');
    await until(
      async () =>
        (await objectOn(b, adminB, caseId, red.id)) &&
        (await objectOn(b, adminB, caseId, amber.id)),
      'cn-mps to have both objects',
    );
    // A new recipient; a claim to be the author; the case owner lowering AMBER to GREEN.
    await forge({
      caseId,
      object: later(red, 60, 'red'),
      tlp: 'red',
      redRecipients: ['cn-mps', 'gb-nca'],
    });
    await forge({
      caseId,
      object: later(red, 120, 'red', { created_by_ref: identityIdOf('cn-mps') }),
      tlp: 'red',
      redRecipients: ['cn-mps', 'us-doj', 'gb-nca'],
    });
    await forge({ caseId, object: later(amber, 60, 'green'), tlp: 'green', redRecipients: [] });
    const rejected = await until(async () => {
      const now = (await rejectedOnA()).filter(
        (x) => x.reason.includes(red.id) || x.reason.includes(amber.id),
      );
      return now.length >= 3 && now;
    }, 'us-doj to refuse the three versions');
    expect(rejected.map((x) => [x.kind, x.code])).toEqual([
      [STIX_UPSERT_KIND, 'not_origin'],
      [STIX_UPSERT_KIND, 'not_origin'],
      [STIX_UPSERT_KIND, 'not_origin'],
    ]);
    expect(rejected[0]?.reason).toMatch(/us-doj wrote .*; only it makes versions of it/);
    expect(await objectOn(a, analystA, caseId, red.id)).toMatchObject({
      tlp: 'red',
      origin: 'us-doj',
      redRecipients: ['cn-mps'],
      modified: red.modified,
    });
    expect(await historyOf(a, adminA, caseId, red.id)).toHaveLength(1);
    expect(await objectOn(a, analystA, caseId, amber.id)).toMatchObject({
      tlp: 'amber',
      modified: amber.modified,
    });
    expect(await historyOf(a, adminA, caseId, amber.id)).toHaveLength(1);
  });

  it('that wrote an object changes its recipients and lowers it, and us-doj audits both', async () => {
    const red = await add(b, adminB, caseId, indicator('Theirs, RED', '198.51.100.40'), 'red', [
      'us-doj',
    ]);
    const amber = await add(
      b,
      adminB,
      caseId,
      indicator('Theirs, AMBER', '198.51.100.41'),
      'amber',
    );
    await until(
      async () =>
        (await objectOn(a, analystA, caseId, red.id)) &&
        (await objectOn(a, analystA, caseId, amber.id)),
      'us-doj to have both objects',
    );
    const widened = await call(
      b.app,
      adminB,
      'POST',
      `/api/cases/${caseId}/objects/${red.id}/marking`,
      {
        tlp: 'red',
        redRecipients: ['us-doj', 'gb-nca'],
        reason: 'gb-nca joins the investigation',
      },
    );
    expect(widened.statusCode, widened.body).toBe(200);
    const lowered = await call(
      b.app,
      adminB,
      'POST',
      `/api/cases/${caseId}/objects/${amber.id}/marking`,
      {
        tlp: 'green',
        reason: 'Published by the vendor',
      },
    );
    expect(lowered.statusCode, lowered.body).toBe(200);
    await until(
      async () => (await objectOn(a, analystA, caseId, red.id))?.redRecipients.length === 2,
      'us-doj to hold the new recipients',
    );
    await until(
      async () => (await objectOn(a, analystA, caseId, amber.id))?.tlp === 'green',
      'us-doj to hold the lowered marking',
    );
    expect(await objectOn(a, analystA, caseId, red.id)).toMatchObject({
      origin: 'cn-mps',
      redRecipients: ['us-doj', 'gb-nca'],
    });
    const audit = await a.node.store.db
      .selectFrom('audit_log')
      .select(['actor', 'entity_id', 'details'])
      .where('action', '=', 'stix.receive_marking')
      .execute();
    const byObject = new Map(audit.map((row) => [row.entity_id, row]));
    expect(byObject.get(red.id)?.actor).toBe('peer:cn-mps');
    expect(JSON.parse(byObject.get(red.id)?.details ?? '{}')).toMatchObject({
      change: 'recipients',
      from: { tlp: 'red', redRecipients: ['us-doj'] },
      to: { tlp: 'red', redRecipients: ['us-doj', 'gb-nca'] },
    });
    expect(JSON.parse(byObject.get(amber.id)?.details ?? '{}')).toMatchObject({
      change: 'lowered',
      from: { tlp: 'amber' },
      to: { tlp: 'green' },
    });
  });
});
