// Issue "Transformer engine" in Chromium: the WebGPU engine matches the CPU engine (<= 1e-3) and
// the CPU engine matches transformers' logits (<= 1e-4) on every golden fixture, in the browser;
// so does the WebAssembly SIMD CPU backend in its Chromium form (relaxed SIMD's fused multiply-add).
import { expect, test } from '@playwright/test';

test('the WebGPU and SIMD CPU engines match the CPU engine and transformers in Chromium', async ({ page }) => {
  await page.goto('/e2e/pages/engine.html');
  await page.waitForFunction(() => window.__engineResults !== undefined, undefined, { timeout: 150_000 });
  const r = (await page.evaluate(() => window.__engineResults))!;
  if ('error' in r) throw new Error(r.error);
  expect(r.rows).toHaveLength(6);
  expect(r.simd).toMatch(/fused multiply-add/);
  for (const row of r.rows) {
    expect(row.gpuVsCpu, row.name).toBeLessThanOrEqual(1e-3);
    expect(row.cpuVsTransformers, row.name).toBeLessThanOrEqual(1e-4);
    expect(row.simdVsTransformers, row.name).toBeLessThanOrEqual(1e-4);
    expect(row.routingEqual, row.name).toBe(true);
  }
});
