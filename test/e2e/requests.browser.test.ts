import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loggedIn, openFromNav, screenshotsFor } from '../harness/browser.js';
import { usePeeredPair } from '../harness/pair.js';

// Two real node processes, peered: us-doj (America/New_York) asks cn-mps (Asia/Shanghai)
// to preserve data, in Chromium, from draft to fulfilment, each side seeing the other's
// moves without a reload.

const TIMEOUT = 240_000;
const LIVE = 45_000;

const pair = usePeeredPair();

const screenshotOnFailure = screenshotsFor('requests');

/** Waits until the request page shows `status` (pushed live, never by reloading). */
async function statusIs(page: Page, status: string, timeout = LIVE): Promise<void> {
  await expect
    .poll(() => page.getByTestId('request-status').textContent(), { timeout })
    .toContain(status);
}

function timelineSteps(page: Page): Promise<string[]> {
  return page
    .getByRole('list', { name: 'Timeline' })
    .getByRole('heading', { level: 3 })
    .allTextContents();
}

const STEPS = [
  'Sent',
  'Acknowledged',
  'More information requested',
  'Information provided',
  'Fulfilled',
];

describe('requests for assistance in Chromium', () => {
  it(
    'drafts, sends, answers and fulfils a preservation request across two nodes',
    async () => {
      const a = await loggedIn(pair.browser, pair.us, 'America/New_York');
      const b = await loggedIn(pair.browser, pair.cn, 'Asia/Shanghai');
      try {
        await screenshotOnFailure({ 'us-doj': a.page, 'cn-mps': b.page }, async () => {
          // cn-mps waits on its inbox with the live stream open.
          await openFromNav(b.page, 'Requests', 'Requests');
          await b.page.getByText('No requests received yet.').waitFor();
          await b.page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
          await b.page.evaluate(() => {
            (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
          });

          // us-doj drafts a preservation request with only part of what is required.
          const title = `Preserve logs of admin@example.cn (${Date.now()})`;
          await openFromNav(a.page, 'Requests', 'Requests');
          await a.page.getByRole('link', { name: 'New request' }).click();
          await a.page.getByRole('heading', { level: 1, name: 'New request' }).waitFor();
          await expect.poll(() => a.page.getByLabel('Peer').inputValue()).toBe('cn-mps');
          await a.page.getByLabel('Request type').selectOption('preservation');
          await a.page.getByLabel('Urgency').selectOption('urgent');
          await a.page.getByLabel('Title').fill(title);
          await a.page.getByLabel(/^Requesting authority/).fill('U.S. DOJ, CCIPS');
          await a.page.getByLabel(/^Reference number/).fill('CCIPS-2026-0412');
          await a.page.getByRole('button', { name: 'Save draft' }).click();
          await a.page.getByRole('heading', { level: 1, name: title }).waitFor();
          await statusIs(a.page, 'Draft');

          // Sending it incomplete is refused, with the missing fields by name.
          await a.page.getByRole('button', { name: 'Send request' }).click();
          const missing = a.page.getByRole('list', { name: 'Missing fields' });
          await missing.waitFor();
          const missingNames = await missing.getByRole('listitem').allTextContents();
          expect(missingNames).toEqual([
            'Offence',
            'Brief summary of the facts',
            'Data requested',
            'Relation of the data to the offence',
            'Custodian and location of the data',
            'Reason preservation is needed',
            'A request for mutual legal assistance will follow',
            'Contact for confirmation',
          ]);
          await statusIs(a.page, 'Draft');

          // Completed, it goes.
          await a.page.getByLabel(/^Offence/).fill('Computer intrusion (18 U.S.C. 1030)');
          await a.page
            .getByLabel(/^Brief summary of the facts/)
            .fill('Intrusion into a federal personnel agency; records exfiltrated.');
          await a.page
            .getByLabel(/^Data requested/)
            .fill('Subscriber and log data for admin@example.cn');
          await a.page
            .getByLabel(/^Relation of the data to the offence/)
            .fill('The account received the exfiltrated archive.');
          await a.page
            .getByLabel(/^Custodian and location of the data/)
            .fill('Example Cloud (Beijing) Co., Ltd.');
          await a.page
            .getByLabel(/^Reason preservation is needed/)
            .fill('Logs are deleted after 30 days.');
          await a.page
            .getByRole('checkbox', { name: /A request for mutual legal assistance will follow/ })
            .check();
          await a.page.getByLabel(/^Contact for confirmation/).fill('duty@ccips.example.gov');
          await a.page.getByRole('button', { name: 'Send request' }).click();
          await statusIs(a.page, 'Sent');
          expect(await a.page.getByRole('list', { name: 'Missing fields' }).count()).toBe(0);
          // Deadlines in the viewer's zone and the peer's, counting down.
          const facts = a.page.getByRole('definition').filter({ hasText: 'Asia/Shanghai:' });
          await expect.poll(() => facts.count()).toBeGreaterThanOrEqual(2);
          await a.page.getByText(/left$/).first().waitFor();

          // cn-mps: the request arrives in the inbox by itself; acknowledge, then ask.
          const row = b.page.getByRole('row').filter({ hasText: title });
          await row.waitFor({ timeout: LIVE });
          await row.getByText('New', { exact: true }).waitFor();
          await row.getByRole('link').click();
          await b.page.getByRole('heading', { level: 1, name: title }).waitFor();
          await b.page
            .getByRole('definition')
            .filter({ hasText: 'America/New_York:' })
            .first()
            .waitFor();
          await b.page.getByRole('button', { name: 'Acknowledge', exact: true }).click();
          await statusIs(b.page, 'Acknowledged');
          await b.page
            .getByLabel('Text', { exact: true })
            .fill('Please confirm the account identifier and the time range.');
          await b.page.getByRole('button', { name: 'Ask for more information' }).click();
          await statusIs(b.page, 'More information needed');

          // us-doj: the question shows up live; answer it.
          await statusIs(a.page, 'More information needed');
          await a.page
            .getByText('Please confirm the account identifier and the time range.')
            .waitFor();
          await a.page
            .getByLabel('Text', { exact: true })
            .fill('admin@example.cn, from 1 March to 30 April 2026 (UTC).');
          await a.page.getByRole('button', { name: 'Provide information' }).click();
          await statusIs(a.page, 'In progress');

          // cn-mps: fulfils, with the preserved data's manifest attached.
          await statusIs(b.page, 'In progress');
          await b.page
            .getByText('admin@example.cn, from 1 March to 30 April 2026 (UTC).')
            .waitFor();
          const content = Buffer.from(
            'preservation manifest\naccount: admin@example.cn\nitems: 1432\n',
          );
          const sha256 = createHash('sha256').update(content).digest('hex');
          await b.page.getByLabel('Attachment (optional)').setInputFiles({
            name: 'preservation-manifest.txt',
            mimeType: 'text/plain',
            buffer: content,
          });
          await b.page.getByLabel('Text', { exact: true }).fill('Data preserved for 60 days.');
          await b.page.getByRole('button', { name: 'Fulfil', exact: true }).click();
          await statusIs(b.page, 'Fulfilled');
          const cnHash = b.page.locator('code.sha256');
          await cnHash.waitFor();
          expect(await cnHash.textContent()).toBe(sha256);

          // us-doj: fulfilled, the same attachment, the same SHA-256.
          await statusIs(a.page, 'Fulfilled');
          await a.page.getByRole('link', { name: 'preservation-manifest.txt' }).waitFor();
          expect(await a.page.locator('code.sha256').textContent()).toBe(sha256);

          // Both timelines tell the same five steps, in the same order.
          await expect.poll(() => timelineSteps(a.page), { timeout: LIVE }).toEqual(STEPS);
          await expect.poll(() => timelineSteps(b.page), { timeout: LIVE }).toEqual(STEPS);
          expect(
            await b.page.evaluate(
              () => (globalThis as unknown as { notReloaded?: boolean }).notReloaded,
            ),
          ).toBe(true);
        });
      } finally {
        await a.context.close();
        await b.context.close();
      }
    },
    TIMEOUT,
  );
  it(
    'publishes contacts to the peer and agrees new terms with it, live on both sides',
    async () => {
      const a = await loggedIn(pair.browser, pair.us, 'America/New_York');
      const b = await loggedIn(pair.browser, pair.cn, 'Asia/Shanghai');
      try {
        await screenshotOnFailure({ 'us-doj-terms': a.page, 'cn-mps-terms': b.page }, async () => {
          await openFromNav(b.page, 'Contacts', 'Contacts');
          await b.page.getByText('No peer has published contacts yet.').waitFor();
          await openFromNav(a.page, 'Contacts', 'Contacts');
          await a.page.getByRole('button', { name: 'Add contact' }).click();
          await a.page.getByLabel('Name').fill('CCIPS duty desk');
          await a.page.getByLabel('Channel 1', { exact: true }).fill('duty@ccips.example.gov');
          await a.page.getByRole('checkbox', { name: 'Publish to peers' }).check();
          await a.page.getByRole('button', { name: 'Add contact' }).last().click();
          await a.page.getByRole('heading', { name: 'CCIPS duty desk' }).waitFor();
          // cn-mps sees it under us-doj, read-only.
          const published = b.page.getByRole('region', { name: 'Contacts of us-doj' });
          await published.getByRole('heading', { name: 'CCIPS duty desk' }).waitFor({
            timeout: LIVE,
          });
          expect(await published.getByRole('button').count()).toBe(0);
          await a.page.getByRole('button', { name: 'Edit' }).click();
          await a.page.getByLabel('Name').fill('CCIPS 24/7 desk');
          await a.page.getByRole('button', { name: 'Save' }).click();
          await published.getByRole('heading', { name: 'CCIPS 24/7 desk' }).waitFor({
            timeout: LIVE,
          });

          // us-doj proposes a shorter acknowledgement of routine preservation requests.
          await openFromNav(b.page, 'Arrangements', 'Arrangements');
          await b.page.getByRole('link', { name: /us-doj/ }).click();
          await b.page
            .getByRole('heading', { name: 'In force: the default terms (version 0)' })
            .waitFor();
          await openFromNav(a.page, 'Arrangements', 'Arrangements');
          await a.page.getByRole('link', { name: /cn-mps/ }).click();
          await a.page.getByRole('button', { name: 'Propose changes' }).click();
          await a.page.locator('summary', { hasText: /^Preservation$/ }).click();
          await a.page
            .getByLabel('Preservation, Routine: Acknowledge by', { exact: true })
            .fill('12');
          await a.page
            .getByLabel('Unit of Preservation, Routine: Acknowledge by')
            .selectOption('hours');
          const change = 'Preservation, Routine, Acknowledge by: 1 day → 12 hours';
          await a.page.getByText(change).waitFor();
          await a.page.getByRole('button', { name: 'Send proposal' }).click();
          await a.page.getByText("Waiting for the peer's answer.").waitFor();

          // cn-mps sees the proposal and what it changes, and accepts it.
          await b.page.getByText(change).waitFor({ timeout: LIVE });
          await b.page.getByRole('button', { name: 'Accept' }).click();
          await b.page.getByRole('heading', { name: 'In force: version 1' }).waitFor();
          await a.page
            .getByRole('heading', { name: 'In force: version 1' })
            .waitFor({ timeout: LIVE });
          const row = a.page.getByRole('row', { name: /^Preservation Yes/ });
          await row
            .getByText('Routine: acknowledge within 12 hours, respond within 3 days')
            .waitFor();
        });
      } finally {
        await a.context.close();
        await b.context.close();
      }
    },
    TIMEOUT,
  );
});
