import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotsFor } from '../harness/browser.js';
import { usePeeredPair } from '../harness/pair.js';
import {
  EMERGENCY_FIELDS,
  dutyDesk,
  languageContext,
  placeCall,
  sendRequest,
  untilContactOn,
  type Language,
} from '../harness/seed.js';

// Browser notifications, on two real nodes: cn-mps's admin has allowed them, its tab is open
// on the home page; us-doj places a flash call, pings cn-mps's duty desk and sends an
// emergency request. Each shows one system notification titled in the reader's language
// (English, then Chinese). With the permission refused, none is shown, and the page
// still lists what came. The page's `Notification` is wrapped to record what it shows.

const TIMEOUT = 240_000;
const LIVE = 45_000;

const pair = usePeeredPair();
const screenshotOnFailure = screenshotsFor('notifications');

interface Shown {
  title: string;
  body: string;
  tag: string;
}

/** An init script: every notification the page makes is recorded in `globalThis.shown`. */
function recordNotifications(): void {
  // In the page (the test's own types have no DOM).
  type Options = { body?: string; tag?: string } | undefined;
  const page = globalThis as unknown as {
    shown: Shown[];
    Notification: (new (title: string, options?: Options) => object) & {
      permission: string;
      requestPermission: () => Promise<string>;
    };
  };
  page.shown = [];
  const Real = page.Notification;
  if (typeof Real === 'undefined') return;
  class Recorded extends Real {
    constructor(title: string, options?: Options) {
      page.shown.push({ title, body: options?.body ?? '', tag: options?.tag ?? '' });
      super(title, options);
    }
    static override get permission(): string {
      return Real.permission;
    }
    static override requestPermission(): Promise<string> {
      return Real.requestPermission();
    }
  }
  page.Notification = Recorded;
}

function shown(page: Page): Promise<Shown[]> {
  return page.evaluate(() => (globalThis as unknown as { shown: Shown[] }).shown);
}

function permission(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      (globalThis as unknown as { Notification: { permission: string } }).Notification.permission,
  );
}

/**
 * cn-mps's admin in `language`, on the home page, live; notifications granted, or refused
 * (as a user's "Block" sets it, through the DevTools protocol: Playwright only grants).
 */
async function openTab(
  language: Language,
  setting: 'granted' | 'denied',
): Promise<{ context: BrowserContext; page: Page }> {
  const { cn } = pair;
  const context = await languageContext(pair.browser, cn, language, 'desktop', {
    timezoneId: 'Asia/Shanghai',
  });
  await context.addInitScript(recordNotifications);
  const page = await context.newPage();
  if (setting === 'granted') {
    await context.grantPermissions(['notifications'], { origin: cn.url });
  } else {
    const target = await context.newCDPSession(page);
    const { targetInfo } = await target.send('Target.getTargetInfo');
    const browser = await pair.browser.newBrowserCDPSession();
    await browser.send('Browser.setPermission', {
      permission: { name: 'notifications' },
      setting: 'denied',
      origin: cn.url,
      browserContextId: targetInfo.browserContextId,
    });
    // The setting lasts while the session does: it is detached with the context.
    context.once('close', () => void browser.detach().catch(() => undefined));
  }
  await page.goto(cn.url);
  await page.locator('main h1').first().waitFor();
  await page.locator('.connection-live').waitFor({ timeout: LIVE });
  return { context, page };
}

const TITLES: Record<Language, { call: string; ping: string; request: string }> = {
  en: {
    call: 'Hotline call from us-doj (Emergency)',
    ping: 'Ping test from us-doj',
    request: 'Emergency request from us-doj',
  },
  'zh-CN': {
    call: '来自 us-doj 的热线呼叫（特急）',
    ping: '来自 us-doj 的联络点测试',
    request: '来自 us-doj 的特急协助请求',
  },
};

/** us-doj calls, pings and asks cn-mps for help, each named with `stamp`. */
async function peerAsks(stamp: string): Promise<{ subject: string; title: string }> {
  const { us } = pair;
  const subject = `Ransomware spreading (${stamp})`;
  const title = `Threat to life (${stamp})`;
  await placeCall(us, 'cn-mps', { priority: 'flash', subject });
  const ping = await us.api('POST', '/api/pings', { peer: 'cn-mps' });
  expect(ping.status, JSON.stringify(ping.body)).toBe(201);
  await sendRequest(us, 'cn-mps', {
    type: 'emergency_disclosure',
    urgency: 'emergency',
    title,
    fields: EMERGENCY_FIELDS,
  });
  return { subject, title };
}

describe('browser notifications, in Chromium', () => {
  it(
    'a call, a ping and an emergency request from the peer each notify, titled in English and in Chinese; none when refused',
    async () => {
      const { us, cn } = pair;
      // cn-mps's duty desk, known to us-doj, is what a ping tests.
      await dutyDesk(cn);
      await untilContactOn(us, cn, 'MPS cybercrime duty desk');

      for (const language of ['en', 'zh-CN'] as const) {
        const { context, page } = await openTab(language, 'granted');
        try {
          await screenshotOnFailure({ [`cn-mps-${language}`]: page }, async () => {
            expect(await permission(page)).toBe('granted');
            // What waited before the page opened is on the page, not announced again.
            expect(await shown(page)).toEqual([]);
            const { subject, title } = await peerAsks(`${language} ${Date.now()}`);
            const expected = TITLES[language];
            await expect
              .poll(async () => (await shown(page)).map((n) => n.title).sort(), {
                timeout: LIVE,
              })
              .toEqual([expected.call, expected.ping, expected.request].sort());
            const list = await shown(page);
            expect(list.find((n) => n.title === expected.call)?.body).toBe(subject);
            expect(list.find((n) => n.title === expected.request)?.body).toContain(title);
            // One notification each: the tags differ.
            expect(new Set(list.map((n) => n.tag)).size).toBe(3);
          });
        } finally {
          await context.close();
        }
      }

      // Refused: the same arrivals, listed on the page, but no notification.
      const { context, page } = await openTab('en', 'denied');
      try {
        await screenshotOnFailure({ 'cn-mps-refused': page }, async () => {
          expect(await permission(page)).toBe('denied');
          const { title } = await peerAsks(`refused ${Date.now()}`);
          await page
            .getByRole('region', { name: 'New incoming' })
            .getByText(title)
            .waitFor({ timeout: LIVE });
          // A moment for a late notification, which must not come.
          await page.waitForTimeout(1_000);
          expect(await shown(page)).toEqual([]);
        });
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );
});
