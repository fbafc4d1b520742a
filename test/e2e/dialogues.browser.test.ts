import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loggedIn, markNotReloaded, notReloaded, screenshotsFor } from '../harness/browser.js';
import type { NodeProcess } from '../harness/cluster.js';
import { usePeeredPair } from '../harness/pair.js';
import { LANGUAGES, languageContext, openAndSettle } from '../harness/seed.js';
import { until } from '../harness/wait.js';

// Issue 18 in Chromium, on two real node processes, peered. Acceptance 4: a policy officer
// on each side records its status of a commitment from the commitment's page, and the other
// side's page shows it live (no reload): done against in progress shows diverging on both,
// done on both shows done. On the way, cn-mps's officer accepts the meeting's record from
// its page and us-doj's page turns to agreed, both signatures verified. Acceptance 3's part:
// the status report's print view renders in Chromium in English and in Chinese.

const TIMEOUT = 240_000;
const LIVE = 30_000;

const pair = usePeeredPair();
const screenshotOnFailure = screenshotsFor('dialogues');

const OFFICERS = {
  us: {
    username: 'policy.miller',
    displayName: 'Dana Miller',
    password: 'a long policy officer password',
    roles: ['officer'],
  },
  cn: {
    username: 'policy.zhao',
    displayName: '赵敏',
    password: 'a long policy officer password',
    roles: ['officer'],
  },
};

const HOTLINE = '5b3a1d2e-8c4f-4e1a-9d7b-2f6e8a0c1b01';
const GUIDELINES = '5b3a1d2e-8c4f-4e1a-9d7b-2f6e8a0c1b02';
const RECORD = {
  outcomes: [
    {
      paragraph: 1,
      kind: 'agreement',
      text: {
        en: 'The sides agreed on guidelines for requests for assistance.',
        zh: '双方就协助请求指导原则达成一致。',
      },
    },
    {
      paragraph: 2,
      kind: 'agreement',
      text: { en: 'The sides agreed to establish a hotline.', zh: '双方同意建立热线。' },
    },
  ],
  commitments: [
    {
      id: GUIDELINES,
      what: { en: 'Write the guidelines for requests', zh: '制定协助请求指导原则' },
      ownerSides: ['us-doj', 'cn-mps'],
      owner: 'Central authorities',
      dueDate: '2016-06-01',
      paragraph: 1,
    },
    {
      id: HOTLINE,
      what: { en: 'Establish the hotline', zh: '建立热线' },
      ownerSides: ['us-doj', 'cn-mps'],
      owner: 'Duty desks',
      dueDate: '2016-03-01',
      paragraph: 2,
      measure: { key: 'pings.answered_share', comparator: 'gte', threshold: 0.9 },
    },
  ],
};

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.addScriptTag({ path: AXE });
  // Runs in the page; the tests' TypeScript has no DOM library, hence a string.
  return page.evaluate<string[]>(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ': ' + v.help + ' ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')))`);
}

async function api(node: NodeProcess, method: string, url: string, body?: unknown): Promise<any> {
  const r = await node.api(method, url, body);
  expect(r.status, `${node.nodeId} ${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body as unknown;
}

/** us-doj opens a dialogue with cn-mps and a meeting, and proposes its record (version 1). */
async function proposedMeeting(): Promise<{ dialogueId: string; meetingId: string }> {
  const dialogue = await api(pair.us, 'POST', '/api/dialogues', {
    peer: 'cn-mps',
    title: {
      en: 'High-Level Joint Dialogue on Cybercrime',
      zh: '打击网络犯罪及相关事项高级别联合对话',
    },
  });
  const meeting = await api(pair.us, 'POST', `/api/dialogues/${dialogue.id}/meetings`, {
    number: 1,
    startDate: '2015-12-01',
    endDate: '2015-12-02',
    place: 'Washington',
    timeZone: 'America/New_York',
    delegations: [
      {
        side: 'us-doj',
        delegates: [{ name: 'Loretta Lynch', title: 'Attorney General', role: 'head' }],
      },
      { side: 'cn-mps', delegates: [{ name: '郭声琨', title: '国务委员', role: 'head' }] },
    ],
    agenda: [{ item: 1, title: { en: 'Requests for assistance', zh: '协助请求' } }],
  });
  const path = `/api/dialogues/${dialogue.id}/meetings/${meeting.id}`;
  await until(async () => (await pair.cn.api('GET', path)).status === 200, 'the meeting at cn');
  await api(pair.us, 'POST', `${path}/record`, { content: RECORD });
  await until(
    async () => (await api(pair.cn, 'GET', path)).record.latest?.version === 1,
    'version 1 at cn',
  );
  return { dialogueId: dialogue.id as string, meetingId: meeting.id as string };
}

