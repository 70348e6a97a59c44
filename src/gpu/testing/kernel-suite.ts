/**
 * The GPU-vs-reference kernel suite of the kernel contract (DESIGN.md): seeded random inputs,
 * each kernel on the GPU against its CPU reference, |gpu - ref| <= atol + rtol * |ref|.
 * Shapes include sizes that are not multiples of the tiles and dimensions above 1024. The same
 * cases run in Node (Vitest + npm `webgpu`) and in Chromium (e2e/pages/kernels.html).
 */
import { Rng } from '../../core/rng';
import { matmul as refMatmul, matmulBT as refMatmulBT, swigluBT } from '../../core/ref/matmul';
import * as refEw from '../../core/ref/elementwise';
import { softmaxRows as refSoftmax } from '../../core/ref/softmax';
import { rmsnorm as refRmsnorm } from '../../core/ref/rmsnorm';
import { REDUCE_OPS, reduceRows as refReduce } from '../../core/ref/reduce';
import { compareArrays, type CompareReport, type Tolerance } from '../../core/testing/compare';
import type { GpuContext } from '../context';
import type { GpuTensor } from '../buffers';
import * as ew from '../kernels/elementwise';
import { matmul, swigluMatvec } from '../kernels/matmul';
import { softmaxRows } from '../kernels/softmax';
import { rmsnorm } from '../kernels/rmsnorm';
import { reduceRows } from '../kernels/reduce';
import { ENGINE_KERNEL_CASES } from './engine-kernel-cases';
import { MOMENT_KERNEL_CASES } from './moments-suite';
import { TRAIN_KERNEL_CASES } from './train-kernel-cases';
import { ASSIGN_KERNEL_CASES } from './assign-suite';

export interface KernelCase {
  name: string;
  kernel: string;
  tol: Tolerance;
  /** Returns the GPU result and the reference. */
  run(ctx: GpuContext): Promise<{ got: Float32Array; ref: Float32Array }>;
}

export interface KernelResult extends CompareReport {
  name: string;
  kernel: string;
  ms: number;
}

const MATMUL_TOL: Tolerance = { atol: 1e-4, rtol: 1e-4 };
const EW_TOL: Tolerance = { atol: 1e-6, rtol: 1e-5 };
const ROW_TOL: Tolerance = { atol: 1e-6, rtol: 1e-5 };

async function once(
  ctx: GpuContext,
  inputs: [Float32Array, number[]][],
  record: (t: GpuTensor[], b: ReturnType<GpuContext['batch']>) => Promise<GpuTensor>,
): Promise<Float32Array> {
  const ts = inputs.map(([d, s], i) => ctx.upload(d, s, `suite.in${i}`));
  const b = ctx.batch('suite');
  const out = await record(ts, b);
  b.submit();
  const got = await ctx.read(out);
  ctx.release(out, ...ts);
  return got;
}

function matmulCase(m: number, k: number, n: number, opts: { transB?: boolean; bias?: boolean; residual?: boolean; alpha?: number; batch?: number; seed: number }): KernelCase {
  const nb = opts.batch ?? 1;
  const tag = `${nb > 1 ? `${nb}x` : ''}${m}x${k}x${n}${opts.transB ? ' B^T' : ''}${opts.bias ? ' +bias' : ''}${opts.residual ? ' +residual' : ''}${opts.alpha ? ` alpha ${opts.alpha}` : ''}`;
  return {
    name: `matmul ${tag}`, kernel: 'matmul', tol: MATMUL_TOL,
    async run(ctx) {
      const rng = new Rng(opts.seed);
      const a = rng.uniformArray(nb * m * k);
      const b = rng.uniformArray(k * n);
      const bias = opts.bias ? rng.uniformArray(n) : undefined;
      const ref = new Float32Array(nb * m * n);
      for (let i = 0; i < nb; i++) {
        const ai = a.subarray(i * m * k, (i + 1) * m * k);
        ref.set(opts.transB ? refMatmulBT(ai, b, m, k, n, bias) : refMatmul(ai, b, m, k, n, bias), i * m * n);
      }
      const inputs: [Float32Array, number[]][] = [[a, nb > 1 ? [nb, m, k] : [m, k]], [b, opts.transB ? [n, k] : [k, n]]];
      if (bias) inputs.push([bias, [n]]);
      if (opts.residual) {
        // The residual add fused into the matmul (refEw.binary 'add' is its reference).
        const r = rng.uniformArray(nb * m * n);
        ref.set(refEw.binary('add', opts.alpha ? refEw.affine(ref, opts.alpha, 0) : ref, r));
        inputs.push([r, nb > 1 ? [nb, m, n] : [m, n]]);
      }
      const got = await once(ctx, inputs, (t, bt) =>
        matmul(ctx, bt, t[0], t[1], { transB: opts.transB, bias: opts.residual ? undefined : t[2], residual: opts.residual ? t[2] : undefined, alpha: opts.alpha }));
      return { got, ref };
    },
  };
}

