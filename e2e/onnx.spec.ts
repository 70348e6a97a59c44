// The ONNX export runs in onnxruntime-web in Chromium: with the webgpu provider (SwiftShader
// here) and the wasm provider, the logits of dense fixtures and merged MoEs match our engine's
// within 1e-3 (max abs diff).
import { expect, test } from '@playwright/test';
import type { OnnxRow } from './pages/onnx';

test('ONNX export: onnxruntime-web webgpu and wasm logits match our engine', async ({ page }) => {
  await page.goto('/e2e/pages/onnx.html');
  await page.waitForFunction(() => window.__onnxResults !== undefined, undefined, { timeout: 170_000 });
  const r = (await page.evaluate(() => window.__onnxResults))!;
  if ('error' in r) throw new Error(r.error);
  console.log(`ORT webgpu adapter: ${r.adapter}`);
  for (const row of r.rows) console.log(`${row.model} ${row.provider}: max |ORT - ours| = ${row.maxAbsDiff.toExponential(2)} (${row.ms.toFixed(0)} ms)`);
  expect(r.rows.length).toBe(8);
  expect(r.rows.filter((x: OnnxRow) => x.provider === 'webgpu').length).toBe(4);
  const bad = r.rows.filter((x: OnnxRow) => !(x.maxAbsDiff <= 1e-3)).map((x) => `${x.model} ${x.provider}: ${x.maxAbsDiff}`);
  expect(bad).toEqual([]);
});
