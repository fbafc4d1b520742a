import { describe, expect, it } from 'vitest';
import { until } from '../harness/wait.js';
import { loggedIn, openFromNav, screenshotsFor } from '../harness/browser.js';
import { usePeeredPair } from '../harness/pair.js';
import {
  DUTY_DESKS,
  PRESERVATION_FIELDS,
  dutyDesk,
  sendRequest,
  untilContactOn,
} from '../harness/seed.js';

// Two real node processes, peered: us-doj pings the point of contact cn-mps published, the
// duty officer of cn-mps acknowledges it from the banner every page shows, and us-doj sees
// the time it took, live, and in its report. Then the figures and the home page's deadlines.

const TIMEOUT = 240_000;
const LIVE = 45_000;

const pair = usePeeredPair();

const screenshotOnFailure = screenshotsFor('pings');

const DUTY_DESK = DUTY_DESKS['cn-mps'];

describe('ping tests, figures and deadlines in Chromium', () => {
  it(
    "pings cn-mps's duty desk; its officer acknowledges from the banner; us-doj sees it live",
    async () => {
      // cn-mps publishes its duty desk; us-doj receives it.
      await dutyDesk(pair.cn);
      await untilContactOn(pair.us, pair.cn, DUTY_DESK.name);

      const a = await loggedIn(pair.browser, pair.us, 'America/New_York');
      const b = await loggedIn(pair.browser, pair.cn, 'Asia/Shanghai');
      try {
        await screenshotOnFailure({ 'us-doj': a.page, 'cn-mps': b.page }, async () => {
          // cn-mps waits on its home page, live, with nothing to acknowledge.
          await b.page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
          const pending = b.page.getByTestId('home-pings');
          await expect
            .poll(() => pending.textContent())
            .toBe('0 incoming ping tests waiting for acknowledgement');
          expect(await b.page.getByRole('button', { name: /^Acknowledge the ping/ }).count()).toBe(
            0,
          );
          await b.page.evaluate(() => {
            (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
          });

          // us-doj pings every contact cn-mps published.
          await openFromNav(a.page, 'Ping tests', 'Ping tests');
          await a.page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
          await expect
            .poll(() => a.page.getByLabel('Peer', { exact: true }).inputValue())
            .toBe('cn-mps');
          await a.page.getByText('No ping sent yet.').waitFor();
          await a.page.getByRole('button', { name: 'Ping all contacts now' }).click();
          await a.page.getByRole('status').filter({ hasText: '1 ping sent.' }).waitFor();
          const row = a.page.getByTestId('ping-row').filter({ hasText: DUTY_DESK.name });
          await row.getByText('Waiting', { exact: true }).waitFor();

          // cn-mps: the banner appears by itself; the officer acknowledges in one click.
          const banner = b.page.getByRole('region', {
            name: '1 ping test waiting for acknowledgement',
          });
          await banner.waitFor({ timeout: LIVE });
          await banner.getByText(`us-doj pinged ${DUTY_DESK.name}`).waitFor();
          await expect
            .poll(() => pending.textContent())
            .toBe('1 incoming ping test waiting for acknowledgement');
          await banner
            .getByRole('button', { name: `Acknowledge the ping of us-doj to ${DUTY_DESK.name}` })
            .click();
          await banner.waitFor({ state: 'detached' });
          await expect
            .poll(() => pending.textContent())
            .toBe('0 incoming ping tests waiting for acknowledgement');
          expect(
            await b.page.evaluate(
              () => (globalThis as unknown as { notReloaded?: boolean }).notReloaded,
            ),
          ).toBe(true);

          // us-doj: acknowledged, with the time it took, and in the report.
          await row.getByText('Acknowledged', { exact: true }).waitFor({ timeout: LIVE });
          const took = await row.getByRole('cell').last().textContent();
          expect(took).toMatch(/\d+ (sec|min)/);
          await expect.poll(() => a.page.getByTestId('report-sent').textContent()).toBe('1');
          await expect.poll(() => a.page.getByTestId('report-answered').textContent()).toBe('1');
          await expect.poll(() => a.page.getByTestId('report-share').textContent()).toBe('100%');
          const perContact = a.page.getByRole('table', { name: 'Per contact' });
          await perContact.getByRole('rowheader', { name: DUTY_DESK.name }).waitFor();
          expect(await a.page.getByText('Never answered in this period').count()).toBe(0);

          // The same report as CSV, with the contact in it.
          const href = await a.page
            .getByRole('link', { name: 'Download CSV' })
            .getAttribute('href');
          expect(href).toMatch(/^\/api\/pings\/report\.csv\?peer=cn-mps&from=/);
          const csv = await a.context.request.get(new URL(href ?? '', pair.us.url).toString());
          expect(csv.status()).toBe(200);
          const lines = (await csv.text()).trim().split(/\r?\n/);
          expect(lines).toHaveLength(2);
          expect(lines[1]).toContain(DUTY_DESK.name);
        });
      } finally {
        await a.context.close();
        await b.context.close();
      }
    },
    TIMEOUT,
  );

  it(
    'shows the figures of a sent request, and lists it on the home page once it is due soon',
    async () => {
      // Terms under which acknowledging a routine preservation request is "due soon" after
      // 1 % of one hour (36 s), so that a real clock gets there during the test.
      const state = await pair.us.api('GET', '/api/arrangements/cn-mps');
      expect(state.status).toBe(200);
      const terms = structuredClone(state.body.inForce.terms);
      terms.dueSoonPercent = 1;
      terms.requestTypes.preservation.deadlines.routine.acknowledge = { amount: 1, unit: 'hours' };
      const proposed = await pair.us.api('POST', '/api/arrangements/cn-mps', { terms });
      expect(proposed.status).toBe(201);
      const version: number = proposed.body.version;
      await until(
        async () =>
          ((await pair.cn.api('GET', '/api/arrangements/us-doj')).body.versions as any[]).some(
            (v) => v.version === version,
          ),
        'the proposal on cn-mps',
        LIVE,
        200,
      );
      const accepted = await pair.cn.api('POST', `/api/arrangements/us-doj/${version}/accept`);
      expect(accepted.status).toBe(200);
      await until(
        async () =>
          (await pair.us.api('GET', '/api/arrangements/cn-mps')).body.inForce.version === version,
        'the terms in force on us-doj',
        LIVE,
        200,
      );

      const title = `Preserve logs of ops@example.cn (${Date.now()})`;
      const sent = await sendRequest(pair.us, 'cn-mps', {
        type: 'preservation',
        urgency: 'routine',
        title,
        fields: PRESERVATION_FIELDS,
      });
      const reference: string = sent.reference;
      expect(Date.parse(sent.acknowledge.dueSoonAt) - Date.parse(sent.sentAt)).toBe(36_000);

      const a = await loggedIn(pair.browser, pair.us, 'America/New_York');
      try {
        await screenshotOnFailure({ 'us-doj-figures': a.page }, async () => {
          // Figures: a row for the preservation request sent, and the total.
          await openFromNav(a.page, 'Figures', 'Figures');
          const sentFigures = a.page.getByRole('region', { name: 'Requests we sent' });
          const preservation = sentFigures
            .getByRole('row')
            .filter({ has: a.page.getByRole('rowheader', { name: 'Preservation', exact: true }) });
          await preservation.waitFor();
          expect(await preservation.getByRole('cell').first().textContent()).toBe('1');
          const total = sentFigures
            .getByRole('row')
            .filter({ has: a.page.getByRole('rowheader', { name: 'All types', exact: true }) });
          expect(await total.getByRole('cell').first().textContent()).toBe('1');
          await sentFigures.getByRole('figure').getByText('Preservation').waitFor();
          const href = await a.page
            .getByRole('link', { name: 'Download CSV' })
            .getAttribute('href');
          expect(href).toMatch(/^\/api\/requests\/figures\.csv\?from=/);

          // Home: the request is listed under Deadlines once due soon, in its colour.
          await a.page
            .getByRole('navigation', { name: 'Main navigation' })
            .getByRole('link', { name: 'Home', exact: true })
            .click();
          await a.page.getByRole('heading', { level: 1, name: /^Welcome, / }).waitFor();
          const deadlines = a.page.getByRole('region', { name: 'Deadlines', exact: true });
          await deadlines.waitFor();
          const item = deadlines.getByRole('listitem').filter({ hasText: reference });
          await item.waitFor({ timeout: 90_000 });
          await item.getByText('Due soon', { exact: false }).waitFor();
          expect(await item.getAttribute('class')).toContain('deadline-due_soon');
          await item.getByRole('link', { name: new RegExp(reference) }).click();
          await a.page.getByRole('heading', { level: 1, name: title }).waitFor();
        });
      } finally {
        await a.context.close();
      }
    },
    TIMEOUT,
  );
});
