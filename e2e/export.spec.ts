// HF export in Chromium through the browser sinks (directory handle, ZIP download): the files
// equal the in-memory export byte for byte and re-import with the original logits.
import { expect, test } from '@playwright/test';

test('HF export: directory and ZIP sinks in Chromium, re-import gives the same logits', async ({ page }) => {
  await page.goto('/e2e/pages/export.html');
  await page.waitForFunction(() => window.__exportResults !== undefined, undefined, { timeout: 120_000 });
  const r = (await page.evaluate(() => window.__exportResults))!;
  if ('error' in r) throw new Error(r.error);
  expect(r.rows.map((x) => x.target)).toEqual(['directory handle', 'zip download']);
  for (const row of r.rows) {
    expect(row.files).toBeGreaterThan(5);
    expect(row.identical).toBe(true);
    expect(row.maxAbsDiff).toBeLessThanOrEqual(1e-6);
  }
});
