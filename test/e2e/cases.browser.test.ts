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
import { objectRow, submitObject } from './page-helpers.js';

// Two real node processes, peered. us-doj opens a case in the browser, adds an AMBER
// indicator, an observable, an intrusion set, a threat actor and an attribution of the one
// to the other (confidence 70) through the Add object form, makes cn-mps a participant and
// shares. cn-mps, whose case list is open, sees the case arrive; it disputes the attribution
// with a strongly-disagree opinion and a note, shares them back (the objects it did not
// write are withheld, with the reason) and reports the indicator blocked. us-doj's page,
// never reloaded, shows the opinion and the note beside the attribution and the feedback on
// the indicator; us-doj revokes the indicator and deletes the observable, and cn-mps's page
// follows.

const TIMEOUT = 300_000;
const LIVE = 45_000;

const pair = usePeeredPair();

const screenshotOnFailure = screenshotsFor('cases');

/** Opens a tab of the case page (Objects, Graph & attribution, …) by its name. */
async function openTab(page: Page, name: string): Promise<void> {
  const tab = page.getByRole('tab', { name, exact: true });
  await tab.click();
  await expect.poll(() => tab.getAttribute('aria-selected')).toBe('true');
}

/** Text colour and background of an element, as computed. */
function colours(locator: Locator): Promise<{ color: string; background: string }> {
  return locator.evaluate((element) => {
    // Runs in the page; the tests' TypeScript has no DOM library, hence the shape given here.
    const page = globalThis as unknown as {
      getComputedStyle(element: unknown): { color: string; backgroundColor: string };
    };
    const style = page.getComputedStyle(element);
    return { color: style.color, background: style.backgroundColor };
  });
}

