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
  type MainPage,
  type Size,
} from '../test/harness/seed.js';
import type { NodeProcess } from '../test/harness/cluster.js';

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

async function call(node: NodeProcess, method: string, url: string, body?: unknown) {
  const r = await node.api(method, url, body);
  if (r.status >= 300) {
    throw new Error(`${node.nodeId} ${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return r.body as { id: string };
}

/** The part of a meeting's view the seeding waits on. */
interface RecordState {
  record: { latest: { version: number } | null; agreed: { signatures: unknown[] } | null };
}

async function waitFor(what: string, probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * The dialogue pages (issue 18): a dialogue with the first meeting's record agreed by both
 * nodes, a second meeting still open, and a commitment the two sides state differently.
 */
async function seedDialogue(us: NodeProcess, cn: NodeProcess): Promise<MainPage[]> {
  const dialogue = await call(us, 'POST', '/api/dialogues', {
    peer: 'cn-mps',
    title: {
      en: 'High-Level Joint Dialogue on Cybercrime and Related Issues',
      zh: '打击网络犯罪及相关事项高级别联合对话',
    },
  });
  const base = `/api/dialogues/${dialogue.id}`;
  const meeting = await call(us, 'POST', `${base}/meetings`, {
    number: 1,
    startDate: '2015-12-01',
    endDate: '2015-12-02',
    place: 'Washington',
    timeZone: 'America/New_York',
    delegations: [
      {
        side: 'us-doj',
        delegates: [
          { name: 'Loretta Lynch', title: 'Attorney General', role: 'head' },
          { name: 'Jeh Johnson', title: 'Secretary of Homeland Security', role: 'head' },
        ],
      },
      { side: 'cn-mps', delegates: [{ name: '郭声琨', title: '国务委员', role: 'head' }] },
    ],
    agenda: [
      { item: 1, title: { en: 'Requests for assistance', zh: '协助请求' } },
      { item: 2, title: { en: 'A hotline', zh: '热线机制' } },
    ],
  });
  const path = `${base}/meetings/${meeting.id}`;
  const second = await call(us, 'POST', `${base}/meetings`, {
    number: 2,
    when: 'June 2016',
    place: 'Beijing',
    timeZone: 'Asia/Shanghai',
  });
  await waitFor('the meeting at cn-mps', async () => (await cn.api('GET', path)).status === 200);
  const commitment = '6c1f0a5e-2b7d-4c3e-8f9a-1d2e3f4a5b60';
  await call(us, 'POST', `${path}/record`, {
    content: {
      outcomes: [
        {
          paragraph: 1,
          kind: 'agreement',
          text: {
            en: 'Both sides agreed on guidelines for requests for assistance on cybercrime.',
            zh: '双方就打击网络犯罪协助请求的指导原则达成一致。',
          },
        },
        {
          paragraph: 2,
          kind: 'agreement',
          text: {
            en: 'Both sides agreed to establish a hotline and to test it regularly.',
            zh: '双方同意建立热线并定期测试。',
          },
        },
      ],
      commitments: [
        {
          what: { en: 'Write the guidelines for requests', zh: '制定协助请求指导原则' },
          ownerSides: ['us-doj', 'cn-mps'],
          owner: 'Central authorities',
          dueDate: '2016-06-01',
          paragraph: 1,
        },
        {
          id: commitment,
          what: { en: 'Establish the hotline', zh: '建立热线' },
          ownerSides: ['us-doj', 'cn-mps'],
          owner: 'Duty desks',
          dueDate: '2016-03-01',
          paragraph: 2,
          measure: { key: 'pings.answered_share', comparator: 'gte', threshold: 0.9 },
        },
      ],
    },
  });
  await waitFor('the record at cn-mps', async () => {
    const r = await cn.api('GET', path);
    return r.status === 200 && (r.body as RecordState).record.latest?.version === 1;
  });
  await call(cn, 'POST', `${path}/record/1/accept`);
  await waitFor('both signatures at us-doj', async () => {
    const r = await us.api('GET', path);
    return (r.body as RecordState).record.agreed?.signatures.length === 2;
  });
  const attestation = `${base}/commitments/${commitment}/attestation`;
  await call(us, 'PUT', attestation, {
    status: 'done',
    note: 'Hotline numbers exchanged; tested weekly.',
    evidence: [{ kind: 'url', url: 'https://example.org/hotline-test', label: 'Test log' }],
  });
  await call(cn, 'PUT', attestation, { status: 'in_progress', note: '正在测试值班电话。' });
  const today = new Date().toISOString().slice(0, 10);
  return [
    { name: 'dialogues', path: '/dialogues' },
    { name: 'dialogue', path: `/dialogues/${dialogue.id}` },
    {
      name: 'meeting',
      path: `/dialogues/${dialogue.id}/meetings/${meeting.id}`,
    },
    { name: 'meeting-draft', path: `/dialogues/${dialogue.id}/meetings/${second.id}` },
    { name: 'commitment', path: `/dialogues/${dialogue.id}/commitments/${commitment}` },
    { name: 'status-report', path: `/dialogues/report?peer=cn-mps&from=2015-11-01&to=${today}` },
  ];
}

/** The report pages (issue 19): a story told by two English reports and a Chinese one. */
async function seedReports(us: NodeProcess): Promise<MainPage[]> {
  const first = await call(us, 'POST', '/api/reports', {
    title: 'China calls OPM hack a criminal case',
    source: 'Xinhua',
    publishedAt: '2015-12-02',
    text: [
      'Xinhua said on Wednesday that the hacking of the Office of Personnel Management, which exposed 20 million records, was a criminal case rather than a state-sponsored attack.',
      'Investigators found that the intruders used the server hxxp://update-check[.]net/login and the address 198.51.100[.]23; lookups went to 8.8.8.8.',
      "China's foreign ministry denied any role, calling the accusations unfounded.",
    ].join('\n\n'),
  });
  await call(us, 'POST', '/api/reports', {
    title: 'OPM breach: investigators name the servers used',
    source: 'Wire service',
    publishedAt: '2015-12-03',
    text: [
      'Officials said on Thursday that the intruders who stole 20 million records from the Office of Personnel Management used the server at 198.51.100[.]23 and the site update-check[.]net.',
      "China's foreign ministry denied the accusations, calling them unfounded.",
    ].join('\n\n'),
  });
  await call(us, 'POST', '/api/reports', {
    title: '美国人事管理局数据泄露案',
    source: '新华社',
    publishedAt: '2015-12-02',
    language: 'zh',
    text: '新华社报道，美国人事管理局数据泄露案是一起刑事案件，而非国家支持的攻击。调查人员发现入侵者使用了服务器 198.51.100[.]23。',
  });
  await call(us, 'POST', `/api/reports/${first.id}/review`, {
    items: [
      { kind: 'indicator', index: 0, state: 'accepted' },
      { kind: 'indicator', index: 1, state: 'rejected' },
      { kind: 'claim', index: 0, state: 'accepted' },
    ],
  });
  const view = (await call(us, 'GET', `/api/reports/${first.id}`)) as { clusterId?: string };
  return [
    { name: 'reports', path: '/reports' },
    { name: 'report', path: `/reports/${first.id}` },
    { name: 'story', path: `/reports/stories/${view.clusterId ?? first.id}` },
    { name: 'stories', path: '/reports/stories' },
    { name: 'reports-allow-list', path: '/reports/allow-list' },
    ...(await seedClaimEvidence(us, first.id)),
  ];
}

/** The first report's claims held as evidence of the dialogue's first commitment (issue 19). */
async function seedClaimEvidence(us: NodeProcess, reportId: string): Promise<MainPage[]> {
  const dialogues = (await call(us, 'GET', '/api/dialogues?limit=1')) as unknown as {
    dialogues: { id: string }[];
  };
  const dialogue = dialogues.dialogues[0];
  if (!dialogue) return [];
  const base = `/api/dialogues/${dialogue.id}/commitments`;
  const list = (await call(us, 'GET', `${base}?limit=1`)) as unknown as {
    commitments: { id: string }[];
  };
  const commitment = list.commitments[0];
  if (!commitment) return [];
  const report = (await call(us, 'GET', `/api/reports/${reportId}`)) as unknown as {
    claims: { index: number; stance: string }[];
  };
  for (const claim of report.claims) {
    await call(us, 'POST', `${base}/${commitment.id}/evidence`, {
      reportId,
      claimIndex: claim.index,
      bearing: claim.stance === 'denies' ? 'kept' : 'context',
      note: claim.stance === 'denies' ? 'The ministry denies any state role.' : '',
    });
  }
  return [
    {
      name: 'commitment-evidence',
      path: `/dialogues/${dialogue.id}/commitments/${commitment.id}`,
    },
  ];
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
    say('Seeding a dialogue: an agreed record, a commitment the sides state differently…');
    const dialoguePages = await seedDialogue(pair.us, pair.cn);
    say('Seeding reports: a story told by two English reports and a Chinese one…');
    const reportPages = await seedReports(pair.us);
    const pages = [...mainPages(seeded), ...dialoguePages, ...reportPages].filter(
      (p) => !ONLY || ONLY.includes(p.name),
    );
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
