import { readFile } from 'node:fs/promises';
import JSZip from 'jszip';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loggedIn, screenshotsFor } from '../harness/browser.js';
import { usePeeredPair } from '../harness/pair.js';
import { createCase, placeCall, sendRequest } from '../harness/seed.js';

// Print-ready pages of us-doj: a hotline call with its timeline, the case status report and
// the hotline usage review each have a Print button; on paper (print media) the menu, the
// header and the buttons are gone and the page's table or timeline stays, under a header
// naming the node. The report and the review also download as Word documents holding the
// same translated headings.

const TIMEOUT = 240_000;

const pair = usePeeredPair();

const screenshotOnFailure = screenshotsFor('print');

/** On print media: no menu, no header of the app, no visible button; the print header shows. */
async function printsClean(page: Page): Promise<void> {
  await page.emulateMedia({ media: 'print' });
  expect(await page.getByRole('navigation', { name: 'Main navigation' }).isVisible()).toBe(false);
  expect(await page.locator('.app-header').isVisible()).toBe(false);
  expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
  const visibleButtons = await page
    .locator('main button')
    .evaluateAll(
      (buttons) =>
        buttons.filter((b) => (b as unknown as { offsetParent: unknown }).offsetParent !== null)
          .length,
    );
  expect(visibleButtons).toBe(0);
  const header = page.getByTestId('print-header');
  expect(await header.isVisible()).toBe(true);
  expect(await header.textContent()).toMatch(/Node: .*\(us-doj\).*Period: .*Printed: /);
  // Black on white.
  const colours = await page.getByRole('heading', { level: 1 }).evaluate((heading) => {
    const style = (
      globalThis as unknown as {
        getComputedStyle: (e: unknown) => { color: string; backgroundColor: string };
      }
    ).getComputedStyle(heading);
    return { color: style.color, background: style.backgroundColor };
  });
  expect(colours).toEqual({ color: 'rgb(0, 0, 0)', background: 'rgb(255, 255, 255)' });
}

/** Clicks "Download Word", and returns the saved file's bytes. */
async function downloadWord(page: Page): Promise<Buffer> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download Word' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.docx$/);
  const path = await download.path();
  return readFile(path);
}

/** The text of a .docx's word/document.xml (after checking it is a ZIP archive). */
async function documentXml(bytes: Buffer): Promise<string> {
  expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  const zip = await JSZip.loadAsync(bytes);
  const xml = await zip.file('word/document.xml')?.async('string');
  expect(xml).toBeDefined();
  return xml ?? '';
}

