/**
 * `npm run screenshots`: PNGs of the web app's main pages, in English and Simplified Chinese,
 * at desktop (1280×800) and phone (390×844) sizes, full page, with an index.html, written to
 * screenshots/ (gitignored).
 *
 * Builds the web app (the npm script holds /tmp/liaison-web.lock for the whole run, as the
 * browser tests do: dist/web is shared), starts the two sandbox nodes the browser tests use
 * (us-doj and cn-mps, real processes, peered), seeds a little data through their APIs
 * (test/harness/seed.ts) and shows every page as us-doj's admin in Chromium.
 *
 * Options: --no-build (use dist/web as it is), --only=home,cases (some pages), --out=DIR.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LANGUAGES,
  SIZES,
  languageContext,
  mainPages,
  openAndSettle,
  seed,
  startPeeredPair,
  type Size,
} from '../test/harness/seed.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string): string | undefined =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const OUT = path.resolve(ROOT, flag('out') ?? 'screenshots');
const ONLY = flag('only')?.split(',');
const DIST_INDEX = path.join(ROOT, 'dist', 'web', 'index.html');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function build(): void {
  if (args.includes('--no-build')) {
    say('Not building the web app (--no-build): using dist/web as it is.');
  } else {
    say('Building the web app (npm run build:web)…');
    const built = spawnSync('npm', ['run', 'build:web'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) {
      if (!existsSync(DIST_INDEX)) {
        throw new Error('the web app did not build and dist/web is missing: nothing to show.');
      }
      say('WARNING: the web app did not build; the screenshots show the last build in dist/web.');
    }
  }
  if (!existsSync(DIST_INDEX)) {
    throw new Error(`dist/web is missing (${DIST_INDEX}): run npm run build:web first.`);
  }
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c,
  );
}

interface Shot {
  page: string;
  path: string;
  language: string;
  size: Size;
  file: string | null;
  error?: string;
}

function writeIndex(shots: Shot[], started: Date): string {
  const pages = [...new Set(shots.map((s) => s.page))];
  const columns = LANGUAGES.flatMap((language) =>
    (Object.keys(SIZES) as Size[]).map((size) => ({ language, size })),
  );
  const rows = pages
    .map((page) => {
      const cells = columns
        .map(({ language, size }) => {
          const shot = shots.find(
            (s) => s.page === page && s.language === language && s.size === size,
          );
          if (!shot?.file) {
            return `<td class="failed">failed${shot?.error ? `: ${escapeHtml(shot.error)}` : ''}</td>`;
          }
          const file = encodeURI(shot.file);
          return `<td><a href="${file}"><img src="${file}" alt="${escapeHtml(`${page}, ${language}, ${size}`)}" loading="lazy"></a></td>`;
        })
        .join('');
      const route = shots.find((s) => s.page === page)?.path ?? '';
      return `<tr><th scope="row">${escapeHtml(page)}<br><code>${escapeHtml(route)}</code></th>${cells}</tr>`;
    })
    .join('\n');
  const head = columns
    .map(({ language, size }) => `<th scope="col">${language} · ${size}</th>`)
    .join('');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Liaison screenshots</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1rem; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: .5rem; vertical-align: top; text-align: left; }
img { max-width: 260px; max-height: 520px; object-fit: cover; object-position: top; display: block; }
td.failed { color: #a00; max-width: 260px; }
</style>
</head>
<body>
<h1>Liaison screenshots</h1>
<p>Taken ${escapeHtml(started.toISOString())} as us-doj's admin (peered with cn-mps), full page. Sizes: desktop 1280×800, phone 390×844.</p>
<table>
<thead><tr><th scope="col">page</th>${head}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
  const file = path.join(OUT, 'index.html');
  writeFileSync(file, html);
  return file;
}

async function main(): Promise<void> {
  const started = new Date();
  build();
  say('Starting us-doj and cn-mps (real node processes, peered)…');
  const pair = await startPeeredPair();
  const shots: Shot[] = [];
  try {
    say('Seeding requests, a case, a call, a note and a ping…');
    const seeded = await seed(pair.us, pair.cn);
    const pages = mainPages(seeded).filter((p) => !ONLY || ONLY.includes(p.name));
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    for (const language of LANGUAGES) {
      for (const size of Object.keys(SIZES) as Size[]) {
        const context = await languageContext(pair.browser, pair.us, language, size);
        const page = await context.newPage();
        page.setDefaultTimeout(30_000);
        for (const { name, path: route } of pages) {
          const file = `${name}.${language}.${size}.png`;
          try {
            await openAndSettle(page, `${pair.us.url}${route}`);
            await page.screenshot({ path: path.join(OUT, file), fullPage: true });
            shots.push({ page: name, path: route, language, size, file });
            say(`  ${file}`);
          } catch (error) {
            const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
            shots.push({ page: name, path: route, language, size, file: null, error: message });
            say(`  ${file}: FAILED (${message})`);
            await page
              .screenshot({ path: path.join(OUT, `${name}.${language}.${size}.failed.png`) })
              .catch(() => undefined);
          }
        }
        await context.close();
      }
    }
  } finally {
    await pair.stop();
  }
  const index = writeIndex(shots, started);
  const failed = shots.filter((s) => !s.file).length;
  say(`\n${shots.length - failed} screenshots in ${OUT}`);
  say(`Index: ${index}`);
  if (failed > 0) {
    say(`${failed} page(s) failed: see the index.`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`screenshots: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
