import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../../../core/exercises/scenario.js';
import { describeProblems, parseScenarioYaml } from '../../../core/exercises/scenario-yaml.js';
import type {
  ScenarioList,
  ScenarioQuery,
  ScenarioSource,
  ScenarioView,
} from '../../../core/schemas/exercises.js';
import { authorize, can, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import type { Logger } from 'pino';
import type { FeatureDeps } from '../feature-deps.js';
import { presentScenario, presentScenarioSummary } from './exercises.present.js';
import type { ScenarioRow } from './exercises.table.js';
import {
  deleteScenario,
  findScenario,
  insertScenario,
  listScenarios,
  updateScenario,
} from './scenarios.repository.js';
import { isUniqueViolation } from '../../store/errors.js';

/** scenarios/ at the package's root, whether this file runs from src/ or from dist/. */
export const BUNDLED_SCENARIOS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../scenarios',
);

/** The scenario of a YAML text, or a 400 that names each mistake's line and field. */
function parseOrRefuse(source: string): Scenario {
  const result = parseScenarioYaml(source);
  if (result.ok) return result.scenario;
  throw badRequest(
    'invalid_scenario',
    `The scenario has ${result.problems.length === 1 ? 'a mistake' : `${result.problems.length} mistakes`}:\n${describeProblems(result.problems)}`,
    { extra: { problems: result.problems } },
  );
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(id)) {
    throw badRequest(
      'invalid_cursor',
      'The cursor is not one this list gave; start again without it.',
    );
  }
  return id;
}

/**
 * Tabletop scenarios: the bundled ones (scenarios/*.yaml, loaded at start) and those the
 * controllers write or edit here. Everyone who plays sees a scenario without its expected
 * actions; the controllers see them.
 */
export class ScenariosService {
  constructor(private readonly deps: FeatureDeps & { log: Logger }) {}

  async list(actor: Actor, query: ScenarioQuery): Promise<ScenarioList> {
    authorize(actor, 'exercises.read');
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = await listScenarios(this.deps.store.db, query.limit + 1, after);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      scenarios: page.map(presentScenarioSummary),
      next: rows.length > query.limit && last ? Buffer.from(last.id).toString('base64url') : null,
    };
  }

  async get(actor: Actor, id: string): Promise<ScenarioView> {
    authorize(actor, 'exercises.read');
    return presentScenario(await this.find(id), can(actor, 'exercises.manage'));
  }

  async source(actor: Actor, id: string): Promise<ScenarioSource> {
    authorize(actor, 'exercises.manage');
    const row = await this.find(id);
    return { id: row.id, version: Number(row.version), source: row.source };
  }

  /** A new scenario from its YAML; its id must be free. */
  async create(actor: Actor, source: string): Promise<ScenarioView> {
    authorize(actor, 'exercises.manage');
    const scenario = parseOrRefuse(source);
    const now = this.deps.clock.now();
    const row: ScenarioRow = {
      id: scenario.id,
      version: scenario.version,
      origin: 'written',
      source,
      definition: JSON.stringify(scenario),
      created_at: now,
      updated_at: now,
    };
    await this.deps.store.transaction(async (trx) => {
      if (await findScenario(trx, scenario.id)) {
        throw conflict(
          'scenario_exists',
          `A scenario with the id ${scenario.id} exists; edit it instead.`,
        );
      }
      await insertScenario(trx, row);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'scenario.create',
        entityType: 'scenario',
        entityId: row.id,
        after: { id: row.id, version: row.version, source },
      });
    });
    return presentScenario(row, true);
  }

  /** An edit: the same id, a higher version. */
  async update(actor: Actor, id: string, source: string): Promise<ScenarioView> {
    authorize(actor, 'exercises.manage');
    const scenario = parseOrRefuse(source);
    if (scenario.id !== id) {
      throw badRequest(
        'scenario_id_mismatch',
        `The text is the scenario ${scenario.id}, not ${id}.`,
      );
    }
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx) => {
      const before = await findScenario(trx, id);
      if (!before) throw notFound('scenario_not_found', `No scenario has the id ${id}.`);
      if (scenario.version <= Number(before.version)) {
        throw conflict(
          'scenario_version',
          `This node holds version ${before.version}; raise the version to save a change.`,
        );
      }
      const change = {
        version: scenario.version,
        origin: 'written' as const,
        source,
        definition: JSON.stringify(scenario),
        updated_at: now,
      };
      await updateScenario(trx, id, change);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'scenario.update',
        entityType: 'scenario',
        entityId: id,
        before: { version: before.version, source: before.source },
        after: { version: change.version, source },
      });
      return { ...before, ...change };
    });
    return presentScenario(row, true);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'exercises.manage');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx) => {
      const before = await findScenario(trx, id);
      if (!before) throw notFound('scenario_not_found', `No scenario has the id ${id}.`);
      await deleteScenario(trx, id);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'scenario.delete',
        entityType: 'scenario',
        entityId: id,
        before: { version: before.version, source: before.source },
      });
    });
  }

  /**
   * At start: each bundled scenario is added, or refreshed when the bundle holds a higher
   * version and nobody edited it here. A broken bundled file is logged and skipped.
   */
  async loadBundled(dir: string = BUNDLED_SCENARIOS): Promise<void> {
    let names: string[];
    try {
      names = readdirSync(dir)
        .filter((name) => name.endsWith('.yaml'))
        .sort();
    } catch {
      return;
    }
    for (const name of names) {
      const source = readFileSync(path.join(dir, name), 'utf8');
      const result = parseScenarioYaml(source);
      if (!result.ok) {
        this.deps.log.warn({ file: name, problems: result.problems }, 'bundled scenario skipped');
        continue;
      }
      await this.refreshBundled(source, result.scenario);
    }
  }

  private async refreshBundled(source: string, scenario: Scenario): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.store
      .transaction(async (trx) => {
        const held = await findScenario(trx, scenario.id);
        if (held && (held.origin === 'written' || Number(held.version) >= scenario.version)) return;
        const definition = JSON.stringify(scenario);
        if (held) {
          await updateScenario(trx, scenario.id, {
            version: scenario.version,
            origin: 'bundled',
            source,
            definition,
            updated_at: now,
          });
        } else {
          await insertScenario(trx, {
            id: scenario.id,
            version: scenario.version,
            origin: 'bundled',
            source,
            definition,
            created_at: now,
            updated_at: now,
          });
        }
        // Like a migration, part of the release rather than a user's change: logged, not audited.
        this.deps.log.info(
          { scenario: scenario.id, version: scenario.version },
          held ? 'bundled scenario refreshed' : 'bundled scenario added',
        );
      })
      .catch((error: unknown) => {
        // Another process of the node (PostgreSQL) starting at the same moment added it.
        if (!isUniqueViolation(error)) throw error;
      });
  }

  private async find(id: string): Promise<ScenarioRow> {
    const row = await findScenario(this.deps.store.db, id);
    if (!row) throw notFound('scenario_not_found', `No scenario has the id ${id}.`);
    return row;
  }
}
