import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, deepJson, hostileString, valid, type Schema } from './arbitraries.js';
import type { Caller } from './matrix.js';
import { openApiDocument, type Method, type OpenApiOperation } from './openapi.js';
import { freshSession, send, streamStatus } from './request.js';
import { makeWorld, WHO, type World } from './world.js';

/**
 * Issue 16, acceptance 2: every route of the OpenAPI document, called as every role and as
 * no one, with requests generated from its schema (valid ones, near-valid ones with a
 * property of the wrong type, missing or extra, and hostile ones: huge strings, control
 * characters, lone surrogates, 50,000 levels of nesting, ids that name nothing). Never a
 * 5xx; and a refused request (4xx) changes nothing: the audit log and the row count of
 * every table are the same after it as before.
 *
 * Bounded by default (a few runs per route and caller, a fixed seed). Longer:
 *   LIAISON_FUZZ_RUNS=200 LIAISON_FUZZ_SEED=$RANDOM npx vitest run test/security/fuzz.test.ts
 * LIAISON_FUZZ_ROUTES=/api/cases limits it to the routes whose path contains that text.
 */
const RUNS = Number(process.env['LIAISON_FUZZ_RUNS'] ?? 5);
const SEED = Number(process.env['LIAISON_FUZZ_SEED'] ?? 1616);
const ONLY = process.env['LIAISON_FUZZ_ROUTES'];

/**
 * Tables the node's own workers and its peer write whatever a request does (the federation
 * streams and their outbox, timers, audit checkpoints), and the one a refused request
 * writes by design: login_failures, the throttle's count of wrong passwords and codes.
 * Left out of the fingerprint; LIAISON_FUZZ_BACKGROUND=a,b adds more.
 */
const BACKGROUND_TABLES = new Set<string>([
  'outbox',
  // acknowledged messages move here from the outbox (kept for a restored peer's resend)
  'outbox_sent',
  'stream_in',
  'stream_out',
  'timers',
  'audit_checkpoints_received',
  'audit_checkpoints_sent',
  'login_failures',
  ...(process.env['LIAISON_FUZZ_BACKGROUND'] ?? '').split(',').filter(Boolean),
]);

/**
 * Findings known and not yet fixed: printed, not failed on. Remove a line once fixed. (A
 * new peer's URL that does not answer was a 502; it is a 422 now.)
 */
const KNOWN: string[] = [];

let world: World;
/** How many answers of each class (2xx, 4xx …): printed, so a run that reaches nothing shows. */
const tally: Record<number, number> = {};
let tables: string[] = [];

beforeAll(async () => {
  world = await makeWorld();
  const db = world.us.node.store.db;
  const rows = await sql<{ name: string }>`
    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`.execute(db);
  tables = rows.rows.map((r) => r.name).filter((name) => !BACKGROUND_TABLES.has(name));
}, 120_000);

afterAll(async () => {
  await world?.destroy();
});

/** Row counts of every table, in one query. */
async function fingerprint(): Promise<Record<string, number>> {
  // Every outbound fetch is audited, refused or not (a peer's URL that does not answer is
  // a refused request that fetched): those entries record the attempt, not a change.
  const select = tables
    .map((t) =>
      t === 'audit_log'
        ? `SELECT '${t}' AS t, count(*) AS n FROM "${t}" WHERE action <> 'outbound.fetch'`
        : `SELECT '${t}' AS t, count(*) AS n FROM "${t}"`,
    )
    .join(' UNION ALL ');
  const rows = await sql<{ t: string; n: number }>`${sql.raw(select)}`.execute(
    world.us.node.store.db,
  );
  return Object.fromEntries(rows.rows.map((r) => [r.t, Number(r.n)]));
}

/**
 * After a request that changed something, waits until what it set going (messages to the
 * peer and the peer's answers, background imports) is done: the fingerprint stays the same
 * for two looks in a row (at most 3 s). Otherwise their rows would be blamed on the next,
 * refused, request.
 */
async function settle(): Promise<void> {
  let last = JSON.stringify(await fingerprint());
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 60));
    const now = JSON.stringify(await fingerprint());
    if (now === last) return;
    last = now;
  }
}

function changed(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys(after)
    .filter((t) => before[t] !== after[t])
    .map((t) => `${t} ${before[t]}→${after[t]}`);
}

interface Route {
  method: Method;
  path: string;
  operation: OpenApiOperation;
}

/** Real ids a path may name (so a body reaches a real case, request, call …), or none. */
function pathValue(schema: Schema | undefined): fc.Arbitrary<string> {
  const fx = world.fixtures;
  const real = [fx.case, fx.object, fx.draft, fx.sent, fx.incoming, fx.call, fx.incomingCall];
  real.push(fx.contact, fx.shift, fx.webhook, fx.collection, fx.import, fx.note, fx.user);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...real) },
    { weight: 2, arbitrary: valid(schema).map(String) },
    { weight: 2, arbitrary: hostileString.filter((s) => s.length > 0 && s.length < 5_000) },
  );
}

function queryValue(schema: Schema | undefined): fc.Arbitrary<string | string[]> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: valid(schema).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
    },
    { weight: 1, arbitrary: hostileString.filter((s) => s.length < 5_000) },
    { weight: 1, arbitrary: fc.array(fc.string({ maxLength: 8 }), { minLength: 2, maxLength: 3 }) },
  );
}

