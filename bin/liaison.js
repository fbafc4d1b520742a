#!/usr/bin/env -S node --max-semi-space-size=64
// Entry point of the `liaison` command: runs the compiled CLI (npm run build).
// --max-semi-space-size: a young generation of 64 MB a half, so the batches an import (or a
// TAXII page) has in flight die young instead of being copied by every scavenge; it took the
// collector's share of an import's thread from 9% to 2% (docs/intel.md). `npm start` and
// `npm run liaison` pass the same flag.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('liaison: not built yet; run `npm run build` first.\n');
  process.exit(2);
}
await import(main);
