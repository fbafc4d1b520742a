import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loggedIn, newPage, logIn, openFromNav, screenshotsFor } from '../harness/browser.js';
import { ADMIN_PASSWORD } from '../harness/cluster.js';
import { usePeeredPair } from '../harness/pair.js';
import { objectRow, sideways, submitObject } from './page-helpers.js';

// Two real node processes, peered. us-doj opens a case in the browser, adds cn-mps and then
// an indicator: it reaches cn-mps's case page without anyone pressing Share (the case's
// automatic sharing, on by default, is a visible setting), and us-doj's row says "Shared
// with cn-mps". A TLP:RED object naming no recipient says "Not shared" and why, and so does
// an object added while automatic sharing is off, until its one-click Share sends it. The
// page is in tabs (?tab= in the URL, the back button, the arrow keys); cn-mps's opinion of
// the indicator shows under the indicator on us-doj's page; on a 390×844 phone the case page
// never scrolls sideways, on any tab, in English or Chinese.

const TIMEOUT = 300_000;
const LIVE = 45_000;

const pair = usePeeredPair();

const screenshotOnFailure = screenshotsFor('case-flow');

function tab(page: Page, name: string): Locator {
  return page.getByRole('tablist', { name: 'Parts of the case' }).getByRole('tab', { name });
}

/** How far an element's own box scrolls sideways (0: not at all). */
function innerSideways(page: Page, selector: string): Promise<number> {
  return page.locator(selector).evaluate((element) => {
    const box = element as unknown as { scrollWidth: number; clientWidth: number };
    return Math.max(0, box.scrollWidth - box.clientWidth);
  });
}

