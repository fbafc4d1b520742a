import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeProcess } from '../harness/cluster.js';
import { loggedIn, openFromNav, screenshotsFor } from '../harness/browser.js';
import { usePeeredPair } from '../harness/pair.js';

// us-doj opens a case and imports, through the case page, a STIX 2.1 bundle file of three
// good indicators and one malformed (no pattern): the page follows the import to its end,
// shows 3 imported, 1 failed, and the error report naming the bad object and why. The
// search box in the header finds one indicator's address, in that case, marked as an exact
// match. The admin then opens the TAXII page, serves the case as a collection (at most
// TLP:AMBER) and sees the collection's URL for SOC tools; the page also reads in Chinese.

const TIMEOUT = 300_000;

const pair = usePeeredPair();
let us: NodeProcess;
let dir: string;
beforeAll(() => {
  ({ us } = pair);
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
      const created = await us.api('POST', '/api/cases', {
        title,
        summary: 'Phishing servers reported by a bank.',
        kind: 'fraud',
        priority: 'high',
      });
      expect(created.status).toBe(201);

      const a = await loggedIn(pair.browser, us, 'America/New_York');
      try {
        await screenshotOnFailure({ 'us-doj': a.page }, async () => {
          const page = a.page;
          await openFromNav(page, 'Cases', 'Cases');
          await page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
          await page.getByRole('link', { name: title }).click();
          await page.getByRole('heading', { level: 1, name: title }).waitFor();

          // The import: the file, its format and the marking of unmarked objects.
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
              'Import done: 3 imported, 0 updated, 0 unchanged, 0 held by other cases, 1 failed.',
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
          await page.getByText('Phishing server 198.51.100.7', { exact: true }).first().waitFor();

          // The search box in the header: the address, in this case, matched exactly.
          const search = page.getByRole('search', { name: 'Search cases and objects' });
          await search.getByRole('searchbox').fill('198.51.100.7');
          await search.getByRole('searchbox').press('Enter');
          await page.getByRole('heading', { level: 1, name: 'Search', exact: true }).waitFor();
          await page.getByText('Results for “198.51.100.7”').waitFor();
          const group = page.getByTestId('search-group').filter({ hasText: title });
          await group.getByRole('link', { name: title }).waitFor();
          const hit = group
            .getByTestId('search-hit')
            .filter({ hasText: 'Phishing server 198.51.100.7' });
          expect(await hit.getByRole('cell').allTextContents()).toEqual([
            'Phishing server 198.51.100.7',
            'Indicator',
            'TLP:AMBER',
            'Exact match',
          ]);
          // Nothing found says so.
          await search.getByRole('searchbox').fill('no-such-thing.invalid');
          await search.getByRole('searchbox').press('Enter');
          await page
            .getByText(
              'Nothing found for “no-such-thing.invalid”: no case or object you may see matches.',
            )
            .waitFor();
          // The case title leads back to the case.
          await search.getByRole('searchbox').fill('198.51.100.7');
          await search.getByRole('searchbox').press('Enter');
          await page.getByTestId('search-group').getByRole('link', { name: title }).click();
          await page.getByRole('heading', { level: 1, name: title }).waitFor();

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
          const collections = await us.api('GET', '/api/taxii/collections');
          expect(collections.body.collections).toEqual([
            expect.objectContaining({ url, caseId: created.body.id, maxTlp: 'amber' }),
          ]);

          // The same page in Chinese.
          await page.getByRole('button', { name: '简体中文' }).click();
          await page.getByRole('heading', { level: 2, name: '集合', exact: true }).waitFor();
          await page
            .getByRole('navigation', { name: '主导航' })
            .getByRole('link', { name: 'TAXII 服务', exact: true })
            .waitFor();
          await row.getByRole('button', { name: '复制' }).waitFor();
          await page.getByRole('search', { name: '搜索案件和对象' }).waitFor();
        });
      } finally {
        await a.context.close();
      }
    },
    TIMEOUT,
  );
});
