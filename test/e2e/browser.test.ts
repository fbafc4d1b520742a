import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newPage, screenshotOnFailure } from '../harness/browser.js';
import { startTestNode, type TestNode } from '../harness/node.js';

// Drives Debian's Chromium against a real node serving the built web app (dist/web).

const TIMEOUT = 60_000;

let node: TestNode;
let browser: Browser;

beforeAll(async () => {
  node = await startTestNode();
  browser = await launchChromium();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await node?.stop();
}, TIMEOUT);

/**
 * Runs `body` in a fresh browser context (its own cookies and storage), in English;
 * on failure, saves a screenshot to test/e2e/artifacts/<name>-page.png and rethrows.
 */
async function inBrowser(name: string, body: (page: Page) => Promise<void>): Promise<void> {
  const { context, page } = await newPage(browser, {
    timezoneId: 'Europe/Paris',
    viewport: { width: 1280, height: 800 },
    timeoutMs: 15_000,
  });
  try {
    await screenshotOnFailure(name, { page }, () => body(page));
  } finally {
    await context.close();
  }
}

const WELCOME = /^Welcome, /;

async function fillLogin(page: Page, username: string, password: string): Promise<void> {
  await page.goto(node.url);
  await page.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
}

/** Logs in through the form and waits for the home page. */
async function logIn(page: Page, username: string, password: string): Promise<void> {
  await fillLogin(page, username, password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: WELCOME }).waitFor();
}

/** What the node says about itself and the logged-in user (read with the page's cookies). */
async function whoAndWhere(page: Page): Promise<{ nodeName: string; displayName: string }> {
  const nodeResponse = await page.request.get(`${node.url}/api/node`);
  const meResponse = await page.request.get(`${node.url}/api/me`);
  expect(nodeResponse.status()).toBe(200);
  expect(meResponse.status()).toBe(200);
  const { name } = (await nodeResponse.json()) as { name: string };
  const { displayName } = (await meResponse.json()) as { displayName: string };
  expect(name).toBeTruthy();
  expect(displayName).toBeTruthy();
  return { nodeName: name, displayName };
}

describe('web app in Chromium', () => {
  it(
    'logs the admin in and shows the home page with the node name',
    () =>
      inBrowser('login-home', async (page) => {
        await logIn(page, node.admin.username, node.admin.password);
        const { nodeName, displayName } = await whoAndWhere(page);

        const welcome = page.getByRole('heading', { level: 1, name: WELCOME });
        expect(await welcome.textContent()).toBe(`Welcome, ${displayName}`);
        expect(new URL(page.url()).pathname).toBe('/');
        await page.getByRole('banner').getByText(nodeName).waitFor();
        await page.getByRole('main').getByText(nodeName).waitFor();
        const nav = page.getByRole('navigation', { name: 'Main navigation' });
        for (const item of ['Home', 'Contacts', 'Requests', 'Hotline', 'Users', 'Audit log']) {
          await nav.getByRole('link', { name: item, exact: true }).waitFor();
        }
        expect(await page.locator('html').getAttribute('lang')).toBe('en');
      }),
    TIMEOUT,
  );

  it(
    'switches to Simplified Chinese and back',
    () =>
      inBrowser('language', async (page) => {
        await logIn(page, node.admin.username, node.admin.password);
        const nav = page.getByRole('navigation', { name: 'Main navigation' });
        await nav.getByRole('link', { name: 'Contacts', exact: true }).waitFor();

        await page.getByRole('button', { name: '简体中文' }).click();
        const navZh = page.getByRole('navigation', { name: '主导航' });
        await navZh.getByRole('link', { name: '联络点', exact: true }).waitFor();
        await navZh.getByRole('link', { name: '协助请求', exact: true }).waitFor();
        await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
        expect(
          await page.getByRole('button', { name: '简体中文' }).getAttribute('aria-pressed'),
        ).toBe('true');

        // The choice is kept: a reload shows Chinese again.
        await page.reload();
        await navZh.getByRole('link', { name: '热线', exact: true }).waitFor();

        // The account keeps the choice too: wait until it is saved, or the next login
        // (another test) could still find Chinese in the account.
        const saved = page.waitForResponse(
          (r) => r.url().endsWith('/api/me') && r.request().method() === 'PATCH',
        );
        await page.getByRole('button', { name: 'English' }).click();
        expect((await saved).status()).toBe(200);
        await nav.getByRole('link', { name: 'Contacts', exact: true }).waitFor();
        await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
      }),
    TIMEOUT,
  );

  it(
    'logs out to the login page',
    () =>
      inBrowser('logout', async (page) => {
        await logIn(page, node.admin.username, node.admin.password);
        const { displayName } = await whoAndWhere(page);

        await page.getByRole('banner').getByRole('button', { name: displayName }).click();
        await page.getByRole('button', { name: 'Log out' }).click();

        await page.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
        await page.getByLabel('Username').waitFor();
        expect(new URL(page.url()).pathname).toBe('/login');
        // The session is really gone, not only hidden.
        expect((await page.request.get(`${node.url}/api/session`)).status()).toBe(401);
        await page.reload();
        await page.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
      }),
    TIMEOUT,
  );

  it(
    'shows an alert for a wrong password and stays on the login page',
    () =>
      inBrowser('wrong-password', async (page) => {
        await fillLogin(page, node.admin.username, 'not the password at all');
        await page.getByLabel('Password', { exact: true }).press('Enter');

        const alert = page.getByRole('alert');
        await alert.waitFor();
        expect(await alert.textContent()).toContain('Wrong username or password.');
        expect(new URL(page.url()).pathname).toBe('/login');
        await page.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
        expect(await page.getByRole('navigation', { name: 'Main navigation' }).count()).toBe(0);
      }),
    TIMEOUT,
  );
});
