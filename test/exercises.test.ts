import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCount } from './harness/audit.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';

/**
 * Issue 17, the scenarios: the bundled ones are there from the start; a controller adds and
 * edits scenarios as YAML, a bad file is refused with its mistakes by line and nothing is
 * stored; players see a scenario without its expected actions.
 */
const breach = readFileSync(new URL('../scenarios/personnel-breach.yaml', import.meta.url), 'utf8');

let node: NodeHandle;
let controller: Session;
let officer: Session;
let analyst: Session;

beforeAll(async () => {
  node = await makeNode({ nodeId: 'us-doj' });
  const sessionOf = async (name: string, role: 'controller' | 'officer' | 'analyst') => {
    const user = await node.createUser(name, [role]);
    return login(node.app, user.username, user.password);
  };
  controller = await sessionOf('controller.first', 'controller');
  officer = await sessionOf('officer.first', 'officer');
  analyst = await sessionOf('analyst.first', 'analyst');
});

afterAll(async () => {
  await node?.destroy();
});

describe('tabletop scenarios', () => {
  it('holds the bundled scenarios from the start, paged by id', async () => {
    const first = await call(node.app, officer, 'GET', '/api/exercises/scenarios?limit=1');
    expect(first.statusCode, first.body).toBe(200);
    const page = first.json<{ scenarios: { id: string; origin: string }[]; next: string }>();
    expect(page.scenarios).toEqual([
      expect.objectContaining({ id: 'personnel-breach', origin: 'bundled' }),
    ]);
    const second = await call(
      node.app,
      officer,
      'GET',
      `/api/exercises/scenarios?limit=1&cursor=${page.next}`,
    );
    expect(second.json().scenarios[0].id).toBe('utility-ransomware');
    const bad = await call(node.app, officer, 'GET', '/api/exercises/scenarios?cursor=%21%21');
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'invalid_cursor']);
  });

  it('shows players the MSEL without the expected actions, and controllers all of it', async () => {
    const asOfficer = await call(
      node.app,
      officer,
      'GET',
      '/api/exercises/scenarios/personnel-breach',
    );
    expect(asOfficer.json().withExpectations).toBe(false);
    expect(asOfficer.body).not.toContain('b-acknowledges-call');
    const asController = await call(
      node.app,
      controller,
      'GET',
      '/api/exercises/scenarios/personnel-breach',
    );
    expect(asController.json().withExpectations).toBe(true);
    expect(asController.body).toContain('b-acknowledges-call');
    expect(asController.json().injects[0]).toEqual(
      expect.objectContaining({ id: 'briefing', atMinutes: 0 }),
    );
    const source = await call(
      node.app,
      officer,
      'GET',
      '/api/exercises/scenarios/personnel-breach/source',
    );
    expect([source.statusCode, source.json().error.code]).toEqual([403, 'forbidden']);
  });

  it('refuses a bad file naming the line and the field, and stores nothing', async () => {
    const text = breach
      .replace('id: personnel-breach', 'id: breach-drill')
      .replace('at: T+00:50', 'at: ten to one');
    const r = await call(node.app, controller, 'POST', '/api/exercises/scenarios', {
      source: text,
    });
    expect([r.statusCode, r.json().error.code]).toEqual([400, 'invalid_scenario']);
    const line = text.split('\n').findIndex((l) => l.includes('at: ten to one')) + 1;
    expect(r.json().error.problems).toEqual([
      expect.objectContaining({ line, field: 'injects[3].at' }),
    ]);
    expect(r.json().error.message).toContain(`line ${line}`);
    const held = await call(node.app, controller, 'GET', '/api/exercises/scenarios/breach-drill');
    expect(held.statusCode).toBe(404);
    expect(await auditCount(node, 'scenario.create', 'breach-drill')).toBe(0);
  });

  it('adds a scenario, edits it by a higher version, and refuses analysts', async () => {
    const text = breach.replace('id: personnel-breach', 'id: breach-drill');
    const refused = await call(node.app, analyst, 'POST', '/api/exercises/scenarios', {
      source: text,
    });
    expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'forbidden']);
    const created = await call(node.app, controller, 'POST', '/api/exercises/scenarios', {
      source: text,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toEqual(
      expect.objectContaining({ id: 'breach-drill', origin: 'written', version: 1 }),
    );
    const again = await call(node.app, controller, 'POST', '/api/exercises/scenarios', {
      source: text,
    });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'scenario_exists']);
    const same = await call(node.app, controller, 'PUT', '/api/exercises/scenarios/breach-drill', {
      source: text,
    });
    expect([same.statusCode, same.json().error.code]).toEqual([409, 'scenario_version']);
    const other = await call(
      node.app,
      controller,
      'PUT',
      '/api/exercises/scenarios/personnel-breach',
      {
        source: text,
      },
    );
    expect([other.statusCode, other.json().error.code]).toEqual([400, 'scenario_id_mismatch']);
    const edited = await call(
      node.app,
      controller,
      'PUT',
      '/api/exercises/scenarios/breach-drill',
      {
        source: text.replace('version: 1', 'version: 2'),
      },
    );
    expect([edited.statusCode, edited.json().version]).toEqual([200, 2]);
    const source = await call(
      node.app,
      controller,
      'GET',
      '/api/exercises/scenarios/breach-drill/source',
    );
    expect(source.json().source).toContain('version: 2');
    expect(await auditCount(node, 'scenario.update', 'breach-drill')).toBe(1);
    const removed = await call(
      node.app,
      controller,
      'DELETE',
      '/api/exercises/scenarios/breach-drill',
    );
    expect(removed.statusCode).toBe(204);
    expect(
      (await call(node.app, controller, 'GET', '/api/exercises/scenarios/breach-drill')).statusCode,
    ).toBe(404);
  });
});
