// The kernel contract in Chromium: every kernel of the suite matches its CPU reference on the
// browser's WebGPU adapter.
import { expect, test } from '@playwright/test';
import type { KernelResult } from '../src/gpu/testing/kernel-suite';

test('every kernel matches its CPU reference in Chromium', async ({ page }) => {
  await page.goto('/e2e/pages/kernels.html');
  await page.waitForFunction(() => window.__kernelResults !== undefined, undefined, { timeout: 150_000 });
  const r = (await page.evaluate(() => window.__kernelResults))!;
  if ('error' in r) throw new Error(r.error);
  expect(r.adapter).toMatch(/swiftshader/i);
  const failed = r.results.filter((x: KernelResult) => !x.ok).map((x) => `${x.name}: ${x.message}`);
  expect(failed).toEqual([]);
  expect(r.results.length).toBeGreaterThan(30);
});
