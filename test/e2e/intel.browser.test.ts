import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggedIn, openFromNav, screenshotsFor } from '../harness/browser.js';
import { usePeeredPair } from '../harness/pair.js';
import { createCase } from '../harness/seed.js';

// us-doj opens a case and imports, through the case page, a STIX 2.1 bundle file of three
// good indicators and one malformed (no pattern): the page follows the import to its end,
// shows 3 imported, 1 failed, and the error report naming the bad object and why. The
// search box in the header finds one indicator's address, marked as an exact match, and
// its link opens the object's row in the case. The admin then opens the TAXII page, serves
// the case as a collection (at most TLP:AMBER) and sees the collection's URL for SOC tools;
// the page also reads in Chinese. A case of more objects than one page shows the first
// page, loads the next, filters by type and by words, and opens a linked object that is
// not loaded. A link to a note marks that note.

const TIMEOUT = 300_000;

const pair = usePeeredPair();
let dir: string;
beforeAll(() => {
  ({ us: pair.us } = pair);
  dir = mkdtempSync(path.join(tmpdir(), 'liaison-intel-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const screenshotOnFailure = screenshotsFor('intel');

const BAD_ID = 'indicator--5b0c3a5e-3c8f-4f3e-9d1e-0b7a1c2d3e4f';

function indicator(n: number, ip: string): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--7c1d2e3f-4a5b-4c6d-8e7f-${String(n).padStart(12, '0')}`,
    created: '2026-11-01T00:00:00.000Z',
    modified: '2026-11-01T00:00:00.000Z',
    name: `Phishing server ${ip}`,
    indicator_types: ['malicious-activity'],
    pattern: `[ipv4-addr:value = '${ip}']`,
    pattern_type: 'stix',
    valid_from: '2026-11-01T00:00:00Z',
  };
}

/** Three good indicators and, third in the bundle, one without its pattern. */
function writeBundle(file: string): void {
  const { pattern: _pattern, ...bad } = indicator(99, '198.51.100.99');
  const bundle = {
    type: 'bundle',
    id: 'bundle--0f3c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a098',
    objects: [
      indicator(1, '198.51.100.7'),
      indicator(2, '198.51.100.8'),
      { ...bad, id: BAD_ID, name: 'Broken indicator' },
      indicator(3, '198.51.100.9'),
    ],
  };
  writeFileSync(file, JSON.stringify(bundle, null, 2));
}

describe('intelligence in Chromium', () => {
  it(
    'us-doj imports a partly malformed STIX bundle into a case and follows it to the error report; the header search finds an address exactly; the admin serves the case over TAXII',
    async () => {
      const title = `Phishing campaign (${Date.now()})`;
      const file = path.join(dir, 'phishing.stix.json');
      writeBundle(file);
      const createdId = await createCase(pair.us, title, {
        summary: 'Phishing servers reported by a bank.',
        kind: 'fraud',
        priority: 'high',
      });

      const a = await loggedIn(pair.browser, pair.us, 'America/New_York');
      try {
        await screenshotOnFailure({ 'us-doj': a.page }, async () => {
          const page = a.page;
          await openFromNav(page, 'Cases', 'Cases');
          await page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
          await page.getByRole('link', { name: title }).click();
          await page.getByRole('heading', { level: 1, name: title }).waitFor();

          // The import (on its tab): the file, its format and the marking of unmarked objects.
          await page.getByRole('tab', { name: 'Import & export', exact: true }).click();
          const form = page.getByRole('form', { name: 'Import into this case' });
          await form.getByLabel('File to import').setInputFiles(file);
          await form.getByLabel('Format').selectOption('stix');
          await form.getByLabel('TLP for objects without a marking').selectOption('amber');
          await form.getByRole('button', { name: 'Import', exact: true }).click();

          const job = page.getByTestId('import-job');
          await job.getByRole('heading', { name: 'Import of phishing.stix.json' }).waitFor();
          await job.getByTestId('import-status').getByText('Done', { exact: true }).waitFor();
          expect(await job.getByTestId('import-read').textContent()).toBe('4');
          expect(await job.getByTestId('import-imported').textContent()).toBe('3');
          expect(await job.getByTestId('import-failed').textContent()).toBe('1');
          expect(await job.getByTestId('import-elsewhere').textContent()).toBe('0');
          await job
            .getByText(
              'Import done: 3 imported, 0 updated, 0 unchanged, 0 added from other cases, 1 failed.',
            )
            .waitFor();
          expect(await job.getByRole('progressbar').getAttribute('value')).toBe('100');

          // The error report: the third object, named, and why.
          const report = job.getByRole('table', { name: 'Error report' });
          const rows = report.getByTestId('import-error');
          await rows.first().waitFor();
          expect(await rows.count()).toBe(1);
          const cells = await rows.first().getByRole('cell').allTextContents();
          expect(cells.slice(0, 2)).toEqual(['3', BAD_ID]);
          expect(cells[2]).toMatch(/pattern/);

          // The import in the case's list, and its objects on the page.
          const listed = page.getByTestId('import-row').filter({ hasText: 'phishing.stix.json' });
          await listed.getByText('Done', { exact: true }).waitFor();
          await page.getByRole('tab', { name: 'Objects', exact: true }).click();
          await page.getByText('Phishing server 198.51.100.7', { exact: true }).first().waitFor();

          // The search box in the header: the address, as an object of the case, matched
          // exactly; the hit is a link to the object in its case.
          const search = page.getByRole('search', {
            name: 'Search requests, notes, calls, cases and objects',
          });
          await search.getByRole('searchbox').fill('198.51.100.7');
          await search.getByRole('searchbox').press('Enter');
          await page.getByRole('heading', { level: 1, name: 'Search', exact: true }).waitFor();
          await page.getByText('Results for “198.51.100.7”').waitFor();
          const objects = page.getByTestId('search-group').filter({
            has: page.getByRole('heading', { level: 2, name: /^\d+ objects?$/ }),
          });
          const hit = objects
            .getByTestId('search-hit')
            .filter({ hasText: 'Phishing server 198.51.100.7' });
          await hit.first().waitFor();
          const hitCells = await hit.getByRole('cell').all();
          expect(hitCells).toHaveLength(2);
          await hitCells[0]!.getByRole('link', { name: 'Phishing server 198.51.100.7' }).waitFor();
          expect(await hitCells[0]!.getByText('TLP:AMBER', { exact: true }).count()).toBe(1);
          expect(await hitCells[1]!.textContent()).toBe('Exact match');
          // Nothing found says so.
          await search.getByRole('searchbox').fill('no-such-thing.invalid');
          await search.getByRole('searchbox').press('Enter');
          await page
            .getByText(
              'Nothing found for “no-such-thing.invalid”: no request, note, call, case or object you may see matches.',
            )
            .waitFor();
          // The hit leads to the object in its case: its row marked, its versions open.
          await search.getByRole('searchbox').fill('198.51.100.7');
          await search.getByRole('searchbox').press('Enter');
          await page
            .getByTestId('search-hit')
            .getByRole('link', { name: 'Phishing server 198.51.100.7' })
            .click();
          await page.getByRole('heading', { level: 1, name: title }).waitFor();
          expect(page.url()).toContain(`/cases/${createdId}?object=`);
          const marked = page.locator('tr[data-testid="object-row"][aria-current="true"]');
          await marked.waitFor();
          expect(await marked.textContent()).toContain('Phishing server 198.51.100.7');
          await page.getByRole('list', { name: 'Versions' }).first().waitFor();

          // TAXII (admin): the case served as a collection, at most TLP:AMBER, read by admin.
          await openFromNav(page, 'TAXII', 'TAXII');
          await page.getByRole('button', { name: 'New collection' }).click();
          const collection = page.getByRole('form', { name: 'New collection' });
          await collection.getByLabel('Title').fill('Phishing indicators for the SOC');
          await collection.getByLabel('Case').selectOption({ label: title });
          await collection.getByLabel('Highest marking').selectOption('amber');
          await collection
            .getByLabel('Add a user or token')
            .selectOption({ label: 'Node administrator (admin)' });
          await collection.getByRole('button', { name: 'Add', exact: true }).click();
          await collection.getByLabel('Node administrator (admin) may read').waitFor();
          expect(
            await collection.getByLabel('Node administrator (admin) may read').isChecked(),
          ).toBe(true);
          await collection.getByRole('button', { name: 'Create the collection' }).click();
          const row = page
            .getByTestId('collection-row')
            .filter({ hasText: 'Phishing indicators for the SOC' });
          await row.waitFor();
          await expect(collection.waitFor({ state: 'detached' })).resolves.toBeUndefined();
          await row.getByRole('link', { name: title }).waitFor();
          expect(await row.getByText('TLP:AMBER', { exact: true }).count()).toBe(1);
          await row.getByText('Node administrator (admin): reads').waitFor();
          const url = await row
            .getByRole('textbox', { name: 'URL of Phishing indicators for the SOC' })
            .inputValue();
          expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/taxii2\/.+\/collections\/[^/]+\/$/);
          const collections = await pair.us.api('GET', '/api/taxii/collections');
          expect(collections.body.collections).toEqual([
            expect.objectContaining({ url, caseId: createdId, maxTlp: 'amber' }),
          ]);

          // The same page in Chinese.
          await page.getByRole('button', { name: '简体中文' }).click();
          await page.getByRole('heading', { level: 2, name: '集合', exact: true }).waitFor();
          await page
            .getByRole('navigation', { name: '主导航' })
            .getByRole('link', { name: 'TAXII 服务', exact: true })
            .waitFor();
          await row.getByRole('button', { name: '复制' }).waitFor();
          await page
            .getByRole('search', { name: '搜索请求、便笺、热线呼叫、案件和对象' })
            .waitFor();
        });
      } finally {
        await a.context.close();
      }
    },
    TIMEOUT,
  );

  it(
    'a case of more objects than one page shows the first page, loads the next, filters by type and by words, and opens a linked object not loaded',
    async () => {
      // The admin reads English again (a test before may have left it in Chinese).
      expect((await pair.us.api('PATCH', '/api/me', { language: null })).status).toBe(200);
      const title = `Scanning campaign (${Date.now()})`;
      const caseId = await createCase(pair.us, title, {
        summary: 'Mass scanning of exposed VPN gateways.',
        priority: 'medium',
      });
      // 60 objects, more than the page's 50: 52 scanners and 3 beacons (indicators), then 5
      // domain names. The first written is the oldest, so the last shown.
      const add = async (object: Record<string, unknown>): Promise<string> => {
        const answer = await pair.us.api('POST', `/api/cases/${caseId}/objects`, {
          object,
          tlp: 'green',
        });
        expect(answer.status).toBe(201);
        return answer.body.id as string;
      };
      const ids: string[] = [];
      for (let n = 1; n <= 55; n++) {
        const name = n <= 52 ? `Scanner host ${n}` : `Beacon relay ${n}`;
        ids.push(
          await add({
            type: 'indicator',
            name,
            pattern: `[ipv4-addr:value = '203.0.113.${n}']`,
            pattern_type: 'stix',
            valid_from: '2026-11-01T00:00:00Z',
          }),
        );
      }
      for (let n = 1; n <= 5; n++) {
        ids.push(await add({ type: 'domain-name', value: `scan-${n}.example` }));
      }
      const oldest = ids[0]!;

      const a = await loggedIn(pair.browser, pair.us, 'America/New_York');
      try {
        await screenshotOnFailure({ 'us-doj-paging': a.page }, async () => {
          const page = a.page;
          await openFromNav(page, 'Cases', 'Cases');
          await page.getByRole('link', { name: title }).click();
          await page.getByRole('heading', { level: 1, name: title }).waitFor();
          await page.getByRole('heading', { level: 2, name: '60 objects' }).waitFor();
          const rows = page.getByTestId('object-row');
          const shown = page.getByTestId('objects-shown');

          // The first page: the 50 most recently changed, the domain names first.
          await shown.getByText('Showing 50 of 60 objects.').waitFor();
          expect(await rows.count()).toBe(50);
          expect(await rows.first().textContent()).toContain('scan-5.example');
          const oldestRow = page.locator(`tr[data-object-id="${oldest}"]`);
          expect(await oldestRow.count()).toBe(0);

          // The next page: the 10 oldest, after the first 50; nothing more to load.
          await page.getByRole('button', { name: 'Load more objects' }).click();
          await shown.getByText('Showing 60 of 60 objects.').waitFor();
          expect(await rows.count()).toBe(60);
          expect(await rows.last().getAttribute('data-object-id')).toBe(oldest);
          expect(await page.getByRole('button', { name: 'Load more objects' }).count()).toBe(0);

          // Filters: by type, then by words; each starts again from the first page.
          const filters = page.getByRole('search', { name: 'Filter the objects' });
          await filters.getByLabel('Type').selectOption('domain-name');
          await shown.getByText('Showing the 5 matching objects (60 in the case).').waitFor();
          expect(await rows.count()).toBe(5);
          const domains = await rows.allTextContents();
          [5, 4, 3, 2, 1].forEach((n, index) =>
            expect(domains[index]).toContain(`scan-${n}.example`),
          );
          await filters.getByLabel('Type').selectOption('');
          await filters.getByLabel('Words').fill('beacon');
          await filters.getByRole('button', { name: 'Filter', exact: true }).click();
          await shown.getByText('Showing the 3 matching objects (60 in the case).').waitFor();
          expect(await rows.count()).toBe(3);
          for (const row of await rows.all())
            expect(await row.textContent()).toMatch(/Beacon relay/);
          // Ordered by name, and cleared.
          await filters.getByRole('button', { name: 'Clear the filters' }).click();
          await shown.getByText('Showing 50 of 60 objects.').waitFor();
          await filters.getByLabel('Order').selectOption('label');
          await expect
            .poll(async () => (await rows.first().textContent()) ?? '')
            .toContain('Beacon relay 53');

          // A link to the oldest object, which the first page does not hold: its versions.
          await page.goto(`${pair.us.url}/cases/${caseId}?object=${encodeURIComponent(oldest)}`);
          await page.getByRole('heading', { level: 1, name: title }).waitFor();
          const linked = page.getByTestId('linked-object');
          await linked
            .getByRole('heading', { name: 'From the link: Indicator Scanner host 1' })
            .waitFor();
          await linked.getByText('TLP:GREEN', { exact: true }).first().waitFor();
          expect(await rows.count()).toBe(50);

          // The same page in Chinese.
          await page.getByRole('button', { name: '简体中文' }).click();
          await page.getByRole('heading', { level: 2, name: '60 个对象' }).waitFor();
          await shown.getByText('显示 50 个对象，共 60 个。').waitFor();
          await page.getByRole('button', { name: '加载更多对象' }).waitFor();
        });
      } finally {
        await a.context.close();
      }
    },
    TIMEOUT,
  );

  it(
    "a link to a note (a search hit's) marks that note in the list",
    async () => {
      expect((await pair.us.api('PATCH', '/api/me', { language: null })).status).toBe(200);
      const texts = [1, 2, 3].map((n) => `Scan report ${n} (${Date.now()})`);
      const ids: string[] = [];
      for (const text of texts) {
        const sent = await pair.us.api('POST', '/api/notes', { peer: 'cn-mps', text });
        expect(sent.status).toBe(201);
        ids.push(sent.body.id as string);
      }
      const a = await loggedIn(pair.browser, pair.us, 'America/New_York');
      try {
        await screenshotOnFailure({ 'us-doj-note': a.page }, async () => {
          const page = a.page;
          await page.goto(`${pair.us.url}/notes?note=${encodeURIComponent(ids[1]!)}`);
          await page.getByRole('heading', { level: 1, name: 'Notes' }).waitFor();
          const marked = page.locator('article[aria-current="true"]');
          await marked.waitFor();
          expect(await marked.count()).toBe(1);
          expect(await marked.textContent()).toContain(texts[1]);
          expect(await marked.getAttribute('data-note-id')).toBe(ids[1]);
        });
      } finally {
        await a.context.close();
      }
    },
    TIMEOUT,
  );
});
