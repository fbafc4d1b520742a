import { describe, it } from 'vitest';
import { loggedIn, openFromNav, screenshotsFor } from '../harness/browser.js';
import { usePeeredPair } from '../harness/pair.js';

// Issue 15, item 9: threaded notes, a "delivered" state for the sender, and a note that asks
// for an acknowledgement. us-doj asks; cn-mps answers under it and acknowledges; us-doj sees
// all three without reloading.

const TIMEOUT = 180_000;
const LIVE = 30_000;
const pair = usePeeredPair();
const screenshotOnFailure = screenshotsFor('notes');

describe('notes between two nodes', () => {
  it(
    'are delivered, answered in a thread and acknowledged when asked',
    async () => {
      const a = await loggedIn(pair.browser, pair.us, 'America/New_York');
      const b = await loggedIn(pair.browser, pair.cn, 'Asia/Shanghai');
      try {
        await screenshotOnFailure({ 'us-doj': a.page, 'cn-mps': b.page }, async () => {
          const text = 'Please confirm receipt of preservation order MPS-8841.';
          await openFromNav(a.page, 'Notes', 'Notes');
          await openFromNav(b.page, 'Notes', 'Notes');
          await a.page.getByLabel('Note', { exact: true }).fill(text);
          await a.page.getByLabel('Ask the peer to acknowledge it').check();
          await a.page.getByRole('button', { name: 'Send note', exact: true }).click();
          const ours = a.page.locator('article', { hasText: text });
          await ours.getByText('Delivered', { exact: true }).waitFor({ timeout: LIVE });
          await ours.getByText('Acknowledgement asked, not yet given').waitFor();

          // cn-mps: the note arrives live, asks for an acknowledgement; answer and acknowledge.
          const theirs = b.page.locator('article', { hasText: text });
          await theirs.getByText('Asks for an acknowledgement').waitFor({ timeout: LIVE });
          await theirs.getByRole('button', { name: 'Answer' }).click();
          await b.page.getByTestId('replying-to').waitFor();
          await b.page.getByLabel('Note', { exact: true }).fill('Received; preserved for 90 days.');
          await b.page.getByRole('button', { name: 'Send the answer' }).click();
          await theirs.getByRole('button', { name: 'Acknowledge' }).click();
          await theirs.getByText(/^Acknowledged by /).waitFor();

          // us-doj, never reloaded: the answer sits under the note, and the acknowledgement shows.
          await ours.getByText(/^Acknowledged by /).waitFor({ timeout: LIVE });
          await a.page
            .getByRole('list', { name: /Answers in the thread with/ })
            .getByText('Received; preserved for 90 days.')
            .waitFor({ timeout: LIVE });
        });
      } finally {
        await a.context.close();
        await b.context.close();
      }
    },
    TIMEOUT,
  );
});
