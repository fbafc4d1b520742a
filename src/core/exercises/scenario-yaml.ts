import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { Scenario } from './scenario.js';

/** One mistake in a scenario file: where (line, column, field path) and what. */
export interface ScenarioProblem {
  line: number;
  column: number;
  /** The field's path, e.g. injects[2].expect[0].within; empty for the file as a whole. */
  field: string;
  message: string;
}

export type ScenarioParse =
  { ok: true; scenario: Scenario } | { ok: false; problems: ScenarioProblem[] };

/** The largest scenario file read: a MSEL of a few hundred injects is far below it. */
export const MAX_SCENARIO_BYTES = 512 * 1024;

function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/**
 * Reads a scenario from YAML text: a syntax error, or each field that does not fit the
 * schema, is named with its line and column, so the writer can go straight to it.
 */
export function parseScenarioYaml(text: string): ScenarioParse {
  if (new TextEncoder().encode(text).length > MAX_SCENARIO_BYTES) {
    return {
      ok: false,
      problems: [
        {
          line: 1,
          column: 1,
          field: '',
          message: `the file is over ${MAX_SCENARIO_BYTES / 1024} KiB`,
        },
      ],
    };
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => {
        const at = lineCounter.linePos(error.pos[0]);
        return {
          line: at.line,
          column: at.col,
          field: '',
          message: error.message.split('\n')[0] ?? '',
        };
      }),
    };
  }
  const result = Scenario.safeParse(document.toJS({ maxAliasCount: 50 }));
  if (result.success) return { ok: true, scenario: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => locate(issue, document, lineCounter)),
  };
}

/** The line of the deepest node the issue's path reaches (a missing field: its parent's). */
function locate(
  issue: z.core.$ZodIssue,
  document: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
): ScenarioProblem {
  const path = issue.path;
  let offset = 0;
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown =
      depth === 0 ? document.contents : document.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) {
      offset = node.range[0];
      break;
    }
  }
  const at = lineCounter.linePos(offset);
  return { line: at.line, column: at.col, field: fieldPath(path), message: issue.message };
}

/** One line per problem: "line 12, column 5, injects[0].at: write scenario time as …". */
export function describeProblems(problems: readonly ScenarioProblem[]): string {
  return problems
    .map((p) => `line ${p.line}, column ${p.column}${p.field ? `, ${p.field}` : ''}: ${p.message}`)
    .join('\n');
}
