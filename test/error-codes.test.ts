import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Every stable error code the server can send has a translated message in the web's error
 * strings (web/ui/i18n), in English and in Simplified Chinese: the codes are read from the
 * calls of the helpers of src/server/errors.ts (and `new AppError`), one line or many.
 */

const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

function walk(dir: string): string[] {
  return readdirSync(new URL(dir, root), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory()) return walk(`${path}/`);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** Helpers whose first argument is the code (the ones of errors.ts, and envelope.ts's refuse). */
const CODE_FIRST = [
  'badRequest',
  'unauthorized',
  'notFound',
  'conflict',
  'tooLarge',
  'unsupportedMediaType',
  'unprocessable',
  'tooManyRequests',
  'badGateway',
  'failure',
  'refuse',
  'new AppError',
];

/**
 * Codes passed as a variable, by file and expression: where each comes from. A new one
 * fails the test until it is listed here (so no code escapes the scan).
 */
const FROM_VARIABLES: Record<string, () => string[]> = {
  // hotline: nextCallState's refusal, a CallRefusal of core/hotline.ts.
  'src/server/features/hotline/moves.service.ts step.code': () =>
    literals(/export type CallRefusal =([^;]+);/.exec(read('src/core/hotline.ts'))?.[1] ?? ''),
  // refuse(code, …) passes its own argument on; its callers are scanned as helpers.
  'src/server/federation/envelope.ts code': () => [],
  // A case's link to a request or a call that does not exist: <kind>_not_found.
  'src/server/features/cases/cases.service.ts `${link.kind}_not_found`': () =>
    literals(
      /export const CaseLink = [^;]*z\.enum\(\[([^\]]+)\]/.exec(
        read('src/core/schemas/cases.ts'),
      )?.[1] ?? '',
    ).map((kind) => `${kind}_not_found`),
  // A peer's refusal passed on as the peer sent it: one of the codes scanned here.
  'src/server/federation/opener.ts reply.code': () => [],
  // The extraction thread's refusal (an AppError of reports.read.ts or core's checks run
  // on it) passed on as the thread sent it: one of the codes scanned here.
  'src/server/features/reports/extract.pool.ts reply.code': () => [],
  // exercises: moveClock's refusal, a ClockRefusal of core/exercises/clock.ts.
  'src/server/features/exercises/runs.service.ts result.refusal.code': () =>
    literals(
      /export type ClockRefusal =([^;]+);/.exec(read('src/core/exercises/clock.ts'))?.[1] ?? '',
    ).filter((code) => code !== 'code'),
};

/** The quoted snake_case strings of a piece of source. */
function literals(source: string): string[] {
  return [...source.matchAll(/(['"`])([a-z][a-z0-9]*(?:_[a-z0-9]+)*)\1/g)].map((m) => m[2] ?? '');
}

/** The argument that starts at `start` (up to the comma or parenthesis that ends it). */
function argumentAt(source: string, start: number): { text: string; end: number } {
  let depth = 0;
  let quote: string | null = null;
  for (let i = start; i < source.length; i++) {
    const c = source[i] ?? '';
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      if (depth === 0) return { text: source.slice(start, i), end: i };
      depth--;
    } else if (c === ',' && depth === 0) return { text: source.slice(start, i), end: i };
  }
  return { text: source.slice(start), end: source.length };
}

function codesOfArgument(file: string, text: string, unknown: string[]): string[] {
  const found = literals(text);
  if (found.length > 0) return found;
  const expression = text.trim();
  const source = FROM_VARIABLES[`${file} ${expression}`];
  if (source) return source();
  unknown.push(`${file}: ${expression}`);
  return [];
}

/** The codes of every error helper call of the server. */
export function serverErrorCodes(): { codes: Map<string, string>; unknown: string[] } {
  const codes = new Map<string, string>();
  const unknown: string[] = [];
  const helper = new RegExp(`(?<![\\w.])(${CODE_FIRST.join('|')}|forbidden)\\(`, 'g');
  for (const file of walk('src/server/')) {
    if (file === 'src/server/errors.ts') continue; // the helpers themselves
    const source = read(file);
    for (const match of source.matchAll(helper)) {
      const name = match[1] ?? '';
      // A declaration (`function refuse(code: string …`), not a call.
      if (/function\s+$/.test(source.slice(Math.max(0, match.index - 12), match.index))) continue;
      let at = match.index + match[0].length;
      if (name === 'forbidden') {
        // forbidden(message?, code = 'forbidden', details?)
        const message = argumentAt(source, at);
        if (source[message.end] !== ',') {
          codes.set('forbidden', file);
          continue;
        }
        at = message.end + 1;
      }
      const argument = argumentAt(source, at);
      if (name === 'forbidden' && argument.text.trim() === '') {
        codes.set('forbidden', file);
        continue;
      }
      for (const code of codesOfArgument(file, argument.text, unknown)) codes.set(code, file);
    }
  }
  // The error handler's own codes (http/errors.ts): Fastify's, and the status fallbacks.
  const handler = read('src/server/http/errors.ts');
  const fastify = /const FASTIFY_CODES[^=]*=\s*\{([^}]+)\}/.exec(handler)?.[1] ?? '';
  for (const code of literals(fastify)) codes.set(code, 'src/server/http/errors.ts');
  for (const m of handler.matchAll(/sendError\(\s*reply,\s*request,\s*\d+,\s*'([a-z_]+)'/g)) {
    codes.set(m[1] ?? '', 'src/server/http/errors.ts');
  }
  const fallback = /const code =([^;]+);/.exec(handler)?.[1] ?? '';
  for (const code of literals(fallback)) codes.set(code, 'src/server/http/errors.ts');
  return { codes, unknown };
}

type Tree = { [key: string]: string | Tree };
const strings = {
  en: (JSON.parse(read('web/ui/i18n/en.json')) as { errors: Tree }).errors,
  'zh-CN': (JSON.parse(read('web/ui/i18n/zh-CN.json')) as { errors: Tree }).errors,
};

describe('error codes', () => {
  const { codes, unknown } = serverErrorCodes();

  it('are all found, multi-line calls and variables too', () => {
    expect(unknown).toEqual([]);
    // Codes only a multi-line call, a forbidden(…, code), a ternary or a type give.
    for (const code of [
      'invalid_dates',
      'arrangement_version_taken',
      'peer_removed',
      'cross_origin',
      'move_not_allowed',
      'not_your_move',
      'call_moved_on',
      'bad_signature',
      'forbidden',
      'invalid_request',
      'internal_error',
      'payload_too_large',
    ]) {
      expect(codes.has(code), code).toBe(true);
    }
    expect(codes.size).toBeGreaterThan(100);
  });

  for (const language of ['en', 'zh-CN'] as const) {
    it(`each have a translated message in ${language}`, () => {
      const missing = [...codes]
        .filter(([code]) => typeof strings[language][code] !== 'string')
        .map(([code, file]) => `${code} (${file})`);
      expect(missing).toEqual([]);
    });
  }

  it('in Chinese are written in Chinese', () => {
    const han = /\p{Script=Han}/u;
    const notChinese = [...codes.keys()].filter((code) => {
      const text = strings['zh-CN'][code];
      return typeof text !== 'string' || !han.test(text);
    });
    expect(notChinese).toEqual([]);
  });
});