describe('cases in Chromium', () => {
  it(
    "us-doj shares an attribution; cn-mps disputes it and gives feedback; us-doj's page shows them side by side, live; revocation and deletion reach cn-mps",
    async () => {
      const title = `Personnel agency breach (${Date.now()})`;
      const indicator = 'C2 server 203.0.113.7';
      const domain = 'update-check.example';
      const set = 'Intrusion set PA-2015';
      const actor = 'Operator of PA-2015';
      const attribution = `${set} attributed-to ${actor}`;
      const explanation = 'The infrastructure is rented and was used by several groups.';
      const noteContent =
        'The addresses belong to a hosting provider used worldwide; no evidence places the operator here.';

      const a = await loggedIn(pair.browser, pair.us, 'America/New_York');
      const b = await loggedIn(pair.browser, pair.cn, 'Asia/Shanghai');
      try {
        await screenshotOnFailure({ 'us-doj': a.page, 'cn-mps': b.page }, async () => {
          // cn-mps waits on its case list, live.
          await openFromNav(b.page, 'Cases', 'Cases');
          await b.page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
          expect(await b.page.getByRole('link', { name: title }).count()).toBe(0);
          await markNotReloaded(b.page);

          // us-doj opens the case from the list page.
          await openFromNav(a.page, 'Cases', 'Cases');
          await a.page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
          await a.page.getByRole('button', { name: 'Open a case' }).click();
          await a.page.getByLabel('Title').fill(title);
          await a.page
            .getByLabel('Summary')
            .fill('Intrusion into a personnel agency; records of 21.5 million people exfiltrated.');
          await a.page.getByLabel('Kind').selectOption('hacking');
          await a.page.getByLabel('Priority', { exact: true }).selectOption('critical');
          await a.page.getByLabel('On the list of priority cases').check();
          await a.page.getByRole('button', { name: 'Open the case' }).click();
          await a.page.getByRole('heading', { level: 1, name: title }).waitFor();
          await markNotReloaded(a.page);
          expect(await a.page.getByTestId('case-owner').textContent()).toBe('us-doj (this node)');

          // The objects, through the Add object form.
          const form = a.page.getByRole('form', { name: 'Add an object' });
          const type = form.getByLabel('Type', { exact: true });
          await type.selectOption('indicator');
          await form.getByLabel('Name').fill(indicator);
          await form.getByLabel('Pattern').fill("[ipv4-addr:value = '203.0.113.7']");
          await form.getByLabel('TLP marking').selectOption('amber');
          await submitObject(form, `Indicator: ${indicator}`);

          await type.selectOption('domain-name');
          await form.getByLabel('Value').fill(domain);
          await submitObject(form, `Domain name: ${domain}`);

          await type.selectOption('intrusion-set');
          await form.getByLabel('Name').fill(set);
          await form.getByLabel('Description').fill('The intrusion into the personnel agency.');
          await submitObject(form, `Intrusion set: ${set}`);

          await type.selectOption('threat-actor');
          await form.getByLabel('Name').fill(actor);
          await submitObject(form, `Threat actor: ${actor}`);

          await type.selectOption('relationship');
          await form.getByLabel('Relationship type').selectOption('attributed-to');
          await form.getByLabel('Source').selectOption({ label: `Intrusion set: ${set}` });
          await form.getByLabel('Target').selectOption({ label: `Threat actor: ${actor}` });
          await form.getByLabel('Confidence').fill('70');
          await form.getByLabel('Description').fill('Infrastructure and tooling overlap.');
          await form
            .getByRole('group', { name: 'Evidence (objects of the case)' })
            .getByLabel(`Indicator: ${indicator}`)
            .check();
          await submitObject(form, `Relationship: ${attribution}`);

          // The indicator, marked AMBER in TLP 2.0's colours (amber on black).
          const amber = objectRow(a.page, indicator).getByText('TLP:AMBER', { exact: true });
          await amber.waitFor();
          // The list may draw the row again as the live events arrive: ask until it settles.
          await expect
            .poll(() => colours(amber))
            .toEqual({
              color: 'rgb(255, 192, 0)',
              background: 'rgb(0, 0, 0)',
            });
          await openTab(a.page, 'Graph & attribution');
          const claimA = a.page.getByTestId('attribution-claim');
          await claimA.getByText('Confidence 70 / 100').waitFor();
          await claimA.getByRole('listitem').filter({ hasText: indicator }).waitFor();
          expect(await a.page.getByTestId('graph-node').count()).toBe(4);
          expect(await a.page.getByTestId('graph-edge').count()).toBe(1);

          // cn-mps joins the case and gets everything.
          await openTab(a.page, 'Participants & links');
          await a.page.getByLabel('Add a peer').selectOption('cn-mps');
          await a.page.getByRole('button', { name: 'Add', exact: true }).click();
          await a.page.getByTestId('participant').filter({ hasText: 'cn-mps' }).waitFor();
          await expect
            .poll(() => a.page.getByLabel('Node', { exact: true }).inputValue())
            .toBe('cn-mps');
          await a.page.getByRole('button', { name: 'Share', exact: true }).click();
          const sharedA = a.page.getByTestId('share-result');
          await sharedA.getByText('5 objects sent to cn-mps.').waitFor();
          expect(await sharedA.getByRole('list').count()).toBe(0);

          // cn-mps: the case appears in the list that stayed open, with its five objects.
          const row = b.page.getByTestId('case-row').filter({ hasText: title });
          await row.waitFor({ timeout: LIVE });
          await expect
            .poll(() => row.getByRole('cell').allTextContents(), { timeout: LIVE })
            .toEqual([
              `${title}Priority case`,
              'Hacking',
              'Critical',
              'Open',
              'us-doj',
              'cn-mps',
              '5',
              expect.any(String),
            ]);
          expect(await notReloaded(b.page)).toBe(true);
          await row.getByRole('link', { name: title }).click();
          await b.page.getByRole('heading', { level: 1, name: title }).waitFor();
          await markNotReloaded(b.page);
          await openTab(b.page, 'Graph & attribution');
          await b.page.getByTestId('attribution-claim').getByText('Confidence 70 / 100').waitFor();
          await openTab(b.page, 'Objects');
          expect(await objectRow(b.page, indicator).getByRole('cell').nth(2).textContent()).toBe(
            'us-doj',
          );

          // cn-mps disputes the attribution: an opinion and a note about it.
          const formB = b.page.getByRole('form', { name: 'Add an object' });
          const typeB = formB.getByLabel('Type', { exact: true });
          await typeB.selectOption('opinion');
          await formB.getByLabel('Opinion').selectOption('strongly-disagree');
          await formB.getByLabel('Explanation').fill(explanation);
          await formB
            .getByRole('group', { name: 'About' })
            .getByLabel(`Relationship: ${attribution}`)
            .check();
          await submitObject(formB, 'Opinion: Strongly disagree');

          await typeB.selectOption('note');
          await formB.getByLabel('Abstract').fill('Our view of the attribution');
          await formB.getByLabel('Content').fill(noteContent);
          await formB
            .getByRole('group', { name: 'About' })
            .getByLabel(`Relationship: ${attribution}`)
            .check();
          await submitObject(formB, 'Note: Our view of the attribution');

          // Shares back: its own two go; what us-doj wrote stays, and the page says why.
          await openTab(b.page, 'Participants & links');
          await expect
            .poll(() => b.page.getByLabel('Node', { exact: true }).inputValue())
            .toBe('us-doj');
          await b.page.getByRole('button', { name: 'Share', exact: true }).click();
          const sharedB = b.page.getByTestId('share-result');
          await sharedB.getByText('2 objects sent to us-doj.').waitFor();
          await sharedB.getByText('5 objects withheld:').waitFor();
          const withheld = sharedB.getByRole('list', { name: 'Withheld objects' });
          expect(await withheld.getByRole('listitem').allTextContents()).toContain(
            `Intrusion set: ${set}: another node wrote it; only its author or the case's owner passes it on.`,
          );

          // Feedback on the indicator: blocked.
          await openTab(b.page, 'Objects');
          await objectRow(b.page, indicator).getByRole('button', { name: 'Give feedback' }).click();
          const feedback = b.page.getByRole('form', { name: 'Feedback to us-doj' });
          await feedback.getByLabel('Use').selectOption('blocked');
          await feedback.getByLabel('Note').fill('Null-routed at the national exchange.');
          await feedback.getByRole('button', { name: 'Send the feedback' }).click();
          await objectRow(b.page, indicator).getByTestId('feedback').waitFor();

          // us-doj, without a reload: the opinion and the note beside the attribution.
          await openTab(a.page, 'Graph & attribution');
          const answersA = a.page.getByTestId('attribution-answers');
          await answersA.getByText('2 opinions and notes').waitFor({ timeout: LIVE });
          const opinion = answersA.getByRole('listitem').filter({ hasText: 'Strongly disagree' });
          await opinion.getByText(explanation).waitFor();
          await opinion.getByText('from cn-mps', { exact: true }).waitFor();
          const note = answersA.getByRole('listitem').filter({ hasText: noteContent });
          await note.getByText('Our view of the attribution').waitFor();
          await note.getByText('from cn-mps', { exact: true }).waitFor();
          // Side by side: the answers to the right of the attribution, at the same height.
          const claimBox = await claimA.boundingBox();
          const answersBox = await answersA.boundingBox();
          expect(claimBox && answersBox).toBeTruthy();
          if (claimBox && answersBox) {
            expect(answersBox.x).toBeGreaterThanOrEqual(claimBox.x + claimBox.width);
            expect(Math.abs(answersBox.y - claimBox.y)).toBeLessThan(5);
          }
          // … and the feedback on the indicator, from cn-mps.
          await openTab(a.page, 'Objects');
          const given = objectRow(a.page, indicator).getByTestId('feedback');
          await given.waitFor({ timeout: LIVE });
          expect(await given.textContent()).toMatch(
            /^Blockedcn-mps \(.+\) — Null-routed at the national exchange\. · /,
          );
          expect(await notReloaded(a.page)).toBe(true);

          // us-doj revokes the indicator and deletes the observable.
          const indicatorA = objectRow(a.page, indicator);
          await indicatorA.getByRole('button', { name: 'Revoke' }).click();
          await a.page.getByRole('button', { name: 'Revoke it' }).click();
          await indicatorA.getByText('Revoked', { exact: true }).waitFor();
          await objectRow(a.page, domain).getByRole('button', { name: 'Delete' }).click();
          await a.page.getByRole('button', { name: 'Delete it everywhere' }).click();
          await objectRow(a.page, domain).waitFor({ state: 'detached' });

          // cn-mps's page follows.
          await objectRow(b.page, indicator)
            .getByText('Revoked', { exact: true })
            .waitFor({ timeout: LIVE });
          await objectRow(b.page, domain).waitFor({ state: 'detached', timeout: LIVE });
          expect(await notReloaded(b.page)).toBe(true);
          expect(await notReloaded(a.page)).toBe(true);

          // The same page in Chinese.
          await b.page.getByRole('button', { name: '简体中文' }).click();
          await openTab(b.page, '关系图与归因');
          await b.page.getByRole('heading', { level: 2, name: '归因及各方回应' }).waitFor();
          await b.page
            .getByTestId('attribution-answers')
            .getByText('强烈反对', { exact: true })
            .waitFor();
        });
      } finally {
        await a.context.close();
        await b.context.close();
      }
    },
    TIMEOUT,
  );
});
