import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ADMIN_PASSWORD } from './cluster.js';

/** Debian's Chromium, headless, without the background traffic this closed network refuses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface PageOptions {
  /** The zone the officer's browser is in. */
  timezoneId: string;
  viewport?: { width: number; height: number };
  /** Playwright's default timeout for the page's actions and waits. */
  timeoutMs?: number;
  /** Runs in the page before its own scripts (e.g. to count the tones its Web Audio makes). */
  initScript?: () => void;
}

/** A page in a fresh context (own cookies and storage), in English. */
export async function newPage(
  browser: Browser,
  {
    timezoneId,
    viewport = { width: 1280, height: 1000 },
    timeoutMs = 30_000,
    initScript,
  }: PageOptions,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'en-US', timezoneId, viewport });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  return { context, page };
}

/** Logs in through the form at `url` and waits for the home page. */
export async function logIn(
  page: Page,
  url: string,
  username: string,
  password: string,
): Promise<void> {
  await page.goto(url);
  await page.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: /^Welcome, / }).waitFor();
}

/**
 * A fresh page (`newPage`) on which `username` (by default the admin of a node process,
 * cluster.ts) is logged in to `node` and sits on the home page.
 */
export async function loggedIn(
  browser: Browser,
  node: { url: string },
  timezoneId: string,
  {
    username = 'admin',
    password = ADMIN_PASSWORD,
    ...options
  }: Omit<PageOptions, 'timezoneId'> & { username?: string; password?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await newPage(browser, { timezoneId, ...options });
  await logIn(opened.page, node.url, username, password);
  return opened;
}

/** Follows a link of the main navigation (no page load) and waits for the page's heading. */
export async function openFromNav(page: Page, link: string, heading: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: link, exact: true })
    .click();
  await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
}

const ARTIFACTS = fileURLToPath(new URL('../e2e/artifacts/', import.meta.url));

/** Runs `body`; if it fails, saves a screenshot of each page as `<prefix>-<name>.png`. */
export async function screenshotOnFailure(
  prefix: string,
  pages: Record<string, Page>,
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } catch (error) {
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const [name, page] of Object.entries(pages)) {
      const file = path.join(ARTIFACTS, `${prefix}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    }
    throw error;
  }
}

/** `screenshotOnFailure` with the prefix of one test file. */
export function screenshotsFor(
  prefix: string,
): (pages: Record<string, Page>, body: () => Promise<void>) => Promise<void> {
  return (pages, body) => screenshotOnFailure(prefix, pages, body);
}

/** Marks the page's window, so that `notReloaded` tells whether it was reloaded since. */
export function markNotReloaded(page: Page): Promise<void> {
  return page.evaluate(() => {
    (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
  });
}

/** True while the page is the one `markNotReloaded` marked (no reload in between). */
export function notReloaded(page: Page): Promise<boolean | undefined> {
  return page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded);
}
