// The hybrid assignment solver fed from the GPU (best-k candidates and the certificate's dense
// filter on WebGPU, sparse auction / repair and the exact f64 re-check on the host) against the
// CPU path and the committed scipy goldens (src/core/assign/fixtures/lap-goldens.json).
import { describe, expect, it } from 'vitest';
import { bestK } from '../core/assign/candidates';
import { certify } from '../core/assign/certificate';
import { makeMatrix, permutationChecksum } from '../core/assign/generators';
import { solveLap, solveLapAsync } from '../core/assign/hybrid';
import goldens from '../core/assign/fixtures/lap-goldens.json';
import type { GpuContext } from './context';
import { GpuCorrelation } from './correlation';
import { ASSIGN_PIPELINES } from './kernels/lapCertify';
import { bestKPipeline } from './kernels/bestK';
import { useNodeGpu } from './testing/node-gpu';

let ctx: GpuContext;

useNodeGpu(async (c) => {
  ctx = c;
  await ctx.pipelines.prepare([...ASSIGN_PIPELINES, bestKPipeline]);
});

const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));
const none = new Int32Array(0);
const sortedLists = (a: Int32Array, n: number, k: number): number[][] =>
  Array.from({ length: n }, (_, i) => [...a.subarray(i * k, (i + 1) * k)].sort((x, y) => x - y));

async function gpuFed(c: Float32Array, n: number, opts: { k?: number; maxTileBytes?: number } = {}) {
  const g = GpuCorrelation.fromHost(ctx, { corr: c, rows: n, cols: n, deadRows: none, deadCols: none }, { maxTileBytes: opts.maxTileBytes });
  try {
    const candidates = await g.bestK(opts.k ?? 12);
    const certifier = g.certifier();
    const res = await solveLapAsync(c, n, { method: 'hybrid', candidates, certifier });
    return { res, candidates, certifier };
  } finally {
    g.release();
  }
}

describe('GPU-fed hybrid solver (best-k and certificate filter on WebGPU)', () => {
  for (const g of goldens.cases) {
    it(`${g.kind} n=${g.n} seed=${g.seed}: same certified optimum as the CPU path and scipy`, async () => {
      const c = makeMatrix(g.kind as 'uniform' | 'noise' | 'corr', g.n, g.seed);
      const cpu = solveLap(c, g.n, { method: 'hybrid' });
      const { res, candidates, certifier } = await gpuFed(c, g.n);
      expect(res.stats.candidatesFrom).toBe('given');
      expect(res.stats.certifier).toMatch(/^gpu: /);
      // Full passes go to the GPU filter; the incremental rounds (rows a repair touched) stay on the host.
      expect(certifier.passes).toBeGreaterThanOrEqual(1);
      expect(certifier.passes).toBeLessThanOrEqual(res.stats.certificateRounds);
      expect(res.certificate.ok).toBe(true);
      // Totals over all rows (flagged rows exact, settled rows at violation 0).
      expect(res.certificate.gap).toBeLessThanOrEqual(g.n * res.certificate.tol);
      expect(Math.abs(res.certificate.dualBound - res.certificate.primal)).toBeLessThanOrEqual(g.n * res.certificate.tol + 1e-9);
      expect(relErr(res.objective, g.objective)).toBeLessThan(1e-9);
      expect(relErr(res.objective, cpu.objective)).toBeLessThan(1e-9);
      expect(permutationChecksum(res.rowToCol)).toBe(g.checksum);
      // The full host certificate agrees with the GPU-filtered one.
      expect(certify(c, g.n, res.rowToCol, res.prices, res.certificate.tol).ok).toBe(true);
      // Same candidate lists as the host's best-k (same rule on the same f32 values).
      const ref = bestK(c, g.n, 12);
      expect(sortedLists(candidates.rowCols, g.n, 12)).toEqual(sortedLists(ref.rowCols, g.n, 12));
      expect(sortedLists(candidates.colRows, g.n, 12)).toEqual(sortedLists(ref.colRows, g.n, 12));
      console.log(`${g.kind} n=${g.n}: ${res.stats.certificateRounds} rounds (${certifier.passes} on the GPU), ${certifier.flagged} of ${g.n * certifier.passes} rows flagged by the GPU filter, ${certifier.wholeRows} re-checked whole`);
    });
  }

  it('rejects and repairs: with k = 2 (row blocks of 100 rows) the certificate rejects rows, and the result is still the optimum', async () => {
    const g = goldens.cases.find((x) => x.kind === 'corr' && x.n === 512 && x.seed === 1)!;
    const c = makeMatrix('corr', g.n, g.seed);
    const { res } = await gpuFed(c, g.n, { k: 2, maxTileBytes: 4 * g.n * 100 });
    const cpu = solveLap(c, g.n, { method: 'hybrid', k: 2 });
    expect(res.stats.rejectedRows).toBeGreaterThan(0);
    expect(res.stats.certificateRounds).toBeGreaterThan(1);
    expect(res.stats.repairedRows).toBeGreaterThan(0);
    expect(res.stats.fellBack).toBe(false);
    expect(res.certificate.ok).toBe(true);
    expect(relErr(res.objective, g.objective)).toBeLessThan(1e-9);
    expect(relErr(res.objective, cpu.objective)).toBeLessThan(1e-9);
    expect(permutationChecksum(res.rowToCol)).toBe(g.checksum);
  });

  it('the certifier flags the rows of a swapped (non-optimal) assignment', async () => {
    const n = 300;
    const c = makeMatrix('corr', n, 4);
    const opt = solveLap(c, n, { method: 'hybrid' });
    const gc = GpuCorrelation.fromHost(ctx, { corr: c, rows: n, cols: n, deadRows: none, deadCols: none });
    try {
      const bad = opt.rowToCol.slice();
      [bad[7], bad[8]] = [bad[8], bad[7]];
      const flagged = await gc.certifier().flagRows(bad, opt.prices);
      const exact = certify(c, n, bad, opt.prices, 1e-11);
      expect(exact.ok).toBe(false);
      // Every exactly rejected row is flagged (the filter never settles a violating row) ...
      const set = new Set(flagged.rows);
      for (const r of exact.rejected) expect(set.has(r)).toBe(true);
      // ... with its violating columns among the near ones, so the near-only re-check rejects too.
      const at = new Map([...flagged.rows].map((i, r) => [i, r]));
      exact.rejected.forEach((i, q) => {
        const r = at.get(i)!;
        const { k, cols, count } = flagged.near!;
        // More near columns than kept: the host scans the whole row.
        if (count[r] <= k) expect([...cols.subarray(r * k, r * k + count[r])]).toContain(exact.rejectedBestCol[q]);
      });
      expect(certify(c, n, bad, opt.prices, 1e-11, { rows: flagged.rows, near: flagged.near, settled: true }).ok).toBe(false);
    } finally {
      gc.release();
    }
  });
});
