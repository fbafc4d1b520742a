import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const api = 'http://127.0.0.1:8080';

/**
 * The most script the first page may need, in kB (1000 bytes) minified: the entry chunk and
 * every chunk it imports statically (CSS aside). web/app/bundle.test.ts checks it too.
 */
export const FIRST_LOAD_BUDGET_KB = 250;

/** Prints the first load's size after bundling and fails the build over the budget. */
function firstLoad(): Plugin {
  return {
    name: 'liaison-first-load',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map(
        Object.values(bundle).flatMap((item) =>
          item.type === 'chunk' ? [[item.fileName, item]] : [],
        ),
      );
      const seen = new Set<string>();
      const visit = (fileName: string): void => {
        if (seen.has(fileName)) return;
        seen.add(fileName);
        for (const next of chunks.get(fileName)?.imports ?? []) visit(next);
      };
      for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName);
      const code = [...seen].map((name) => chunks.get(name)?.code ?? '').join('');
      const kb = (bytes: number) => (bytes / 1000).toFixed(1);
      const size = Buffer.byteLength(code);
      const line = `first load: ${kb(size)} kB minified (${kb(gzipSync(code).length)} kB gzip), budget ${FIRST_LOAD_BUDGET_KB} kB`;
      // eslint-disable-next-line no-console
      console.log(line);
      if (size > FIRST_LOAD_BUDGET_KB * 1000) this.error(`${line}: over budget`);
    },
  };
}

// The web app lives in web/ and is built into dist/web, which the node serves.
// In development, `npx vite` proxies the API to a node running on its default port.
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  plugins: [react(), firstLoad()],
  // Preact's compat layer stands in for React in the browser: the same components and hooks in
  // about a tenth of the script (React and react-dom alone were 222 kB of the first load).
  resolve: {
    alias: [
      { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
      { find: /^react-dom$/, replacement: 'preact/compat' },
      { find: /^react$/, replacement: 'preact/compat' },
      { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
      { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-runtime' },
    ],
  },
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    // dist/web/.vite/manifest.json: the chunks and their imports, read by web/app/bundle.test.ts.
    manifest: true,
  },
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/healthz': api,
      '/readyz': api,
    },
  },
});
