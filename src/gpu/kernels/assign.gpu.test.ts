// The assignment certificate filter on WebGPU (Node): argmax columns, and filter + exact re-check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../context';
import { acquireNodeGpu, releaseNodeGpu } from '../node';
import { ASSIGN_PIPELINES, certifyWithGpuFilter, lapCertifyFilter } from './lapCertify';
import { certifyFilterRef } from '../../core/assign/certificate';
import { makeMatrix } from '../../core/assign/generators';
import { solveLap } from '../../core/assign/hybrid';

let ctx: GpuContext;

beforeAll(async () => {
  ctx = await acquireNodeGpu();
  await ctx.pipelines.prepare(ASSIGN_PIPELINES);
});

afterAll(() => {
  ctx?.destroy();
  releaseNodeGpu();
});

// The GPU-vs-reference cases of lap_certify are in KERNEL_CASES (kernels.gpu.test.ts, Chromium).
describe('assignment certificate filter on WebGPU (Node)', () => {
  it('the argmax columns agree with the reference where the gap is not tied', async () => {
    const n = 90;
    const c = makeMatrix('uniform', n, 5);
    const r = solveLap(c, n, { method: 'dense' });
    const got = await lapCertifyFilter(ctx, c, n, r.rowToCol, r.prices, { maxTileBytes: 4 * n * 17 });
    const ref = certifyFilterRef(c, n, r.rowToCol, r.prices);
    let agree = 0;
    for (let i = 0; i < n; i++) if (got.col[i] === ref.col[i]) agree++;
    expect(agree).toBeGreaterThan(0.95 * n);
  });

  it('GPU filter + exact CPU re-check accepts the optimum and rejects a swapped assignment', async () => {
    const n = 200;
    const c = makeMatrix('corr', n, 6);
    const opt = solveLap(c, n, { method: 'hybrid' });
    const good = await certifyWithGpuFilter(ctx, c, n, opt.rowToCol, opt.prices, 1e-11);
    expect(good.certificate.ok).toBe(true);
    expect(good.rechecked).toBeLessThan(n);
    console.log(`certificate filter: ${good.rechecked} of ${n} rows re-checked on the CPU`);
    const bad = opt.rowToCol.slice();
    [bad[0], bad[1]] = [bad[1], bad[0]];
    const res = await certifyWithGpuFilter(ctx, c, n, bad, opt.prices, 1e-11);
    expect(res.certificate.ok).toBe(false);
  });
});
