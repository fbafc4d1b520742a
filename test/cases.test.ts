import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../src/core/roles.js';
import { TLP_LEVELS, type TlpLevel } from '../src/core/tlp-rules.js';
import { visibleTo, type BusEvent } from '../src/server/events.js';
import { addObject, openCase } from './harness/cases.js';
import { validateStix, validateStixBundleObjects } from './harness/stix-schemas.js';
import { dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';
import { until } from './harness/wait.js';

/**
 * Cases and shared intelligence between three real nodes over loopback HTTP (issue 6):
 * the attribution dispute with opinions and feedback, versions, revocation and deletion
 * (acceptance 1); TLP 2.0 over every path — roles × markings × read, list, search, export,
 * history, live events and federation — with zero leaks (acceptance 2); every object
 * validates against the OASIS STIX 2.1 schemas (acceptance 3); bad input changes nothing
 * (acceptance 4).
 */
let a: NodeHandle; // us-doj: opens the case
let b: NodeHandle; // cn-mps: disputes the attribution
let c: NodeHandle; // gb-nca: a third participant
let adminA: Session;
let adminB: Session;
let adminC: Session;

beforeAll(async () => {
  // The owner runs on PostgreSQL when the tests have one, so both dialects carry cases.
  a = await makeNode({
    nodeId: 'us-doj',
    dialect: dialectAvailable('postgres') ? 'postgres' : 'sqlite',
  });
  b = await makeNode({ nodeId: 'cn-mps' });
  c = await makeNode({ nodeId: 'gb-nca' });
  const nodes = [a, b, c];
  const urls = await Promise.all(nodes.map((n) => n.node.listen()));
  const sessions = await Promise.all(nodes.map((n) => login(n.app, 'admin', n.admin.password)));
  [adminA, adminB, adminC] = sessions as [Session, Session, Session];
  for (let i = 0; i < nodes.length; i++) {
    for (let j = 0; j < nodes.length; j++) {
      if (i === j) continue;
      const from = nodes[i] as NodeHandle;
      const to = nodes[j] as NodeHandle;
      const r = await call(from.app, sessions[i], 'POST', '/api/federation/peers', {
        url: urls[j],
        fingerprint: to.node.keys.fingerprint,
      });
      expect(r.statusCode, r.body).toBe(201);
    }
  }
}, 60_000);

afterAll(async () => {
  for (const n of [a, b, c]) await n?.destroy();
});

/** The fields of every case us-doj opens in these tests. */
const BREACH = {
  summary: 'Intrusion into a personnel agency; records of 21.5 million people exfiltrated.',
  kind: 'hacking',
  priority: 'critical',
  priorityCase: true,
};

async function add(
  node: NodeHandle,
  session: Session,
  caseId: string,
  object: Record<string, unknown>,
  tlp: TlpLevel = 'amber',
  redRecipients: string[] = [],
): Promise<any> {
  const view = await addObject<{ object: Record<string, unknown> }>(
    node,
    session,
    caseId,
    object,
    tlp,
    redRecipients,
  );
  expect(validateStix(view.object)).toEqual([]);
  return view.object;
}

async function objectsOn(node: NodeHandle, session: Session, caseId: string): Promise<any[]> {
  const r = await call(node.app, session, 'GET', `/api/cases/${caseId}`);
  return r.statusCode === 200 ? (r.json().objects as any[]) : [];
}

const indicator = (name: string, ip: string) => ({
  type: 'indicator',
  name,
  pattern: `[ipv4-addr:value = '${ip}']`,
  pattern_type: 'stix',
  valid_from: '2026-11-01T00:00:00.000Z',
  indicator_types: ['malicious-activity'],
});

describe('a case shared between us-doj and cn-mps (acceptance 1)', () => {
  it('carries indicators, an attribution and its dispute, feedback, versions, revocation and deletion', async () => {
    const caseId = await openCase(a, adminA, 'Personnel agency breach', BREACH);
    const c2 = await add(a, adminA, caseId, indicator('C2 server', '203.0.113.7'));
    const ip = await add(a, adminA, caseId, { type: 'ipv4-addr', value: '203.0.113.7' });
    const domain = await add(a, adminA, caseId, {
      type: 'domain-name',
      value: 'update-check.example',
    });
    const set = await add(a, adminA, caseId, {
      type: 'intrusion-set',
      name: 'Intrusion set PA-2015',
      description: 'The intrusion into the personnel agency.',
    });
    const actor = await add(a, adminA, caseId, {
      type: 'threat-actor',
      name: 'Operator of PA-2015',
      threat_actor_types: ['crime-syndicate'],
    });
    const forensics = await add(a, adminA, caseId, {
      type: 'report',
      name: 'Forensic report on PA-2015',
      published: '2026-11-20T00:00:00.000Z',
      object_refs: [c2.id, set.id],
    });
    const attribution = await add(a, adminA, caseId, {
      type: 'relationship',
      relationship_type: 'attributed-to',
      source_ref: set.id,
      target_ref: actor.id,
      confidence: 70,
      description: 'Infrastructure and tooling overlap.',
      x_liaison_evidence_refs: [c2.id, forensics.id],
    });
    expect(ip.id).toMatch(/^ipv4-addr--/);
    const found = (await call(a.app, adminA, 'GET', '/api/cases/search?q=PA-2015')).json();
    expect(found.results.map((r: { object: { id: string } }) => r.object.id)).toEqual(
      expect.arrayContaining([set.id]),
    );
    // Wildcards are not wildcards: a query of nothing but them has no words to search for.
    const literal = await call(a.app, adminA, 'GET', '/api/cases/search?q=%25_');
    expect(literal.statusCode, literal.body).toBe(400);
    // Exact lookup finds the address in the observable and in the indicator's pattern, for
    // those who may see AMBER; an observer finds nothing.
    const seenIt = await call(a.app, adminA, 'GET', '/api/cases/lookup?value=203.0.113.7');
    expect(
      seenIt
        .json()
        .results.map((r: { object: { id: string } }) => r.object.id)
        .sort(),
    ).toEqual([c2.id, ip.id].sort());
    const observer = await a.createUser('observer.lookup', ['observer']);
    const asObserver = await login(a.app, observer.username, observer.password);
    const notForThem = await call(a.app, asObserver, 'GET', '/api/cases/lookup?value=203.0.113.7');
    expect(notForThem.json().results).toEqual([]);

    const participant = await call(a.app, adminA, 'POST', `/api/cases/${caseId}/participants`, {
      peer: 'cn-mps',
    });
    expect(participant.statusCode, participant.body).toBe(200);
    const shared = await call(a.app, adminA, 'POST', `/api/cases/${caseId}/share`, {
      peer: 'cn-mps',
    });
    expect(shared.statusCode, shared.body).toBe(200);
    expect(shared.json().sent).toHaveLength(7);
    expect(shared.json().withheld).toEqual([]);

    // cn-mps sees the case and its objects.
    const seen = await until(async () => {
      const objects = await objectsOn(b, adminB, caseId);
      return objects.length === 7 ? objects : undefined;
    }, 'cn-mps to receive the case');
    expect(seen.find((o) => o.id === attribution.id)?.object).toEqual(attribution);
    expect(seen.every((o) => o.origin === 'us-doj' && o.tlp === 'amber')).toBe(true);

    // cn-mps disputes the attribution: an opinion and a note, shared back to us-doj.
    const opinion = await add(b, adminB, caseId, {
      type: 'opinion',
      opinion: 'strongly-disagree',
      explanation: 'The infrastructure is rented and was used by several groups.',
      object_refs: [attribution.id],
    });
    const note = await add(b, adminB, caseId, {
      type: 'note',
      abstract: 'Our view of the attribution',
      content:
        'The addresses belong to a hosting provider used worldwide; no evidence places the operator here.',
      object_refs: [attribution.id],
    });
    const back = await call(b.app, adminB, 'POST', `/api/cases/${caseId}/share`, {
      peer: 'us-doj',
      objects: [opinion.id, note.id],
    });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json().sent).toEqual(expect.arrayContaining([opinion.id, note.id]));
    // Feedback on the indicator goes back to its author.
    const feedback = await call(
      b.app,
      adminB,
      'POST',
      `/api/cases/${caseId}/objects/${c2.id}/feedback`,
      { use: 'blocked', note: 'Null-routed at the national exchange.' },
    );
    expect(feedback.statusCode, feedback.body).toBe(200);

    const onA = await until(async () => {
      const objects = await objectsOn(a, adminA, caseId);
      const withFeedback = objects.find((o) => o.id === c2.id)?.feedback?.length === 1;
      return objects.length === 9 && withFeedback ? objects : undefined;
    }, 'us-doj to see the opinion, the note and the feedback');
    expect(onA.find((o) => o.id === opinion.id)).toMatchObject({
      origin: 'cn-mps',
      object: opinion,
    });
    expect(onA.find((o) => o.id === note.id)?.object.object_refs).toEqual([attribution.id]);
    expect(onA.find((o) => o.id === c2.id)?.feedback[0]).toMatchObject({
      node: 'cn-mps',
      use: 'blocked',
      note: 'Null-routed at the national exchange.',
    });

    // A new version, a revocation and a deletion on us-doj reach cn-mps.
    const updated = await call(a.app, adminA, 'PATCH', `/api/cases/${caseId}/objects/${set.id}`, {
      changes: { description: 'Updated after the second forensic pass.' },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json().object.id).toBe(set.id);
    expect(Date.parse(updated.json().modified)).toBeGreaterThan(Date.parse(set.modified));
    const revoked = await call(
      a.app,
      adminA,
      'POST',
      `/api/cases/${caseId}/objects/${c2.id}/revoke`,
    );
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().object.revoked).toBe(true);
    const removed = await call(
      a.app,
      adminA,
      'DELETE',
      `/api/cases/${caseId}/objects/${domain.id}`,
    );
    expect(removed.statusCode, removed.body).toBe(204);
    const lookupGone = await call(
      a.app,
      adminA,
      'GET',
      '/api/cases/lookup?value=update-check.example',
    );
    expect(lookupGone.json().results).toEqual([]);

    await until(async () => {
      const objects = await objectsOn(b, adminB, caseId);
      const revokedThere = objects.find((o) => o.id === c2.id)?.object.revoked === true;
      const newVersion = objects.find((o) => o.id === set.id)?.modified === updated.json().modified;
      const gone = !objects.some((o) => o.id === domain.id);
      return revokedThere && newVersion && gone;
    }, 'cn-mps to follow the version, the revocation and the deletion');
    const history = await call(
      b.app,
      adminB,
      'GET',
      `/api/cases/${caseId}/objects/${set.id}/history`,
    );
    expect(
      history.json().versions.map((v: { object: { description: string } }) => v.object.description),
    ).toEqual([
      'The intrusion into the personnel agency.',
      'Updated after the second forensic pass.',
    ]);
    const goneHistory = await call(
      b.app,
      adminB,
      'GET',
      `/api/cases/${caseId}/objects/${domain.id}/history`,
    );
    expect(goneHistory.statusCode).toBe(404);
    // Nothing of the deleted object is left on cn-mps.
    const row = await b.node.store.db
      .selectFrom('stix_objects')
      .selectAll()
      .where('id', '=', domain.id)
      .executeTakeFirst();
    expect(row).toMatchObject({ deleted: 1, body: null });

    // Every object both nodes now hold — versions, revocations, what arrived — is valid STIX.
    for (const [node, session] of [
      [a, adminA],
      [b, adminB],
    ] as const) {
      for (const held of await objectsOn(node, session, caseId)) {
        expect(validateStix(held.object), held.id).toEqual([]);
      }
    }
    expect(validateStix(updated.json().object)).toEqual([]);
    expect(validateStix(revoked.json().object)).toEqual([]);

    // The export is a bundle that validates, with both nodes' identities and the marking.
    const bundle = (await call(a.app, adminA, 'GET', `/api/cases/${caseId}/export`)).json();
    // The OASIS bundle schema omits notes and opinions; the bundle and each object are checked
    // the way it means to (test/harness/stix-schemas.ts).
    expect(validateStixBundleObjects(bundle)).toEqual([]);
    for (const object of bundle.objects) expect(validateStix(object), object.id).toEqual([]);
    expect(bundle.objects.map((o: { type: string }) => o.type)).toEqual(
      expect.arrayContaining(['identity', 'marking-definition', 'opinion', 'note']),
    );

    // The status report counts the case, its sharing and the feedback.
    const report = (await call(a.app, adminA, 'GET', '/api/cases/report?peer=cn-mps')).json();
    expect(report.peers).toEqual([
      {
        peer: 'cn-mps',
        casesOpened: 1,
        casesShared: 1,
        casesWithActivity: 1,
        requestsLinked: 0,
        feedbackReceived: 1,
      },
    ]);
  }, 60_000);
});

