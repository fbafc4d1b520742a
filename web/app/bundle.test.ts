import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIRST_LOAD_BUDGET_KB } from '../../vite.config';

// `npm test` builds the web app first (pretest); dist/web/.vite/manifest.json lists its chunks.
const dist = new URL('../../dist/web/', import.meta.url);
const manifestFile = new URL('.vite/manifest.json', dist);

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

describe.runIf(existsSync(manifestFile))('the built web app', () => {
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, ManifestChunk>;

  /** The entry and every chunk it imports statically: what the first page must download. */
  function firstLoad(): string[] {
    const seen = new Set<string>();
    const visit = (key: string): void => {
      if (seen.has(key)) return;
      seen.add(key);
      for (const next of manifest[key]?.imports ?? []) visit(next);
    };
    for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
    return [...seen].map((key) => manifest[key]?.file ?? key);
  }

  it(`needs at most ${FIRST_LOAD_BUDGET_KB} kB of script for the first page`, () => {
    const files = firstLoad();
    expect(files.length).toBeGreaterThan(0);
    const bytes = files.reduce((sum, file) => sum + statSync(new URL(file, dist)).size, 0);
    expect(bytes).toBeLessThanOrEqual(FIRST_LOAD_BUDGET_KB * 1000);
  });

  it("loads the features' pages lazily, each in a chunk of its own", () => {
    const lazy = Object.entries(manifest).filter(([key]) => /^features\/\w+\/pages\//.test(key));
    expect(lazy.length).toBeGreaterThanOrEqual(20);
    const first = new Set(firstLoad());
    expect(lazy.filter(([, chunk]) => first.has(chunk.file)).map(([key]) => key)).toEqual([]);
  });
});
