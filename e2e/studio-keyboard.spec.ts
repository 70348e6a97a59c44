// Keyboard only (issue "The studio"): the tour and the main actions, reached with Tab and
// driven with Enter, arrow keys and Escape; no mouse events at all.
import { expect, test, type Page } from '@playwright/test';

/** Press Tab until the element with this test id has focus (like a keyboard user would). */
async function tabTo(page: Page, testId: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.getByTestId(testId).evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${testId} was not reachable with Tab`);
}

test('the tour and the main actions work without a mouse', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByTestId('gpu-report')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });

  await tabTo(page, 'tour-button');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('tour')).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('panel-calibration')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('tour')).toBeHidden();

  await tabTo(page, 'stage-calibration');
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('panel-sources')).toBeVisible();
  await tabTo(page, 'load-demo');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('source-card')).toHaveCount(4, { timeout: 60_000 });
  await expect(page.getByTestId('stage-status-sources')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });

  await tabTo(page, 'stage-sources');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('panel-calibration')).toBeVisible();
  await tabTo(page, 'run-calibration');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('calibration-summary')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('stage-status-calibration')).toHaveAttribute('data-status', 'done');
});
