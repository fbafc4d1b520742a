import { call, login, makeNode } from '../test/harness/node.js';
import type { SyntheticReport } from './reports.data.js';

/**
 * bench/reports, through the node: one in-process node on SQLite (test/harness makeNode), each
 * report POSTed to /api/reports (app.inject: the route, the reports service, analyseReport,
 * the stories kept in SQL by the cluster-features contract) one after another. Gives the
 * reports/s and the ms per report at 1,000 held (or half of them) and at the end (WINDOW reports each).
 */
const WINDOW = 200;

export async function serverIngest(reports: readonly SyntheticReport[]) {
  const mark = Math.min(1_000, Math.floor(reports.length / 2));
  const window = Math.max(1, Math.min(WINDOW, Math.floor(reports.length / 10)));
  const node = await makeNode({ dialect: 'sqlite', nodeId: 'us-doj' });
  try {
    const session = await login(node.app, 'admin', node.admin.password);
    const ms: number[] = [];
    const t0 = performance.now();
    for (const [i, r] of reports.entries()) {
      const t = performance.now();
      const reply = await call(node.app, session, 'POST', '/api/reports', { text: r.text });
      if (reply.statusCode !== 201)
        throw new Error(
          `server ingest, report ${i}: POST /api/reports ${reply.statusCode} ${reply.body}`,
        );
      ms.push(performance.now() - t);
      if ((i + 1) % 1_000 === 0) console.log(`  server ingested ${i + 1}/${reports.length}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    return {
      perSecond: reports.length / seconds,
      held: mark,
      msAtMark: mean(ms.slice(mark, mark + window)),
      msAtEnd: mean(ms.slice(-window)),
    };
  } finally {
    await node.stop();
  }
}
