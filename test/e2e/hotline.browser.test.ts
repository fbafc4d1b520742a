import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../harness/cluster.js';
import {
  loggedIn,
  markNotReloaded,
  notReloaded,
  openFromNav,
  screenshotsFor,
} from '../harness/browser.js';
import { usePeeredPair } from '../harness/pair.js';
import { dutyOfficer, placeCall } from '../harness/seed.js';

// Two real node processes, peered: an officer of us-doj places a flash call from the
// hotline page; it reaches the browser of the cn-mps officer on duty (rung 1 of the ladder,
// from the duty roster), who acknowledges it from the banner every page shows; the caller's
// call page shows who acknowledged it, without a reload. Then the same banner in Chinese.

const TIMEOUT = 240_000;
const LIVE = 45_000;

const pair = usePeeredPair();

const screenshotOnFailure = screenshotsFor('hotline');

const OFFICER = {
  username: 'duty.li',
  displayName: 'Li Wei (duty officer)',
  password: 'a long duty officer password',
};

/** An init script: each tone the page's Web Audio makes is counted in `globalThis.tones`. */
function countTones(): void {
  // In the page (the test's own types have no DOM).
  const page = globalThis as unknown as {
    tones: number;
    AudioContext: { prototype: { createOscillator: (this: unknown) => unknown } };
  };
  page.tones = 0;
  const prototype = page.AudioContext.prototype;
  const create = prototype.createOscillator;
  prototype.createOscillator = function (this: unknown) {
    page.tones += 1;
    return create.call(this);
  };
}

function tones(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as { tones: number }).tones);
}

/** Whether the page makes no new tone for a while (the alarm beeps every second for flash). */
async function silent(page: Page): Promise<boolean> {
  const before = await tones(page);
  await page.waitForTimeout(2500);
  return (await tones(page)) === before;
}

