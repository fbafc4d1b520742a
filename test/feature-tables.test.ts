import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * No feature reads or writes another feature's tables (docs/architecture.md): what one
 * needs of another goes through that feature's public.ts. A feature's tables are those its
 * `*.table.ts` declares in the store's `Database`; a use is a Kysely call naming the table
 * (`selectFrom('t')`, joins, `insertInto`, `updateTable`, `deleteFrom`, with an alias or
 * not) or a `from`/`join`/`into`/`update` of it in a `sql` template.
 */
const root = path.resolve(import.meta.dirname, '..');
const featuresDir = path.join(root, 'src/server/features');

function filesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesOf(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Table name → the feature whose *.table.ts declares it. */
function owners(): Map<string, string> {
  const out = new Map<string, string>();
  for (const feature of readdirSync(featuresDir, { withFileTypes: true })) {
    if (!feature.isDirectory()) continue;
    for (const file of filesOf(path.join(featuresDir, feature.name))) {
      if (!file.endsWith('.table.ts')) continue;
      const block = /interface Database \{([^}]*)\}/.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
      for (const m of block.matchAll(/^\s*([a-z_0-9]+)\s*:/gm)) out.set(m[1]!, feature.name);
    }
  }
  return out;
}

const CALL =
  /\b(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|replaceInto|mergeInto)\(\s*'([a-z_0-9]+)/g;
const RAW = /\b(?:from|join|into|update)\s+([a-z_0-9]+)\b/gi;

/** `feature: table (file)` for every use of another feature's table. */
export function crossings(
  tables: Map<string, string>,
  feature: string,
  file: string,
  code: string,
) {
  const used = new Set<string>();
  for (const m of code.matchAll(CALL)) used.add(m[1]!);
  for (const template of code.matchAll(/\bsql(?:<[^>`]*>)?`([^`]*)`/g)) {
    for (const m of template[1]!.matchAll(RAW)) used.add(m[1]!);
  }
  return [...used]
    .filter((table) => tables.has(table) && tables.get(table) !== feature)
    .map((table) => `${feature}: ${table} of ${tables.get(table)} (${path.relative(root, file)})`);
}

describe("features and each other's tables", () => {
  const tables = owners();

  it('knows the tables of the features', () => {
    expect(tables.get('stix_objects')).toBe('cases');
    expect(tables.get('case_objects')).toBe('cases');
    expect(tables.get('reports')).toBe('reports');
  });

  it("catches a feature that reads another feature's table", () => {
    const file = path.join(featuresDir, 'reports/x.ts');
    expect(
      crossings(tables, 'reports', file, "db.selectFrom('stix_objects as o').select('o.id')"),
    ).toHaveLength(1);
    expect(
      crossings(
        tables,
        'reports',
        file,
        "eb.selectFrom('reports as r').innerJoin('case_objects as m', 'm.id', 'r.id')",
      ),
    ).toHaveLength(1);
    expect(
      crossings(tables, 'reports', file, 'sql`exists (select 1 from stix_shares s where s.x = 1)`'),
    ).toHaveLength(1);
    expect(crossings(tables, 'reports', file, "db.selectFrom('reports').selectAll()")).toEqual([]);
  });

  it('finds none in the tree but the known ones (to be moved behind public.ts)', () => {
    const problems: string[] = [];
    for (const feature of readdirSync(featuresDir, { withFileTypes: true })) {
      if (!feature.isDirectory()) continue;
      for (const file of filesOf(path.join(featuresDir, feature.name))) {
        problems.push(...crossings(tables, feature.name, file, readFileSync(file, 'utf8')));
      }
    }
    // Found when this test was written (3 December 2026), in files other helpers own; each
    // should become a function of the owning feature's public.ts, and leave this list. A new
    // crossing fails the test, and so does one that was fixed and is still listed.
    const known = [
      'cases: requests of requests (src/server/features/cases/cases.repository.ts)',
      'cases: hotline_calls of hotline (src/server/features/cases/cases.repository.ts)',
      'exercises: users of accounts (src/server/features/exercises/evaluation.repository.ts)',
      'search: request_events of requests (src/server/features/search/migrations/2026_12_03_0900_search.ts)',
      'taxii: stix_objects of cases (src/server/features/taxii/taxii.repository.ts)',
      'taxii: stix_versions of cases (src/server/features/taxii/taxii.repository.ts)',
      'taxii: cases of cases (src/server/features/taxii/taxii.repository.ts)',
    ];
    expect(problems.sort()).toEqual(known.sort());
    expect(problems.filter((p) => p.startsWith('reports:'))).toEqual([]);
  });
});
