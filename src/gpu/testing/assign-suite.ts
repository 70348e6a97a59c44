/**
 * Kernel-contract cases of the assignment's certificate filter (GPU vs CPU reference on seeded
 * inputs), part of KERNEL_CASES (run in Node and in Chromium).
 */
import { certifyFilterRef } from '../../core/assign/certificate';
import { makeMatrix } from '../../core/assign/generators';
import { solveLap } from '../../core/assign/hybrid';
import { Rng } from '../../core/rng';
import { lapCertifyFilter } from '../kernels/lapCertify';
import type { KernelCase } from './kernel-suite';

function certifyCase(n: number, seed: number, kind: 'uniform' | 'corr', opts: { optimal: boolean; maxTileBytes?: number; output?: 'gap' | 'absMax' }): KernelCase {
  const output = opts.output ?? 'gap';
  return {
    name: `lap_certify ${output} n=${n} ${kind}${opts.optimal ? ' optimal' : ' random perm'}${opts.maxTileBytes ? ' tiled' : ''}`,
    kernel: 'lap_certify',
    tol: { atol: 1e-5, rtol: 1e-5 },
    async run(ctx) {
      const c = makeMatrix(kind, n, seed);
      let rowToCol: Int32Array;
      let prices: Float64Array;
      if (opts.optimal) {
        const r = solveLap(c, n, { method: 'dense' });
        rowToCol = r.rowToCol;
        prices = r.prices;
      } else {
        const rng = new Rng(seed);
        rowToCol = rng.permutation(n);
        prices = Float64Array.from({ length: n }, () => rng.uniform(-0.5, 0.5));
      }
      const got = await lapCertifyFilter(ctx, c, n, rowToCol, prices, { maxTileBytes: opts.maxTileBytes });
      const ref = certifyFilterRef(c, n, rowToCol, prices);
      return output === 'gap' ? { got: got.gap, ref: Float32Array.from(ref.gap) } : { got: got.absMax, ref: Float32Array.from(ref.absMax) };
    },
  };
}

export const ASSIGN_KERNEL_CASES: KernelCase[] = [
  certifyCase(2, 1, 'uniform', { optimal: true }),
  certifyCase(37, 2, 'uniform', { optimal: false }),
  certifyCase(130, 3, 'corr', { optimal: true }),
  certifyCase(257, 4, 'corr', { optimal: false, maxTileBytes: 257 * 4 * 50 }),
  certifyCase(257, 5, 'uniform', { optimal: false, maxTileBytes: 257 * 4 * 50, output: 'absMax' }),
];
