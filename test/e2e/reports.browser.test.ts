import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  loggedIn,
  markNotReloaded,
  notReloaded,
  screenshotsFor,
} from '../harness/browser.js';
import {
  clusterRoot,
  createNodeProcess,
  openLocal,
  removeClusterRoots,
  type NodeProcess,
} from '../harness/cluster.js';
import { createCase, LANGUAGES, languageContext, openAndSettle } from '../harness/seed.js';

// Issue 19 in Chromium, on one real node process: an analyst adds a value to the node's
// allow-list, pastes a report with defanged indicators and attribution claims, sees every
// extraction highlighted (and the dropped values with their reasons), rejects one indicator,
// accepts the rest and commits them to a case under a TLP marking; the story's page shows
// the claims of its reports side by side; the pages render in Chinese. Then the page of all
// stories leads to the story and its claims side by side, and a claim of a report is
// attached as evidence to a dialogue commitment, which its page shows under its bearing.

const TIMEOUT = 240_000;
const LIVE = 30_000;

let node: NodeProcess;
let browser: Browser;
const screenshotOnFailure = screenshotsFor('reports');

beforeAll(async () => {
  node = await createNodeProcess(clusterRoot(), 'us-doj', { timeZone: 'America/New_York' });
  await node.start();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await node?.kill();
  removeClusterRoots();
}, 60_000);

const TITLE = 'China calls OPM hack a criminal case';
// A line of markup: the page must show it as text, never as an element.
const MARKUP = '<img src=x onerror="document.title=1">';
const TEXT = [
  'Xinhua said on Wednesday that the hacking of the Office of Personnel Management, which exposed 20 million records, was a criminal case rather than a state-sponsored attack.',
  'Investigators found that the intruders used the server hxxp://update-check[.]net/login and the address 198.51.100[.]23, as first reported by xinhuanet.com.',
  "China's foreign ministry denied any role, calling the accusations unfounded.",
  'The attackers also used 8.8.8.8 for lookups.',
  MARKUP,
].join('\n\n');

const OTHER = {
  title: 'OPM breach: investigators name the servers used',
  source: 'Wire service',
  publishedAt: '2015-12-03',
  language: 'en',
  text: [
    'Officials said on Thursday that the intruders who stole 20 million records from the Office of Personnel Management used the server at 198.51.100[.]23 and the site update-check[.]net.',
    "China's foreign ministry denied the accusations, calling them unfounded.",
  ].join('\n\n'),
};

const DIALOGUE = 'd-trade-secrets';
const COMMITMENT = '5b3a1d2e-8c4f-4e1a-9d7b-2f6e8a0c1bee';
const COMMITMENT_WHAT = 'Neither side conducts cyber-enabled theft of trade secrets';
const commitmentPath = `/dialogues/${DIALOGUE}/commitments/${COMMITMENT}`;

/**
 * A dialogue with one agreed commitment, written into the node's store from this process (an
 * agreed record needs a peer; the dialogues' browser test goes that way).
 */
