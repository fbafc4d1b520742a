/**
 * `npm run bench -- NAME` runs one benchmark; no NAME runs them all. Each prints a table and,
 * as its last line, one JSON object (../shared/BENCH.md).
 */
const BENCHES: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  federation: () => import('./federation.js'),
  hotline: () => import('./hotline.js'),
  stix: () => import('./stix.js'),
  reports: () => import('./reports.js'),
  network: () => import('./network.js'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
for (const name of names) {
  const load = BENCHES[name];
  if (!load) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  const bench = await load();
  await bench.run();
}
