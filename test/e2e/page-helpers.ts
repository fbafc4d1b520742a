import type { Locator, Page } from 'playwright-core';

// What several browser tests read of or do on a page, written once.

/** Submits the Add object form and waits for "Added: …", or fails with the form's error. */
export async function submitObject(form: Locator, added: string): Promise<void> {
  await form.getByRole('button', { name: 'Add the object' }).click();
  const done = form.getByText(`Added: ${added}.`, { exact: true });
  const refused = form.getByRole('alert');
  await done.or(refused).first().waitFor();
  if (await refused.isVisible()) {
    throw new Error(`the node refused ${added}: ${await refused.innerText()}`);
  }
}

/** The row of the object named `name` (its first cell starts with it). */
export function objectRow(page: Page, name: string): Locator {
  return page.getByTestId('object-row').filter({ hasText: name });
}

/** How far the page scrolls sideways: 0 (or less) when nothing makes it scroll. */
export function sideways(page: Page): Promise<number> {
  return page.evaluate(() => {
    // Runs in the page; the tests' TypeScript has no DOM library, hence the shape given here.
    const w = globalThis as unknown as {
      innerWidth: number;
      document: { documentElement: { scrollWidth: number } };
    };
    return w.document.documentElement.scrollWidth - w.innerWidth;
  });
}
