/**
 * Kernel-contract cases of the moment, correlation and best-k kernels (GPU vs the CPU
 * references MomentAccumulator, correlationFromMoments and bestK on seeded inputs), appended to
 * the browser kernel suite. Inputs have per-neuron offsets 100x their spread (the case where a
 * one-pass E[xx] - E[x]^2 loses every digit), correlated streams and a few dead neurons.
 */
import { bestK } from '../../core/assign/candidates';
import { Rng } from '../../core/rng';
import { correlationFromMoments } from '../../core/stats/correlation';
import { MomentAccumulator } from '../../core/stats/moments';
import type { GpuContext } from '../context';
import { bestKFromHost } from '../kernels/bestK';
import { GpuMomentAccumulator, type GpuMomentOptions } from '../moments';
import type { KernelCase } from './kernel-suite';

/**
 * Two streams [T, d] sharing 8 latent factors (stream 1 is a column permutation of stream 0's
 * signal plus noise), neuron i with offset 100 * s_i and spread s_i; `dead` constant columns.
 */
export function momentData(T: number, d: number, seed: number, dead = 0): Float32Array[] {
  const rng = new Rng(seed);
  const r = 8;
  const z = rng.normalArray(T * r);
  const w = rng.normalArray(d * r, 1 / Math.sqrt(r));
  const perm = rng.permutation(d);
  const scale = Float32Array.from({ length: d }, () => rng.uniform(0.5, 2));
  const offset = Float32Array.from(scale, (s) => 100 * s * (rng.uniform(0, 1) < 0.5 ? -1 : 1));
  const out = [new Float32Array(T * d), new Float32Array(T * d)];
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < d; i++) {
      let sig = 0;
      for (let q = 0; q < r; q++) sig += w[i * r + q] * z[t * r + q];
      out[0][t * d + i] = offset[i] + scale[i] * (sig + 0.3 * rng.normal());
      const j = perm[i];
      out[1][t * d + j] = -offset[j] + scale[j] * (sig + 0.6 * rng.normal());
    }
  }
  for (let q = 0; q < dead; q++) {
    const i = (q * 7 + 3) % d;
    for (let t = 0; t < T; t++) { out[0][t * d + i] = 5; out[1][t * d + ((i * 5) % d)] = -2; }
  }
  return out;
}

/** Feed the same chunks to the CPU and the GPU accumulators. */
export async function accumulateBoth(
  ctx: GpuContext, data: Float32Array[], T: number, d: number, chunk: number, opts: GpuMomentOptions,
): Promise<{ cpu: MomentAccumulator; gpu: GpuMomentAccumulator }> {
  const cpu = new MomentAccumulator([d, d], opts);
  const gpu = await GpuMomentAccumulator.create(ctx, [d, d], opts);
  for (let t0 = 0; t0 < T; t0 += chunk) {
    const n = Math.min(chunk, T - t0);
    const parts = data.map((x) => x.subarray(t0 * d, (t0 + n) * d));
    cpu.add(parts, n);
    await gpu.addHost(parts, n);
  }
  return { cpu, gpu };
}

function concat(parts: ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(Array.from(p), o); o += p.length; }
  return out;
}

function momentsCase(T: number, d: number, chunk: number, seed: number, opts: GpuMomentOptions & { dead?: number }): KernelCase {
  const tags = [opts.selfFull === false ? 'diagonal' : 'full', opts.maxTileBytes ? 'tiled' : '', opts.dead ? `${opts.dead} dead` : ''];
  return {
    name: `moments T=${T} d=${d} chunks of ${chunk} ${tags.filter(Boolean).join(' ')}`, kernel: 'moments',
    // Covariances of neurons with spread ~1 and offsets ~100: 1e-5 relative to the spread.
    tol: { atol: 1e-5, rtol: 1e-5 },
    async run(ctx) {
      const data = momentData(T, d, seed, opts.dead);
      const { cpu, gpu } = await accumulateBoth(ctx, data, T, d, chunk, { ...opts, pairs: [[0, 1]] });
      const m = await gpu.toMoments();
      gpu.destroy();
      const pick = (a: MomentAccumulator): ArrayLike<number>[] => [
        a.mean(0), a.mean(1), a.variance(0), a.variance(1), a.crossCovariance(0, 1),
        ...(opts.selfFull === false ? [] : [a.covariance(0), a.covariance(1)]),
      ];
      return { got: concat(pick(m)), ref: concat(pick(cpu)) };
    },
  };
}

function corrCase(T: number, d: number, chunk: number, seed: number, opts: GpuMomentOptions & { dead?: number; self?: boolean }): KernelCase {
  return {
    name: `moments.corr T=${T} d=${d}${opts.self ? ' self' : ''}${opts.maxTileBytes ? ' tiled' : ''}${opts.dead ? ` ${opts.dead} dead` : ''}`,
    kernel: 'moments_corr', tol: { atol: 1e-5, rtol: 0 },
    async run(ctx) {
      const data = momentData(T, d, seed, opts.dead);
      const { cpu, gpu } = await accumulateBoth(ctx, data, T, d, chunk, { ...opts, pairs: [[0, 1]] });
      const [a, b] = opts.self ? [1, 1] : [0, 1];
      const g = await gpu.correlation(a, b);
      const got = await g.read();
      g.release();
      gpu.destroy();
      return { got: got.corr, ref: correlationFromMoments(cpu, a, b).corr };
    },
  };
}

/** Row lists then column lists, each sorted (the lists are sets). */
function sortedLists(bk: { k: number; rowCols: Int32Array; colRows: Int32Array }): Float32Array {
  const sortEach = (a: Int32Array): Float32Array => {
    const out = new Float32Array(a.length);
    for (let o = 0; o < a.length; o += bk.k) out.set(Array.from(a.subarray(o, o + bk.k)).sort((x, y) => x - y), o);
    return out;
  };
  return concat([sortEach(bk.rowCols), sortEach(bk.colRows)]);
}

function bestKCase(n: number, k: number, seed: number, maxTileBytes?: number): KernelCase {
  return {
    name: `best_k n=${n} k=${k}${maxTileBytes ? ' tiled' : ''}`, kernel: 'best_k', tol: { atol: 0.5, rtol: 0 }, // indices: any difference is >= 1
    async run(ctx) {
      const data = momentData(Math.max(64, n), n, seed);
      const m = new MomentAccumulator([n, n], { pairs: [[0, 1]], selfFull: false });
      m.add(data, Math.max(64, n));
      const c = correlationFromMoments(m, 0, 1).corr;
      const got = await bestKFromHost(ctx, c, n, k, { maxTileBytes });
      return { got: sortedLists(got), ref: sortedLists(bestK(c, n, k)) };
    },
  };
}

export const MOMENT_KERNEL_CASES: KernelCase[] = [
  momentsCase(1, 5, 1, 1, {}),
  momentsCase(700, 40, 256, 2, { dead: 2 }),
  momentsCase(900, 33, 128, 3, { selfFull: false }),
  momentsCase(300, 70, 100, 4, { maxTileBytes: 8 * 70 * 9 }),
  corrCase(600, 65, 200, 5, { dead: 3 }),
  corrCase(400, 50, 150, 6, { self: true, maxTileBytes: 8 * 50 * 7 }),
  bestKCase(1, 1, 7),
  bestKCase(97, 12, 8),
  bestKCase(130, 16, 9, 4 * 130 * 11),
];
