// The studio's demo flow end to end in headless Chromium with WebGPU (SwiftShader): load the demo
// family, calibrate, align, CKA, merge with baselines, train a few router steps, evaluate and
// export; assertions on what is rendered, a screenshot of every panel, and no console errors.
// The network is cut: every request that does not go to the local dev server is aborted and
// recorded, and none may happen (the demo runs offline). Budgets are tiny so that the software
// adapter finishes in a few minutes.
import { expect, test, type Page } from '@playwright/test';

test.describe.configure({ mode: 'serial' });

async function openStage(page: Page, id: string): Promise<void> {
  await page.getByTestId(`stage-${id}`).click();
  await expect(page.getByTestId(`panel-${id}`)).toBeVisible();
}

async function done(page: Page, id: string, timeout = 240_000): Promise<void> {
  await expect(page.getByTestId(`stage-status-${id}`)).toHaveAttribute('data-status', 'done', { timeout });
}

test('the demo flow runs end to end', async ({ page }, info) => {
  test.setTimeout(900_000);
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const shot = (name: string) => page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
  const external: string[] = [];
  await page.context().route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return route.continue();
    external.push(url.href);
    return route.abort('internetdisconnected');
  });

  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByTestId('gpu-report')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });

  await page.getByTestId('load-demo').click();
  await expect(page.getByTestId('source-card')).toHaveCount(4, { timeout: 60_000 });
  await expect(page.getByTestId('mergeable')).toBeVisible({ timeout: 60_000 });
  await done(page, 'sources');
  await shot('1-sources');

  await openStage(page, 'calibration');
  await page.getByLabel('tokens per domain').fill('128');
  await page.getByLabel('sequence length (tokens)').fill('32');
  await page.getByTestId('run-calibration').click();
  await expect(page.getByTestId('calibration-summary')).toBeVisible({ timeout: 60_000 });
  await done(page, 'calibration');
  await shot('2-calibration');

  await openStage(page, 'alignment');
  await page.getByTestId('run-alignment').click();
  await done(page, 'alignment');
  await expect(page.getByTestId('chart-fixed-points')).toBeVisible();
  await expect(page.getByTestId('fp-value')).toContainText('e-');
  await shot('3-alignment');

  await openStage(page, 'cka');
  await page.getByTestId('run-cka').click();
  await done(page, 'cka');
  const cells = page.getByTestId('cka-cell');
  expect(await cells.count()).toBeGreaterThanOrEqual(16);
  const values = await cells.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  expect(values.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
  await shot('4-cka');

  await openStage(page, 'merge');
  for (const b of ['symphony-shared', 'btx', 'drop-upcycling', 'naive-upcycling']) {
    const box = page.getByTestId(`baseline-${b}`);
    if (b === 'btx' || b === 'naive-upcycling') await box.check();
    else await box.uncheck();
  }
  await page.getByTestId('run-merge').click();
  await done(page, 'merge');
  await expect(page.getByTestId('built-row')).toHaveCount(3 + 4);
  await shot('5-merge');

  await openStage(page, 'train');
  await page.getByTestId('train-model').selectOption('symphony');
  await page.getByLabel('steps', { exact: true }).fill('3');
  await page.getByLabel('tokens per batch').fill('64');
  await page.getByLabel('sequence length', { exact: true }).fill('32');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('loss-point')).toHaveCount(3, { timeout: 300_000 });
  await done(page, 'train');
  await shot('6-train');

  await openStage(page, 'evaluate');
  await page.getByTestId('run-evaluate').click();
  await done(page, 'evaluate', 400_000);
  const rows = page.getByTestId('ppl-row');
  await expect(rows).toHaveCount(3 + 4);
  await shot('7-evaluate');

  await openStage(page, 'export');
  await page.getByTestId('export-model').selectOption('symphony');
  const download = page.waitForEvent('download', { timeout: 120_000 }).catch(() => null);
  await page.getByTestId('run-export').click();
  await done(page, 'export', 120_000);
  await expect(page.getByTestId('last-export')).toContainText('.zip');
  await download;
  await shot('8-export');

  // A reload mid-workflow keeps the finished stages and their results.
  await page.reload();
  await expect(page.getByTestId('gpu-report')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  for (const id of ['sources', 'calibration', 'alignment', 'cka', 'merge', 'train', 'evaluate']) {
    await expect(page.getByTestId(`stage-status-${id}`)).toHaveAttribute('data-status', 'done');
  }
  await openStage(page, 'evaluate');
  await expect(page.getByTestId('ppl-row')).toHaveCount(3 + 4);
  await openStage(page, 'cka');
  expect(await page.getByTestId('cka-cell').count()).toBeGreaterThanOrEqual(16);
  await shot('9-after-reload');

  expect(errors).toEqual([]);
  expect(external).toEqual([]);
});
