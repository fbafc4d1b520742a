import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePeeredPair } from '../harness/pair.js';
import {
  LANGUAGES,
  languageContext,
  mainPages,
  openAndSettle,
  seed,
  type Seeded,
} from '../harness/seed.js';

// Two real node processes, peered, seeded with a request each way (one an emergency), a
// shared case with indicators, a hotline call, a note and a ping (test/harness/seed.ts).
// Every main page, seen by us-doj's admin in English and in Simplified Chinese, goes
// through axe-core; any violation of impact "serious" or "critical" fails the page, listed
// with its rule and the first few elements. The findings of the last run are also written
// to test/e2e/artifacts/a11y.json.

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const FAILING_IMPACTS = ['serious', 'critical'];
const TARGETS_SHOWN = 3;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  targets: string[];
  count: number;
}

interface Finding extends Violation {
  page: string;
  path: string;
  language: string;
}

const pair = usePeeredPair();
let seeded: Seeded;
const findings: Finding[] = [];

beforeAll(async () => {
  seeded = await seed(pair.us, pair.cn);
}, 180_000);

afterAll(() => {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, 'a11y.json'), `${JSON.stringify(findings, null, 2)}\n`);
});

/** axe-core's violations on the page as it is now (every rule axe runs by default). */
async function axeViolations(page: Page): Promise<Violation[]> {
  const loaded = await page.evaluate('typeof axe !== "undefined"');
  if (!loaded) await page.addScriptTag({ path: AXE });
  // Runs in the page; the tests' TypeScript has no DOM library, hence a string.
  return page.evaluate<Violation[]>(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      targets: v.nodes.map((n) => n.target.map(String).join(' ')),
      count: v.nodes.length,
    })))`);
}

function describeViolation(page: string, language: string, v: Violation): string {
  const more = v.count > TARGETS_SHOWN ? ` (+${v.count - TARGETS_SHOWN} more)` : '';
  return `${page} [${language}] ${v.id} (${v.impact}): ${v.help}\n    ${v.targets
    .slice(0, TARGETS_SHOWN)
    .join('\n    ')}${more}`;
}

// The names are fixed; the paths need the seeded ids, known once beforeAll has run.
const PAGE_NAMES = mainPages({
  incomingRequestId: '',
  outgoingRequestId: '',
  caseId: '',
  callId: '',
  searchTerm: '',
  exerciseId: '',
}).map((p) => p.name);

for (const language of LANGUAGES) {
  describe(`accessibility (axe-core) of the main pages in ${language}`, () => {
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      context = await languageContext(pair.browser, pair.us, language, 'desktop', {
        bypassCSP: true,
      });
      page = await context.newPage();
      page.setDefaultTimeout(30_000);
    }, 60_000);
    afterAll(async () => {
      await context?.close();
    });

    it.each(PAGE_NAMES)(
      `%s has no serious or critical violation (${language})`,
      async (name) => {
        const target = mainPages(seeded).find((p) => p.name === name)!;
        await openAndSettle(page, `${pair.us.url}${target.path}`);
        expect(await page.evaluate('document.documentElement.lang')).toBe(language);
        const serious = (await axeViolations(page)).filter((v) =>
          FAILING_IMPACTS.includes(v.impact ?? ''),
        );
        findings.push(...serious.map((v) => ({ ...v, page: name, path: target.path, language })));
        if (serious.length > 0) {
          mkdirSync(ARTIFACTS, { recursive: true });
          await page
            .screenshot({
              path: path.join(ARTIFACTS, `a11y-${name}-${language}.png`),
              fullPage: true,
            })
            .catch(() => undefined);
        }
        expect(
          serious.map((v) => describeViolation(name, language, v)),
          `axe-core: serious or critical violations on ${name} (${target.path}) in ${language}`,
        ).toEqual([]);
      },
      90_000,
    );
  });
}