function swigluCase(m: number, k: number, n: number, seed: number): KernelCase {
  return {
    name: `swiglu matvec ${m}x${k}x${n}`, kernel: 'matmul', tol: MATMUL_TOL,
    async run(ctx) {
      const rng = new Rng(seed);
      const [x, g, u] = [rng.uniformArray(m * k), rng.uniformArray(n * k), rng.uniformArray(n * k)];
      const got = await once(ctx, [[x, [m, k]], [g, [n, k]], [u, [n, k]]], (t, bt) => swigluMatvec(ctx, bt, t[0], t[1], t[2]));
      return { got, ref: swigluBT(x, g, u, m, k, n) };
    },
  };
}

function unaryCase(op: refEw.UnaryOp, n: number, seed: number): KernelCase {
  return {
    name: `${op} n=${n}`, kernel: 'elementwise', tol: EW_TOL,
    async run(ctx) {
      const x = new Rng(seed).uniformArray(n, -8, 8);
      const got = await once(ctx, [[x, [n]]], (t, b) => ew.unary(ctx, b, op, t[0]));
      return { got, ref: refEw.unary(op, x) };
    },
  };
}

function binaryCase(op: refEw.BinaryOp, rows: number, cols: number, broadcast: boolean, seed: number): KernelCase {
  return {
    name: `${op} [${rows}, ${cols}]${broadcast ? ' with [cols] broadcast' : ''}`, kernel: 'elementwise', tol: EW_TOL,
    async run(ctx) {
      const rng = new Rng(seed);
      const a = rng.uniformArray(rows * cols, -4, 4);
      const bn = broadcast ? cols : rows * cols;
      // Keep divisors away from zero so that the relative tolerance is meaningful.
      const b = op === 'div' ? Float32Array.from(rng.uniformArray(bn, 0.5, 2), (v, i) => (i % 2 ? v : -v)) : rng.uniformArray(bn, -4, 4);
      const got = await once(ctx, [[a, [rows, cols]], [b, [bn]]], (t, bt) => ew.binary(ctx, bt, op, t[0], t[1]));
      return { got, ref: refEw.binary(op, a, b) };
    },
  };
}

function affineCase(n: number, seed: number): KernelCase {
  return {
    name: `affine n=${n}`, kernel: 'elementwise', tol: EW_TOL,
    async run(ctx) {
      const x = new Rng(seed).uniformArray(n);
      const got = await once(ctx, [[x, [n]]], (t, b) => ew.affine(ctx, b, t[0], 2.5, -0.75));
      return { got, ref: refEw.affine(x, 2.5, -0.75) };
    },
  };
}

function softmaxCase(rows: number, cols: number, scale: number, seed: number): KernelCase {
  return {
    name: `softmax [${rows}, ${cols}] |x|<=${scale}`, kernel: 'softmax', tol: ROW_TOL,
    async run(ctx) {
      const x = new Rng(seed).uniformArray(rows * cols, -scale, scale);
      const got = await once(ctx, [[x, [rows, cols]]], (t, b) => softmaxRows(ctx, b, t[0]));
      return { got, ref: refSoftmax(x, rows, cols) };
    },
  };
}

