import JSZip from 'jszip';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loggedIn, markNotReloaded, notReloaded, screenshotsFor } from '../harness/browser.js';
import { usePeeredPair } from '../harness/pair.js';
import { dutyOfficer } from '../harness/seed.js';
import { until } from '../harness/wait.js';

// Issue 17, acceptance 5, on two real node processes, peered: a controller of us-doj
// proposes the personnel-breach tabletop from the exercises page; cn-mps's admin accepts it
// from the list; the controller starts the clock at 60× and jumps past T+00:50, and us-doj's
// call inject rings the cn-mps duty officer's banner marked EXERCISE (the console skips an
// inject, sends another now and adds an ad-hoc narrative that reaches the players); the officer
// acknowledges it from the banner; cn-mps's console shows the expected action met, live;
// an evaluator us-doj's controller assigns rates an objective, which stays on us-doj.

const TIMEOUT = 240_000;
const LIVE = 45_000;

const pair = usePeeredPair();
const screenshotOnFailure = screenshotsFor('exercises');

const OFFICER = {
  username: 'duty.li',
  displayName: 'Li Wei (duty officer)',
  password: 'a long duty officer password',
};
const EVALUATOR = {
  username: 'eval.okafor',
  displayName: 'Ngozi Okafor (evaluator)',
  password: 'a long evaluator password',
  roles: ['analyst'],
};
const CONTROLLER = {
  username: 'control.reyes',
  displayName: 'Ana Reyes (controller)',
  password: 'a long controller password',
  roles: ['controller'],
};