async function seedCommitment(dataDir: string): Promise<void> {
  const local = await openLocal(dataDir);
  try {
    const db = local.store.db;
    const now = Date.now();
    await db
      .insertInto('dialogues')
      .values({
        id: DIALOGUE,
        title: JSON.stringify({ en: 'Cybercrime dialogue', zh: '打击网络犯罪对话' }),
        peer_id: 'cn-mps',
        parties: JSON.stringify(['cn-mps', 'us-doj']),
        created_by: 'us-doj',
        created_at: now,
        updated_at: now,
      })
      .execute();
    const what = { en: COMMITMENT_WHAT, zh: '双方均不从事网络窃取商业秘密' };
    await db
      .insertInto('dialogue_commitments')
      .values({
        id: COMMITMENT,
        dialogue_id: DIALOGUE,
        meeting_id: 'm-trade-secrets',
        meeting_number: 1,
        version: 1,
        position: 1,
        content: JSON.stringify({
          id: COMMITMENT,
          what,
          ownerSides: ['us-doj', 'cn-mps'],
          owner: 'Both governments',
          dueDate: '2016-06-01',
          paragraph: 1,
          evidence: [],
          source: null,
        }),
        due_date: '2016-06-01',
        state: 'not_started',
        created_at: now,
        updated_at: now,
      })
      .execute();
  } finally {
    await local.close();
  }
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.addScriptTag({ path: AXE });
  // Runs in the page; the tests' TypeScript has no DOM library, hence a string.
  return page.evaluate<string[]>(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ': ' + v.help + ' ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')))`);
}

async function api(method: string, url: string, body?: unknown): Promise<any> {
  const r = await node.api(method, url, body);
  expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body as unknown;
}

const textBox = (page: Page) => page.getByTestId('report-text');
const indicator = (page: Page, value: string) =>
  page.getByTestId('indicator-item').filter({ hasText: value });

describe('reports in Chromium', () => {
  it(
    'an analyst reviews a pasted report and commits it to a case; the story shows its claims',
    async () => {
      const caseId = await createCase(node, 'OPM breach follow-up');
      const { context, page } = await loggedIn(browser, node, 'America/New_York');
      await screenshotOnFailure({ page }, async () => {
        // The node's allow-list: the outlet's own site, added with a reason.
        await page
          .getByRole('navigation', { name: 'Main navigation' })
          .getByRole('link', { name: 'Reports', exact: true })
          .click();
        await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
        await page.getByRole('link', { name: 'Allow-list' }).click();
        await page.getByRole('heading', { level: 1, name: "The node's allow-list" }).waitFor();
        const add = page.getByRole('form', { name: 'Add a value' });
        await add.getByLabel('Type').selectOption({ label: 'Domain' });
        await add.getByLabel('Value').fill('xinhuanet.com');
        await add.getByLabel('Also every subdomain').check();
        await add.getByLabel('Reason', { exact: true }).fill("The outlet's own site");
        await add.getByRole('button', { name: 'Add to the allow-list' }).click();
        await page
          .getByTestId('allow-row')
          .filter({ hasText: 'xinhuanet.com' })
          .filter({ hasText: "The outlet's own site" })
          .waitFor();

        // The list updates live when a report arrives (another analyst, through the API).
        await page.getByRole('link', { name: 'Reports', exact: true }).first().click();
        await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
        await page.getByText('No report yet.').waitFor();
        await markNotReloaded(page);
        const other = await api('POST', '/api/reports', OTHER);
        await page
          .getByTestId('report-row')
          .filter({ hasText: OTHER.title })
          .waitFor({ timeout: LIVE });
        expect(await notReloaded(page)).toBe(true);

        // Paste the report.
        const form = page.getByRole('form', { name: 'Add a report' });
        await form.getByLabel('Text', { exact: true }).fill(TEXT);
        await form.getByLabel('Title').fill(TITLE);
        await form.getByLabel('Source').fill('Xinhua');
        await form.getByLabel('Published').fill('2015-12-02');
        await form.getByLabel('Language').selectOption({ label: 'English' });
        await form.getByRole('button', { name: 'Add and extract' }).click();
        await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
        const reportId = new URL(page.url()).pathname.split('/').pop()!;

        // Every extraction highlighted in the text, by its span; markup shown as text.
        const box = textBox(page);
        await expect
          .poll(() => box.locator('mark[data-kind=indicator]').allTextContents())
          .toEqual(['hxxp://update-check[.]net/login', '198.51.100[.]23']);
        expect(await box.locator('mark[data-kind=dropped]').allTextContents()).toEqual([
          'xinhuanet.com',
          '8.8.8.8',
        ]);
        expect(await box.locator('mark[data-kind=entity]').allTextContents()).toEqual(
          expect.arrayContaining(['Office of Personnel Management', '20 million records']),
        );
        expect(await box.locator('mark[data-kind=claim]').count()).toBeGreaterThan(0);
        expect(await box.textContent()).toBe(TEXT);
        expect(await box.locator('img').count()).toBe(0);
        expect(await page.title()).not.toBe('1');

        // The side panel: refanged values, dropped values with their reasons, the claims.
        await indicator(page, 'http://update-check.net/login')
          .getByText('Written defanged as')
          .waitFor();
        const dropped = page.getByTestId('dropped-item');
        await dropped
          .filter({ hasText: 'xinhuanet.com' })
          .getByText("The outlet's own site")
          .waitFor();
        await dropped
          .filter({ hasText: '8.8.8.8' })
          .getByText(/Google Public DNS resolver/)
          .waitFor();
        const claims = page.getByTestId('claim-item');
        await claims.filter({ hasText: 'Xinhua' }).getByText('Asserts').waitFor();
        await claims.filter({ hasText: "China's foreign ministry" }).getByText('Denies').waitFor();

        // Reject one indicator, accept the rest.
        await page.getByRole('button', { name: 'Reject 198.51.100.23' }).click();
        await indicator(page, '198.51.100.23').getByText('Rejected').waitFor();
        await expect
          .poll(() =>
            box.locator('mark[data-kind=indicator][data-state=rejected]').allTextContents(),
          )
          .toEqual(['198.51.100[.]23']);
        await page.getByRole('button', { name: /^Accept the \d+ left to review$/ }).click();
        await page.getByRole('button', { name: /^Accept the \d+ left to review$/ }).waitFor({
          state: 'detached',
        });
        await indicator(page, 'http://update-check.net/login').getByText('Accepted').waitFor();

        // Commit the accepted items to the case, TLP:GREEN.
        const commit = page.getByRole('form', { name: 'Commit to a case' });
        await commit.getByLabel('Case').selectOption({ label: 'OPM breach follow-up' });
        await commit.getByLabel('TLP marking').selectOption({ label: 'TLP:GREEN' });
        await commit.getByRole('button', { name: 'Commit accepted items' }).click();
        await page.getByTestId('committed').getByRole('link', { name: caseId }).waitFor();

        // Committed: the review is closed, the form gone.
        await expect.poll(() => page.getByRole('button', { name: /^Reject / }).count()).toBe(0);
        expect(await commit.count()).toBe(0);
        const stored = await api('GET', `/api/reports/${reportId}`);
        expect(stored.caseId).toBe(caseId);
        const objects = (await api('GET', `/api/cases/${caseId}/objects?limit=200`)).objects as {
          type: string;
          tlp: string;
          label: string;
          object: Record<string, unknown>;
        }[];
        const json = JSON.stringify(objects.map((o) => o.object));
        expect(objects.map((o) => o.type)).toContain('report');
        expect(new Set(objects.map((o) => o.tlp))).toEqual(new Set(['green']));
        expect(json).toContain('update-check.net');
        expect(json).not.toContain('198.51.100.23');

        // The story: its reports and their claims side by side.
        await page.getByTestId('story-link').click();
        await page.getByRole('heading', { level: 1, name: /^Story: / }).waitFor();
        await page.getByTestId('story-report').filter({ hasText: TITLE }).waitFor();
        const rows = page.getByTestId('story-claim');
        await rows.filter({ hasText: 'Xinhua' }).filter({ hasText: 'Asserts' }).waitFor();
        await rows
          .filter({ hasText: "China's foreign ministry" })
          .filter({ hasText: 'Denies' })
          .filter({ hasText: TITLE })
          .waitFor();
        // The wire story tells the same story (shared indicators, entities and claims): its
        // report and its claims stand beside the first report's.
        const mine = await api('GET', `/api/reports/${reportId}`);
        expect(mine.clusterId).toBe(other.clusterId);
        await page.getByTestId('story-report').filter({ hasText: OTHER.title }).waitFor();
        await rows.filter({ hasText: OTHER.title }).filter({ hasText: 'Denies' }).waitFor();
      });
      await context.close();

      // The Chinese pages.
      const zh = await languageContext(browser, node, 'zh-CN');
      const zhPage = await zh.newPage();
      await screenshotOnFailure({ zhPage }, async () => {
        await openAndSettle(zhPage, `${node.url}/reports`);
        await zhPage.getByRole('heading', { level: 1, name: '报告' }).waitFor();
        await zhPage.getByRole('heading', { name: '添加报告' }).waitFor();
        await zhPage
          .getByTestId('report-row')
          .filter({ hasText: TITLE })
          .getByRole('link', { name: TITLE })
          .click();
        await zhPage.getByRole('heading', { level: 1, name: TITLE }).waitFor();
        await zhPage.getByRole('heading', { name: '归因声明 (2)' }).waitFor();
        await zhPage.getByTestId('claim-item').getByText('否认').waitFor();
        await zhPage.getByTestId('dropped-item').first().getByText('原因：').waitFor();
        await zhPage.getByRole('heading', { name: '提交到案件' }).waitFor();
        await zhPage.getByTestId('story-link').click();
        await zhPage.getByRole('heading', { level: 1, name: /^同一事件的报道：/ }).waitFor();
        await zhPage.getByRole('heading', { name: '各报告的归因声明对照' }).waitFor();
        await zhPage.getByTestId('story-claim').getByText('声称').first().waitFor();
      });
      await zh.close();
    },
    TIMEOUT,
  );

  it(
    'a report is uploaded as a file or fetched by URL; a binary file is refused with a clear message',
    async () => {
      // A vendor's page on this machine (the harness lets the node's outbound guard reach it).
      const html = `<!doctype html><html><head><title>Vendor advisory: Lotus loader</title></head>
