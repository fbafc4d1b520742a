import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newPage, screenshotsFor } from '../harness/browser.js';
import { startTestNode, type TestNode } from '../harness/node.js';

// Issue 16, acceptance 4: a TOTP login in Chromium, the codes computed by a real TOTP library
// as an authenticator app would; the sessions list; and an admin held on the enrolment page
// by a node that requires a second factor of admins until one is set up.

const TIMEOUT = 120_000;
const WELCOME = /^Welcome, /;
const screenshotOnFailure = screenshotsFor('second-factor');

/** The code an authenticator app shows for `secret`, `stepsAhead` 30-second steps from now. */
function codeOf(secret: string, stepsAhead = 0): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + stepsAhead * 30_000 });
}

let browser: Browser;
let node: TestNode;
/** A node whose config requires a second factor of its admins, and its admin `root`. */
let strict: TestNode;
let root: { username: string; password: string };

beforeAll(async () => {
  browser = await launchChromium();
  node = await startTestNode();
  strict = await startTestNode({ auth: { requireSecondFactor: 'admins' } });
  root = await strict.createUser('root', ['admin']);
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await node?.stop();
  await strict?.stop();
}, TIMEOUT);

async function fillPassword(page: Page, url: string, username: string, password: string) {
  await page.goto(url);
  await page.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/**
 * Sets up the second factor on the page shown (settings or the enrolment page), the account's
 * `password` first.
 */
async function enrolOnPage(
  page: Page,
  password: string,
): Promise<{ secret: string; recoveryCodes: string[] }> {
  await page.getByLabel('Your password').fill(password);
  await page.getByRole('button', { name: 'Set up a second factor' }).click();
  await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
  const secret = await page.getByLabel('Secret key').inputValue();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await page.getByLabel('Code from the app').fill(codeOf(secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const list = page.getByRole('list', { name: 'Recovery codes' });
  await list.waitFor();
  const recoveryCodes = (await list.getByRole('listitem').allTextContents()).map((c) => c.trim());
  expect(recoveryCodes).toHaveLength(10);
  await page.getByRole('button', { name: 'I have kept them' }).click();
  return { secret, recoveryCodes };
}

describe('second factor in the browser', () => {
  it(
    'is set up from Settings; the login then asks for the code; other sessions can be ended',
    async () => {
      const ana = await node.createUser('ana', ['analyst']);
      const a = await newPage(browser, { timezoneId: 'Europe/Paris', timeoutMs: 20_000 });
      const b = await newPage(browser, { timezoneId: 'Europe/Paris', timeoutMs: 20_000 });
      try {
        await screenshotOnFailure({ a: a.page, b: b.page }, async () => {
          await fillPassword(a.page, node.url, ana.username, ana.password);
          await a.page.getByRole('heading', { level: 1, name: WELCOME }).waitFor();
          await a.page.goto(`${node.url}/settings`);
          await a.page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
          const { secret, recoveryCodes } = await enrolOnPage(a.page, ana.password);
          await a.page.getByText('The second factor is on.').waitFor();
          await a.page.getByText('Recovery codes left').waitFor();

          // Log out; the password alone is not enough any more: the page asks for the code.
          await a.page.getByRole('banner').getByRole('button', { name: 'ana' }).click();
          await a.page.getByRole('button', { name: 'Log out' }).click();
          await fillPassword(a.page, node.url, ana.username, ana.password);
          await a.page.getByLabel('Code from the app').waitFor();
          await a.page.getByText('Enter the 6-digit code').waitFor();
          // A wrong code is refused and asked again.
          const near = new Set([codeOf(secret, -1), codeOf(secret), codeOf(secret, 1)]);
          const wrong = ['111111', '222222', '333333', '444444'].find((c) => !near.has(c));
          await a.page.getByLabel('Code from the app').fill(wrong ?? '555555');
          await a.page.getByRole('button', { name: 'Log in' }).click();
          await a.page.getByText('The code is wrong or was already used.').first().waitFor();
          // The next step's code (the enrolment used this one) logs in.
          await a.page.getByLabel('Code from the app').fill(codeOf(secret, 1));
          await a.page.getByRole('button', { name: 'Log in' }).click();
          await a.page.getByRole('heading', { level: 1, name: WELCOME }).waitFor();

          // Another browser logs in with a recovery code.
          await fillPassword(b.page, node.url, ana.username, ana.password);
          await b.page.getByRole('button', { name: 'Use a recovery code' }).click();
          await b.page.getByLabel('Recovery code').fill(recoveryCodes[0] as string);
          await b.page.getByRole('button', { name: 'Log in' }).click();
          await b.page.getByRole('heading', { level: 1, name: WELCOME }).waitFor();

          // Settings lists both sessions, this one marked; ending the other logs b out.
          await a.page.goto(`${node.url}/settings`);
          const sessions = a.page.getByRole('region', { name: 'Sessions' });
          await expect.poll(() => sessions.getByRole('row').count()).toBe(3);
          await sessions.getByText('This session').waitFor();
          await sessions.getByRole('button', { name: 'End' }).click();
          await a.page.getByText('The session has ended.').waitFor();
          await expect.poll(() => sessions.getByRole('row').count()).toBe(2);
          expect((await b.page.request.get(`${node.url}/api/session`)).status()).toBe(401);
          expect((await a.page.request.get(`${node.url}/api/session`)).status()).toBe(200);
        });
      } finally {
        await a.context.close();
        await b.context.close();
      }
    },
    TIMEOUT,
  );

  it(
    'holds an admin on the set-up page until a second factor is set up, when the node requires it',
    async () => {
      const { context, page } = await newPage(browser, {
        timezoneId: 'America/New_York',
        timeoutMs: 20_000,
      });
      try {
        await screenshotOnFailure({ strict: page }, async () => {
          await fillPassword(page, strict.url, root.username, root.password);
          await page.getByRole('heading', { level: 1, name: 'Set up a second factor' }).waitFor();
          await page.getByText('Until you set one up, you can do nothing else.').waitFor();
          // The node itself refuses everything else, whatever the page shows.
          const refused = await page.request.get(`${strict.url}/api/users`);
          expect(refused.status()).toBe(403);
          expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
            'second_factor_enrollment_required',
          );
          // Another address of the app leads to the same page.
          await page.goto(`${strict.url}/users`);
          await page.getByRole('heading', { level: 1, name: 'Set up a second factor' }).waitFor();

          // The session alone does not set one up: the password is asked, and checked.
          await page.getByRole('button', { name: 'Set up a second factor' }).click();
          await page.getByText('Enter your password.').first().waitFor();
          await page.getByLabel('Your password').fill('not the password');
          await page.getByRole('button', { name: 'Set up a second factor' }).click();
          await page.getByText('The current password is wrong.').first().waitFor();
          expect(
            await page.getByRole('img', { name: 'QR code for your authenticator app' }).count(),
          ).toBe(0);

          // Set up: the page asked for opens, and the rest of the app with it.
          await enrolOnPage(page, root.password);
          await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
          expect((await page.request.get(`${strict.url}/api/users`)).status()).toBe(200);
          await page.goto(strict.url);
          await page.getByRole('heading', { level: 1, name: WELCOME }).waitFor();
        });
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );
});
