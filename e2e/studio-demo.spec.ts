// The studio on the built-in demo family (served by the app, no network): load the sources,
// check the cards and the mergeability report, send the roles, run calibration, and see the
// token counts; the stage navigation marks both stages done, and a reload keeps them.
import { expect, test } from '@playwright/test';

test('demo family: sources and calibration through the panels', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByTestId('gpu-report')).toHaveAttribute('data-status', 'ready');
  await page.getByTestId('load-demo').click();
  await expect(page.getByTestId('stage-status-sources')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  const cards = page.getByTestId('source-card');
  expect(await cards.count()).toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId('mergeable')).toHaveAttribute('data-mergeable', 'true');
  await page.getByTestId('sources-next').click();
  await expect(page.getByTestId('panel-calibration')).toBeVisible();
  await page.getByTestId('run-calibration').click();
  await expect(page.getByTestId('stage-status-calibration')).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
  const rows = page.getByTestId('calibration-summary').locator('tbody tr');
  expect(await rows.count()).toBeGreaterThanOrEqual(2);
  await page.reload();
  await expect(page.getByTestId('stage-status-calibration')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('restored-note')).toBeVisible();
  expect(errors).toEqual([]);
});