describe('TLP 2.0 over every path (acceptance 2)', () => {
  let caseId: string;
  const ids: Record<string, string> = {};
  const users: Partial<Record<Role, Session>> = {};
  const events: BusEvent[] = [];
  const CLEARANCE: Record<Role, TlpLevel[]> = {
    observer: ['clear', 'green'],
    controller: ['clear', 'green', 'amber'],
    analyst: [...TLP_LEVELS],
    officer: [...TLP_LEVELS],
    admin: [...TLP_LEVELS],
  };
  /** Each object carries a marker in its name, so any response can be searched for leaks. */
  const marker = (key: string) => `leakmark-${key}`;
  const KEYS = ['clear', 'green', 'amber', 'amber_strict', 'red_b', 'red_c'] as const;
  const levelOf = (key: (typeof KEYS)[number]): TlpLevel =>
    key.startsWith('red') ? 'red' : (key as TlpLevel);

  beforeAll(async () => {
    caseId = await openCase(a, adminA, 'Marking matrix', BREACH);
    a.node.bus.subscribe((event) => {
      if (event.type === 'case.object') events.push(event);
    });
    for (const key of KEYS) {
      const red = key === 'red_b' ? ['cn-mps'] : key === 'red_c' ? ['gb-nca'] : [];
      const object = await add(
        a,
        adminA,
        caseId,
        {
          type: 'malware',
          name: marker(key),
          is_family: false,
          description: `about ${marker(key)}`,
        },
        levelOf(key),
        red,
      );
      ids[key] = object.id as string;
    }
    for (const role of ROLES) {
      const user = await a.createUser(`${role}.matrix`, [role]);
      users[role] = await login(a.app, user.username, user.password);
    }
    for (const peer of ['cn-mps', 'gb-nca']) {
      const r = await call(a.app, adminA, 'POST', `/api/cases/${caseId}/participants`, { peer });
      expect(r.statusCode, r.body).toBe(200);
    }
  }, 60_000);

  const allowedKeys = (role: Role) => KEYS.filter((key) => CLEARANCE[role].includes(levelOf(key)));

  it('lets each role read, list, search and see the history of exactly what its clearance allows', async () => {
    for (const role of ROLES) {
      const session = users[role] as Session;
      const allowed = allowedKeys(role);
      const forbidden = KEYS.filter((key) => !allowed.includes(key));
      const responses = [
        await call(a.app, session, 'GET', `/api/cases/${caseId}`),
        await call(a.app, session, 'GET', '/api/cases'),
        await call(a.app, session, 'GET', '/api/cases/search?q=leakmark'),
        ...(await Promise.all(
          KEYS.map((key) =>
            call(a.app, session, 'GET', `/api/cases/${caseId}/objects/${ids[key]}/history`),
          ),
        )),
      ];
      for (const response of responses) {
        for (const key of forbidden) {
          expect(
            response.body,
            `${role} must not see ${key} at ${response.raw.req.url}`,
          ).not.toContain(marker(key));
          // A history asked for by id echoes that id in its 404; nothing else may name it.
          const url = response.raw.req.url ?? '';
          if (!url.includes('/history')) expect(response.body).not.toContain(ids[key]);
          else if (url.includes(ids[key] as string)) expect(response.statusCode).toBe(404);
        }
      }
      const detail = responses[0]?.json();
      expect(
        detail.objects.map((o: { object: { name: string } }) => o.object.name).sort(),
        role,
      ).toEqual(allowed.map(marker).sort());
      expect(responses[2]?.json().results).toHaveLength(allowed.length);
    }
  });

  it('never exports RED, and exports only what the role may see', async () => {
    for (const role of ROLES) {
      const r = await call(a.app, users[role], 'GET', `/api/cases/${caseId}/export`);
      expect(r.statusCode).toBe(200);
      expect(validateStixBundleObjects(r.json())).toEqual([]);
      const names = (r.json().objects as { name?: string }[])
        .map((o) => o.name ?? '')
        .filter((n) => n.startsWith('leakmark'));
      expect(names.sort(), role).toEqual(
        allowedKeys(role)
          .filter((key) => !key.startsWith('red'))
          .map(marker)
          .sort(),
      );
    }
  });

  it('tells live events only to the roles that may see the object', () => {
    const created = events.filter((e) => Object.values(ids).includes((e.data as any).objectId));
    expect(created.length).toBeGreaterThanOrEqual(KEYS.length);
    for (const event of created) {
      const key = KEYS.find(
        (k) => ids[k] === (event.data as any).objectId,
      ) as (typeof KEYS)[number];
      for (const role of ROLES) {
        const may = visibleTo(event, { userId: 'nobody', roles: [role] });
        expect(may, `${role} and the event of ${key}`).toBe(allowedKeys(role).includes(key));
      }
    }
  });

  it('sends each peer only what TLP lets it have; AMBER+STRICT and RED are never passed on', async () => {
    for (const peer of ['cn-mps', 'gb-nca']) {
      const r = await call(a.app, adminA, 'POST', `/api/cases/${caseId}/share`, { peer });
      expect(r.statusCode, r.body).toBe(200);
    }
    const expected = {
      'cn-mps': ['clear', 'green', 'amber', 'amber_strict', 'red_b'],
      'gb-nca': ['clear', 'green', 'amber', 'amber_strict', 'red_c'],
    };
    for (const [node, session, peer] of [
      [b, adminB, 'cn-mps'],
      [c, adminC, 'gb-nca'],
    ] as const) {
      const names = await until(async () => {
        const objects = await objectsOn(node, session, caseId);
        return objects.length === expected[peer].length
          ? objects.map((o) => o.object.name as string)
          : undefined;
      }, `${peer} to receive its share`);
      expect(names.sort()).toEqual(expected[peer].map(marker).sort());
      // Not even a tombstone or a row of what it may not have.
      const rows = await node.node.store.db.selectFrom('stix_objects').select('body').execute();
      const forbidden = KEYS.filter((key) => !expected[peer].includes(key));
      for (const key of forbidden) expect(JSON.stringify(rows)).not.toContain(marker(key));
    }
    // cn-mps is not the owner: it passes on nothing it did not write, to gb-nca or anyone.
    const onward = await call(b.app, adminB, 'POST', `/api/cases/${caseId}/share`, {
      peer: 'gb-nca',
    });
    expect(onward.statusCode, onward.body).toBe(200);
    expect(onward.json().sent).toEqual([]);
    expect(
      onward
        .json()
        .withheld.map((w: { reason: string }) => w.reason)
        .sort(),
    ).toEqual([
      'not_origin_or_owner',
      'not_origin_or_owner',
      'not_origin_or_owner',
      'red_not_origin',
      'strict_not_origin',
    ]);
    const outbox = await b.node.store.db
      .selectFrom('outbox')
      .select('peer_id')
      .where('peer_id', '=', 'gb-nca')
      .execute();
    expect(outbox).toEqual([]);
  });

  it('takes an object back from a peer when its marking is raised; lowering is the admin’s audited act', async () => {
    // Raise AMBER to RED for gb-nca only: cn-mps loses it at once.
    const raised = await call(
      a.app,
      users.analyst,
      'POST',
      `/api/cases/${caseId}/objects/${ids['amber']}/marking`,
      {
        tlp: 'red',
        redRecipients: ['gb-nca'],
      },
    );
    expect(raised.statusCode, raised.body).toBe(200);
    await until(async () => {
      const objects = await objectsOn(b, adminB, caseId);
      return !objects.some((o) => o.id === ids['amber']);
    }, 'cn-mps to lose the object whose marking was raised');
    const row = await b.node.store.db
      .selectFrom('stix_objects')
      .selectAll()
      .where('id', '=', ids['amber'] as string)
      .executeTakeFirst();
    expect(row).toMatchObject({ deleted: 1, body: null });
    // The observer and the controller no longer see it on us-doj either.
    const forController = await call(a.app, users.controller, 'GET', `/api/cases/${caseId}`);
    expect(forController.body).not.toContain(marker('amber'));

    // Adding a RED recipient is the same act as lowering (issue 16, row 5): the analyst is
    // refused, the admin needs a reason, and cn-mps gets nothing meanwhile.
    const widen = { tlp: 'red', redRecipients: ['gb-nca', 'cn-mps'], reason: '' };
    const url = `/api/cases/${caseId}/objects/${ids['amber']}/marking`;
    const widenedByAnalyst = await call(a.app, users.analyst, 'POST', url, widen);
    expect([widenedByAnalyst.statusCode, widenedByAnalyst.json().error.code]).toEqual([
      403,
      'forbidden',
    ]);
    const widenedNoReason = await call(a.app, adminA, 'POST', url, widen);
    expect([widenedNoReason.statusCode, widenedNoReason.json().error.code]).toEqual([
      400,
      'reason_required',
    ]);
    const same = await call(a.app, users.analyst, 'POST', url, {
      tlp: 'red',
      redRecipients: ['gb-nca'],
    });
    expect(same.statusCode, same.body).toBe(200);
    expect((await objectsOn(b, adminB, caseId)).some((o) => o.id === ids['amber'])).toBe(false);

    // Lowering: refused to an analyst, refused without a reason, done by an admin and audited.
    const lower = { tlp: 'green', reason: '' };
    const byAnalyst = await call(
      a.app,
      users.analyst,
      'POST',
      `/api/cases/${caseId}/objects/${ids['amber']}/marking`,
      { ...lower, reason: 'x' },
    );
    expect([byAnalyst.statusCode, byAnalyst.json().error.code]).toEqual([403, 'forbidden']);
    const noReason = await call(
      a.app,
      adminA,
      'POST',
      `/api/cases/${caseId}/objects/${ids['amber']}/marking`,
      lower,
    );
    expect([noReason.statusCode, noReason.json().error.code]).toEqual([400, 'reason_required']);
    const lowered = await call(
      a.app,
      adminA,
      'POST',
      `/api/cases/${caseId}/objects/${ids['amber']}/marking`,
      {
        tlp: 'green',
        reason: 'Published by the vendor on 2026-11-23.',
      },
    );
    expect(lowered.statusCode, lowered.body).toBe(200);
    const audit = await a.node.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'stix.marking_lowered')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toContain('Published by the vendor');
  });
});