describe('a joint exercise in Chromium', () => {
  it(
    "a controller starts the exercise; the peer's duty officer acknowledges the EXERCISE call from the banner; the peer's console sees it met; an evaluator rates an objective",
    async () => {
      await dutyOfficer(pair.cn, OFFICER);
      for (const user of [CONTROLLER, EVALUATOR]) {
        expect((await pair.us.api('POST', '/api/users', user)).status).toBe(201);
      }

      const control = await loggedIn(pair.browser, pair.us, 'America/New_York', {
        username: CONTROLLER.username,
        password: CONTROLLER.password,
      });
      const peerAdmin = await loggedIn(pair.browser, pair.cn, 'Asia/Shanghai');
      const officer = await loggedIn(pair.browser, pair.cn, 'Asia/Shanghai', {
        username: OFFICER.username,
        password: OFFICER.password,
      });
      const a = control.page;
      const b = peerAdmin.page;
      const duty = officer.page;
      try {
        await screenshotOnFailure(
          { control: a, 'peer-admin': b, 'duty-officer': duty },
          async () => {
            // us-doj's controller proposes the scenario to cn-mps, playing side A.
            await a
              .getByRole('navigation', { name: 'Main navigation' })
              .getByRole('link', { name: 'Exercises', exact: true })
              .click();
            await a.getByRole('heading', { level: 1, name: 'Exercises' }).waitFor();
            const propose = a.getByRole('region', { name: 'Propose an exercise' });
            await propose.getByLabel('Scenario').selectOption('personnel-breach');
            await expect.poll(() => propose.getByLabel('Peer').inputValue()).toBe('cn-mps');
            await propose.getByLabel('Side A').check();
            await propose.getByRole('button', { name: 'Propose' }).click();
            await a
              .getByRole('heading', { level: 1, name: /breach of a personnel agency's records/ })
              .waitFor();
            await a.getByRole('main').getByText('Proposed', { exact: true }).waitFor();
            await markNotReloaded(a);
            const exerciseId = a.url().split('/').at(-1) ?? '';

            // cn-mps's admin accepts from the list (the proposal arrives live).
            await b
              .getByRole('navigation', { name: 'Main navigation' })
              .getByRole('link', { name: 'Exercises', exact: true })
              .click();
            await b
              .getByRole('button', { name: 'Accept the proposal of us-doj' })
              .click({ timeout: LIVE });
            await b
              .getByTestId('exercise-row')
              .getByText('Accepted', { exact: true })
              .waitFor({ timeout: LIVE });

            // us-doj: the page turns to accepted by itself and offers the clock's moves.
            await a.getByRole('button', { name: 'Start' }).waitFor({ timeout: LIVE });
            await a.getByLabel('Speed').selectOption('60');
            await a.getByRole('button', { name: 'Start' }).click();
            const state = a.getByTestId('clock-state');
            await expect.poll(() => state.textContent()).toBe('Running at 60×');
            // The clock ticks: a scenario minute for each second.
            const clock = a.getByTestId('clock-time');
            const first = await clock.textContent();
            await expect.poll(() => clock.textContent(), { timeout: 10_000 }).not.toBe(first);
            // The briefing (a narrative to side A) reaches us-doj's players, marked EXERCISE.
            const feed = a.getByRole('list', { name: 'What reached our players' });
            await feed
              .getByRole('heading', { name: 'The agency reports a breach' })
              .waitFor({ timeout: LIVE });
            expect(await feed.getByTestId('exercise-badge').first().textContent()).toBe('EXERCISE');

            // Jump past T+00:50: A's call inject fires through the real hotline.
            await a.getByLabel('Jump to scenario time').fill('00:51');
            await a.getByRole('button', { name: 'Jump', exact: true }).click();
            const callRow = a.getByTestId('inject-row').filter({ hasText: 'exfiltration-call' });
            await callRow.getByText('Fired', { exact: true }).waitFor({ timeout: LIVE });
            await a.getByRole('button', { name: 'Pause' }).click();
            await expect.poll(() => state.textContent()).toBe('Paused');

            // The console: skip one inject, send another now, add a narrative of our own.
            await a.getByRole('button', { name: 'Skip inject threat-to-life' }).click();
            await a
              .getByTestId('inject-row')
              .filter({ hasText: 'threat-to-life' })
              .getByText('Skipped', { exact: true })
              .waitFor({ timeout: LIVE });
            await a.getByRole('button', { name: 'Send now: inject closing-ping' }).click();
            await a
              .getByTestId('inject-row')
              .filter({ hasText: 'closing-ping' })
              .getByText('Fired', { exact: true })
              .waitFor({ timeout: LIVE });
            const adHoc = a.getByRole('form', { name: 'Add an ad-hoc inject' });
            await adHoc.getByLabel('Inject id').fill('press-enquiry');
            await adHoc.getByLabel('Title (English)').fill('A journalist calls the agency');
            await adHoc.getByLabel('Title (Chinese)').fill('记者致电该机构');
            await adHoc
              .getByLabel('Text (English)')
              .fill('She asks whether the breach is linked to B.');
            await adHoc.getByLabel('Text (Chinese)').fill('她询问此次入侵是否与B方有关。');
            await adHoc.getByRole('button', { name: 'Add the inject' }).click();
            await adHoc.getByText('Inject press-enquiry added.').waitFor();
            // Due now, it fires as soon as the clock runs again.
            await a.getByRole('button', { name: 'Resume' }).click();
            await feed
              .getByRole('heading', { name: 'A journalist calls the agency' })
              .waitFor({ timeout: LIVE });
            await a.getByRole('button', { name: 'Pause' }).click();
            await expect.poll(() => state.textContent()).toBe('Paused');

            // cn-mps: the duty officer's banner rings with an EXERCISE call; acknowledged there.
            const banner = duty.getByRole('region', {
              name: '1 hotline call waiting for acknowledgement',
            });
            await banner.waitFor({ timeout: LIVE });
            await banner.getByText('EXERCISE', { exact: true }).waitFor();
            await banner.getByText('Urgent', { exact: true }).waitFor();
            await banner
              .getByRole('button', {
                name: /^Acknowledge the call of us-doj: .*Exfiltration still running/,
              })
              .click();
            await banner.waitFor({ state: 'detached' });

            // cn-mps's console (side B) sees its expected action met, live; us-doj never does.
            await b.getByTestId('exercise-row').getByRole('link').click();
            const observed = b
              .getByTestId('observation-row')
              .filter({ hasText: 'acknowledge the call' })
              .first();
            await observed.getByText('Met', { exact: true }).waitFor({ timeout: LIVE });
            const usObservations = await until(async () => {
              const r = await pair.us.api('GET', `/api/exercises/${exerciseId}/observations`);
              return r.status === 200
                ? (r.body.observations as { expectedId: string }[])
                : undefined;
            }, "us-doj's observations");
            expect(usObservations.map((o) => o.expectedId)).not.toContain('b-acknowledges-call');

            // The call's own page on cn-mps says EXERCISE too.
            const calls = (await pair.cn.api('GET', '/api/hotline/calls?direction=in')).body
              .calls as { id: string; exerciseId: string | null }[];
            const call = calls.find((c) => c.exerciseId === exerciseId);
            expect(call).toBeDefined();
            await duty.goto(`${pair.cn.url}/hotline/${call?.id ?? ''}`);
            await duty.getByRole('heading', { level: 1 }).getByText('EXERCISE').waitFor();
            expect(await notReloaded(a)).toBe(true);
          },
        );
      } finally {
        await control.context.close();
        await peerAdmin.context.close();
        await officer.context.close();
      }
    },
    TIMEOUT,
  );

  it(
    'after the end, a hotwash; the after-action report holds it, prints without the app around it in English and in Chinese, and links its Word document',
    async () => {
      const id = await endedExercise();
      const rated = await pair.us.api('PUT', `/api/exercises/${id}/evaluation/ratings`, {
        objective: 'share-indicators',
        rating: 'M',
        note: 'Indicators shared late.',
      });
      expect(rated.status).toBe(200);
      const { context, page } = await loggedIn(pair.browser, pair.us, 'Europe/Berlin');
      try {
        await screenshotOnFailure({ 'aar-us-doj': page }, async () => {
          // The exercise has ended: the hotwash is open; its strength goes into the AAR.
          await page.goto(`${pair.us.url}/exercises/${id}/hotwash`);
          await page.getByRole('heading', { level: 1, name: /Hotwash/ }).waitFor();
          await page.getByLabel('Strengths').fill('The duty desk answered every call in English.');
          await page.getByRole('button', { name: 'Save my hotwash' }).click();
          await page.getByText(/^Saved /).waitFor();
          await page.getByRole('link', { name: 'After-action report', exact: true }).click();
          await page.getByRole('heading', { level: 1, name: /After-action report/ }).waitFor();
          await page.getByRole('heading', { name: 'Objectives and ratings' }).waitFor();
          const rating = page.getByTestId('aar-rating').filter({ hasText: 'Exchange indicators' });
          await rating.getByText('Performed with major challenges').waitFor();
          await page
            .getByRole('region', { name: 'Strengths' })
            .getByText('The duty desk answered every call in English.')
            .waitFor();
          await printsClean(page, /Node: .*\(us-doj\).*Printed: /);
          for (const heading of [
            'Objectives and ratings',
            'Timeline (both sides)',
            'Improvement plan',
          ]) {
            expect(await page.getByRole('heading', { name: heading }).isVisible()).toBe(true);
          }
          await page.emulateMedia({ media: 'screen' });
          const english = await documentText(page, 'Download Word (HSEEP)', /lang=en$/);
          for (const section of ['Exercise Overview', 'Merged Timeline', 'Improvement Plan']) {
            expect(english).toContain(section);
          }
          expect(english).toContain('Indicators shared late.');

          await page.getByRole('button', { name: '简体中文' }).click();
          await page.getByRole('heading', { level: 1, name: /演练总结报告/ }).waitFor();
          await page.getByRole('heading', { name: '目标与评定' }).waitFor();
          await printsClean(page, /节点/);
          expect(await page.getByRole('heading', { name: '改进计划' }).isVisible()).toBe(true);
          await page.emulateMedia({ media: 'screen' });
          expect(await documentText(page, '下载 Word（HSEEP 格式）', /lang=zh-CN$/)).toMatch(
            /\p{Script=Han}/u,
          );
          // The choice of language is the admin's: back to the browser's for the next test.
          expect((await pair.us.api('PATCH', '/api/me', { language: null })).status).toBe(200);
        });
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );
});

describe('the EXERCISE marker and exercise deadlines in Chromium', () => {
  it(
    "marks EXERCISE on the requests banner, home's deadlines, cases, a case and notes; an exercise request's deadlines show in exercise time and stand with the clock",
    async () => {
      const id = await acceptedExercise();
      // The emergency request goes at T+01:11 with 1 hour to acknowledge; at T+01:58 or a
      // little later, paused, it is due soon (or overdue) on the exercise clock; the
      // indicator opened the exercise case; B's note (T+01:40) went.
      const move = async (body: Record<string, unknown>) =>
        expect((await pair.us.api('POST', `/api/exercises/${id}/clock`, body)).status).toBe(200);
      await move({ kind: 'start', speed: 60 });
      await move({ kind: 'jump', toMinutes: 71 });
      await until(async () => {
        const list = (await pair.cn.api('GET', '/api/requests?direction=in')).body.requests as {
          exerciseId: string | null;
        }[];
        return list.some((x) => x.exerciseId === id);
      }, 'the exercise request on cn-mps');
      await move({ kind: 'jump', toMinutes: 118 });
      // Paused once what the jump passed has gone (a pause first would hold it back).
      await until(async () => {
        const notes = (await pair.cn.api('GET', '/api/notes?peer=us-doj')).body.notes as {
          exerciseId: string | null;
        }[];
        return notes.some((n) => n.exerciseId === id);
      }, "B's exercise note on cn-mps");
      await move({ kind: 'pause' });
      const request = await until(async () => {
        const list = (await pair.cn.api('GET', '/api/requests?direction=in')).body.requests as {
          id: string;
          exerciseId: string | null;
          acknowledge: { state: string } | null;
          exerciseDeadlines: { running: boolean } | null;
        }[];
        const r = list.find((x) => x.exerciseId === id);
        return r?.exerciseDeadlines?.running === false ? r : undefined;
      }, 'the exercise request on cn-mps, its clock paused');
      expect(request.acknowledge?.state).toMatch(/^(due_soon|overdue)$/);
      const exerciseCase = await until(async () => {
        const cases = (await pair.cn.api('GET', '/api/cases')).body.cases as {
          id: string;
          exerciseId: string | null;
        }[];
        return cases.find((c) => c.exerciseId === id);
      }, 'the exercise case on cn-mps');

      const { context, page } = await loggedIn(pair.browser, pair.cn, 'Asia/Shanghai');
      try {
        await screenshotOnFailure({ 'exercise-marker': page }, async () => {
          const badge = (scope: ReturnType<Page['locator']>) =>
            scope.getByTestId('exercise-badge').first().waitFor();
          await page.goto(`${pair.cn.url}/`);
          await badge(page.locator('.request-banner'));
          const deadlines = page.locator('section.deadlines');
          await badge(deadlines);
          await deadlines.getByText('exercise clock stands').first().waitFor();

          await page.goto(`${pair.cn.url}/requests/${request.id}`);
          await page.getByRole('heading', { level: 1 }).getByText('EXERCISE').waitFor();
          await page
            .getByText(/T\+02:1\d exercise time/)
            .first()
            .waitFor();
          await page.getByText('exercise clock stands').first().waitFor();

          await page.goto(`${pair.cn.url}/cases`);
          await badge(page.getByTestId('case-row').filter({ hasText: 'EXERCISE' }));
          await page.goto(`${pair.cn.url}/cases/${exerciseCase.id}`);
          await page.getByRole('heading', { level: 1 }).getByText('EXERCISE').waitFor();

          await page.goto(`${pair.cn.url}/notes`);
          await badge(page.locator('article.note'));

          await page.getByRole('button', { name: '简体中文' }).click();
          await page.locator('article.note').getByText('演习').first().waitFor();
          expect((await pair.cn.api('PATCH', '/api/me', { language: null })).status).toBe(200);
        });
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );
});

describe('the scenario editor in Chromium', () => {
  it(
    'a bad scenario file is refused with each mistake named by line and field beside the text; nothing is stored',
    async () => {
      const { context, page } = await loggedIn(pair.browser, pair.us, 'America/New_York');
      try {
        await screenshotOnFailure({ 'scenario-editor': page }, async () => {
          await page.goto(`${pair.us.url}/exercises/scenarios/new`);
          await page.getByRole('heading', { level: 1, name: 'Import a scenario' }).waitFor();
          const area = page.getByLabel('Scenario (YAML)');
          const source = await area.inputValue();
          // The template with one inject whose time is written wrong.
          const bad = source
            .replace('id: my-scenario', 'id: bad-one')
            .replace(
              'injects: []',
              [
                'injects:',
                '  - id: first',
                '    at: 00:10',
                '    from: control',
                '    to: { side: A, role: officer }',
                '    channel: narrative',
                '    title: { en: First, zh-CN: 第一 }',
                '    body: { en: Text, zh-CN: 正文 }',
              ].join('\n'),
            );
          const line = bad.split('\n').indexOf('    at: 00:10') + 1;
          await area.fill(bad);
          await page.getByRole('button', { name: 'Add the scenario' }).click();
          const problems = page.getByTestId('scenario-problems');
          await problems.waitFor();
          expect(await problems.textContent()).toMatch(
            new RegExp(`Line ${line}, column \\d+ injects\\[0\\]\\.at`),
          );
          expect(await area.getAttribute('aria-invalid')).toBe('true');
          // A click on the mistake selects its line in the text.
          await problems.getByRole('button', { name: new RegExp(`^Line ${line},`) }).click();
          const selected = await area.evaluate((element) => {
            const text = element as unknown as { value: string; selectionStart: number };
            return text.value.slice(text.selectionStart).split('\n')[0];
          });
          expect(selected).toBe('    at: 00:10');
          expect((await pair.us.api('GET', '/api/exercises/scenarios/bad-one')).status).toBe(404);
        });
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );
});

/** A run of personnel-breach, us-doj with cn-mps, accepted, started and ended. */
async function endedExercise(): Promise<string> {
  const id = await acceptedExercise();
  for (const move of [{ kind: 'start', speed: 60 }, { kind: 'end' }]) {
    expect((await pair.us.api('POST', `/api/exercises/${id}/clock`, move)).status).toBe(200);
  }
  return id;
}

/** us-doj proposes personnel-breach to cn-mps as side A; cn-mps accepts. */
async function acceptedExercise(): Promise<string> {
  const proposed = await pair.us.api('POST', '/api/exercises', {
    scenarioId: 'personnel-breach',
    peer: 'cn-mps',
    side: 'A',
  });
  expect(proposed.status).toBe(201);
  const id = proposed.body.id as string;
  await until(
    async () => (await pair.cn.api('GET', `/api/exercises/${id}`)).status === 200,
    'the proposal on cn-mps',
  );
  expect((await pair.cn.api('POST', `/api/exercises/${id}/accept`)).status).toBe(200);
  await until(
    async () => (await pair.us.api('GET', `/api/exercises/${id}`)).body.status === 'accepted',
    'the acceptance on us-doj',
  );
  return id;
}

/** On print media: no menu, no app header, no visible button; the print header shows. */
async function printsClean(page: Page, header: RegExp): Promise<void> {
  await page.emulateMedia({ media: 'print' });
  expect(await page.locator('.app-nav').isVisible()).toBe(false);
  expect(await page.locator('.app-header').isVisible()).toBe(false);
  const visibleButtons = await page
    .locator('main button, main select, main input, main textarea')
    .evaluateAll(
      (controls) =>
        controls.filter((c) => (c as unknown as { offsetParent: unknown }).offsetParent !== null)
          .length,
    );
  expect(visibleButtons).toBe(0);
  const printHeader = page.getByTestId('print-header');
  expect(await printHeader.isVisible()).toBe(true);
  expect(await printHeader.textContent()).toMatch(header);
}

/** The Word document the link named `name` points at (its query must match), as text. */
async function documentText(page: Page, name: string, query: RegExp): Promise<string> {
  const link = page.getByRole('link', { name });
  const href = (await link.getAttribute('href')) ?? '';
  expect(href).toMatch(query);
  const answer = await page.request.get(new URL(href, page.url()).toString());
  expect(answer.status()).toBe(200);
  const bytes = await answer.body();
  expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  const zip = await JSZip.loadAsync(bytes);
  return (await zip.file('word/document.xml')?.async('string')) ?? '';
}
