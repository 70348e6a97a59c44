// Without --enable-unsafe-webgpu, headless Chromium on Linux has no adapter: the page must
// explain why and what to do instead of going blank.
import { expect, test } from '@playwright/test';

test('without WebGPU the page explains why and what to do', async ({ page }, info) => {
  await page.goto('/');
  const box = page.getByTestId('no-webgpu');
  await expect(box).toBeVisible();
  await expect(box).toContainText('What to do');
  await expect(box).toContainText('--enable-unsafe-webgpu');
  await expect(page.getByTestId('gpu-report')).toHaveAttribute('data-status', 'unavailable');
  await page.screenshot({ path: info.outputPath('no-webgpu.png') });
});