describe('bad input changes nothing (acceptance 4)', () => {
  it('refuses an invalid object, a dangling reference, lowering without the right and sharing outside the case', async () => {
    const caseId = await openCase(a, adminA, 'Refusals', BREACH);
    const kept = await add(a, adminA, caseId, indicator('Kept', '198.51.100.9'));
    const analyst = await a.createUser('analyst.refusals', ['analyst']);
    const asAnalyst = await login(a.app, analyst.username, analyst.password);
    const before = (await call(a.app, adminA, 'GET', `/api/cases/${caseId}`)).body;
    const auditBefore = (await a.node.store.db.selectFrom('audit_log').select('seq').execute())
      .length;
    const cases: [Session, string, string, unknown, number, string][] = [
      [
        adminA,
        'POST',
        `/api/cases/${caseId}/objects`,
        { object: { type: 'indicator', name: 'No pattern' } },
        422,
        'invalid_stix',
      ],
      [
        adminA,
        'POST',
        `/api/cases/${caseId}/objects`,
        {
          object: {
            ...indicator('Typo', '198.51.100.9'),
            pattern: "[ipv4-addr:value = '999.1.1.1']",
          },
        },
        422,
        'invalid_stix',
      ],
      [
        adminA,
        'POST',
        `/api/cases/${caseId}/objects`,
        { object: { type: 'weapon', name: 'x' } },
        422,
        'invalid_stix',
      ],
      [
        adminA,
        'POST',
        `/api/cases/${caseId}/objects`,
        {
          object: {
            type: 'relationship',
            relationship_type: 'indicates',
            source_ref: kept.id,
            target_ref: 'malware--4a1b2c3d-0000-4000-8000-000000000001',
          },
        },
        422,
        'unknown_reference',
      ],
      [
        adminA,
        'POST',
        `/api/cases/${caseId}/objects`,
        { object: indicator('Again', '198.51.100.9'), tlp: 'purple' },
        400,
        'invalid_request',
      ],
      [
        asAnalyst,
        'POST',
        `/api/cases/${caseId}/objects/${kept.id}/marking`,
        { tlp: 'clear', reason: 'why not' },
        403,
        'forbidden',
      ],
      [adminA, 'POST', `/api/cases/${caseId}/share`, { peer: 'cn-mps' }, 409, 'peer_not_in_case'],
      [adminA, 'POST', `/api/cases/${caseId}/share`, { peer: 'zz-none' }, 409, 'peer_not_in_case'],
      [
        adminA,
        'POST',
        `/api/cases/${caseId}/participants`,
        { peer: 'zz-none' },
        404,
        'peer_not_found',
      ],
      [
        adminA,
        'PATCH',
        `/api/cases/${caseId}/objects/${kept.id}`,
        { changes: { id: 'indicator--x' } },
        422,
        'immutable_property',
      ],
      [
        adminA,
        'POST',
        `/api/cases/${caseId}/objects`,
        {
          object: {
            ...indicator('Mine', '198.51.100.10'),
            created_by_ref: 'identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01',
          },
        },
        422,
        'not_our_identity',
      ],
    ];
    for (const [session, method, url, body, status, code] of cases) {
      const r = await call(a.app, session, method as 'POST', url, body);
      expect(
        [r.statusCode, r.json().error?.code],
        `${method} ${url} ${JSON.stringify(body)}`,
      ).toEqual([status, code]);
      expect(r.json().error.message.length).toBeGreaterThan(10);
    }
    expect((await call(a.app, adminA, 'GET', `/api/cases/${caseId}`)).body).toBe(before);
    const auditAfter = (await a.node.store.db.selectFrom('audit_log').select('seq').execute())
      .length;
    expect(auditAfter).toBe(auditBefore);
  });
});

