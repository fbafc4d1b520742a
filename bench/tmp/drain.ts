import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
import { clusterRoot, createNodeProcess, enqueueNotes, peer, removeClusterRoots } from '../../test/harness/cluster.js';
const N = Number(process.env.N ?? 20000);
async function main() {
const root = clusterRoot();
const a = await createNodeProcess(root, 'us-doj', { nodeArgs: process.env.PROF_A ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof/a'] : [] });
const b = await createNodeProcess(root, 'cn-mps', { nodeArgs: process.env.PROF_B ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof/b'] : [] });
await Promise.all([a.start(), b.start()]);
await peer(a, b);
await b.stop();
let t = performance.now();
await enqueueNotes(a.dataDir, 'cn-mps', N, 'drain', 1000);
console.log('enqueue', ((performance.now() - t) / 1000).toFixed(1), 's');
await b.start();
const cpu = (pid: number) => { const f = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const ca0 = cpu(a.child!.pid!), cb0 = cpu(b.child!.pid!);
t = performance.now();
for (;;) {
  const r = await b.api('GET', '/api/federation/peers/us-doj');
  if (Number((r.body as any).ledger.lastApplied) >= N) break;
  await new Promise((r) => setTimeout(r, 50));
}
const s = (performance.now() - t) / 1000;
console.log('cpu ms A', cpu(a.child!.pid!) - ca0, 'B', cpu(b.child!.pid!) - cb0);
console.log('drain', s.toFixed(2), 's', Math.round(N / s), 'msg/s');
await a.stop(); await b.stop();
removeClusterRoots();
}
void main();
