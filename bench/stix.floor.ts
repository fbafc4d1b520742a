import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Actor } from '../src/server/actor.js';
import { levelsFor, queryOf } from '../src/server/features/taxii/taxii.query.js';
import { pageQuery } from '../src/server/features/taxii/taxii.repository.js';
import type { TaxiiCollectionRow } from '../src/server/features/taxii/taxii.table.js';
import type { Db } from '../src/server/store/database.js';
import { ROOT } from '../test/harness/cli.js';
import { freePort } from '../test/harness/cluster.js';

/**
 * The floor of bench/stix's TAXII figure, measured in the same run: a bare Fastify route (as
 * the bare baseline) that also does what no TAXII page can skip, and nothing else — checks
 * the bearer token against a remembered hash (the node's cached authentication), runs the
 * node's own page SQL (the very text TAXII runs, compiled here from taxii.repository.ts for
 * the bench's request) on the node's database file, and answers the envelope's bytes. What
 * it reaches is the most TAXII could reach on this stack; TAXII's distance to it is the
 * framework's and the node's own cost.
 */
const SENTINEL = 987_654_321;

/** The page SQL and its parameters for the bench's request, `afterSeq` at `cursorAt`. */
function compilePage(
  nodeId: string,
  caseId: string,
  pageSize: number,
): { sql: string; parameters: unknown[]; cursorAt: number } {
  const db = new Kysely({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  const row = { case_id: caseId, max_tlp: 'amber' } as TaxiiCollectionRow;
  const actor: Actor = {
    kind: 'token',
    userId: 'u',
    username: 'bench',
    roles: ['admin'],
    tokenId: 't',
  };
  const query = queryOf(
    row,
    levelsFor(nodeId, actor, row),
    { limit: String(pageSize), next: Buffer.from(`v1:${SENTINEL}`).toString('base64url') },
    { versions: 'last', ids: null },
  );
  const compiled = pageQuery(db as unknown as Db, query).compile(db);
  void db.destroy();
  const parameters = [...compiled.parameters];
  const cursorAt = parameters.indexOf(SENTINEL);
  if (cursorAt < 0) throw new Error('floor: the page SQL has no cursor parameter');
  return { sql: compiled.sql, parameters, cursorAt };
}

export async function floorRoute(options: {
  dataDir: string;
  nodeId: string;
  caseId: string;
  pageSize: number;
  authorization: string;
}): Promise<{ url: (seq: number) => string; stop: () => void }> {
  const port = await freePort();
  const page = compilePage(options.nodeId, options.caseId, options.pageSize);
  const file = path.join(options.dataDir, 'liaison.db');
  const expected = createHash('sha256').update(options.authorization).digest('hex');
  const script = `
    import Fastify from 'fastify';
    import Database from 'better-sqlite3';
    import { createHash } from 'node:crypto';
    const page = ${JSON.stringify(page)};
    const db = new Database(${JSON.stringify(file)}, { readonly: true });
    const statement = db.prepare(page.sql);
    const remembered = new Map([[${JSON.stringify(expected)}, Infinity]]);
    const app = Fastify();
    app.get('/page', (request, reply) => {
      const key = createHash('sha256').update(request.headers.authorization ?? '').digest('hex');
      if (!(remembered.get(key) > performance.now())) return reply.code(401).send();
      const values = [...page.parameters];
      values[page.cursorAt] = Number(request.query.after);
      const row = statement.get(values);
      const gates = JSON.parse(row.gates);
      const bodies = typeof row.bodies === 'string' ? Buffer.from(row.bodies) : row.bodies;
      const more = gates.length > ${options.pageSize};
      const served = gates.slice(0, ${options.pageSize});
      const end = served.reduce((sum, gate) => sum + Number(gate[4]) + 1, 0) - 1;
      const last = served[served.length - 1][3];
      const next = more ? ',"next":"' + Buffer.from('v1:' + last).toString('base64url') + '"' : '';
      reply
        .header('content-type', 'application/taxii+json;version=2.1')
        .send(Buffer.concat([
          Buffer.from('{"more":' + more + next + ',"objects":['),
          bodies.subarray(0, end),
          Buffer.from(']}'),
        ]));
    });
    await app.listen({ host: '127.0.0.1', port: ${port} });
    process.stdout.write('ready\\n');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`floor route exited (${code})`)));
  });
  return {
    url: (seq) => `http://127.0.0.1:${port}/page?after=${seq}`,
    stop: () => child.kill('SIGTERM'),
  };
}
