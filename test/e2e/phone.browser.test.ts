import { describe, expect, it } from 'vitest';
import { loggedIn, screenshotsFor } from '../harness/browser.js';
import { usePeeredPair } from '../harness/pair.js';
import { sideways } from './page-helpers.js';
import { EMERGENCY_FIELDS, placeCall, sendRequest } from '../harness/seed.js';

// cn-mps's officer on a phone (390×844): no page scrolls sideways, the menu folds behind a
// button that opens it (and closes on navigation), and the banner of an incoming flash call
// is on the first screen without scrolling, whatever page is open.

const TIMEOUT = 240_000;
const LIVE = 45_000;
const PHONE = { width: 390, height: 844 };

const pair = usePeeredPair();

const screenshotOnFailure = screenshotsFor('phone');

// Long words, which must wrap on a phone.
const LONG_EMERGENCY_FIELDS = {
  ...EMERGENCY_FIELDS,
  data_requested: 'Last login addresses of the account kidnapper-with-a-long-name@example.cn',
  identifiers: 'kidnapper-with-a-long-name@example.cn, +86 10 5555 0100, 203.0.113.77',
};

describe('Liaison on a phone (390×844)', () => {
  it(
    'fits the screen on home, requests, a request and a call; the menu folds; a flash call shows at the top',
    async () => {
      // Seed: an emergency request and a flash call from us-doj to cn-mps.
      const title = `Emergency disclosure for a very long account name (${Date.now()})`;
      const { id: requestId } = await sendRequest(pair.us, 'cn-mps', {
        type: 'emergency_disclosure',
        urgency: 'emergency',
        title,
        fields: LONG_EMERGENCY_FIELDS,
      });

      const b = await loggedIn(pair.browser, pair.cn, 'Asia/Shanghai', { viewport: PHONE });
      try {
        await screenshotOnFailure({ 'cn-mps': b.page }, async () => {
          const page = b.page;
          await page.getByRole('banner').getByText('Live', { exact: true }).waitFor();

          // The menu is folded behind its button; it opens, and closes on navigation.
          const nav = page.getByRole('navigation', { name: 'Main navigation' });
          const menu = page.getByRole('banner').getByRole('button', { name: /^Menu/ });
          expect(await menu.getAttribute('aria-expanded')).toBe('false');
          expect(await nav.isVisible()).toBe(false);
          const header = await page.getByRole('banner').boundingBox();
          expect(header?.height ?? 999).toBeLessThan(80);
          await menu.click();
          expect(await menu.getAttribute('aria-expanded')).toBe('true');
          await nav.getByRole('link', { name: 'Requests', exact: true }).click();
          await page.getByRole('heading', { level: 1, name: 'Requests', exact: true }).waitFor();
          expect(await menu.getAttribute('aria-expanded')).toBe('false');
          expect(await nav.isVisible()).toBe(false);

          // No sideways scrolling: requests (inbox), a request, home.
          await page.getByRole('row').filter({ hasText: title }).waitFor({ timeout: LIVE });
          expect(await sideways(page)).toBeLessThanOrEqual(0);
          await page.goto(`${pair.cn.url}/requests/${requestId}`);
          await page.getByRole('heading', { level: 1, name: title }).waitFor();
          expect(await sideways(page)).toBeLessThanOrEqual(0);
          await page.goto(`${pair.cn.url}/`);
          await page.getByRole('heading', { level: 1, name: /^Welcome, / }).waitFor();
          await page.getByRole('region', { name: 'New incoming' }).getByText(title).waitFor();
          expect(await sideways(page)).toBeLessThanOrEqual(0);

          // A flash call arrives: its banner is on the first screen, without scrolling.
          await page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
          const subject = `Ransomware spreading from a C2 in Beijing (${Date.now()})`;
          await placeCall(pair.us, 'cn-mps', { priority: 'flash', subject });
          const banner = page.getByRole('region', {
            name: '1 hotline call waiting for acknowledgement',
          });
          await banner.waitFor({ timeout: LIVE });
          expect(
            await page.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY),
          ).toBe(0);
          const box = await banner.boundingBox();
          expect(box).not.toBeNull();
          expect(box?.y ?? 9999).toBeLessThan(PHONE.height / 2);
          expect(await sideways(page)).toBeLessThanOrEqual(0);

          // The call's page fits too, banner still at the top.
          // The first tap on a freshly loaded tab (it also unlocks the sound) opens the link.
          await banner.getByRole('link', { name: subject }).click();
          await page.getByRole('heading', { level: 1, name: subject }).waitFor();
          expect(await sideways(page)).toBeLessThanOrEqual(0);
          const again = await banner.boundingBox();
          expect(again?.y ?? 9999).toBeLessThan(PHONE.height);

          // And in Chinese, the home page and the call's page still fit.
          await menu.click();
          await page.getByRole('button', { name: '简体中文' }).click();
          await page.getByRole('banner').getByRole('button', { name: /^菜单/ }).waitFor();
          expect(await sideways(page)).toBeLessThanOrEqual(0);
          await page.goto(`${pair.cn.url}/`);
          await page.getByRole('heading', { level: 1 }).waitFor();
          await page.getByRole('region', { name: '新收到' }).getByText(title).waitFor();
          expect(await sideways(page)).toBeLessThanOrEqual(0);
        });
      } finally {
        await b.context.close();
      }
    },
    TIMEOUT,
  );
});
