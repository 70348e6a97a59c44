// Issue "Headless CLI and real-model scale" in Chromium: the probe's GPU moments on layers with
// the exact shapes of Qwen2.5-0.5B and 1.5B (seeded synthetic sources, a 512-token vocabulary,
// 32 calibration tokens in two chunks) stay within the device's buffer limits, tiling a moment
// matrix in row blocks where one binding cannot hold it, raise no WebGPU error, and give the
// moments of the CPU MomentAccumulator on the same activations (every element compared).
// e2e/pages/probe-scale.ts runs the case; docs/cli.md "Scale" summarises what this shows.
import { expect, test, type Page } from '@playwright/test';
import type { ProbeScaleResult } from './pages/probe-scale';

async function runCase(page: Page, query: string): Promise<ProbeScaleResult> {
  await page.goto(`/e2e/pages/probe-scale.html?${query}`);
  await page.waitForFunction(() => window.__probeScale !== undefined, undefined, { timeout: 170_000 });
  const r = (await page.evaluate(() => window.__probeScale))!;
  if ('error' in r) throw new Error(r.error);
  const tiles = Object.entries(r.tiles).map(([k, v]) => `${k} ${v.buffers} x <= ${(v.maxBytes / 2 ** 20).toFixed(0)} MiB`).join(', ');
  console.log(
    `${r.adapter}, binding limit ${r.limits.device.binding / 2 ** 20} MiB (adapter ${r.limits.adapter.binding / 2 ** 20} MiB): ` +
      `${r.config.layers} layer(s) ${r.config.hidden}/${r.config.intermediate}, ${r.buffers.created} buffers, largest ${(r.buffers.maxBytes / 2 ** 20).toFixed(0)} MiB (${r.buffers.maxLabel}); ` +
      `tiles: ${tiles}; max rel diff ${Math.max(r.diff.shift, r.diff.sum, r.diff.second, r.diff.cross).toExponential(2)}, corr ${r.diff.corr.toExponential(2)}; ` +
      `GPU probe ${(r.ms.gpuProbe / 1000).toFixed(1)} s, host probe ${(r.ms.hostProbe / 1000).toFixed(1)} s`,
  );
  return r;
}

/** Row blocks per d x d matrix of (total, compensation) f32 pairs under a binding limit. */
function expectedTiles(d: number, binding: number): number {
  return Math.ceil(d / Math.floor(binding / (8 * d)));
}

function checkCommon(r: ProbeScaleResult, shape: { hidden: number; intermediate: number; heads: number; kvHeads: number; headDim: number }): void {
  expect(r.config).toMatchObject(shape);
  expect(r.errors).toEqual([]);
  expect(r.limits.device.binding).toBeLessThanOrEqual(r.limits.adapter.binding);
  expect(r.limits.device.buffer).toBeLessThanOrEqual(r.limits.adapter.buffer);
  expect(r.buffers.overLimit).toEqual([]);
  expect(r.buffers.maxBytes).toBeLessThanOrEqual(Math.min(r.limits.device.binding, r.limits.device.buffer));
  expect(r.tokens).toBe(32);
  expect(r.diff.count).toBe(true);
  for (const k of ['shift', 'sum', 'second', 'cross', 'corr'] as const) expect(r.diff[k], k).toBeLessThan(1e-5);
  // Related sources (shared base + 10% noise): neuron i of one follows neuron i of the other.
  expect(r.meanDiagCorr).toBeGreaterThan(0.5);
}

const QWEN_05B = { hidden: 896, intermediate: 4864, heads: 14, kvHeads: 2, headDim: 64 };

test('probe moments of a Qwen2.5-0.5B-shaped layer stack at the adapter limits equal the CPU reference', async ({ page }) => {
  // Two layers of the stack and two sources, as the alignment probes them (cross moments and the
  // diagonal second moments): one 4864^2 matrix per layer, 189 MB as f32 pairs, and the CPU
  // reference holds it in f64. All 24 layers would hold 24 x that at once (the probe keeps every
  // layer's moments; the CLI's streamed alignment avoids it); the layers' work is identical.
  const r = await runCase(page, 'shape=0.5b&layers=2&models=2&limits=adapter&selfFull=0&windows=2&seq=16&chunk=1');
  checkCommon(r, QWEN_05B);
  const per = expectedTiles(4864, r.limits.device.binding);
  expect(r.tiles['moments.cross'].buffers).toBe(2 * per);
  expect(r.tiles['moments.cross'].maxBytes).toBeLessThanOrEqual(r.limits.device.binding);
  expect(r.tiles['moments.self']).toBeUndefined();
});

test('probe moments of a Qwen2.5-0.5B-shaped layer stack are tiled on a device with 128 MiB bindings', async ({ page }) => {
  // WebGPU's default limits (128 MiB bindings, 256 MiB buffers), a smaller device than this
  // adapter: every 4864^2 matrix, the full self moments (for CKA) as well as the cross moments,
  // goes into 2 row blocks (3449 + 1415 rows).
  const r = await runCase(page, 'shape=0.5b&layers=2&models=2&limits=default&selfFull=1&windows=2&seq=16&chunk=1');
  checkCommon(r, QWEN_05B);
  expect(r.limits.device).toEqual({ binding: 128 * 2 ** 20, buffer: 256 * 2 ** 20 });
  expect(expectedTiles(4864, r.limits.device.binding)).toBe(2);
  expect(r.tiles['moments.cross'].buffers).toBe(2 * 2);
  expect(r.tiles['moments.self'].buffers).toBe(2 * 2 * 2);
  for (const t of Object.values(r.tiles)) expect(t.maxBytes).toBeLessThanOrEqual(r.limits.device.binding);
});

test('probe moments of a Qwen2.5-1.5B-shaped layer are tiled on a device with 128 MiB bindings', async ({ page }) => {
  // The adapter's own binding limit may hold a whole 8960^2 matrix (642 MB); a device capped at
  // WebGPU's default limits (128 MiB bindings, 256 MiB buffers) cannot, so the moments must be
  // tiled: 5 row blocks of at most 1872 rows.
  const r = await runCase(page, 'shape=1.5b&layers=1&models=2&limits=default&selfFull=0&windows=2&seq=16&chunk=1');
  checkCommon(r, { hidden: 1536, intermediate: 8960, heads: 12, kvHeads: 2, headDim: 128 });
  expect(r.limits.device).toEqual({ binding: 128 * 2 ** 20, buffer: 256 * 2 ** 20 });
  expect(expectedTiles(8960, r.limits.device.binding)).toBe(5);
  expect(r.tiles['moments.cross'].buffers).toBe(5);
  expect(r.tiles['moments.cross'].maxBytes).toBeLessThanOrEqual(r.limits.device.binding);
  expect(r.tiles['moments.self']).toBeUndefined();
});
