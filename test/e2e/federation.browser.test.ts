import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { openFromNav, screenshotOnFailure as screenshots } from './pair.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../harness/node.js';

// Two real nodes, peered both ways through the HTTP API; Chromium drives the web app of
// each. A note written on us-doj must appear on cn-mps's Notes page without a reload.

const TIMEOUT = 90_000;

let us: TestNode;
let cn: TestNode;
let browser: Browser;

interface ApiSession {
  cookie: string;
  csrf: string;
}

async function apiLogin(node: TestNode): Promise<ApiSession> {
  const response = await fetch(`${node.url}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(node.admin),
  });
  expect(response.status).toBe(200);
  const cookie = (response.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  expect(cookie).not.toBe('');
  return { cookie, csrf: csrfToken };
}

/** Has `node`'s admin peer with `other`, using the fingerprint `other` shows at /api/node. */
async function peerWith(node: TestNode, other: TestNode): Promise<void> {
  const session = await apiLogin(node);
  const otherSession = await apiLogin(other);
  const info = await fetch(`${other.url}/api/node`, { headers: { cookie: otherSession.cookie } });
  expect(info.status).toBe(200);
  const { fingerprint } = (await info.json()) as { fingerprint: string };
  const response = await fetch(`${node.url}/api/federation/peers`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      cookie: session.cookie,
      'X-CSRF-Token': session.csrf,
    },
    body: JSON.stringify({ url: other.url, fingerprint }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
}

beforeAll(async () => {
  [us, cn] = await Promise.all([
    startTestNode({ nodeId: 'us-doj' }),
    startTestNode({ nodeId: 'cn-mps' }),
  ]);
  await peerWith(us, cn);
  await peerWith(cn, us);
  browser = await launchChromium();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await Promise.all([us?.stop(), cn?.stop()]);
}, TIMEOUT);

/** A fresh context (own cookies), in English, logged in as the node's admin. */
async function loggedIn(node: TestNode): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    locale: 'en-US',
    timezoneId: 'Europe/Paris',
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(node.url);
  await page.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
  await page.getByLabel('Username').fill(node.admin.username);
  await page.getByLabel('Password', { exact: true }).fill(node.admin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: /^Welcome, / }).waitFor();
  return { context, page };
}

const screenshotOnFailure = (pages: Record<string, Page>, body: () => Promise<void>) =>
  screenshots('federation', pages, body);

describe('federation in Chromium', () => {
  it(
    'shows a note sent on us-doj live on cn-mps, and the peer as up with nothing waiting',
    async () => {
      const a = await loggedIn(us);
      const b = await loggedIn(cn);
      try {
        await screenshotOnFailure({ 'us-doj': a.page, 'cn-mps': b.page }, async () => {
          // B waits on its Notes page, with the live stream open, before anything is sent.
          await openFromNav(b.page, 'Notes', 'Notes');
          await b.page.getByText('No notes yet.', { exact: false }).waitFor();
          await b.page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
          await b.page.evaluate(() => {
            (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
          });

          await openFromNav(a.page, 'Notes', 'Notes');
          const text = `Preservation request 2024-117 is on its way (${Date.now()})`;
          await a.page.getByLabel('To').selectOption('cn-mps');
          await a.page.getByLabel('Note', { exact: true }).fill(text);
          await a.page.getByText(`${text.length} / 2000`).waitFor();
          await a.page.getByRole('button', { name: 'Send note' }).click();
          await a.page.getByRole('status').getByText('Note queued for cn-mps.').waitFor();

          const sent = a.page.getByRole('article').filter({ hasText: text });
          await sent.waitFor();
          expect(await sent.getByRole('heading').textContent()).toMatch(/^To .*\(cn-mps\)$/);
          await sent.getByText('Sent', { exact: true }).waitFor();

          // B: the note appears by itself, from us-doj, signed by A's admin.
          const received = b.page.getByRole('article').filter({ hasText: text });
          await received.waitFor({ timeout: 30_000 });
          expect(await received.getByRole('heading').textContent()).toMatch(/^From .*\(us-doj\)$/);
          await received.getByText('Received', { exact: true }).waitFor();
          await received.getByText('by Ada Admin').waitFor();
          expect(
            await b.page.evaluate(
              () => (globalThis as unknown as { notReloaded?: boolean }).notReloaded,
            ),
          ).toBe(true);
          await expect.poll(() => b.page.getByText('No notes yet.').count()).toBe(0);

          // A: on the Peers page, cn-mps is up and its backlog drains to 0.
          await openFromNav(a.page, 'Peers', 'Peers');
          const peer = a.page.getByRole('article', { name: /cn-mps/ });
          await peer.waitFor();
          await peer.getByText('Up', { exact: true }).waitFor();
          await peer.getByText('Active', { exact: true }).waitFor();
          const fact = (term: string) =>
            peer.locator(`dl.ledger > div:has(> dt:text-is("${term}")) > dd`);
          await expect.poll(() => fact('Backlog').textContent(), { timeout: 30_000 }).toBe('0');
          expect(Number(await fact('Last sent').textContent())).toBeGreaterThanOrEqual(1);
          expect(await fact('Last acknowledged').textContent()).toBe(
            await fact('Last sent').textContent(),
          );
          expect(await fact('Oldest undelivered').textContent()).toBe('nothing waiting');
          // This node's own fingerprint, in three lines of four groups, for reading aloud.
          const own = a.page.getByRole('region', { name: "This node's fingerprint" });
          const lines = await own.locator('.fingerprint-lines > span').allTextContents();
          expect(lines).toHaveLength(3);
          for (const line of lines) expect(line).toMatch(/^\d{5} \d{5} \d{5} \d{5}$/);
        });
      } finally {
        await a.context.close();
        await b.context.close();
      }
    },
    TIMEOUT,
  );
});