describe('a case flows to its nodes by itself, in Chromium', () => {
  it(
    "us-doj's indicator reaches cn-mps without Share; RED and auto-off objects say Not shared; tabs; opinions beside objects; no sideways scroll on a phone",
    async () => {
      const title = `Botnet takedown (${Date.now()})`;
      const indicator = 'Botnet C2 198.51.100.23';
      const secret = 'Informant handle';
      const later = 'Second C2 198.51.100.99';

      const a = await loggedIn(pair.browser, pair.us, 'America/New_York');
      const b = await loggedIn(pair.browser, pair.cn, 'Asia/Shanghai');
      const phone = await newPage(pair.browser, {
        timezoneId: 'Asia/Shanghai',
        viewport: { width: 390, height: 844 },
      });
      try {
        await screenshotOnFailure(
          { 'us-doj': a.page, 'cn-mps': b.page, phone: phone.page },
          async () => {
            // us-doj opens the case in the browser.
            await openFromNav(a.page, 'Cases', 'Cases');
            await a.page.getByRole('button', { name: 'Open a case' }).click();
            await a.page.getByLabel('Title').fill(title);
            await a.page.getByLabel('Kind').selectOption('hacking');
            await a.page.getByRole('button', { name: 'Open the case' }).click();
            await a.page.getByRole('heading', { level: 1, name: title }).waitFor();
            const caseUrl = a.page.url().split('?')[0] ?? '';
            const caseId = caseUrl.split('/').pop() ?? '';

            // Automatic sharing: a visible setting, on by default.
            const auto = a.page.getByLabel("Share new objects automatically with the case's nodes");
            await auto.waitFor();
            expect(await auto.isChecked()).toBe(true);

            // Tabs: Objects first; the participants' tab is in the URL.
            expect(await tab(a.page, 'Objects').getAttribute('aria-selected')).toBe('true');
            await tab(a.page, 'Participants & links').click();
            await expect.poll(() => new URL(a.page.url()).searchParams.get('tab')).toBe('people');
            await a.page.getByLabel('Add a peer').selectOption('cn-mps');
            await a.page.getByRole('button', { name: 'Add', exact: true }).click();
            await a.page.getByTestId('participant').filter({ hasText: 'cn-mps' }).waitFor();

            // The back button returns to the objects' tab.
            await a.page.goBack();
            await expect.poll(() => new URL(a.page.url()).searchParams.get('tab')).toBe(null);
            expect(await tab(a.page, 'Objects').getAttribute('aria-selected')).toBe('true');
            // The tablist is keyboard-accessible: the arrow keys move the choice.
            await tab(a.page, 'Objects').focus();
            await a.page.keyboard.press('ArrowRight');
            await expect
              .poll(() => tab(a.page, 'Graph & attribution').getAttribute('aria-selected'))
              .toBe('true');
            expect(new URL(a.page.url()).searchParams.get('tab')).toBe('graph');
            const controls = await tab(a.page, 'Graph & attribution').getAttribute('aria-controls');
            expect(await a.page.locator(`#${controls ?? 'none'}`).getAttribute('role')).toBe(
              'tabpanel',
            );
            await a.page
              .getByRole('heading', { level: 2, name: 'Attribution and the answers to it' })
              .waitFor();
            await a.page.keyboard.press('ArrowLeft');
            await expect.poll(() => new URL(a.page.url()).searchParams.get('tab')).toBe(null);

            // An indicator, added in the browser; nobody presses Share.
            const form = a.page.getByRole('form', { name: 'Add an object' });
            const type = form.getByLabel('Type', { exact: true });
            await type.selectOption('indicator');
            await form.getByLabel('Name').fill(indicator);
            await form.getByLabel('Pattern').fill("[ipv4-addr:value = '198.51.100.23']");
            await form.getByLabel('TLP marking').selectOption('amber');
            await submitObject(form, `Indicator: ${indicator}`);
            await objectRow(a.page, indicator)
              .getByTestId('shared-state')
              .getByText('Shared with cn-mps', { exact: true })
              .waitFor({ timeout: LIVE });

            // A RED object naming no recipient stays here, and the row says so and why.
            await type.selectOption('threat-actor');
            await form.getByLabel('Name').fill(secret);
            await form.getByLabel('TLP marking').selectOption('red');
            await submitObject(form, `Threat actor: ${secret}`);
            const red = objectRow(a.page, secret).getByTestId('shared-state');
            await red.getByText('Not shared', { exact: true }).waitFor();
            await red.getByText('TLP:RED: that node is not one of its named recipients.').waitFor();
            expect(await red.getByRole('button', { name: /^Share/ }).count()).toBe(0);

            // cn-mps: the indicator is there, the RED object is not.
            await openFromNav(b.page, 'Cases', 'Cases');
            await b.page.getByRole('link', { name: title }).click({ timeout: LIVE });
            await b.page.getByRole('heading', { level: 1, name: title }).waitFor();
            await objectRow(b.page, indicator).waitFor({ timeout: LIVE });
            expect(await objectRow(b.page, secret).count()).toBe(0);

            // cn-mps's opinion of the indicator, through its form; it flows back by itself.
            const formB = b.page.getByRole('form', { name: 'Add an object' });
            await formB.getByLabel('Type', { exact: true }).selectOption('opinion');
            await formB.getByLabel('Opinion').selectOption('agree');
            await formB.getByLabel('Explanation').fill('Seen beaconing from our networks too.');
            await formB
              .getByRole('group', { name: 'About' })
              .getByLabel(`Indicator: ${indicator}`)
              .check();
            await submitObject(formB, 'Opinion: Agree');
            const answers = objectRow(a.page, indicator).getByTestId('object-answers');
            await answers.getByText('1 opinion or note').waitFor({ timeout: LIVE });
            await answers.getByText('Seen beaconing from our networks too.').waitFor();
            await answers.getByText('from cn-mps', { exact: true }).waitFor();

            // Automatic sharing off: a new object is "Not shared" until its Share is pressed.
            await auto.uncheck();
            await expect.poll(() => auto.isChecked()).toBe(false);
            await a.page.getByText('Off: nothing leaves this node', { exact: false }).waitFor();
            await type.selectOption('indicator');
            await form.getByLabel('Name').fill(later);
            await form.getByLabel('Pattern').fill("[ipv4-addr:value = '198.51.100.99']");
            await form.getByLabel('TLP marking').selectOption('green');
            await submitObject(form, `Indicator: ${later}`);
            const held = objectRow(a.page, later).getByTestId('shared-state');
            await held.getByText('Not shared', { exact: true }).waitFor();
            await held.getByText('Automatic sharing is off for this case.').waitFor();
            await held.getByRole('button', { name: `Share “${later}” with cn-mps` }).click();
            await held.getByText('Sent to cn-mps.').waitFor();
            await held.getByText('Shared with cn-mps', { exact: true }).waitFor({ timeout: LIVE });
            await objectRow(b.page, later).waitFor({ timeout: LIVE });
            await auto.check();
            await expect.poll(() => auto.isChecked()).toBe(true);

            // A phone, 390×844: no sideways scroll on any tab, in English and in Chinese.
            await logIn(phone.page, pair.cn.url, 'admin', ADMIN_PASSWORD);
            for (const name of ['objects', 'graph', 'import', 'people']) {
              await phone.page.goto(`${pair.cn.url}/cases/${caseId}?tab=${name}`);
              await phone.page.getByRole('heading', { level: 1, name: title }).waitFor();
              await phone.page.getByRole('tabpanel').first().waitFor();
              if (name === 'objects') {
                await objectRow(phone.page, indicator).waitFor();
                // The objects are cards on a phone: their box does not scroll sideways either.
                expect(await innerSideways(phone.page, '.case-objects .table-wrap')).toBe(0);
              }
              expect(await sideways(phone.page), `tab ${name}`).toBeLessThanOrEqual(0);
            }
            await phone.page.goto(`${pair.cn.url}/cases/${caseId}`);
            await objectRow(phone.page, indicator).waitFor();
            // The language switch sits in the folded menu on a phone.
            await phone.page.getByRole('button', { name: 'Menu', exact: false }).first().click();
            await phone.page.getByRole('button', { name: '简体中文' }).click();
            await phone.page.getByRole('tab', { name: '对象' }).waitFor();
            await phone.page.reload();
            await phone.page.getByRole('tab', { name: '对象' }).waitFor();
            await objectRow(phone.page, indicator).waitFor();
            expect(await sideways(phone.page), 'Chinese').toBeLessThanOrEqual(0);
            await phone.page.getByText('自动将新对象共享给本案件的各节点').waitFor();
          },
        );
      } finally {
        await a.context.close();
        await b.context.close();
        await phone.context.close();
      }
    },
    TIMEOUT,
  );
});
