import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  loggedIn,
  markNotReloaded,
  notReloaded,
  openFromNav,
  screenshotsFor,
} from '../harness/browser.js';
import { usePeeredPair } from '../harness/pair.js';
import {
  EMERGENCY_FIELDS,
  PRESERVATION_FIELDS,
  draftRequest,
  sendRequest,
} from '../harness/seed.js';

// What awaits the receiver of a request: us-doj sends cn-mps a routine request, then an
// emergency disclosure request (acknowledge within one hour). cn-mps's browser, never
// reloaded, counts them on the menu, lists them on the home page (the emergency first, in
// red), shows a banner linking to the emergency one, and its inbox says "New"; acknowledging
// takes it off all three. Then the same in Chinese; and the confirmations a decline and a
// draft's deletion ask for, the keyboard shortcuts, and the ping page's quiet first load.

const TIMEOUT = 240_000;
const LIVE = 45_000;

const pair = usePeeredPair();

const screenshotOnFailure = screenshotsFor('attention');

/** Drafts and sends a request from us-doj to cn-mps; answers its id and reference. */
function send(type: string, urgency: string, title: string, fields: object) {
  return sendRequest(pair.us, 'cn-mps', { type, urgency, title, fields });
}

function navCount(page: Page, area: string): Locator {
  return page.getByTestId(`nav-count-${area}`);
}

/** The count shown beside a menu item, 0 when none is shown. */
async function countOf(page: Page, area: string): Promise<number> {
  const badge = navCount(page, area);
  if ((await badge.count()) === 0) return 0;
  return Number(await badge.textContent());
}

/** [red, green, blue] of an element's background. */
async function background(locator: Locator): Promise<number[]> {
  // In the page (the test's own types have no DOM).
  const color = await locator.evaluate((element) => {
    const page = globalThis as unknown as {
      getComputedStyle(element: unknown): { backgroundColor: string };
    };
    return page.getComputedStyle(element).backgroundColor;
  });
  return (color.match(/\d+/g) ?? []).slice(0, 3).map(Number);
}