function rmsnormCase(rows: number, cols: number, seed: number): KernelCase {
  return {
    name: `rmsnorm [${rows}, ${cols}]`, kernel: 'rmsnorm', tol: ROW_TOL,
    async run(ctx) {
      const rng = new Rng(seed);
      const x = rng.uniformArray(rows * cols, -3, 3);
      const w = rng.uniformArray(cols, 0.5, 1.5);
      const got = await once(ctx, [[x, [rows, cols]], [w, [cols]]], (t, b) => rmsnorm(ctx, b, t[0], t[1], 1e-6));
      return { got, ref: refRmsnorm(x, w, rows, cols, 1e-6) };
    },
  };
}

function reduceCase(op: (typeof REDUCE_OPS)[number], rows: number, cols: number, seed: number): KernelCase {
  return {
    name: `reduce.${op} [${rows}, ${cols}]`, kernel: 'reduce', tol: { atol: 1e-4, rtol: 1e-5 },
    async run(ctx) {
      const x = new Rng(seed).uniformArray(rows * cols);
      const got = await once(ctx, [[x, [rows, cols]]], (t, b) => reduceRows(ctx, b, op, t[0]));
      return { got, ref: refReduce(op, x, rows, cols) };
    },
  };
}

export const KERNEL_CASES: KernelCase[] = [
  matmulCase(1, 1, 1, { seed: 1 }),
  matmulCase(37, 53, 29, { seed: 2 }),
  matmulCase(64, 64, 64, { seed: 3 }),
  matmulCase(5, 1100, 7, { seed: 4 }),
  matmulCase(1030, 16, 9, { seed: 5 }),
  matmulCase(17, 19, 23, { batch: 3, seed: 6 }),
  matmulCase(33, 47, 65, { transB: true, seed: 7 }),
  matmulCase(7, 13, 1031, { transB: true, bias: true, seed: 8 }),
  matmulCase(9, 1027, 11, { transB: true, seed: 9 }),
  matmulCase(21, 10, 1029, { bias: true, seed: 10 }),
  // Decoding shapes: one row (matvec) and a few rows (register tiles shrunk to the rows).
  matmulCase(1, 257, 515, { transB: true, bias: true, seed: 41 }),
  matmulCase(2, 130, 66, { transB: true, seed: 42 }),
  matmulCase(4, 64, 33, { batch: 2, seed: 43 }),
  matmulCase(12, 96, 200, { transB: true, seed: 44 }),
  matmulCase(1, 70, 300, { transB: true, residual: true, alpha: 0.37, seed: 45 }),
  matmulCase(37, 64, 130, { transB: true, residual: true, alpha: -1.5, seed: 46 }),
  matmulCase(5, 33, 19, { batch: 2, residual: true, seed: 47 }),
  swigluCase(1, 256, 515, 48),
  swigluCase(3, 37, 20, 49),
  ...refEw.UNARY_OPS.map((op, i) => unaryCase(op, 4099, 20 + i)),
  affineCase(1001, 30),
  ...refEw.BINARY_OPS.map((op, i) => binaryCase(op, 13, 1029, false, 40 + i)),
  binaryCase('add', 37, 1029, true, 50),
  binaryCase('mul', 5, 3, true, 51),
  softmaxCase(7, 1031, 4, 60),
  softmaxCase(130, 3, 60, 61),
  softmaxCase(2, 5000, 10, 62),
  rmsnormCase(9, 1030, 70),
  rmsnormCase(1, 1, 71),
  rmsnormCase(65, 96, 72),
  ...REDUCE_OPS.map((op, i) => reduceCase(op, 11, 1500, 80 + i)),
  reduceCase('sum', 3, 1, 90),
  ...ENGINE_KERNEL_CASES,
  ...MOMENT_KERNEL_CASES,
  ...TRAIN_KERNEL_CASES,
  ...ASSIGN_KERNEL_CASES,
];

export async function runKernelCase(ctx: GpuContext, c: KernelCase): Promise<KernelResult> {
  const t0 = performance.now();
  const { got, ref } = await c.run(ctx);
  return { name: c.name, kernel: c.kernel, ms: performance.now() - t0, ...compareArrays(got, ref, c.tol) };
}

export async function runKernelSuite(ctx: GpuContext, cases: KernelCase[] = KERNEL_CASES): Promise<KernelResult[]> {
  const out: KernelResult[] = [];
  for (const c of cases) out.push(await runKernelCase(ctx, c));
  return out;
}
