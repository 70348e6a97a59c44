// The assignment certificate filter on WebGPU (Node): argmax columns, and filter + exact re-check.
import { describe, expect, it } from 'vitest';
import type { GpuContext } from '../context';
import { useNodeGpu } from '../testing/node-gpu';
import { ASSIGN_PIPELINES, NEAR_MAX, certifyWithGpuFilter, lapCertifyFilter } from './lapCertify';
import { certifyFilterRef, filterMargins } from '../../core/assign/certificate';
import { makeMatrix } from '../../core/assign/generators';
import { solveLap } from '../../core/assign/hybrid';

let ctx: GpuContext;

useNodeGpu(async (c) => {
  ctx = c;
  await ctx.pipelines.prepare(ASSIGN_PIPELINES);
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

  it('settles only rows that are exactly settled, and lists every column near the matched one', async () => {
    const n = 257;
    const c = makeMatrix('corr', n, 8);
    // Optimal duals (many exact ties) with a few rows swapped (violations).
    const opt = solveLap(c, n, { method: 'dense' });
    const perm = opt.rowToCol.slice();
    for (let q = 0; q < 6; q++) [perm[10 * q], perm[10 * q + 1]] = [perm[10 * q + 1], perm[10 * q]];
    const f = await lapCertifyFilter(ctx, c, n, perm, opt.prices, { maxTileBytes: 4 * n * 40 });
    const ref = certifyFilterRef(c, n, perm, opt.prices);
    const margin = filterMargins(ref.absMax, opt.prices);
    let flagged = 0;
    for (let i = 0; i < n; i++) {
      const s = perm[i];
      const own = c[i * n + s] - opt.prices[s];
      if (f.count[i] === 0xffffffff) {
        expect(ref.gap[i]).toBeLessThan(0);
        continue;
      }
      flagged++;
      const near = new Set(f.near.subarray(i * NEAR_MAX, i * NEAR_MAX + Math.min(f.count[i], NEAR_MAX)));
      let must = 0;
      for (let j = 0; j < n; j++) {
        if (j === s) continue;
        const x = c[i * n + j] - opt.prices[j];
        if (x >= own - margin[i] / 2) {
          must++;
          if (f.count[i] <= NEAR_MAX) expect(near.has(j)).toBe(true);
        }
        if (near.has(j)) expect(x).toBeGreaterThanOrEqual(own - 2 * margin[i]);
      }
      expect(f.count[i]).toBeGreaterThanOrEqual(must);
    }
    expect(flagged).toBeGreaterThan(12);
    expect(flagged).toBeLessThan(n);
  });
});