<body><nav>Home | Products</nav><article><h1>Vendor advisory: Lotus loader</h1>
<p>The loader beacons to hxxps://lotus-cdn[.]org/gate.php and drops a file with the SHA-256
${'a'.repeat(64)}.</p><p>Operators mailed ops[@]lotus-cdn[.]org from 203.0.113[.]44.</p>
<p>The campaign used CVE-2015-1701 to gain privileges on the hosts it reached.</p></article>
<footer>Copyright</footer></body></html>`;
      const server: Server = createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(html);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/advisory`;
      const { context, page } = await loggedIn(browser, node, 'America/New_York');
      try {
        await screenshotOnFailure({ page }, async () => {
          await page.goto(`${node.url}/reports`);
          const form = page.getByRole('form', { name: 'Add a report' });

          // A binary file: the node's message, the page still there, nothing stored.
          const before = (await api('GET', '/api/reports?limit=200')).items.length as number;
          await form.getByLabel('Upload a file').check();
          await form.getByLabel('File', { exact: true }).setInputFiles({
            name: 'dump.txt',
            mimeType: 'text/plain',
            buffer: Buffer.from([0x4d, 0x5a, 0x00, 0x01, 0x00, 0xff]),
          });
          await form.getByRole('button', { name: 'Add and extract' }).click();
          await page
            .getByRole('alert')
            .filter({ hasText: 'The file is binary, not text.' })
            .waitFor();
          await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
          expect((await api('GET', '/api/reports?limit=200')).items.length).toBe(before);

          // The same page uploaded as an HTML file: its article text, its indicators.
          await form.getByLabel('File', { exact: true }).setInputFiles({
            name: 'advisory.html',
            mimeType: 'text/html',
            buffer: Buffer.from(html),
          });
          await form.getByLabel('Source').fill('Vendor blog');
          await form.getByRole('button', { name: 'Add and extract' }).click();
          await page
            .getByRole('heading', { level: 1, name: 'Vendor advisory: Lotus loader' })
            .waitFor();
          const box = textBox(page);
          await expect
            .poll(() => box.locator('mark[data-kind=indicator]').allTextContents())
            .toEqual(
              expect.arrayContaining([
                'hxxps://lotus-cdn[.]org/gate.php',
                'ops[@]lotus-cdn[.]org',
                '203.0.113[.]44',
                'CVE-2015-1701',
              ]),
            );
          expect(await box.textContent()).not.toContain('Copyright');
          await indicator(page, 'ops@lotus-cdn.org').waitFor();

          // By URL, through the node's outbound guard.
          await page.getByRole('link', { name: 'Reports', exact: true }).first().click();
          await form.getByLabel('From a web address').check();
          await form.getByLabel('Web address', { exact: true }).fill(url);
          await form.getByRole('button', { name: 'Add and extract' }).click();
          await page
            .getByRole('heading', { level: 1, name: 'Vendor advisory: Lotus loader' })
            .waitFor();
          await indicator(page, 'https://lotus-cdn.org/gate.php').waitFor();
          // Two copies of one advisory tell one story.
          await page.getByTestId('story-link').click();
          await expect.poll(() => page.getByTestId('story-report').count()).toBe(2);
        });
      } finally {
        await context.close();
        await new Promise((resolve) => server.close(resolve));
      }
    },
    TIMEOUT,
  );

  it(
    'all stories → a story with its claims side by side; a claim attached as evidence to a commitment',
    async () => {
      await seedCommitment(node.dataDir);
      const { context, page } = await loggedIn(browser, node, 'America/New_York');
      await screenshotOnFailure({ page }, async () => {
        // The list of all stories, from the reports page.
        await page.goto(`${node.url}/reports`);
        await page.getByRole('link', { name: 'All stories' }).click();
        await page.getByRole('heading', { level: 1, name: 'Stories' }).waitFor();
        // The story is named by its lead report: the wire story, added first.
        const story = page.getByTestId('story-row').filter({ hasText: OTHER.title });
        await story.waitFor();
        const cells = await story.getByRole('cell').allTextContents();
        expect(cells[0]).toBe('2');
        expect(cells[1]).toBe('2015-12-02 – 2015-12-03');
        expect(cells[2]).toBe('English');
        expect(cells[3]).toContain('Office of Personnel Management');
        await page
          .getByTestId('story-row')
          .filter({ hasText: 'Vendor advisory: Lotus loader' })
          .waitFor();

        // The story: both reports' claims side by side.
        await story.getByRole('link', { name: OTHER.title }).click();
        await page.getByRole('heading', { level: 1, name: /^Story: / }).waitFor();
        const rows = page.getByTestId('story-claim');
        await rows.filter({ hasText: TITLE }).filter({ hasText: 'Denies' }).waitFor();
        await rows.filter({ hasText: OTHER.title }).filter({ hasText: 'Denies' }).waitFor();

        // A claim of the first report attached to the commitment as evidence it is kept.
        await page.getByTestId('story-report').getByRole('link', { name: TITLE }).click();
        await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
        const denial = page
          .getByTestId('claim-item')
          .filter({ hasText: "China's foreign ministry" });
        await denial.getByRole('button', { name: 'Attach to a commitment' }).click();
        const form = denial.getByRole('form', { name: 'Attach to a commitment' });
        await form.getByLabel('Dialogue').selectOption({ label: 'Cybercrime dialogue' });
        await form
          .getByLabel('Commitment')
          .selectOption({ label: `Meeting 1: ${COMMITMENT_WHAT}` });
        await form.getByLabel('What the claim says of it').selectOption({ label: 'It is kept' });
        await form.getByLabel('Note').fill('The ministry denies any state role.');
        await form.getByRole('button', { name: 'Attach' }).click();
        await denial.getByTestId('claim-attached').waitFor();
        // A second attach of the same claim: the node's refusal, in words.
        await denial.getByRole('button', { name: 'Attach to a commitment' }).click();
        await form.getByLabel('Dialogue').selectOption({ label: 'Cybercrime dialogue' });
        await form
          .getByLabel('Commitment')
          .selectOption({ label: `Meeting 1: ${COMMITMENT_WHAT}` });
        await form.getByRole('button', { name: 'Attach' }).click();
        await form
          .getByRole('alert')
          .filter({ hasText: 'This claim is already evidence of this commitment.' })
          .waitFor();
        await form.getByRole('button', { name: 'Cancel' }).click();

        // The commitment's page: the claim under "Says it is kept", with its report.
        await denial.getByRole('link', { name: 'See the commitment' }).click();
        await page.getByRole('heading', { level: 1, name: COMMITMENT_WHAT }).waitFor();
        await page.getByRole('heading', { name: 'Evidence from reports' }).waitFor();
        const kept = page.getByTestId('claim-evidence-kept').getByTestId('claim-evidence');
        await kept.filter({ hasText: "China's foreign ministry" }).waitFor();
        const text = await kept.textContent();
        expect(text).toContain('Denies');
        expect(text).toContain('denied any role');
        expect(text).toContain('The ministry denies any state role.');
        expect(await page.getByTestId('claim-evidence-broken').textContent()).toContain(
          'No claim.',
        );
        await kept.getByRole('link', { name: TITLE }).waitFor();
      });
      await context.close();

      // In Chinese: the stories' list and the evidence's heading.
      const zh = await languageContext(browser, node, 'zh-CN');
      const zhPage = await zh.newPage();
      await screenshotOnFailure({ zhPage }, async () => {
        await openAndSettle(zhPage, `${node.url}/reports/stories`);
        await zhPage.getByRole('heading', { level: 1, name: '事件' }).waitFor();
        await zhPage.getByTestId('story-row').filter({ hasText: '美国人事管理局' }).waitFor();
        await openAndSettle(zhPage, `${node.url}${commitmentPath}`);
        await zhPage.getByRole('heading', { name: '来自报告的证据' }).waitFor();
        await zhPage.getByTestId('claim-evidence-kept').getByText('否认').waitFor();
      });
      await zh.close();
    },
    TIMEOUT,
  );

  it(
    'the report pages have no serious or critical axe-core violation, in English and Chinese',
    async () => {
      const list = (await api('GET', '/api/reports?limit=200')).items as {
        id: string;
        title: string | null;
        clusterId: string;
      }[];
      const first = list.find((r) => r.title === TITLE)!;
      const paths = [
        '/reports',
        `/reports/${first.id}`,
        `/reports/stories/${first.clusterId}`,
        '/reports/stories',
        '/reports/allow-list',
        commitmentPath,
      ];
      for (const language of LANGUAGES) {
        const context = await languageContext(browser, node, language, 'desktop', {
          bypassCSP: true,
        });
        const page = await context.newPage();
        for (const path of paths) {
          await openAndSettle(page, `${node.url}${path}`);
          expect(await seriousViolations(page), `${language} ${path}`).toEqual([]);
        }
        await context.close();
      }
    },
    TIMEOUT,
  );
});