describe('the hotline in Chromium', () => {
  it(
    "a flash call from us-doj reaches the cn-mps duty officer's browser; the acknowledgement shows on the caller's page live",
    async () => {
      // cn-mps: the duty officer, as a user and as the contact the roster puts on duty
      // around the clock for technical calls; rung 1 alerts whoever is on duty, in the browser.
      await dutyOfficer(pair.cn, OFFICER);

      const b = await loggedIn(pair.browser, pair.cn, 'Asia/Shanghai', {
        username: OFFICER.username,
        password: OFFICER.password,
        initScript: countTones,
      });
      const a = await loggedIn(pair.browser, pair.us, 'America/New_York');
      try {
        await screenshotOnFailure({ 'us-doj': a.page, 'cn-mps': b.page }, async () => {
          // The duty officer waits on the home page, live, with no call.
          await b.page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
          expect(await b.page.getByRole('region', { name: /hotline call/ }).count()).toBe(0);
          await markNotReloaded(b.page);
          // A click on the page: the browser lets it play the alarm from now on.
          await b.page.getByRole('heading', { level: 1 }).click();

          // us-doj places a flash call from the composer and lands on the call's page.
          const subject = `Ransomware spreading from a C2 in Beijing (${Date.now()})`;
          await openFromNav(a.page, 'Hotline', 'Hotline');
          await a.page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
          await a.page.getByRole('button', { name: 'New call' }).click();
          await expect.poll(() => a.page.getByLabel('Peer').inputValue()).toBe('cn-mps');
          await a.page.getByLabel('Tier').selectOption('technical');
          await a.page.getByLabel('Priority').selectOption('flash');
          await a.page.getByLabel('Subject').fill(subject);
          await a.page.getByLabel('Message').fill('Hospital systems encrypted; C2 at 203.0.113.7.');
          await a.page.getByRole('button', { name: 'Place the call' }).click();
          await a.page.getByRole('heading', { level: 1, name: subject }).waitFor();
          await markNotReloaded(a.page);
          const state = a.page.getByTestId('call-state');

          // cn-mps: the banner appears by itself, flash, ringing, with the rung's countdown.
          const banner = b.page.getByRole('region', {
            name: '1 hotline call waiting for acknowledgement',
          });
          await banner.waitFor({ timeout: LIVE });
          await banner.getByRole('link', { name: subject }).waitFor();
          await banner.getByText('Flash', { exact: true }).waitFor();
          await banner.getByText('Technical', { exact: true }).waitFor();
          await banner.getByText(/^Rung 1 of 1 · \d+ (min|sec)( \d+ sec)? left$/).waitFor();
          expect(await banner.getAttribute('data-alarm')).toBe('ringing');

          // It rings (Web Audio tones, again and again) until muted, and again once unmuted.
          await expect.poll(() => tones(b.page)).toBeGreaterThanOrEqual(4);
          const mute = b.page.getByRole('button', { name: 'Mute the alarm' });
          expect(await mute.getAttribute('aria-pressed')).toBe('false');
          await mute.click();
          expect(await mute.getAttribute('aria-pressed')).toBe('true');
          expect(await silent(b.page)).toBe(true);
          await mute.click();
          const unmuted = await tones(b.page);
          await expect.poll(() => tones(b.page)).toBeGreaterThan(unmuted);

          // Shown to the officer: us-doj sees it was seen, live.
          await expect.poll(() => state.textContent(), { timeout: LIVE }).toContain('Seen');

          await banner
            .getByRole('button', { name: `Acknowledge the call of us-doj: ${subject}` })
            .click();
          await banner.waitFor({ state: 'detached' });
          expect(await silent(b.page)).toBe(true);
          expect(await notReloaded(b.page)).toBe(true);

          // us-doj: acknowledged, by whom, on the page that stayed open; and a notice.
          await expect.poll(() => state.textContent(), { timeout: LIVE }).toContain('Acknowledged');
          expect(await a.page.getByTestId('call-acknowledged-by').textContent()).toBe(
            `by ${OFFICER.displayName}`,
          );
          await a.page
            .getByRole('region', { name: 'Hotline call acknowledged' })
            .getByText(`was acknowledged by ${OFFICER.displayName}.`, { exact: false })
            .waitFor({ timeout: LIVE });
          const timeline = a.page.getByRole('list', { name: 'Timeline' });
          await timeline.getByText('Delivered to the peer').waitFor();
          await timeline.getByText('Acknowledged', { exact: true }).waitFor();
          expect(await notReloaded(a.page)).toBe(true);

          // The same banner in Chinese: a second call, answered from the Chinese interface.
          await b.page.getByRole('button', { name: '简体中文' }).click();
          await b.page
            .getByRole('navigation', { name: '主导航' })
            .getByRole('link', { name: '热线', exact: true })
            .waitFor();
          const secondSubject = `Second wave (${Date.now()})`;
          const secondId = await placeCall(pair.us, 'cn-mps', {
            priority: 'flash',
            subject: secondSubject,
          });
          const bannerZh = b.page.getByRole('region', { name: '1 个热线呼叫待确认' });
          await bannerZh.waitFor({ timeout: LIVE });
          await bannerZh.getByText('特急', { exact: true }).waitFor();
          await bannerZh.getByText('技术', { exact: true }).waitFor();
          await bannerZh
            .getByRole('button', { name: `确认 us-doj 的呼叫：${secondSubject}` })
            .click();
          await bannerZh.waitFor({ state: 'detached' });
          await expect
            .poll(
              async () =>
                (await pair.us.api('GET', `/api/hotline/calls/${secondId}`)).body.acknowledgedBy as
                  string | null,
              { timeout: LIVE },
            )
            .toBe(OFFICER.displayName);
          expect(await notReloaded(b.page)).toBe(true);
        });
      } finally {
        await a.context.close();
        await b.context.close();
      }
    },
    TIMEOUT,
  );

  it(
    'a call to a node that is down rings for its caller as not delivered, and goes through when the node is back',
    async () => {
      const a = await loggedIn(pair.browser, pair.us, 'America/New_York', {
        username: 'admin',
        password: ADMIN_PASSWORD,
        initScript: countTones,
      });
      try {
        await screenshotOnFailure({ 'us-doj-not-delivered': a.page }, async () => {
          await a.page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
          await a.page.getByRole('heading', { level: 1 }).click();
          await markNotReloaded(a.page);
          await pair.cn.stop();
          const subject = `Botnet takedown tonight (${Date.now()})`;
          const callId = await placeCall(pair.us, 'cn-mps', { priority: 'urgent', subject });

          // The caller's fallback: a red, ringing banner on the page they are on.
          const notDelivered = a.page.getByRole('region', { name: 'Hotline call not delivered' });
          await notDelivered.waitFor({ timeout: LIVE });
          await notDelivered
            .getByText(`Your call to cn-mps, “${subject}”, could not be delivered.`, {
              exact: false,
            })
            .waitFor();
          expect(await notDelivered.getAttribute('data-alarm')).toBe('ringing');
          await expect.poll(() => tones(a.page)).toBeGreaterThanOrEqual(2);

          // cn-mps is back: the queued call goes through, the red banner gives way.
          await pair.cn.start();
          const delivered = a.page.getByRole('region', { name: 'Hotline call delivered' });
          await delivered.waitFor({ timeout: 90_000 });
          expect(await notDelivered.count()).toBe(0);
          expect(await silent(a.page)).toBe(true);
          expect(await notReloaded(a.page)).toBe(true);
          const arrived = await pair.cn.api('GET', `/api/hotline/calls/${callId}`);
          expect(arrived.body.state).toMatch(/^(delivered|seen)$/);
        });
      } finally {
        await a.context.close();
      }
    },
    TIMEOUT,
  );

  it(
    "a supervisor puts an officer on the senior roster from the roster page; the gap closes there and in us-doj's view of cn-mps",
    async () => {
      const a = await loggedIn(pair.browser, pair.us, 'America/New_York');
      const b = await loggedIn(pair.browser, pair.cn, 'Asia/Shanghai');
      try {
        await screenshotOnFailure(
          { 'us-doj-roster': a.page, 'cn-mps-roster': b.page },
          async () => {
            // us-doj reads what cn-mps told of its coverage: nobody on senior duty yet.
            await openFromNav(a.page, 'Hotline', 'Hotline');
            await a.page.getByRole('link', { name: 'Duty roster, coverage and ladder' }).click();
            await a.page
              .getByRole('heading', { level: 1, name: 'Duty roster and ladder' })
              .waitFor();
            await a.page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
            await expect
              .poll(() => a.page.getByLabel('Peer', { exact: true }).inputValue())
              .toBe('cn-mps');
            const peerSenior = a.page.getByRole('list', {
              name: 'Coverage of Senior',
              exact: true,
            });
            await expect
              .poll(() => peerSenior.getByRole('listitem').allTextContents(), { timeout: LIVE })
              .toEqual([expect.stringMatching(/^Not covered: .* \(14 days\)$/)]);

            // cn-mps: the senior tier is one gap of two weeks, all red.
            await openFromNav(b.page, 'Hotline', 'Hotline');
            await b.page.getByRole('link', { name: 'Duty roster, coverage and ladder' }).click();
            await b.page
              .getByRole('heading', { level: 1, name: 'Duty roster and ladder' })
              .waitFor();
            const gaps = b.page.getByTestId('gaps-senior');
            await gaps.getByText('1 gap in the coverage:').waitFor();
            const grid = b.page.getByTestId('coverage-senior');
            expect(await grid.locator('td.coverage-no').count()).toBe(14 * 24);

            // A 24-hour shift every day (the form's defaults are every day).
            await b.page.getByRole('button', { name: 'Add a shift' }).click();
            await b.page.getByLabel('Tier').selectOption('senior');
            await b.page.getByLabel('Contact', { exact: true }).selectOption({ label: 'Li Wei' });
            await b.page.getByLabel('Start').fill('00:00');
            await b.page.getByLabel('End', { exact: true }).fill('00:00');
            await b.page.getByRole('button', { name: 'Save the shift' }).click();
            const row = b.page.getByRole('row').filter({ hasText: 'Senior' });
            await row.getByRole('rowheader', { name: 'Li Wei' }).waitFor();
            expect(await row.getByRole('cell').allTextContents()).toEqual([
              'Senior',
              'Every day',
              '24 hours Asia/Shanghai',
              'No end',
              '—',
              'Edit Remove',
            ]);
            await gaps.getByText('Covered around the clock.').waitFor();
            await expect.poll(() => grid.locator('td.coverage-no').count()).toBe(0);
            expect(await grid.locator('td.coverage-yes').count()).toBe(14 * 24);

            // us-doj's page follows, told by cn-mps.
            await expect
              .poll(() => peerSenior.getByRole('listitem').allTextContents(), { timeout: LIVE })
              .toEqual([expect.stringMatching(/^Covered: .* \(14 days\)$/)]);
            await a.page
              .getByRole('list', { name: 'Published contacts on duty' })
              .last()
              .getByText('Li Wei:')
              .waitFor();
          },
        );
      } finally {
        await a.context.close();
        await b.context.close();
      }
    },
    TIMEOUT,
  );
});
