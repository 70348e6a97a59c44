/**
 * Kernel-contract rows for the transformer engine's kernels (rope, attention, gather,
 * scatter-add, sigmoid row gate, chunked cross-entropy): seeded inputs, GPU against the CPU
 * reference with |gpu - ref| <= atol + rtol * |ref|. Included in KERNEL_CASES.
 */
import { Rng } from '../../core/rng';
import { attentionNaive } from '../../core/ref/attention';
import { lmHeadNll } from '../../core/ref/crossentropy';
import { sigmoid } from '../../core/ref/elementwise';
import { gatherRows as refGather, scatterAddRows as refScatter } from '../../core/ref/moe';
import { applyRope, ropeTable } from '../../core/ref/rope';
import type { KernelCase } from './kernel-suite';
import { WebGpuBackend } from '../webgpu-backend';
import type { GpuContext } from '../context';
import type { AttentionOptions } from '../../core/backend';

const TOL = { atol: 1e-5, rtol: 1e-4 };

async function withBackend(ctx: GpuContext, fn: (be: WebGpuBackend) => Promise<Float32Array>): Promise<Float32Array> {
  return fn(new WebGpuBackend(ctx));
}

function ropeCase(rows: number, nHeads: number, hd: number, seed: number): KernelCase {
  return {
    name: `rope [${rows}, ${nHeads}x${hd}] llama3`, kernel: 'rope', tol: TOL,
    async run(ctx) {
      const rng = new Rng(seed);
      const x = rng.uniformArray(rows * nHeads * hd);
      const pos = Int32Array.from({ length: rows }, (_, i) => i * 37);
      const t = ropeTable(hd, 500000, { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 64 });
      const got = await withBackend(ctx, async (be) => be.read(await be.rope(await be.upload(x, [rows, nHeads * hd]), nHeads, hd, pos, t)));
      return { got, ref: applyRope(x, rows, nHeads, hd, pos, t) };
    },
  };
}

function attentionCase(tq: number, tk: number, o: Partial<AttentionOptions>, seed: number): KernelCase {
  const opts: AttentionOptions = { nHeads: 4, nKvHeads: 2, headDim: 16, queryOffset: tk - tq, slidingWindow: null, scale: 0.25, ...o };
  return {
    name: `attention q${tq} k${tk} ${opts.nHeads}/${opts.nKvHeads} heads${opts.slidingWindow ? ` window ${opts.slidingWindow}` : ''}`,
    kernel: 'attention', tol: TOL,
    async run(ctx) {
      const rng = new Rng(seed);
      const q = rng.uniformArray(tq * opts.nHeads * opts.headDim, -3, 3);
      const k = rng.uniformArray(tk * opts.nKvHeads * opts.headDim, -3, 3);
      const v = rng.uniformArray(tk * opts.nKvHeads * opts.headDim);
      const got = await withBackend(ctx, async (be) => {
        const w = opts.nKvHeads * opts.headDim;
        return be.read(await be.attention(await be.upload(q, [tq, opts.nHeads * opts.headDim]), await be.upload(k, [tk, w]), await be.upload(v, [tk, w]), opts));
      });
      return { got, ref: attentionNaive(q, k, v, tq, tk, opts) };
    },
  };
}

const rowsCase: KernelCase = {
  name: 'gather + weighted scatter-add + sigmoid row gate', kernel: 'rows', tol: TOL,
  async run(ctx) {
    const rng = new Rng(77);
    const x = rng.uniformArray(9 * 33);
    const ids = Int32Array.of(8, 0, 3, 3, 5);
    const dst = Int32Array.of(1, 4, 2);
    const src = Int32Array.of(4, 0, 2);
    const w = Float32Array.of(0.5, -2, 1.25);
    const s = rng.uniformArray(5, -3, 3);
    const g = refGather(x, 33, ids);
    const acc = new Float32Array(9 * 33);
    refScatter(acc, g, 33, dst, w, src);
    const gated = Float32Array.from(g, (val, i) => val * sigmoid(s[Math.floor(i / 33)]));
    const got = await withBackend(ctx, async (be) => {
      const gx = await be.gatherRows(await be.upload(x, [9, 33]), ids);
      const a = await be.zeros([9, 33]);
      await be.scatterAddRows(a, gx, dst, w, src);
      const gs = await be.mulSigmoidRows(gx, await be.upload(s, [5, 1]));
      const out = new Float32Array(acc.length + gated.length);
      out.set(await be.read(a));
      out.set(await be.read(gs), acc.length);
      return out;
    });
    const ref = new Float32Array(acc.length + gated.length);
    ref.set(acc);
    ref.set(gated, acc.length);
    return { got, ref };
  },
};

function xentCase(n: number, h: number, v: number, chunk: number, seed: number): KernelCase {
  return {
    name: `chunked cross-entropy N${n} H${h} V${v} chunk ${chunk}`, kernel: 'xent', tol: { atol: 1e-4, rtol: 1e-4 },
    async run(ctx) {
      const rng = new Rng(seed);
      const x = rng.uniformArray(n * h, -2, 2);
      const w = rng.uniformArray(v * h, -2, 2);
      const targets = Int32Array.from({ length: n }, (_, i) => (i * 97) % v);
      const got = await withBackend(ctx, async (be) =>
        Float32Array.from(await be.lmHeadNll(await be.upload(x, [n, h]), await be.upload(w, [v, h]), targets, { vocabChunk: chunk })));
      return { got, ref: Float32Array.from(lmHeadNll(x, w, n, h, v, targets, chunk)) };
    },
  };
}

export const ENGINE_KERNEL_CASES: KernelCase[] = [
  ropeCase(13, 3, 16, 100),
  attentionCase(17, 17, {}, 101),
  attentionCase(5, 40, { nKvHeads: 1, slidingWindow: 7 }, 102),
  attentionCase(1, 33, { nHeads: 2, nKvHeads: 2, headDim: 64, scale: 1 }, 103),
  rowsCase,
  xentCase(7, 24, 1031, 256, 104),
  xentCase(3, 8, 50, 1000, 105),
];