describe('objects flow to the nodes of a case by themselves (issue 15, finding 2)', () => {
  it('sends what is added, imported or held when a node joins, as TLP allows; a node may switch it off for its copy', async () => {
    const caseId = await openCase(a, adminA, 'Flowing', BREACH);
    const early = await add(a, adminA, caseId, indicator('Held before', '198.51.100.21'));
    const added = await call(a.app, adminA, 'POST', `/api/cases/${caseId}/participants`, {
      peer: 'cn-mps',
    });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().autoShare).toBe(true);
    // No one presses Share: what the case held goes to the node that joined…
    await until(
      async () => (await objectsOn(b, adminB, caseId)).some((o) => o.id === early.id),
      'cn-mps to receive what the case held',
    );
    // …and what is added or imported afterwards follows, but not what RED keeps here.
    const later = await add(a, adminA, caseId, indicator('Added after', '198.51.100.22'));
    const red = await add(a, adminA, caseId, indicator('Ours only', '198.51.100.23'), 'red');
    const bundle = {
      type: 'bundle',
      id: 'bundle--5e0f7c7e-3f43-4d55-9a0e-1c1c1c1c1c1c',
      objects: [
        {
          ...indicator('Imported', '198.51.100.24'),
          spec_version: '2.1',
          id: 'indicator--5e0f7c7e-3f43-4d55-9a0e-2d2d2d2d2d2d',
          created: '2026-11-01T00:00:00.000Z',
          modified: '2026-11-01T00:00:00.000Z',
        },
      ],
    };
    const job = await call(a.app, adminA, 'POST', `/api/cases/${caseId}/imports`, bundle);
    expect(job.statusCode, job.body).toBe(202);
    const onB = await until(async () => {
      const ids = new Set((await objectsOn(b, adminB, caseId)).map((o) => String(o.id)));
      return ids.has(later.id) && ids.has(String(bundle.objects[0]?.id)) ? ids : undefined;
    }, 'cn-mps to receive the added and the imported objects');
    expect(onB.has(red.id)).toBe(false);
    const mine = await objectsOn(a, adminA, caseId);
    expect(mine.find((o) => o.id === later.id)?.sharedWith).toEqual(['cn-mps']);
    expect(mine.find((o) => o.id === red.id)?.sharedWith).toEqual([]);

    // cn-mps switches the flow off for its copy (its own setting); the title stays the owner's.
    const off = await call(b.app, adminB, 'PATCH', `/api/cases/${caseId}`, { autoShare: false });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().autoShare).toBe(false);
    const retitle = await call(b.app, adminB, 'PATCH', `/api/cases/${caseId}`, { title: 'Mine' });
    expect(retitle.statusCode).toBe(403);
    const kept = await add(b, adminB, caseId, indicator('Kept at cn-mps', '198.51.100.25'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await objectsOn(a, adminA, caseId)).some((o) => o.id === kept.id)).toBe(false);
    // Switched on again, what it held goes.
    const on = await call(b.app, adminB, 'PATCH', `/api/cases/${caseId}`, { autoShare: true });
    expect(on.statusCode, on.body).toBe(200);
    await until(
      async () => (await objectsOn(a, adminA, caseId)).some((o) => o.id === kept.id),
      'us-doj to receive what cn-mps held once its flow is on again',
    );
  });
});
