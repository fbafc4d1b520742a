import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, loggedIn, openFromNav, screenshotsFor } from '../harness/browser.js';
import { startTestNode, type TestNode } from '../harness/node.js';
import { peerUp } from '../harness/peers.js';

// Two real nodes, peered both ways through the API (each fetches the other's descriptor over
// real HTTP); Chromium drives the web app of each. A note written on us-doj must appear on
// cn-mps's Notes page without a reload.

const TIMEOUT = 90_000;

let us: TestNode;
let cn: TestNode;
let browser: Browser;

beforeAll(async () => {
  [us, cn] = await Promise.all([
    startTestNode({ nodeId: 'us-doj' }),
    startTestNode({ nodeId: 'cn-mps' }),
  ]);
  await peerUp(us.handle, cn.handle, us.url, cn.url);
  browser = await launchChromium();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await Promise.all([us?.stop(), cn?.stop()]);
}, TIMEOUT);

/** The page size and patience of this file's browsers. */
const PAGE = { viewport: { width: 1280, height: 900 }, timeoutMs: 15_000 };
const screenshotOnFailure = screenshotsFor('federation');

describe('federation in Chromium', () => {
  it(
    'shows a note sent on us-doj live on cn-mps, and the peer as up with nothing waiting',
    async () => {
      const a = await loggedIn(browser, us, 'Europe/Paris', { ...us.admin, ...PAGE });
      const b = await loggedIn(browser, cn, 'Europe/Paris', { ...cn.admin, ...PAGE });
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
          await a.page.getByLabel('To', { exact: true }).selectOption('cn-mps');
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
