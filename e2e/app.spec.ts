// The studio shell in headless Chromium with WebGPU on SwiftShader: the header reports the
// adapter, flags it as software, and lists its limits; stages are keyboard-navigable.
import { expect, test } from '@playwright/test';

test('header shows the SwiftShader adapter and its limits', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  const report = page.getByTestId('gpu-report');
  await expect(report).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('adapter-name')).toContainText(/swiftshader/i);
  await expect(page.getByTestId('software-warning')).toBeVisible();
  await page.locator('.limits summary').click();
  const limits = page.getByTestId('limits');
  await expect(limits).toContainText('maxStorageBufferBindingSize');
  await expect(limits).toContainText('1.0 GiB');
  await page.screenshot({ path: info.outputPath('shell.png') });
  expect(errors).toEqual([]);
});

test('stages are reachable with the keyboard', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('gpu-report')).toHaveAttribute('data-status', 'ready');
  await page.getByTestId('stage-sources').focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('stage-calibration')).toBeFocused();
  await expect(page.getByTestId('panel-calibration')).toBeVisible();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('panel-export')).toBeVisible();
});
