// The studio's UI without engine results: adding sources (typed, pasted, dropped links), roles,
// the access token (never rendered back, not persisted unless remembered), persistence across a
// reload, the keyboard tour, and the gallery test page's charts and heatmaps. No network: nothing
// here loads a Hub source.
import { expect, test } from '@playwright/test';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByTestId('gpu-report')).toHaveAttribute('data-status', /ready|acquiring/);
});

test('sources: typed IDs, a dropped Hub link, reordering and the anchor', async ({ page }) => {
  const input = page.getByTestId('ref-input');
  await input.fill('Qwen/Qwen2.5-0.5B-Instruct https://huggingface.co/Qwen/Qwen2.5-Coder-0.5B not-a-model');
  await input.press('Enter');
  await expect(page.getByTestId('source-card')).toHaveCount(2);
  await expect(page.getByText(/Not added: not-a-model/)).toBeVisible();
  await page.getByTestId('sources-drop').evaluate((el) => {
    const dt = new DataTransfer();
    dt.setData('text/uri-list', 'https://huggingface.co/Qwen/Qwen2-0.5B/tree/main');
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  const cards = page.getByTestId('source-card');
  await expect(cards).toHaveCount(3);
  await expect(cards.nth(2)).toHaveAttribute('data-source', 'Qwen/Qwen2-0.5B');
  await page.getByRole('button', { name: 'Move Qwen/Qwen2-0.5B up' }).click();
  await expect(cards.nth(1)).toHaveAttribute('data-source', 'Qwen/Qwen2-0.5B');
  await cards.nth(1).getByRole('radio', { name: 'anchor' }).check();
  await expect(page.getByTestId('sources-next')).toBeDisabled();
});

test('the access token is never rendered back and is kept only when remembered', async ({ page }) => {
  await page.getByTestId('token-input').fill('hf_secret_value');
  await page.getByTestId('token-input').press('Enter');
  await expect(page.getByTestId('token-set')).toContainText('this tab only');
  expect(await page.content()).not.toContain('hf_secret_value');
  expect(await page.evaluate(() => localStorage.getItem('symphony-studio') ?? '')).not.toContain('hf_secret_value');
  await page.reload();
  await expect(page.getByTestId('token-input')).toBeVisible();
});

test('configuration survives a reload', async ({ page }) => {
  await page.getByTestId('ref-input').fill('demo/prose demo/code');
  await page.getByTestId('ref-input').press('Enter');
  await page.getByTestId('stage-alignment').click();
  await page.getByTestId('partial-slider').fill('0.8');
  await page.reload();
  await expect(page.getByTestId('panel-alignment')).toBeVisible();
  await expect(page.getByTestId('partial-slider')).toHaveValue('0.8');
  await page.getByTestId('stage-sources').click();
  await expect(page.getByTestId('source-card')).toHaveCount(2);
  await expect(page.getByTestId('stage-status-sources')).toHaveAttribute('data-status', /idle|error|done/);
});

test('the tour is keyboard-usable and ends on the findings page', async ({ page }) => {
  await page.getByTestId('tour-button').click();
  const tour = page.getByTestId('tour');
  await expect(tour).toBeVisible();
  await expect(page.locator('#tour-title')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('panel-calibration')).toBeVisible();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('panel-sources')).toBeVisible();
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('findings')).toBeVisible();
  await expect(page.getByTestId('finding-function-preservation')).toHaveAttribute('data-holds', 'unknown');
  await page.keyboard.press('Escape');
  await expect(tour).toBeHidden();
  await expect(page.getByTestId('tour-button')).toBeFocused();
});

test('gallery: heatmap cells carry values, the loss history one item per step', async ({ page }) => {
  await page.goto('/e2e/pages/ui-gallery.html');
  const cells = page.getByTestId('gallery-cka').getByTestId('cka-cell');
  await expect(cells).toHaveCount(16);
  expect(Number(await cells.first().getAttribute('data-value'))).toBe(1);
  await expect(page.getByTestId('gallery-train').getByTestId('loss-point')).toHaveCount(40);
  await expect(page.getByTestId('ppl-row')).toHaveCount(4);
  await page.getByTestId('cka-unaligned').check();
  await expect(page.getByTestId('cka-max-difference')).toHaveAttribute('data-value', '3.1e-7');
});
