#!/usr/bin/env node
// Entry point of the `liaison` command: runs the compiled CLI (npm run build).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('liaison: not built yet; run `npm run build` first.\n');
  process.exit(2);
}
await import(main);
