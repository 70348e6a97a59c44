// GPU moment accumulator, correlation and best-k against the CPU references (WebGPU in Node).
import { describe, expect, it } from 'vitest';
import { bestK } from '../core/assign/candidates';
import { linearCkaFromMoments } from '../core/stats/cka';
import { correlationFromMoments } from '../core/stats/correlation';
import { MomentAccumulator } from '../core/stats/moments';
import type { GpuContext } from './context';
import { GpuMomentAccumulator } from './moments';
import { useNodeGpu } from './testing/node-gpu';
import { runKernelCase } from './testing/kernel-suite';
import { MOMENT_KERNEL_CASES, accumulateBoth, momentData } from './testing/moments-suite';
import { Rng } from '../core/rng';

let ctx: GpuContext;

useNodeGpu((c) => {
  ctx = c;
});

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('moment kernels match their CPU references on WebGPU (Node)', () => {
  for (const c of MOMENT_KERNEL_CASES) {
    it(c.name, async () => {
      const r = await runKernelCase(ctx, c);
      console.log(`${c.name}: max |diff| ${r.maxAbsDiff.toExponential(2)}, worst ratio ${r.worstRatio.toFixed(3)}`);
      expect(r.ok, r.message).toBe(true);
    });
  }

  it('d = 300, T = 2000 in chunks of 512: covariances, correlation and best-k agree with the CPU', async () => {
    const T = 2000;
    const d = 300;
    const data = momentData(T, d, 11, 4);
    const { cpu, gpu } = await accumulateBoth(ctx, data, T, d, 512, { pairs: [[0, 1]], selfFull: false });
    const m = await gpu.toMoments();
    const cc = cpu.crossCovariance(0, 1);
    const gc = m.crossCovariance(0, 1);
    const sa = cpu.variance(0).map(Math.sqrt);
    const sb = cpu.variance(1).map(Math.sqrt);
    let rel = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
      const scale = Math.max(sa[i] * sb[j], 1e-3);
      rel = Math.max(rel, Math.abs(gc[i * d + j] - cc[i * d + j]) / scale);
    }
    const relVar = maxDiff(m.variance(0).map((v, i) => v / Math.max(cpu.variance(0)[i], 1e-6)), cpu.variance(0).map((v) => (v > 1e-6 ? 1 : 0)));
    console.log(`d=300 T=2000: cross-covariance max |diff| / (std_i std_j) = ${rel.toExponential(2)}; variance max rel diff ${relVar.toExponential(2)}`);
    expect(rel).toBeLessThan(1e-5);

    const ref = correlationFromMoments(cpu, 0, 1);
    const g = await gpu.correlation(0, 1);
    const got = await g.read();
    const cd = maxDiff(got.corr, ref.corr);
    console.log(`d=300 T=2000: correlation max |diff| = ${cd.toExponential(2)}`);
    expect(cd).toBeLessThan(1e-5);
    expect(Array.from(got.deadRows)).toEqual(Array.from(ref.deadRows));
    expect(Array.from(got.deadCols)).toEqual(Array.from(ref.deadCols));

    const k = 12;
    const gk = await g.bestK(k);
    const ck = bestK(ref.corr, d, k);
    g.release();
    gpu.destroy();
    // Same sets except near-ties: a GPU-only candidate must score within 2e-5 of the CPU's k-th.
    let mismatches = 0;
    const check = (gl: Int32Array, cl: Int32Array, val: (owner: number, other: number) => number): void => {
      for (let o = 0; o < d; o++) {
        const cs = new Set(cl.subarray(o * k, (o + 1) * k));
        let kth = Infinity;
        for (const x of cs) kth = Math.min(kth, val(o, x));
        for (const x of gl.subarray(o * k, (o + 1) * k)) {
          if (!cs.has(x)) {
            mismatches++;
            expect(val(o, x)).toBeGreaterThan(kth - 2e-5);
          }
        }
      }
    };
    check(gk.rowCols, ck.rowCols, (i, j) => ref.corr[i * d + j]);
    check(gk.colRows, ck.colRows, (j, i) => ref.corr[i * d + j]);
    console.log(`d=300 best-${k}: ${mismatches} near-tie differences of ${2 * d * k} candidates; min ${gk.min} vs ${ck.min}, max ${gk.max} vs ${ck.max}`);
    expect(Math.abs(gk.min - ck.min)).toBeLessThan(2e-5);
    expect(Math.abs(gk.max - ck.max)).toBeLessThan(2e-5);
  });

  it('tiled row blocks give the same totals as one block', async () => {
    const T = 257;
    const d = 45;
    const data = momentData(T, d, 12);
    const opts = { pairs: [[0, 1]] as [number, number][], selfFull: true };
    const one = (await accumulateBoth(ctx, data, T, d, 100, opts)).gpu;
    const tiled = (await accumulateBoth(ctx, data, T, d, 100, { ...opts, maxTileBytes: 8 * d * 4 })).gpu;
    expect(tiled.rowsPerBlock(d)).toBe(4);
    const a = await one.toMoments();
    const b = await tiled.toMoments();
    one.destroy();
    tiled.destroy();
    const diff = Math.max(maxDiff(a.cross.get('0,1') ?? [], b.cross.get('0,1') ?? []), maxDiff(a.sumSq[0], b.sumSq[0]), maxDiff(a.sumSq[1], b.sumSq[1]));
    console.log(`tiled vs untiled: max |diff| of the totals = ${diff}`);
    expect(diff).toBe(0);
  });

  it('precision holds over many chunks (Kahan totals): 1500 chunks, offsets 100x the spread', async () => {
    const d = 3;
    const chunk = 32;
    const rng = new Rng(13);
    const cpu = new MomentAccumulator([d], { selfFull: true });
    const gpu = await GpuMomentAccumulator.create(ctx, [d], { selfFull: true });
    for (let c = 0; c < 1500; c++) {
      const x = new Float32Array(chunk * d);
      for (let t = 0; t < chunk; t++) {
        const z = rng.normal();
        for (let i = 0; i < d; i++) x[t * d + i] = 100 * (i + 1) + (i + 1) * (z + 0.5 * rng.normal()) + 0.01 * c / 1500;
      }
      cpu.add([x], chunk);
      await gpu.addHost([x], chunk);
    }
    const m = await gpu.toMoments();
    gpu.destroy();
    const rc = cpu.covariance(0);
    const gc = m.covariance(0);
    let rel = 0;
    for (let i = 0; i < d * d; i++) rel = Math.max(rel, Math.abs(gc[i] - rc[i]) / Math.abs(rc[i]));
    const meanDiff = maxDiff(m.mean(0), cpu.mean(0));
    console.log(`48000 tokens in 1500 chunks: covariance max rel diff ${rel.toExponential(2)}, mean max |diff| ${meanDiff.toExponential(2)}`);
    expect(rel).toBeLessThan(1e-5);
    expect(meanDiff).toBeLessThan(1e-4);
  });

  it('toMoments feeds the CPU CKA and correlation functions unchanged', async () => {
    const T = 300;
    const d = 24;
    const data = momentData(T, d, 14);
    const { cpu, gpu } = await accumulateBoth(ctx, data, T, d, 64, { pairs: [[0, 1]], selfFull: true });
    const m = await gpu.toMoments();
    gpu.destroy();
    const cka = linearCkaFromMoments(m, 0, 1);
    const ref = linearCkaFromMoments(cpu, 0, 1);
    console.log(`CKA from GPU moments ${cka} vs CPU ${ref}`);
    expect(Math.abs(cka - ref)).toBeLessThan(1e-6);
    // The result keeps accumulating on the CPU like any MomentAccumulator.
    m.add(data.map((x) => x.subarray(0, 10 * d)), 10);
    cpu.add(data.map((x) => x.subarray(0, 10 * d)), 10);
    expect(maxDiff(m.covariance(1), cpu.covariance(1))).toBeLessThan(1e-5);
  });
});
