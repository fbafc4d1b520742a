import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loggedIn, screenshotsFor } from '../harness/browser.js';
import { usePeeredPair } from '../harness/pair.js';
import { addContact, createCase } from '../harness/seed.js';

// What a refused form says, in Chinese and in English: the node's stable error code in the
// user's language, naming the field, never the node's English sentence framed as a crash;
// and the arrangement page's required information and default terms.

const TIMEOUT = 180_000;

const pair = usePeeredPair();

const screenshotOnFailure = screenshotsFor('forms');

/** Switches the page to Simplified Chinese (remembered in this browser) and opens `path`. */
async function inChinese(page: Page, path: string): Promise<void> {
  await page.evaluate(() => {
    (
      globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }
    ).localStorage.setItem('liaison.language', 'zh-CN');
  });
  await page.goto(`${pair.us.url}${path}`);
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
}

describe('forms in Chromium', () => {
  it(
    'say a refusal in Chinese, naming the field, with no English sentence and no crash',
    async () => {
      const { context, page } = await loggedIn(pair.browser, pair.us, 'America/New_York');
      try {
        await screenshotOnFailure({ 'us-doj': page }, async () => {
          // A user form (accounts): the node refuses the username's format.
          await inChinese(page, '/users');
          await page.getByRole('heading', { level: 1, name: '用户' }).waitFor();
          await page.getByLabel('用户名', { exact: true }).fill('Bad Name!');
          await page.getByLabel('显示名称', { exact: true }).fill('测试用户');
          await page.locator('#new-role-officer').check();
          await page.getByRole('button', { name: '创建用户' }).click();
          const alert = page.getByRole('alert');
          await alert.waitFor();
          const lead = (await alert.locator('p').first().textContent()) ?? '';
          expect(lead).toBe('节点拒绝了您输入的部分内容：');
          const items = await alert.getByRole('listitem').allTextContents();
          expect(items).toContain('用户名：格式不正确');
          const text = await alert.innerText();
          expect(text).not.toContain('出现错误');
          expect(text).not.toMatch(/characters|lowercase|Something went wrong/);
          expect(
            await page.getByLabel('用户名', { exact: true }).getAttribute('aria-invalid'),
          ).toBe('true');

          // The hotline roster: until before from (invalid_dates).
          await addContact(pair.us, {
            name: '值班台',
            roles: ['technical'],
            channels: [{ type: 'phone', value: '+1 202 555 0100' }],
            timeZone: 'America/New_York',
          });
          await page.goto(`${pair.us.url}/hotline/roster`);
          await page.getByRole('button', { name: '添加班次' }).click();
          await page.getByLabel('联络点', { exact: true }).selectOption({ label: '值班台' });
          await page.getByLabel('起始日期（可选）').fill('2026-05-10');
          await page.getByLabel('截止日期（可选）').fill('2026-05-01');
          await page.getByRole('button', { name: '保存班次' }).click();
          const refused = page.getByRole('alert').filter({ hasText: '日期' });
          await refused.waitFor();
          const said = await refused.innerText();
          expect(said).toContain('结束日期不能早于开始日期。');
          expect(said).not.toContain('until must not be before from');
          expect(said).not.toContain('出现错误');
        });
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );

  it(
    'gives the lead of an invalid STIX object once, with its problems as a list',
    async () => {
      const caseId = await createCase(pair.us, `Forms test ${Date.now()}`);
      const { context, page } = await loggedIn(pair.browser, pair.us, 'America/New_York');
      try {
        await screenshotOnFailure({ 'us-doj': page }, async () => {
          await page.goto(`${pair.us.url}/cases/${caseId}`);
          const form = page.getByRole('form', { name: 'Add an object' });
          await form.getByLabel('Type', { exact: true }).selectOption('indicator');
          await form.getByLabel('Name').fill('Not an indicator');
          await form.getByLabel('Pattern').fill('this is not a STIX pattern');
          await form.getByRole('button', { name: 'Add the object' }).click();
          const alert = form.getByRole('alert');
          await alert.waitFor();
          const text = await alert.innerText();
          expect(text.match(/Not a valid STIX 2\.1 object/g)).toHaveLength(1);
          expect(await alert.locator('p').first().textContent()).toBe(
            'Not a valid STIX 2.1 object:',
          );
          expect(await alert.getByRole('listitem').count()).toBeGreaterThan(0);
          expect(text).not.toContain('Something went wrong');

          // Finding 3: an address out of range in a pattern is refused, and says which.
          await form.getByLabel('Pattern').fill("[ipv4-addr:value = '999.1.1.1']");
          await form.getByRole('button', { name: 'Add the object' }).click();
          await form
            .getByRole('alert')
            .getByText(/'999\.1\.1\.1' in ipv4-addr:value is not an IPv4 address/)
            .waitFor();
          const held = await pair.us.api('GET', `/api/cases/${caseId}`);
          expect((held.body as { objects: unknown[] }).objects).toEqual([]);
        });
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );

  it(
    'lists the required information of the arrangement and names the default terms',
    async () => {
      const { context, page } = await loggedIn(pair.browser, pair.us, 'America/New_York');
      try {
        await screenshotOnFailure({ 'us-doj': page }, async () => {
          await page.goto(`${pair.us.url}/arrangements/cn-mps`);
          const heading = page.getByRole('heading', { level: 2, name: /^In force/ });
          await heading.waitFor();
          expect(await heading.textContent()).toBe('In force: the default terms (version 0)');
          const body = await page.locator('main').innerText();
          expect(body).not.toContain('In force: version 0');
          const required = page.getByRole('list', { name: /^Required information: / }).first();
          const fields = await required.getByRole('listitem').allTextContents();
          expect(fields.length).toBeGreaterThan(1);
          expect(fields).toContain('Requesting authority');
          expect(await required.getAttribute('aria-label')).toMatch(
            /^Required information: [^,]+, .+, and /,
          );

          await inChinese(page, '/arrangements/cn-mps');
          const zhHeading = page.getByRole('heading', { level: 2, name: /^现行/ });
          await zhHeading.waitFor();
          expect(await zhHeading.textContent()).toBe('现行条款：默认条款（第 0 版）');
          const zhRequired = page.getByRole('list', { name: /^必需信息：/ }).first();
          expect((await zhRequired.getByRole('listitem').allTextContents()).length).toBeGreaterThan(
            1,
          );
          expect(await zhRequired.getAttribute('aria-label')).toMatch(/、/);
          expect(await page.locator('main').innerText()).not.toContain('现行版本：第 0 版');
        });
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );
});
