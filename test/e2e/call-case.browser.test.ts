import { describe, expect, it } from 'vitest';
import { loggedIn, openFromNav, screenshotsFor } from '../harness/browser.js';
import { usePeeredPair } from '../harness/pair.js';
import { PRESERVATION_FIELDS, createCase, sendRequest } from '../harness/seed.js';

// Two real node processes, peered. us-doj holds two cases: one cn-mps takes part in, one
// it does not. The call composer offers only the first once cn-mps is the peer (no free
// text: "not-a-case" cannot be typed any more); the call placed with it shows the case as a
// link, by its title, on both nodes, and it opens the case. Every time on the hotline's
// pages names its zone: New York's on us-doj, Shanghai's on cn-mps. The search page finds
// the request, the note, the call, the case and its object, each kind under its translated
// label with its link.

const TIMEOUT = 240_000;
const LIVE = 45_000;

const pair = usePeeredPair();

const screenshotOnFailure = screenshotsFor('call-case');

describe('a hotline call names a case both nodes hold, in Chromium', () => {
  it(
    'the composer offers only the cases shared with the peer; the call links its case on both nodes; times show their zone; search finds every kind',
    async () => {
      const stamp = Date.now();
      const shared = `Shared ransomware case ${stamp}`;
      const ours = `Domestic-only case ${stamp}`;
      const subject = `About the shared case ${stamp}`;
      const sharedId = await createCase(pair.us, shared);
      const joined = await pair.us.api('POST', `/api/cases/${sharedId}/participants`, {
        peer: 'cn-mps',
      });
      expect(joined.status).toBe(200);
      const oursId = await createCase(pair.us, ours);
      // The API refuses a case the peer does not hold, and one that does not exist.
      const refused = await pair.us.api('POST', '/api/hotline/calls', {
        peer: 'cn-mps',
        tier: 'technical',
        priority: 'urgent',
        subject: 'refused',
        caseId: oursId,
      });
      expect(refused.status).toBe(409);
      // cn-mps holds the shared case before the call names it.
      await expect
        .poll(async () => (await pair.cn.api('GET', `/api/cases/${sharedId}`)).status, {
          timeout: LIVE,
        })
        .toBe(200);

      const a = await loggedIn(pair.browser, pair.us, 'America/New_York');
      const b = await loggedIn(pair.browser, pair.cn, 'Asia/Shanghai');
      try {
        await screenshotOnFailure({ 'us-doj': a.page, 'cn-mps': b.page }, async () => {
          await openFromNav(a.page, 'Hotline', 'Hotline');
          await a.page.getByRole('button', { name: 'New call' }).click();
          await expect.poll(() => a.page.getByLabel('Peer').inputValue()).toBe('cn-mps');
          const picker = a.page.getByLabel('Case (optional)');
          // A picker, not free text, listing only the case cn-mps holds.
          expect(await picker.evaluate((element) => (element as { tagName: string }).tagName)).toBe(
            'SELECT',
          );
          await expect
            .poll(() => picker.locator('option').allTextContents())
            .toEqual(['No case', shared]);
          await a.page.getByLabel('Tier').selectOption('technical');
          await a.page.getByLabel('Priority').selectOption('urgent');
          await a.page.getByLabel('Subject').fill(subject);
          await picker.selectOption({ label: shared });
          await a.page.getByRole('button', { name: 'Place the call' }).click();
          await a.page.getByRole('heading', { level: 1, name: subject }).waitFor();
          const callUrl = new URL(a.page.url()).pathname;

          // us-doj: the case is a link by its title; the times name New York's zone.
          const caseA = a.page.getByTestId('call-case').getByRole('link', { name: shared });
          await caseA.waitFor();
          const timeline = a.page.getByRole('list', { name: 'Timeline' });
          await timeline.locator('time').first().waitFor();
          for (const text of await a.page.locator('main time').allTextContents()) {
            expect(text).toMatch(/\(GMT-[45]\)$/);
          }
          await caseA.click();
          await a.page.getByRole('heading', { level: 1, name: shared }).waitFor();

          // The board: the call's time with its zone.
          await openFromNav(a.page, 'Hotline', 'Hotline');
          const row = a.page.getByTestId('call-row').filter({ hasText: subject });
          expect(await row.locator('time').textContent()).toMatch(/\(GMT-[45]\)$/);

          // cn-mps: the same call, the same case link; Shanghai's zone.
          await b.page.goto(`${pair.cn.url}${callUrl}`);
          await b.page.getByRole('heading', { level: 1, name: subject }).waitFor({ timeout: LIVE });
          const caseB = b.page.getByTestId('call-case').getByRole('link', { name: shared });
          await caseB.waitFor();
          for (const text of await b.page.locator('main time').allTextContents()) {
            expect(text).toMatch(/\(GMT\+8\)$/);
          }
          // The banner of the waiting call too (waited for: it moves the page down).
          const banner = b.page.getByRole('region', {
            name: '1 hotline call waiting for acknowledgement',
          });
          await banner.waitFor({ timeout: LIVE });
          expect(await banner.locator('time').first().textContent()).toMatch(/\(GMT\+8\)$/);
          await caseB.click();
          await b.page.getByRole('heading', { level: 1, name: shared }).waitFor();

          // The search page: the call, the case and an object, each kind labelled, each linked.
          const object = await pair.us.api('POST', `/api/cases/${sharedId}/objects`, {
            object: {
              type: 'indicator',
              name: `Indicator ${stamp}`,
              pattern: "[ipv4-addr:value = '192.0.2.44']",
              pattern_type: 'stix',
              valid_from: new Date().toISOString(),
            },
            tlp: 'green',
          });
          expect(object.status, JSON.stringify(object.body)).toBe(201);
          const note = await pair.us.api('POST', '/api/notes', {
            peer: 'cn-mps',
            text: `Note about ${stamp}`,
          });
          expect(note.status).toBe(201);
          await sendRequest(pair.us, 'cn-mps', {
            type: 'preservation',
            urgency: 'routine',
            title: `Preservation ${stamp}`,
            fields: PRESERVATION_FIELDS,
          });
          await a.page.goto(`${pair.us.url}/search?q=${stamp}`);
          await a.page.getByRole('heading', { level: 1, name: 'Search' }).waitFor();
          for (const [label, name] of [
            [/^\d+ hotline calls?$/, subject],
            [/^\d+ cases?$/, shared],
            [/^\d+ objects?$/, `Indicator ${stamp}`],
            [/^\d+ requests?$/, `Preservation ${stamp}`],
            [/^\d+ notes?$/, `Note about ${stamp}`],
          ] as const) {
            const group = a.page.getByRole('region', { name: label });
            await group.getByRole('link', { name }).waitFor({ timeout: LIVE });
          }
          await a.page.getByRole('link', { name: subject }).click();
          await a.page.getByRole('heading', { level: 1, name: subject }).waitFor();
        });
      } finally {
        await a.context.close();
        await b.context.close();
      }
    },
    TIMEOUT,
  );
});
