import path from 'node:path';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import liaison from '../lint/feature-boundaries.js';

/** The dependency rule between features (docs/architecture.md), as `npm run lint` runs it. */
const root = path.resolve(import.meta.dirname, '..');
const config: Linter.Config[] = [
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { liaison },
    rules: { 'liaison/feature-boundaries': 'error' },
  },
];

function lint(file: string, code: string): string[] {
  const linter = new Linter({ cwd: root });
  return linter
    .verify(code, config, { filename: path.join(root, file) })
    .map((message) => message.message);
}

describe('feature boundaries', () => {
  it("fails a feature that imports another feature's repository, table or service", () => {
    const file = 'src/server/features/hotline/hotline.bad.ts';
    expect(
      lint(file, "import { findRequest } from '../requests/requests.repository.js';\n"),
    ).toEqual([
      "'../requests/requests.repository.js' reaches inside the feature requests: import what it offers from 'requests/public.js' instead.",
    ]);
    expect(
      lint(file, "import type { ContactRow } from '../contacts/contacts.table.js';"),
    ).toHaveLength(1);
    expect(
      lint(file, "export { termsInForce } from '../arrangements/arrangements.service.js';"),
    ).toHaveLength(1);
    expect(lint(file, "const m = await import('../cases/cases.service.js');")).toHaveLength(1);
    expect(lint(file, "import { casesModule } from '../cases/index.js';")).toHaveLength(1);
  });

  it('fails the rest of the server and the CLI reaching inside a feature', () => {
    expect(
      lint(
        'src/server/http/auth.ts',
        "import { x } from '../features/accounts/accounts.service.js';",
      ),
    ).toHaveLength(1);
    expect(
      lint('src/cli/up.ts', "import { x } from '../server/features/accounts/passwords.js';"),
    ).toHaveLength(1);
    expect(
      lint('src/server/node.ts', "import { x } from './features/hotline/index.js';"),
    ).toHaveLength(1);
  });

  it("passes public.ts, a feature's own files, the features root and tests", () => {
    expect(
      lint(
        'src/server/features/hotline/x.ts',
        "import { findRequest } from '../requests/public.js';",
      ),
    ).toEqual([]);
    expect(
      lint(
        'src/server/features/hotline/x.ts',
        "import { listCalls } from './hotline.repository.js';",
      ),
    ).toEqual([]);
    expect(
      lint(
        'src/server/features/hotline/x.ts',
        "import type { Db } from '../../store/database.js';",
      ),
    ).toEqual([]);
    expect(
      lint('src/server/features/index.ts', "import { hotlineModule } from './hotline/index.js';"),
    ).toEqual([]);
    expect(
      lint('src/server/http/auth.ts', "import type { A } from '../features/accounts/public.js';"),
    ).toEqual([]);
    expect(
      lint(
        'src/server/features/hotline/hotline.test.ts',
        "import { x } from '../requests/requests.repository.js';",
      ),
    ).toEqual([]);
  });

  it('passes on the tree as it is', async () => {
    const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config });
    const results = await eslint.lintFiles(['src/**/*.ts']);
    const problems = results.flatMap((result) =>
      result.messages
        // Only this rule is configured here; other rules' disable comments are not its concern.
        .filter((m) => m.ruleId === 'liaison/feature-boundaries' || m.fatal)
        .map((m) => `${path.relative(root, result.filePath)}: ${m.message}`),
    );
    expect(problems).toEqual([]);
    expect(results.length).toBeGreaterThan(100);
    // Parsing every source file takes ~20 s alone, and longer beside the other test files.
  }, 240_000);
});
