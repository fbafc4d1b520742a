import { describe, expect, it } from 'vitest';
import { loggedIn, screenshotsFor } from '../harness/browser.js';
import { usePeeredPair } from '../harness/pair.js';
import { PRESERVATION_FIELDS, sendRequest } from '../harness/seed.js';
import { until } from '../harness/wait.js';

// Issue 15, item 9: the responder sets the preservation period when fulfilling (the record
// said 60 days while the responder wrote 90), and an attachment can be looked at without
// downloading it.

const TIMEOUT = 180_000;
const LIVE = 30_000;
const pair = usePeeredPair();
const screenshotOnFailure = screenshotsFor('preservation');

describe('fulfilling a preservation request', () => {
  it(
    'keeps the data as long as the responder wrote, and previews the attachment',
    async () => {
      const { us, cn } = pair;
      const { id } = await sendRequest(us, 'cn-mps', {
        type: 'preservation',
        urgency: 'routine',
        title: 'Preserve the ops@example.cn logs',
        fields: PRESERVATION_FIELDS,
      });
      await until(
        async () => (await cn.api('GET', `/api/requests/${id}`)).status === 200,
        'arrival',
      );
      for (const action of ['acknowledge', 'start']) {
        expect((await cn.api('POST', `/api/requests/${id}/moves`, { action })).status).toBe(200);
      }
      const b = await loggedIn(pair.browser, cn, 'Asia/Shanghai');
      try {
        await screenshotOnFailure({ 'cn-mps': b.page }, async () => {
          await b.page.goto(`${cn.url}/requests/${id}`);
          await b.page.getByLabel('Preservation period (days)').fill('90');
          await b.page.getByLabel('Text', { exact: false }).first().fill('Preserved for 90 days.');
          await b.page.getByLabel('Attachment').setInputFiles({
            name: 'preservation-receipt.txt',
            mimeType: 'text/plain',
            buffer: Buffer.from('Receipt MPS-PRES-8841: logs preserved for 90 days.\n'),
          });
          await b.page.getByRole('button', { name: 'Fulfil', exact: true }).click();
          await b.page.getByText('Data kept for 90 days').waitFor({ timeout: LIVE });
          await b.page.getByRole('button', { name: 'Preview' }).click();
          await b.page.getByText('Receipt MPS-PRES-8841: logs preserved for 90 days.').waitFor();
        });
      } finally {
        await b.context.close();
      }
      // The requester's record says 90 days too.
      const onUs = await until(
        async () => {
          const r = await us.api('GET', `/api/requests/${id}`);
          const body = r.body as {
            status: string;
            preservedUntil: string | null;
            timeline: { action: string; at: string }[];
          };
          return body.status === 'fulfilled' ? body : undefined;
        },
        'us-doj to see it fulfilled',
        LIVE,
      );
      const fulfilled = onUs.timeline.find((event) => event.action === 'fulfil');
      const days =
        (Date.parse(onUs.preservedUntil ?? '') - Date.parse(fulfilled?.at ?? '')) / 864e5;
      expect(Math.round(days)).toBe(90);
    },
    TIMEOUT,
  );
});
