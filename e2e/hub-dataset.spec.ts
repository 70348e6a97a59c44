// Calibration text from a Hub dataset in Chromium (issue "The studio", item 2): with the Hub
// endpoint set to the local Hub-compatible server, a domain takes a dataset's parquet file (listed
// through @huggingface/hub, repo type dataset), a wrong column and a missing dataset show typed
// errors inline without losing what was chosen, the document/token count shows before running,
// and calibration runs with it. No network: the Hub is 127.0.0.1.
import { expect, test } from '@playwright/test';
import { startFixtureHub } from '../scripts/hub-server/fixture-hub';
import type { HubServer } from '../scripts/hub-server/server';

let hub: HubServer;
let stop: (() => Promise<void>) | undefined;

test.beforeAll(async () => {
  ({ hub, stop } = await startFixtureHub('symphony-hub-ds-', { port: 0, host: '127.0.0.1' }));
});

test.afterAll(async () => {
  await stop?.();
});

test('a calibration domain takes a parquet file of a Hub dataset, shows its count, and calibrates', async ({ page }, info) => {
  test.setTimeout(300_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByTestId('gpu-report')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await page.getByLabel('Hub endpoint').fill(hub.url);
  await page.getByTestId('load-demo').click();
  await expect(page.getByTestId('stage-status-sources')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });

  await page.getByTestId('stage-calibration').click();
  await expect(page.getByTestId('panel-calibration')).toBeVisible();
  await page.getByLabel('tokens per domain').fill('128');
  await page.getByLabel('sequence length (tokens)').fill('32');
  await page.getByLabel('New domain name').fill('places');
  await page.getByRole('button', { name: 'Add a domain' }).click();

  const picker = page.getByTestId('dataset-places');
  await picker.getByLabel('Hub dataset for places').fill('https://huggingface.co/datasets/fixtures/calib-text');
  await picker.getByRole('button', { name: 'List files' }).click();
  await expect(picker.getByLabel('Dataset file for places')).toHaveValue('data/train.parquet');
  await expect(picker.getByLabel('Dataset file for places').locator('option')).toHaveCount(3);

  // A column that is not there: the error names the string columns, which become the choices.
  await picker.getByLabel('Text column for places').fill('body');
  await picker.getByRole('button', { name: 'Fetch text' }).click();
  await expect(page.getByTestId('error-dataset-docs:places')).toHaveAttribute('data-code', 'DATASET_COLUMN');
  await expect(page.getByTestId('error-dataset-docs:places')).toContainText('"text", "topic"');
  await picker.getByLabel('Text column for places').selectOption('text');
  await picker.getByRole('button', { name: 'Fetch text' }).click();
  const count = page.getByTestId('dataset-count-places');
  await expect(count).toContainText(/\d+ document\(s\), [\d,]+ tokens/);
  await expect(count).toContainText('anchor tokenizer');
  await expect(page.getByTestId('error-dataset-docs:places')).toHaveCount(0);
  const ranged = hub.log().filter((e) => e.path.startsWith('/datasets/fixtures/calib-text/resolve/') && e.status === 206);
  expect(ranged.length).toBeGreaterThan(0);

  // A dataset that does not exist: a typed error inline; the file already read stays chosen.
  await picker.getByLabel('Hub dataset for places').fill('fixtures/no-such-dataset');
  await picker.getByRole('button', { name: 'List files' }).click();
  await expect(page.getByTestId('error-dataset-files:places')).toHaveAttribute('data-code', 'REPO_NOT_FOUND');
  await expect(count).toContainText('data/train.parquet');
  await picker.getByLabel('Hub dataset for places').fill('fixtures/calib-text');
  await page.getByTestId('panel-calibration').screenshot({ path: info.outputPath('calibration-hub-dataset.png') });
  await picker.scrollIntoViewIfNeeded();
  await page.screenshot({ path: info.outputPath('calibration-hub-dataset-1280x720.png') });

  await page.getByTestId('run-calibration').click();
  await expect(page.getByTestId('stage-status-calibration')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  const row = page.getByTestId('calibration-summary').locator('tr', { hasText: 'places' });
  await expect(row).toHaveCount(1);
  expect(Number((await row.locator('td').nth(1).innerText()).replace(/,/g, ''))).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});