interface Generated {
  url: string;
  json?: unknown;
  raw?: { contentType: string; payload: string };
}

function wellFormed(text: string): string {
  return text.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}

function requestFor(route: Route): fc.Arbitrary<Generated> {
  const parameters = route.operation.parameters ?? [];
  const pathParams = parameters.filter((p) => p.in === 'path');
  const queryParams = parameters.filter((p) => p.in === 'query');
  const params = fc.record(
    Object.fromEntries(
      pathParams.map((p) =>
        route.path.includes('/federation/peers/')
          ? // Not the peer itself: removing it would end the run's federation.
            [p.name, valid(p.schema as Schema).map(String)]
          : [p.name, pathValue(p.schema as Schema)],
      ),
    ),
  );
  const query = fc.record(
    Object.fromEntries(queryParams.map((p) => [p.name, queryValue(p.schema as Schema)])),
    { requiredKeys: [] },
  );
  const content = route.operation.requestBody?.content ?? {};
  const [mediaType, media] = Object.entries(content)[0] ?? [];
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
  const payload: fc.Arbitrary<Omit<Generated, 'url'>> = !hasBody
    ? fc.constant({})
    : fc.oneof(
        { weight: 8, arbitrary: body(media?.schema as Schema).map((json) => ({ json })) },
        {
          weight: 1,
          arbitrary: fc
            .tuple(
              fc.string({ unit: 'binary', maxLength: 200 }),
              fc.constantFrom(
                mediaType ?? 'application/json',
                'application/json',
                'text/plain',
                'application/octet-stream',
                'application/taxii+json;version=2.1',
              ),
            )
            .map(([text, type]) => ({ raw: { contentType: type, payload: text } })),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom(5_000, 50_000).map((levels) => ({
            raw: { contentType: 'application/json', payload: deepJson(levels) },
          })),
        },
      );
  return fc.tuple(params, query, payload).map(([p, q, rest]) => {
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
      // A lone surrogate cannot be percent-encoded (URIError): sent as U+FFFD, as browsers do.
      encodeURIComponent(wellFormed(String(p[name] ?? 'x'))),
    );
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(q)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
    }
    const qs = search.toString();
    return { url: qs ? `${path}?${qs}` : path, ...rest };
  });
}

async function routes(): Promise<Route[]> {
  const document = await openApiDocument(world.us.app);
  const out: Route[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (ONLY && !path.includes(ONLY)) continue;
      out.push({ method: method.toUpperCase() as Method, path, operation });
    }
  }
  return out;
}

describe('schema-driven fuzzing of every route as every role', () => {
  it('never answers 5xx, and a refused request changes nothing', async () => {
    const problems: string[] = [];
    const all = await routes();
    for (const route of all) {
      for (const caller of WHO) {
        const key = `${route.method} ${route.path} as ${caller}`;
        try {
          await fc.assert(
            fc.asyncProperty(requestFor(route), async (generated) => {
              await probe(route, caller, generated, key, problems);
            }),
            { numRuns: RUNS, seed: SEED, endOnFailure: true },
          );
        } catch (error) {
          problems.push(`${key}: ${(error as Error).message.split('\n').slice(0, 4).join(' ')}`);
        }
      }
    }
    console.info(
      `fuzz: ${all.length} routes × ${WHO.length} callers × ${RUNS} runs (seed ${SEED}):`,
      tally,
    );
    const known = problems.filter((p) => KNOWN.some((k) => p.startsWith(k)));
    if (known.length > 0) console.warn('fuzz: known findings outside this work:', known);
    expect(problems.filter((p) => !known.includes(p))).toEqual([]);
  }, 900_000);
});

async function probe(
  route: Route,
  caller: Caller,
  generated: Generated,
  key: string,
  problems: string[],
): Promise<void> {
  if (route.path === '/api/events') {
    const status = await streamStatus(world, generated.url, caller);
    if (status >= 500) problems.push(`${key}: ${status} for ${generated.url}`);
    return;
  }
  // Ending a session is what DELETE /api/session does: each call ends one of its own.
  let session;
  if (route.method === 'DELETE' && route.path === '/api/session' && caller !== 'anonymous') {
    try {
      session = await freshSession(world, caller);
    } catch (error) {
      problems.push(`${key}: could not log in for it: ${(error as Error).message.slice(0, 200)}`);
      return;
    }
  }
  const before = await fingerprint();
  const r = await send(world, {
    method: route.method,
    url: generated.url,
    caller,
    ...(route.path.startsWith('/taxii2/') ? { auth: 'basic' as const } : {}),
    ...(generated.raw ? { raw: generated.raw } : {}),
    ...(generated.json !== undefined ? { json: generated.json } : {}),
    ...(session ? { session } : {}),
  });
  tally[Math.floor(r.statusCode / 100)] = (tally[Math.floor(r.statusCode / 100)] ?? 0) + 1;
  const what = `${generated.url.slice(0, 120)} ${JSON.stringify(generated.json ?? generated.raw ?? null)?.slice(0, 160)}`;
  if (r.statusCode >= 500) {
    problems.push(`${key}: ${r.statusCode} ${r.body.slice(0, 160)} for ${what}`);
    return;
  }
  if (r.statusCode < 400) {
    await settle();
    return;
  }
  {
    const diff = changed(before, await fingerprint());
    if (diff.length > 0)
      problems.push(`${key}: ${r.statusCode} yet ${diff.join(', ')} for ${what}`);
  }
}
