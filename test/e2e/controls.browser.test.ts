import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loggedIn, screenshotsFor } from '../harness/browser.js';
import { usePeeredPair } from '../harness/pair.js';
import { createCase } from '../harness/seed.js';

// Issue 15, findings 6 and 10: radio buttons rendered as huge circles with their labels one
// word (or one character) per line, buttons broke on the phone ("静/音", "确/认"); a fresh duty
// tab stayed silent until someone clicked in it, and nothing said so.

const TIMEOUT = 180_000;
const pair = usePeeredPair();
const screenshotOnFailure = screenshotsFor('controls');

interface Dom {
  document: {
    querySelectorAll: (s: string) => ArrayLike<Element>;
    createRange: () => {
      selectNodeContents: (n: unknown) => void;
      getClientRects: () => ArrayLike<{ top: number }>;
    };
  };
}
interface Node {
  nodeType: number;
  textContent: string | null;
  childNodes: ArrayLike<Node>;
}
interface Element {
  offsetParent: unknown;
  textContent: string | null;
  getBoundingClientRect: () => { width: number; height: number };
  closest: (s: string) => Element | null;
}

/** Controls drawn wrong: radios wider than 24px, labels and button texts over one line. */
async function brokenControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as Dom;
    // The lines a control's text runs over: the most any one of its text nodes takes.
    const lines = (node: Element): number => {
      let most = 0;
      const walk = (current: Node) => {
        if (current.nodeType === 3 && (current.textContent ?? '').trim() !== '') {
          const range = document.createRange();
          range.selectNodeContents(current);
          const tops = new Set(
            Array.from(range.getClientRects()).map((rect) => Math.round(rect.top / 4)),
          );
          most = Math.max(most, tops.size);
        }
        for (const child of Array.from(current.childNodes)) walk(child);
      };
      walk(node as unknown as Node);
      return most;
    };
    const broken: string[] = [];
    for (const radio of Array.from(
      document.querySelectorAll('input[type=radio], input[type=checkbox]'),
    )) {
      if (radio.offsetParent === null) continue;
      const box = radio.getBoundingClientRect();
      if (box.width > 24) broken.push(`a ${Math.round(box.width)}px wide choice`);
      const label = radio.closest('label');
      if (label && lines(label) > 1)
        broken.push(`a choice's label on ${lines(label)} lines: ${label.textContent}`);
    }
    for (const button of Array.from(document.querySelectorAll('main button, header button'))) {
      if (button.offsetParent === null || (button.textContent ?? '').trim().length > 12) continue;
      if (lines(button) > 1)
        broken.push(`a button broken over ${lines(button)} lines: ${button.textContent}`);
    }
    return broken;
  });
}

describe('controls and alerts as users found them', () => {
  it(
    'draws choices and short buttons on one line on a Chinese phone, and arms a fresh tab’s sound on purpose',
    async () => {
      const { us } = pair;
      const caseId = await createCase(us, 'Controls');
      const { context, page } = await loggedIn(pair.browser, us, 'Asia/Shanghai', {
        viewport: { width: 390, height: 844 },
      });
      try {
        await screenshotOnFailure({ 'us-doj': page }, async () => {
          // Chinese, on the phone: the language switch sits in the folded menu.
          await page.getByRole('button', { name: /Menu/ }).click();
          await page.getByRole('button', { name: '简体中文' }).click();
          await page.getByRole('heading', { level: 1, name: /^欢迎/ }).waitFor();
          expect(await brokenControls(page)).toEqual([]);
          await page.goto(`${us.url}/cases/${caseId}?tab=import`);
          await page.locator('input[type=radio]').first().waitFor();
          expect(await brokenControls(page)).toEqual([]);
          await page.goto(`${us.url}/hotline`);
          await page.getByRole('heading', { level: 1 }).waitFor();
          expect(await brokenControls(page)).toEqual([]);

          // A fresh tab, opened by no click: it says its alarms are silent until armed.
          const fresh = await context.newPage();
          await fresh.goto(`${us.url}/`);
          const arm = fresh.getByRole('button', { name: '开启声音' });
          await arm.waitFor();
          await arm.click();
          await arm.waitFor({ state: 'detached' });
          await fresh.close();
        });
      } finally {
        await us.api('PATCH', '/api/me', { language: 'en' });
        await context.close();
      }
    },
    TIMEOUT,
  );
});