/** The commitment page's statement form: a status and a note, recorded. */
async function attest(page: Page, status: string, note: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Our statement' });
  await form.getByLabel('Status').selectOption({ label: status });
  await form.getByLabel('Note').fill(note);
  await form.getByRole('button', { name: 'Record our statement' }).click();
  await form.getByText('Recorded and sent to the peer.').waitFor();
}

const stateOf = (page: Page) => page.getByRole('main').getByTestId('commitment-state').first();

describe('the dialogue record in Chromium', () => {
  let dialogueId = '';
  let meetingId = '';

  it(
    "a policy officer on each side records a status of a commitment; the other side's page shows it live",
    async () => {
      for (const side of ['us', 'cn'] as const) {
        expect((await pair[side].api('POST', '/api/users', OFFICERS[side])).status).toBe(201);
      }
      const ids = await proposedMeeting();
      dialogueId = ids.dialogueId;
      meetingId = ids.meetingId;
      const usOfficer = await loggedIn(pair.browser, pair.us, 'America/New_York', OFFICERS.us);
      const cnOfficer = await loggedIn(pair.browser, pair.cn, 'Asia/Shanghai', OFFICERS.cn);
      const a = usOfficer.page;
      const b = cnOfficer.page;
      try {
        await screenshotOnFailure({ 'us-officer': a, 'cn-officer': b }, async () => {
          // us-doj's officer opens the meeting from the menu: the record awaits cn-mps.
          for (const page of [a, b]) {
            await page
              .getByRole('navigation', { name: 'Main navigation' })
              .getByRole('link', { name: 'Dialogues', exact: true })
              .click();
            await page.getByRole('heading', { level: 1, name: 'Dialogues' }).waitFor();
            await page
              .getByTestId('dialogue-row')
              .getByRole('link', { name: 'High-Level Joint Dialogue on Cybercrime' })
              .click();
            await page.getByTestId('meeting-row').getByRole('link', { name: 'Meeting 1' }).click();
            await page.getByRole('heading', { level: 1, name: 'Meeting 1 — Washington' }).waitFor();
          }
          await a.getByText('Waiting for cn-mps to answer.').waitFor();
          await markNotReloaded(a);
          // The meeting's days, in both delegations and the outcome in both languages.
          await b.getByText('Delegation of us-doj', { exact: true }).first().waitFor();
          await b.getByText('双方同意建立热线。').waitFor();

          // cn-mps's officer accepts version 1; us-doj's page turns to agreed by itself.
          await b
            .getByText('Version 1 awaits our answer: accept it, amend it or decline it.')
            .waitFor();
          await b.getByRole('button', { name: 'Accept version 1' }).click();
          await b
            .getByTestId('record-status')
            .getByText('Agreed and signed')
            .waitFor({ timeout: LIVE });
          await a
            .getByTestId('record-status')
            .getByText('Agreed and signed')
            .waitFor({ timeout: LIVE });
          // Both nodes' signatures, each verified, in the history of the record on both pages.
          for (const page of [a, b]) {
            await expect
              .poll(() => page.getByTestId('signature').getByText('Signature verified').count(), {
                timeout: LIVE,
              })
              .toBe(2);
          }

          // Each officer opens the hotline commitment (us-doj from the record, cn-mps from the list).
          await a
            .getByTestId('record-commitment')
            .getByRole('link', { name: 'Establish the hotline' })
            .click();
          await b.getByRole('link', { name: 'High-Level Joint Dialogue on Cybercrime' }).click();
          await b
            .getByTestId('commitment-row')
            .getByRole('link', { name: 'Establish the hotline' })
            .click({ timeout: LIVE });
          for (const page of [a, b]) {
            await page.getByRole('heading', { level: 1, name: 'Establish the hotline' }).waitFor();
            await markNotReloaded(page);
          }
          expect(await stateOf(a).textContent()).toBe('Not started');

          // us-doj says done: cn-mps's page shows it beside its own, live.
          await attest(a, 'Done', 'Hotline numbers exchanged; tested weekly.');
          const theirsAtCn = b.getByTestId('attestation-theirs');
          await theirsAtCn.getByText('Done', { exact: true }).waitFor({ timeout: LIVE });
          await theirsAtCn.getByText('Hotline numbers exchanged; tested weekly.').waitFor();
          await theirsAtCn.getByText(/By Dana Miller/).waitFor();

          // cn-mps says in progress: diverging on both, both statements side by side.
          await attest(b, 'In progress', '正在测试值班电话。');
          const theirsAtUs = a.getByTestId('attestation-theirs');
          await theirsAtUs.getByText('In progress', { exact: true }).waitFor({ timeout: LIVE });
          await theirsAtUs.getByText('正在测试值班电话。').waitFor();
          for (const page of [a, b]) {
            await expect
              .poll(() => stateOf(page).textContent(), { timeout: LIVE })
              .toBe('Diverging');
            await page.getByTestId('diverging-note').waitFor();
          }
          await a.getByTestId('attestation-ours').getByText('Done', { exact: true }).waitFor();

          // cn-mps says done too: done on both, us-doj's page without a reload.
          await attest(b, 'Done', '已完成测试。');
          for (const page of [a, b]) {
            await expect.poll(() => stateOf(page).textContent(), { timeout: LIVE }).toBe('Done');
          }
          await a.getByTestId('attestation-theirs').getByText('已完成测试。').waitFor();
          // The tied measure shows beside the statements.
          await a.getByRole('heading', { name: 'Tied measure' }).waitFor();
          await a.getByTestId('measure-value').waitFor();

          expect(await notReloaded(a)).toBe(true);
          expect(await notReloaded(b)).toBe(true);
        });
      } finally {
        await usOfficer.context.close();
        await cnOfficer.context.close();
      }
    },
    TIMEOUT,
  );

  it(
    "the status report's print view renders in English and in Chinese",
    async () => {
      expect(dialogueId).not.toBe('');
      const today = new Date().toISOString().slice(0, 10);
      const url = `${pair.us.url}/dialogues/report?peer=cn-mps&from=2015-11-01&to=${today}`;
      const cases = [
        {
          language: 'en' as const,
          title: 'Status report for the next meeting',
          headings: [
            'Requests',
            'Hotline',
            'Pings',
            'Cases and sharing',
            'Exercises',
            'Commitments',
            'Draft agenda for the next meeting',
          ],
          overdue: 'Write the guidelines for requests',
          reason: 'Overdue',
          docx: ['Word document (English)', 'Word document (Chinese)'],
        },
        {
          language: 'zh-CN' as const,
          title: '提交下次会议的进展报告',
          headings: [
            '请求',
            '热线',
            '联络测试',
            '案件与信息共享',
            '演练',
            '承诺事项',
            '下次会议议程草案',
          ],
          overdue: '制定协助请求指导原则',
          reason: '已逾期',
          docx: ['Word 文档（英文）', 'Word 文档（中文）'],
        },
      ];
      for (const c of cases) {
        const context = await languageContext(pair.browser, pair.us, c.language);
        const page = await context.newPage();
        try {
          await screenshotOnFailure({ [`report-${c.language}`]: page }, async () => {
            await page.goto(url);
            await page.getByRole('heading', { level: 1, name: c.title }).waitFor();
            const report = page.getByTestId('status-report');
            await report.waitFor();
            await page.emulateMedia({ media: 'print' });
            // On paper: no menu, no buttons, no filter; the header only paper shows.
            expect(
              await page.getByRole('navigation', { name: /Main navigation|主导航/ }).isVisible(),
            ).toBe(false);
            expect(await page.locator('.print-actions').isVisible()).toBe(false);
            expect(await page.getByTestId('print-header').isVisible()).toBe(true);
            expect(await page.getByRole('heading', { level: 1, name: c.title }).isVisible()).toBe(
              true,
            );
            for (const heading of c.headings) {
              expect(
                await report
                  .getByRole('heading', { level: 2, name: heading, exact: true })
                  .isVisible(),
                heading,
              ).toBe(true);
            }
            // The figures: two commitments, done by both one, the other overdue on the agenda.
            expect(await report.getByTestId('figure-commitments-total').textContent()).toBe('2');
            expect(await report.getByTestId('figure-done-by-both').textContent()).toBe('1');
            const entry = report.getByTestId('agenda-entry').filter({ hasText: c.overdue });
            expect(await entry.isVisible()).toBe(true);
            expect(await entry.getByText(c.reason, { exact: true }).isVisible()).toBe(true);
            const text = await report.innerText();
            if (c.language === 'zh-CN') expect(text).toMatch(/\p{Script=Han}{4,}/u);
            else expect(text).not.toMatch(/\p{Script=Han}/u);
            // And Chromium lays it out on paper.
            const pdf = await page.pdf({ format: 'A4' });
            expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
            expect(pdf.length).toBeGreaterThan(10_000);
            // The Word document's links (hidden on paper) fetch a DOCX in each language.
            await page.emulateMedia({ media: 'screen' });
            for (const name of c.docx) {
              const href = await page.getByRole('link', { name }).getAttribute('href');
              const docx = await page.request.get(`${pair.us.url}${href ?? ''}`);
              expect(docx.status(), name).toBe(200);
              expect(docx.headers()['content-type']).toContain('wordprocessingml');
              expect((await docx.body()).subarray(0, 2).toString()).toBe('PK');
            }
          });
        } finally {
          await context.close();
        }
      }
    },
    TIMEOUT,
  );
  it(
    "a meeting added from the dialogue's page; its record drafted and proposed by us-doj, amended by cn-mps and accepted by us-doj, all from the pages",
    async () => {
      expect(dialogueId).not.toBe('');
      const usOfficer = await loggedIn(pair.browser, pair.us, 'America/New_York', OFFICERS.us);
      const cnOfficer = await loggedIn(pair.browser, pair.cn, 'Asia/Shanghai', OFFICERS.cn);
      const a = usOfficer.page;
      const b = cnOfficer.page;
      try {
        await screenshotOnFailure({ 'us-writer': a, 'cn-writer': b }, async () => {
          // us-doj adds meeting 2, dates still open, in Beijing's time zone.
          await a.goto(`${pair.us.url}/dialogues/${dialogueId}`);
          await a.getByRole('button', { name: 'Add a meeting' }).click();
          const add = a.getByRole('form', { name: 'Add the meeting' });
          expect(await add.getByLabel('Number').inputValue()).toBe('2');
          await add.getByLabel('Place').fill('Beijing');
          await add.getByLabel('Time zone').selectOption('Asia/Shanghai');
          await add.getByLabel('When (while the dates are open)').fill('June 2016');
          await add
            .getByRole('button', { name: 'Add a member to the delegation of cn-mps' })
            .click();
          await add.getByLabel('Name').fill('孟建柱');
          await add.getByLabel('Role').selectOption('head');
          await add.getByRole('button', { name: 'Add an agenda item' }).click();
          await add.getByLabel('Item 1 (English)').fill('Review of the commitments');
          await add.getByLabel('Item 1 (Chinese)').fill('审议承诺事项落实情况');
          await add.getByRole('button', { name: 'Add the meeting' }).click();
          await a.getByRole('heading', { level: 1, name: 'Meeting 2 — Beijing' }).waitFor();
          await a.getByText('June 2016', { exact: true }).waitFor();
          await a.getByText('审议承诺事项落实情况').waitFor();
          const meetingPath = new URL(a.url()).pathname;

          // us-doj writes the record: one outcome, one commitment, and proposes it.
          const draft = a.getByRole('form', { name: 'Our draft of the record' });
          await draft.getByRole('button', { name: 'Add an outcome' }).click();
          await draft.getByLabel('Kind').selectOption('statement');
          await draft
            .getByLabel('Paragraph 1 (English)')
            .fill('The sides reviewed the hotline and the guidelines.');
          await draft
            .getByLabel('Paragraph 1 (Chinese)')
            .fill('双方审议了热线和指导原则的落实情况。');
          await draft.getByRole('button', { name: 'Add a commitment' }).click();
          await draft
            .getByLabel('Commitment 1 (English)')
            .fill('Exchange contact lists every quarter');
          await draft.getByLabel('Owner', { exact: true }).fill('Liaison offices');
          await draft.getByLabel('Due').fill('2016-09-30');
          await draft.getByRole('button', { name: 'Propose to cn-mps' }).click();
          await a.getByText('Waiting for cn-mps to answer.').waitFor();
          await markNotReloaded(a);

          // cn-mps amends it: the Chinese text of the commitment.
          await b.goto(`${pair.cn.url}${meetingPath}`);
          await b.getByRole('heading', { level: 1, name: 'Meeting 2 — Beijing' }).waitFor();
          await b
            .getByText('Version 1 awaits our answer: accept it, amend it or decline it.')
            .waitFor({ timeout: LIVE });
          await b.getByRole('button', { name: 'Amend' }).click();
          const amend = b.getByRole('form', { name: 'Amendment of the record' });
          expect(await amend.getByLabel('Commitment 1 (English)').inputValue()).toBe(
            'Exchange contact lists every quarter',
          );
          await amend.getByLabel('Commitment 1 (Chinese)').fill('每季度交换联系人名单');
          await amend.getByRole('button', { name: 'Send the amendment' }).click();
          await b.getByText('Waiting for us-doj to answer.').waitFor();

          // us-doj sees version 2 live and accepts it: agreed on both, with its history.
          await a.getByRole('button', { name: 'Accept version 2' }).click({ timeout: LIVE });
          for (const page of [a, b]) {
            await page
              .getByTestId('record-status')
              .getByText('Agreed and signed')
              .waitFor({ timeout: LIVE });
            await page.getByText('每季度交换联系人名单').waitFor({ timeout: LIVE });
            const versions = page.getByTestId('version');
            await expect.poll(() => versions.count(), { timeout: LIVE }).toBe(2);
            await versions
              .filter({ hasText: 'Version 1, proposal' })
              .getByText('Amended')
              .waitFor();
            await versions
              .filter({ hasText: 'Version 2, amendment' })
              .getByText('Accepted', { exact: true })
              .waitFor();
          }
          // The same hash on both pages.
          const hashAt = (page: Page) => page.getByTestId('version-hash').last().textContent();
          expect(await hashAt(a)).toBe(await hashAt(b));
          expect(await notReloaded(a)).toBe(true);
        });
      } finally {
        await usOfficer.context.close();
        await cnOfficer.context.close();
      }
    },
    TIMEOUT,
  );
  it(
    'the dialogue pages have no serious or critical accessibility violation (axe-core), in English and Chinese',
    async () => {
      expect(meetingId).not.toBe('');
      const base = `/dialogues/${dialogueId}`;
      const pages = [
        '/dialogues',
        base,
        `${base}/meetings/${meetingId}`,
        `${base}/commitments/${HOTLINE}`,
        `${base}/commitments/${GUIDELINES}`,
        '/dialogues/report?peer=cn-mps&from=2015-11-01&to=2030-01-01',
      ];
      for (const language of LANGUAGES) {
        const context = await languageContext(pair.browser, pair.us, language, 'desktop', {
          bypassCSP: true,
        });
        const page = await context.newPage();
        try {
          const found: string[] = [];
          for (const path of pages) {
            await openAndSettle(page, `${pair.us.url}${path}`);
            found.push(...(await seriousViolations(page)).map((v) => `${path} [${language}] ${v}`));
          }
          expect(found).toEqual([]);
        } finally {
          await context.close();
        }
      }
    },
    TIMEOUT,
  );
});