describe('print-ready pages in Chromium', () => {
  it(
    'a call, the case report and the usage review print without the app around them and export to Word',
    async () => {
      const subject = `Ransomware negotiation channel (${Date.now()})`;
      const callId = await placeCall(pair.us, 'cn-mps', { priority: 'routine', subject });
      await createCase(pair.us, 'Printed case');

      const { context, page } = await loggedIn(pair.browser, pair.us, 'Europe/Berlin');
      try {
        await screenshotOnFailure({ 'us-doj': page }, async () => {
          // The call with its timeline.
          await page.goto(`${pair.us.url}/hotline/${callId}`);
          await page.getByRole('heading', { level: 1, name: subject }).waitFor();
          await page.getByRole('button', { name: 'Print' }).waitFor();
          await printsClean(page);
          expect(await page.getByRole('heading', { name: 'Timeline' }).isVisible()).toBe(true);
          expect(await page.locator('.call-timeline li').first().isVisible()).toBe(true);
          await page.emulateMedia({ media: 'screen' });

          // The case status report: its table on paper, and as a Word document.
          await page.goto(`${pair.us.url}/cases/report`);
          await page.getByRole('heading', { level: 1, name: 'Case status report' }).waitFor();
          const reportTable = page.getByRole('table', { name: 'Case status report' });
          await reportTable.waitFor();
          await page.getByRole('button', { name: 'Print' }).waitFor();
          await printsClean(page);
          expect(await reportTable.isVisible()).toBe(true);
          expect(
            await reportTable
              .locator('tr')
              .first()
              .evaluate((row) => {
                const style = (
                  globalThis as unknown as {
                    getComputedStyle: (e: unknown) => { breakInside: string };
                  }
                ).getComputedStyle(row);
                return style.breakInside;
              }),
          ).toBe('avoid');
          await page.emulateMedia({ media: 'screen' });
          const report = await documentXml(await downloadWord(page));
          expect(report).toContain('Case status report');
          expect(report).toContain('Cases opened');
          expect(report).toContain('cn-mps');

          // The hotline usage review: the call we placed counted, on paper and in Word.
          await page.goto(`${pair.us.url}/hotline/review`);
          await page.getByRole('heading', { level: 1, name: 'Hotline usage review' }).waitFor();
          await page.getByTestId('review-out-calls').waitFor();
          await page.getByRole('button', { name: 'Print' }).waitFor();
          await printsClean(page);
          expect(
            await page
              .getByRole('table', { name: 'Calls by tier and priority' })
              .first()
              .isVisible(),
          ).toBe(true);
          await page.emulateMedia({ media: 'screen' });
          const review = await documentXml(await downloadWord(page));
          expect(review).toContain('Hotline usage review');
          expect(review).toContain('Calls we placed');
          expect(review).toContain('Calls by tier and priority');

          // In Chinese, the export speaks Chinese.
          await page.getByRole('button', { name: '简体中文' }).click();
          await page.getByRole('heading', { level: 1, name: '热线使用情况评估' }).waitFor();
          const [download] = await Promise.all([
            page.waitForEvent('download'),
            page.getByRole('button', { name: '下载 Word 文档' }).click(),
          ]);
          const chinese = await documentXml(await readFile(await download.path()));
          expect(chinese).toContain('热线使用情况评估');
          expect(chinese).toContain('本方发起的呼叫');
        });
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );

  it(
    'a request with its timeline prints clean, and the figures export to Word',
    async () => {
      const { id } = await sendRequest(pair.us, 'cn-mps', {
        type: 'takedown',
        urgency: 'routine',
        title: 'Take down the phishing kit',
        fields: {
          requesting_authority: 'FBI',
          reference_number: 'T-PRINT-1',
          takedown_target: 'https://phish.example/login',
          brief_facts: 'Imitates a bank.',
        },
      });
      // The test before leaves the admin reading Chinese.
      expect((await pair.us.api('PATCH', '/api/me', { language: 'en' })).status).toBe(200);
      const { context, page } = await loggedIn(pair.browser, pair.us, 'Europe/Berlin');
      try {
        await screenshotOnFailure({ 'us-doj': page }, async () => {
          await page.goto(`${pair.us.url}/requests/${id}`);
          await page
            .getByRole('heading', { level: 1, name: 'Take down the phishing kit' })
            .waitFor();
          await page.getByRole('button', { name: 'Print' }).waitFor();
          await page.emulateMedia({ media: 'print' });
          expect(await page.getByRole('navigation', { name: 'Main navigation' }).isVisible()).toBe(
            false,
          );
          expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
          expect(await page.getByTestId('print-header').textContent()).toMatch(
            /Node: .*\(us-doj\).*Printed: /,
          );
          expect(await page.getByRole('heading', { name: 'Timeline' }).isVisible()).toBe(true);
          await page.emulateMedia({ media: 'screen' });

          await page.goto(`${pair.us.url}/figures`);
          await page.getByRole('heading', { level: 1, name: 'Figures' }).waitFor();
          await page.getByRole('table', { name: 'Requests we sent' }).waitFor();
          const figures = await documentXml(await downloadWord(page));
          expect(figures).toContain('Requests we sent');
          expect(figures).toContain('Takedown');
        });
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );
});
