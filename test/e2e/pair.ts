import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import {
  ADMIN_PASSWORD,
  clusterRoot,
  createNodeProcess,
  peer,
  removeClusterRoots,
  type NodeProcess,
} from '../harness/cluster.js';
import { launchChromium } from './chromium.js';

/**
 * The browser tests' two real node processes, peered: us-doj (America/New_York) and cn-mps
 * (Asia/Shanghai), and one Chromium. `usePeeredPair()` registers the hooks that start and
 * stop them; its fields are set once `beforeAll` has run.
 */
export interface Pair {
  us: NodeProcess;
  cn: NodeProcess;
  browser: Browser;
}

export function usePeeredPair(): Pair {
  const pair = {} as Pair;
  beforeAll(async () => {
    const root = clusterRoot();
    pair.us = await createNodeProcess(root, 'us-doj', { timeZone: 'America/New_York' });
    pair.cn = await createNodeProcess(root, 'cn-mps', {
      country: 'CN',
      timeZone: 'Asia/Shanghai',
    });
    await Promise.all([pair.us.start(), pair.cn.start()]);
    await peer(pair.us, pair.cn);
    pair.browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await pair.browser?.close();
    await Promise.all([pair.us?.kill(), pair.cn?.kill()]);
    removeClusterRoots();
  }, 60_000);
  return pair;
}

/** A fresh context (own cookies), in English, in the zone of the node's officers. */
export async function loggedIn(
  browser: Browser,
  node: NodeProcess,
  timezoneId: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    locale: 'en-US',
    timezoneId,
    viewport: { width: 1280, height: 1000 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(node.url);
  await page.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: /^Welcome, / }).waitFor();
  return { context, page };
}

/** Follows a link of the main navigation (no page load) and waits for the page's heading. */
export async function openFromNav(page: Page, link: string, heading: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: link, exact: true })
    .click();
  await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
}

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

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
