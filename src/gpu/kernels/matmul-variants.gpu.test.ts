// Every matmul variant against the CPU reference in Node (the kernel suite only exercises the
// variant that the heuristic picks for this adapter).
import { describe, expect, it } from 'vitest';
import type { GpuContext } from '../context';
import { useNodeGpu } from '../testing/node-gpu';
import { chooseMatmulVariant, matmul, MATMUL_VARIANTS, matmulVariantSupported } from './matmul';
import { compareArrays } from '../../core/testing/compare';
import { matmul as refMatmul, matmulBT as refMatmulBT } from '../../core/ref/matmul';
import { Rng } from '../../core/rng';

let ctx: GpuContext;

useNodeGpu((c) => {
  ctx = c;
});

// [batch, M, K, N, transB, bias]: edges that are not multiples of any tile, K % 4 != 0, K < 4.
const CASES: [number, number, number, number, boolean, boolean][] = [
  [1, 1, 1, 1, false, false],
  [1, 67, 45, 71, false, true],
  [1, 67, 45, 71, true, false],
  [2, 19, 130, 33, true, true],
  [3, 17, 3, 9, false, false],
  [1, 130, 64, 129, true, false],
  // Few rows (matvec rows 1 / 2 / 4, register tiles shrunk to the rows that exist).
  [1, 1, 37, 19, true, true],
  [1, 2, 37, 19, true, true],
  [2, 3, 64, 70, false, false],
  [1, 4, 33, 17, true, false],
  [1, 9, 40, 130, true, false],
  [1, 16, 64, 65, true, true],
  [1, 33, 18, 72, false, true],
];

describe('matmul variants match the reference', () => {
  it('picks a variant that runs here', () => {
    for (const m of [1, 2, 4, 9, 16, 256]) expect(matmulVariantSupported(ctx.caps, chooseMatmulVariant(ctx.caps, m))).toBe(true);
  });
  for (const variant of MATMUL_VARIANTS) {
    for (const [nb, m, k, n, transB, hasBias] of CASES) {
      it(`${variant} ${nb}x${m}x${k}x${n}${transB ? ' B^T' : ''}${hasBias ? ' +bias' : ' +residual'}`, async ({
        skip,
      }) => {
        if (!matmulVariantSupported(ctx.caps, variant))
          skip(`${variant} does not run on this adapter`);
        const rng = new Rng(m * 1000 + k * 10 + n);
        const a = rng.uniformArray(nb * m * k);
        const b = rng.uniformArray(k * n);
        const bias = hasBias ? rng.uniformArray(n) : undefined;
        const ta = ctx.upload(a, nb > 1 ? [nb, m, k] : [m, k], 'a');
        const tb = ctx.upload(b, transB ? [n, k] : [k, n], 'b');
        const tbias = bias ? ctx.upload(bias, [n], 'bias') : undefined;
        // Cases without a bias add a residual instead (the fused residual add).
        const res = hasBias ? undefined : rng.uniformArray(nb * m * n);
        const tres = res ? ctx.upload(res, [nb * m, n], 'residual') : undefined;
        const bt = ctx.batch();
        const c = await matmul(ctx, bt, ta, tb, { transB, bias: tbias, residual: tres, variant });
        bt.submit();
        const got = await ctx.read(c);
        const ref = new Float32Array(nb * m * n);
        for (let i = 0; i < nb; i++) {
          const ai = a.subarray(i * m * k, (i + 1) * m * k);
          ref.set(
            transB ? refMatmulBT(ai, b, m, k, n, bias) : refMatmul(ai, b, m, k, n, bias),
            i * m * n,
          );
        }
        if (res) for (let i = 0; i < ref.length; i++) ref[i] += res[i];
        const r = compareArrays(got, ref, { atol: 1e-4, rtol: 1e-4 });
        expect(r.ok, r.message).toBe(true);
        ctx.release(ta, tb, tbias, tres, c);
      });
    }
  }
});