describe('what awaits the user, in Chromium', () => {
  it(
    "flags a peer's emergency request on the menu, the home page, a banner and the inbox, live, until acknowledged",
    async () => {
      const b = await loggedIn(pair.browser, pair.cn, 'Asia/Shanghai');
      try {
        await screenshotOnFailure({ 'cn-mps': b.page }, async () => {
          const page = b.page;
          await page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
          const panel = page.getByRole('region', { name: 'New incoming' });
          await panel.getByText('Nothing new from peers waits for acknowledgement.').waitFor();
          await markNotReloaded(page);

          const routineTitle = `Preserve logs of ops@example.cn (${Date.now()})`;
          const routine = await send('preservation', 'routine', routineTitle, PRESERVATION_FIELDS);
          const title = `Threat to life: locate kidnapper@example.cn (${Date.now()})`;
          const emergency = await send(
            'emergency_disclosure',
            'emergency',
            title,
            EMERGENCY_FIELDS,
          );

          // The menu counts both; the link keeps its name.
          const requestsLink = page
            .getByRole('navigation', { name: 'Main navigation' })
            .getByRole('link', { name: 'Requests', exact: true });
          await expect.poll(() => countOf(page, 'requests'), { timeout: LIVE }).toBe(2);
          expect(await requestsLink.getAttribute('aria-describedby')).toBeTruthy();

          // The home panel: the emergency first, with a red badge and its due time.
          const items = panel.getByRole('listitem');
          await expect.poll(() => items.count(), { timeout: LIVE }).toBe(2);
          const first = items.first();
          await first.getByRole('link', { name: `${emergency.reference} · ${title}` }).waitFor();
          const badge = first.getByText('Emergency', { exact: true });
          await badge.waitFor();
          const [red = 0, green = 0, blue = 0] = await background(badge);
          expect(red).toBeGreaterThan(green + 60);
          expect(red).toBeGreaterThan(blue + 60);
          await first.getByText(/^due .* left$/).waitFor();
          await items.nth(1).getByText('Routine', { exact: true }).waitFor();
          await items
            .nth(1)
            .getByRole('link', { name: new RegExp(routineTitle.slice(0, 20)) })
            .waitFor();

          // The banner, on every page, links to the emergency request only.
          const banner = page.getByRole('region', {
            name: '1 urgent request waiting for acknowledgement',
          });
          await banner.waitFor();
          expect(await banner.getByRole('link').count()).toBe(1);

          // The inbox says "New", and the emergency is red there too.
          await openFromNav(page, 'Requests', 'Requests');
          const row = page.getByRole('row').filter({ hasText: title });
          await row.getByText('New', { exact: true }).waitFor();
          const rowBadge = row.getByText('Emergency', { exact: true });
          const [r = 0, g = 0] = await background(rowBadge);
          expect(r).toBeGreaterThan(g + 60);
          await banner.waitFor();

          // From the banner to the request; acknowledged, it leaves banner, count and panel.
          await banner.getByRole('link').click();
          await page.getByRole('heading', { level: 1, name: title }).waitFor();
          await page.getByRole('button', { name: 'Acknowledge', exact: true }).click();
          await expect
            .poll(() => page.getByTestId('request-status').textContent(), { timeout: LIVE })
            .toContain('Acknowledged');
          await banner.waitFor({ state: 'detached', timeout: LIVE });
          await expect.poll(() => countOf(page, 'requests'), { timeout: LIVE }).toBe(1);
          await page
            .getByRole('navigation', { name: 'Main navigation' })
            .getByRole('link', { name: 'Home', exact: true })
            .click();
          await panel.waitFor();
          await expect.poll(() => items.count(), { timeout: LIVE }).toBe(1);
          expect(await panel.getByText(title).count()).toBe(0);

          // Declining asks first: nothing is sent until confirmed.
          await page.goto(`${pair.cn.url}/requests/${routine.id}`);
          await page.getByRole('heading', { level: 1, name: routineTitle }).waitFor();
          await markNotReloaded(page);
          await page.getByLabel('Text', { exact: true }).fill('Outside our jurisdiction.');
          await page.getByRole('button', { name: 'Decline', exact: true }).click();
          const confirm = page.getByRole('alertdialog');
          await confirm.getByText(/^Decline this request\?/).waitFor();
          await new Promise((resolve) => setTimeout(resolve, 500));
          expect((await pair.cn.api('GET', `/api/requests/${routine.id}`)).body.status).toBe(
            'sent',
          );
          await confirm.getByRole('button', { name: 'Yes, decline' }).click();
          await expect
            .poll(() => page.getByTestId('request-status').textContent(), { timeout: LIVE })
            .toContain('Declined');
          await expect.poll(() => countOf(page, 'requests'), { timeout: LIVE }).toBe(0);

          // Keyboard: "/" goes to the search box, "?" lists the shortcuts.
          await page.getByRole('heading', { level: 1 }).click();
          // The shortcuts load with their own chunk: wait for them, then press.
          await expect
            .poll(async () => {
              await page.keyboard.press('/');
              return page.evaluate(
                () =>
                  (globalThis as unknown as { document: { activeElement: { id: string } | null } })
                    .document.activeElement?.id,
              );
            })
            .toBe('header-search');
          await page.keyboard.press('Escape');
          await page.getByRole('heading', { level: 1 }).click();
          await page.keyboard.press('Shift+Slash');
          const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
          await dialog.waitFor();
          await dialog.getByRole('button', { name: 'Close' }).click();
          await dialog.waitFor({ state: 'hidden' });
          expect(await notReloaded(page)).toBe(true);

          // The same banner in Chinese, and "新收到" in the inbox.
          await page.getByRole('button', { name: '简体中文' }).click();
          const zhTitle = `紧急披露 (${Date.now()})`;
          const zh = await send('emergency_disclosure', 'emergency', zhTitle, EMERGENCY_FIELDS);
          const bannerZh = page.getByRole('region', { name: '1 个紧急协助请求待确认' });
          await bannerZh.waitFor({ timeout: LIVE });
          await bannerZh.getByText('特急', { exact: true }).waitFor();
          await bannerZh.getByRole('link', { name: `${zh.reference} · ${zhTitle}` }).waitFor();
          await page
            .getByRole('navigation', { name: '主导航' })
            .getByRole('link', { name: '协助请求', exact: true })
            .click();
          await page
            .getByRole('row')
            .filter({ hasText: zhTitle })
            .getByText('新收到', { exact: true })
            .waitFor({ timeout: LIVE });
          expect(await notReloaded(page)).toBe(true);
        });
      } finally {
        await b.context.close();
      }
    },
    TIMEOUT,
  );

  it(
    'deletes a draft after confirming, and the outbox of another tab drops it live',
    async () => {
      const a = await loggedIn(pair.browser, pair.us, 'America/New_York');
      const other = await loggedIn(pair.browser, pair.us, 'America/New_York');
      try {
        await screenshotOnFailure({ 'us-doj': a.page, 'us-doj-outbox': other.page }, async () => {
          const title = `Draft to delete (${Date.now()})`;
          const draftId = await draftRequest(pair.us, 'cn-mps', {
            type: 'preservation',
            urgency: 'routine',
            title,
            fields: {},
          });
          await other.page.goto(`${pair.us.url}/requests?direction=out`);
          const row = other.page.getByRole('row').filter({ hasText: title });
          await row.waitFor();
          await other.page.getByRole('banner').getByText('Live', { exact: true }).waitFor();

          await a.page.goto(`${pair.us.url}/requests/${draftId}`);
          await a.page.getByRole('heading', { level: 1, name: title }).waitFor();
          await a.page.getByRole('button', { name: 'Delete draft' }).click();
          const confirm = a.page.getByRole('alertdialog');
          await confirm.getByText(/^Delete this draft\?/).waitFor();
          expect((await pair.us.api('GET', `/api/requests/${draftId}`)).status).toBe(200);
          await confirm.getByRole('button', { name: 'Yes, delete the draft' }).click();
          await a.page.getByRole('heading', { level: 1, name: 'Requests' }).waitFor();
          expect((await pair.us.api('GET', `/api/requests/${draftId}`)).status).toBe(404);
          await row.waitFor({ state: 'detached', timeout: LIVE });
        });
      } finally {
        await a.context.close();
        await other.context.close();
      }
    },
    TIMEOUT,
  );

  it(
    'the ping tests page asks for no schedule before a peer is chosen',
    async () => {
      // A second peer: with two, no peer is chosen for the user.
      const a = await loggedIn(pair.browser, pair.us, 'America/New_York');
      try {
        await screenshotOnFailure({ 'us-doj-pings': a.page }, async () => {
          const refused: string[] = [];
          a.page.on('response', (response) => {
            if (response.url().includes('/api/pings/schedule') && response.status() >= 400) {
              refused.push(`${response.status()} ${response.url()}`);
            }
          });
          const asked: string[] = [];
          a.page.on('request', (request) => {
            if (request.url().includes('/api/pings/schedule')) asked.push(request.url());
          });
          await openFromNav(a.page, 'Ping tests', 'Ping tests');
          await a.page.getByRole('heading', { level: 2, name: 'Pings sent' }).waitFor();
          await expect.poll(() => a.page.getByLabel('Peer').inputValue()).toBe('cn-mps');
          await expect.poll(() => asked.length).toBeGreaterThan(0);
          expect(asked.every((url) => url.endsWith('/api/pings/schedule/cn-mps'))).toBe(true);
          await a.page.getByLabel('Peer').selectOption('');
          await new Promise((resolve) => setTimeout(resolve, 500));
          expect(asked.every((url) => url.endsWith('/api/pings/schedule/cn-mps'))).toBe(true);
          expect(refused).toEqual([]);
        });
      } finally {
        await a.context.close();
      }
    },
    TIMEOUT,
  );
});
