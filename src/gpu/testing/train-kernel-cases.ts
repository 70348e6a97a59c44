/**
 * Kernel-contract rows for the training kernels (backward passes and the optimiser): seeded
 * inputs, the GPU (f32, through WebGpuTrainBackend or the kernel itself) against the f64
 * backward references of src/core/grad and src/core/train, |gpu - ref| <= atol + rtol * |ref|.
 * Shapes are not multiples of any tile or workgroup. Included in KERNEL_CASES, so they run in
 * Node (kernels.gpu.test.ts) and in Chromium (e2e/kernels.spec.ts).
 */
import { Rng } from '../../core/rng';
import { attentionBackward, attentionForward, type Segment, type TrainAttentionOptions } from '../../core/grad/attention';
import { lmHeadLossBackward } from '../../core/grad/crossentropy';
import { embeddingBackward, linearBackwardInput, linearBackwardWeight } from '../../core/grad/linear';
import { rmsnormBackward } from '../../core/grad/rmsnorm';
import { ropeBackward } from '../../core/grad/rope';
import { routeBackward, routeForward } from '../../core/grad/router';
import { mulSigmoidRowsBackward, siluMulBackward } from '../../core/grad/swiglu';
import { ropeTable } from '../../core/ref/rope';
import { adamwUpdate } from '../../core/train/optim';
import type { GpuContext } from '../context';
import { routerBackward } from '../kernels/routerGrad';
import { WebGpuTrainBackend } from '../webgpu-train-backend';
import type { KernelCase } from './kernel-suite';

const TOL = { atol: 1e-5, rtol: 1e-4 };
const f64 = (a: Float32Array): Float64Array => Float64Array.from(a);

function cat(...parts: ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function train<R>(ctx: GpuContext, fn: (be: WebGpuTrainBackend) => Promise<R>): Promise<R> {
  return fn(await WebGpuTrainBackend.create(ctx));
}

function linearCase(n: number, inp: number, out: number, seed: number): KernelCase {
  return {
    name: `linear backward (dx = dY W, dW += dY^T X, db) n${n} in${inp} out${out}`, kernel: 'matmul+transpose+colsum', tol: { atol: 1e-4, rtol: 1e-4 },
    async run(ctx) {
      const rng = new Rng(seed);
      const [dy, x, w, dw0, db0] = [rng.uniformArray(n * out), rng.uniformArray(n * inp), rng.uniformArray(out * inp), rng.uniformArray(out * inp), rng.uniformArray(out)];
      const dw = f64(dw0);
      const db = f64(db0);
      linearBackwardWeight(f64(dy), f64(x), n, inp, out, dw, db);
      const ref = cat(linearBackwardInput(f64(dy), f64(w), n, inp, out), dw, db);
      const got = await train(ctx, async (be) => {
        const [tdw, tdb] = [be.upload(dw0, [out, inp]), be.upload(db0, [out])];
        const dx = be.linearBackward(be.upload(dy, [n, out]), be.upload(x, [n, inp]), be.upload(w, [out, inp]), tdw, tdb, true)!;
        return cat(await be.read(dx), await be.read(tdw), await be.read(tdb));
      });
      return { got, ref };
    },
  };
}

function lmHeadCase(n: number, h: number, v: number, chunk: number, seed: number): KernelCase {
  return {
    name: `LM-head cross-entropy backward (fused softmax grad) N${n} H${h} V${v} chunk ${chunk}`, kernel: 'xent_grad', tol: { atol: 1e-4, rtol: 1e-4 },
    async run(ctx) {
      const rng = new Rng(seed);
      const x = rng.uniformArray(n * h, -2, 2);
      const w = rng.uniformArray(v * h, -2, 2);
      const dw0 = rng.uniformArray(v * h);
      const targets = Int32Array.from({ length: n }, (_, i) => (i === 1 ? -1 : (i * 97 + 5) % v));
      const scale = Float64Array.from({ length: n }, (_, i) => 0.5 + i / n);
      const dw = f64(dw0);
      const r = lmHeadLossBackward(f64(x), f64(w), n, h, v, targets, scale, dw, chunk);
      const scored = (a: ArrayLike<number>): number[] => Array.from(a).filter((_, i) => targets[i] >= 0);
      const got = await train(ctx, async (be) => {
        const tdw = be.upload(dw0, [v, h]);
        const g = await be.lmHeadLoss(be.upload(x, [n, h]), be.upload(w, [v, h]), targets, scale, tdw, chunk);
        return cat(scored(g.nll), await be.read(g.dx), await be.read(tdw));
      });
      return { got, ref: cat(scored(r.nll), r.dx, dw) };
    },
  };
}

function rmsnormCase(rows: number, c: number, seed: number): KernelCase {
  return {
    name: `rmsnorm backward (dx, dw) [${rows}, ${c}]`, kernel: 'rmsnorm_grad', tol: TOL,
    async run(ctx) {
      const rng = new Rng(seed);
      const [dy, x, w, dw0] = [rng.uniformArray(rows * c), rng.uniformArray(rows * c, -3, 3), rng.uniformArray(c, 0.5, 1.5), rng.uniformArray(c)];
      const dw = f64(dw0);
      const ref = cat(rmsnormBackward(f64(dy), f64(x), f64(w), rows, c, 1e-6, dw), dw);
      const got = await train(ctx, async (be) => {
        const tdw = be.upload(dw0, [c]);
        const dx = be.rmsnormBackward(be.upload(dy, [rows, c]), be.upload(x, [rows, c]), be.upload(w, [c]), 1e-6, tdw);
        return cat(await be.read(dx), await be.read(tdw));
      });
      return { got, ref };
    },
  };
}

const ropeCase: KernelCase = {
  name: 'rope backward [13, 3x16] llama3', kernel: 'rope', tol: TOL,
  async run(ctx) {
    const [rows, nh, hd] = [13, 3, 16];
    const dy = new Rng(110).uniformArray(rows * nh * hd);
    const pos = Int32Array.from({ length: rows }, (_, i) => i * 37);
    const t = ropeTable(hd, 500000, { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 64 });
    const got = await train(ctx, async (be) => Float32Array.from(await be.read(be.ropeBackward(be.upload(dy, [rows, nh * hd]), nh, hd, pos, t))));
    return { got, ref: Float32Array.from(ropeBackward(f64(dy), rows, nh, hd, pos, t)) };
  },
};

function attentionCase(lengths: number[], o: Partial<TrainAttentionOptions>, seed: number): KernelCase {
  const segments: Segment[] = [];
  let t = 0;
  for (const length of lengths) {
    segments.push({ start: t, length });
    t += length;
  }
  const opts: TrainAttentionOptions = { nHeads: 4, nKvHeads: 2, headDim: 16, scale: 0.25, slidingWindow: null, segments, ...o };
  return {
    name: `attention forward (out, lse) + backward (dq, dk, dv) segments ${lengths.join('+')} ${opts.nHeads}/${opts.nKvHeads} heads hd ${opts.headDim}${opts.slidingWindow ? ` window ${opts.slidingWindow}` : ''}`,
    kernel: 'attention_train', tol: { atol: 2e-5, rtol: 2e-4 },
    async run(ctx) {
      const rng = new Rng(seed);
      const [qw, kw] = [opts.nHeads * opts.headDim, opts.nKvHeads * opts.headDim];
      const [q, k, v, dout] = [rng.uniformArray(t * qw, -2, 2), rng.uniformArray(t * kw, -2, 2), rng.uniformArray(t * kw), rng.uniformArray(t * qw)];
      const fw = attentionForward(f64(q), f64(k), f64(v), opts);
      const bw = attentionBackward(f64(dout), f64(q), f64(k), f64(v), fw.out, fw.lse, opts);
      const got = await train(ctx, async (be) => {
        const [tq, tk, tv] = [be.upload(q, [t, qw]), be.upload(k, [t, kw]), be.upload(v, [t, kw])];
        const f = be.attention(tq, tk, tv, opts);
        const g = be.attentionBackward(be.upload(dout, [t, qw]), tq, tk, tv, f.out, f.lse, opts);
        return cat(await be.read(f.out), await be.read(f.lse), await be.read(g.dq), await be.read(g.dk), await be.read(g.dv));
      });
      return { got, ref: cat(fw.out, fw.lse, bw.dq, bw.dk, bw.dv) };
    },
  };
}

const swigluCase: KernelCase = {
  name: 'SwiGLU backward (dg, du) n=4099 + sigmoid row gate backward (dx, ds) [37, 33]', kernel: 'swiglu_grad+gate_grad', tol: TOL,
  async run(ctx) {
    const rng = new Rng(120);
    const [dh, g, u] = [rng.uniformArray(4099), rng.uniformArray(4099, -6, 6), rng.uniformArray(4099, -2, 2)];
    const [dy, x, s] = [rng.uniformArray(37 * 33), rng.uniformArray(37 * 33), rng.uniformArray(37, -4, 4)];
    const a = siluMulBackward(f64(dh), f64(g), f64(u));
    const b = mulSigmoidRowsBackward(f64(dy), f64(x), f64(s), 33);
    const got = await train(ctx, async (be) => {
      const r = be.siluMulBackward(be.upload(dh, [4099]), be.upload(g, [4099]), be.upload(u, [4099]));
      const q = be.mulSigmoidRowsBackward(be.upload(dy, [37, 33]), be.upload(x, [37, 33]), be.upload(s, [37, 1]));
      return cat(await be.read(r.dg), await be.read(r.du), await be.read(q.dx), await be.read(q.ds));
    });
    return { got, ref: cat(a.dg, a.du, b.dx, b.ds) };
  },
};

function routerCase(t: number, e: number, k: number, renorm: boolean, extras: boolean, seed: number): KernelCase {
  return {
    name: `router backward (softmax, top-${k} of ${e}${renorm ? ', renormalised' : ''}${extras ? ', + dProbs, dLogits' : ''}) T${t}`, kernel: 'router_grad', tol: TOL,
    async run(ctx) {
      const rng = new Rng(seed);
      const logits = rng.uniformArray(t * e, -3, 3);
      const dw = rng.uniformArray(t * k);
      const dp = extras ? rng.uniformArray(t * e) : null;
      const dl = extras ? rng.uniformArray(t * e) : null;
      const route = routeForward(f64(logits), t, e, k, renorm);
      const ref = Float32Array.from(routeBackward(route, f64(dw), dp && f64(dp), dl && f64(dl)));
      const be = await WebGpuTrainBackend.create(ctx);
      const up = (a: Float32Array | null, shape: number[]) => (a ? be.upload(a, shape) : null);
      const [tl, tw, tp, td] = [be.upload(logits, [t, e]), be.upload(dw, [t, k]), up(dp, [t, e]), up(dl, [t, e])];
      const b = ctx.batch('router_grad');
      const out = routerBackward(ctx, b, { logits: tl, dWeights: tw, topK: k, renormalize: renorm, dProbs: tp, dLogits: td });
      b.submit();
      const got = await ctx.read(out);
      be.release(tl, tw, tp, td, out);
      return { got, ref };
    },
  };
}

const embeddingCase: KernelCase = {
  name: 'embedding backward (scatter-add, repeated ids) 23 rows into [50, 33]', kernel: 'embedding_grad', tol: TOL,
  async run(ctx) {
    const rng = new Rng(130);
    const ids = Int32Array.from({ length: 23 }, (_, i) => (i * 7) % 11 + (i % 3 === 0 ? 30 : 0));
    const [dy, t0] = [rng.uniformArray(23 * 33), rng.uniformArray(50 * 33)];
    const ref = f64(t0);
    embeddingBackward(f64(dy), 33, ids, ref);
    const got = await train(ctx, async (be) => {
      const table = be.upload(t0, [50, 33]);
      be.embeddingBackward(be.upload(dy, [23, 33]), ids, table);
      return Float32Array.from(await be.read(table));
    });
    return { got, ref: Float32Array.from(ref) };
  },
};

const adamwCase: KernelCase = {
  name: 'AdamW, 3 steps with decay and a clip factor, n=1001', kernel: 'adamw', tol: { atol: 1e-6, rtol: 1e-5 },
  async run(ctx) {
    const rng = new Rng(140);
    const [p0, g] = [rng.uniformArray(1001), rng.uniformArray(1001)];
    const [p, m, v] = [f64(p0), new Float64Array(1001), new Float64Array(1001)];
    const step = (s: number) => ({ beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, lr: 1e-2, step: s, gradScale: 0.7 });
    for (let s = 1; s <= 3; s++) adamwUpdate(p, g, m, v, step(s));
    const got = await train(ctx, async (be) => {
      const [tp, tg, tm, tv] = [be.upload(p0, [1001]), be.upload(g, [1001]), be.zeros([1001]), be.zeros([1001])];
      for (let s = 1; s <= 3; s++) be.adamw(tp, tg, tm, tv, step(s));
      return cat(await be.read(tp), await be.read(tm), await be.read(tv));
    });
    return { got, ref: cat(p, m, v) };
  },
};

export const TRAIN_KERNEL_CASES: KernelCase[] = [
  linearCase(37, 45, 29, 150),
  linearCase(1, 1030, 3, 151),
  lmHeadCase(7, 24, 1031, 256, 152),
  lmHeadCase(5, 8, 50, 4096, 153),
  rmsnormCase(9, 1030, 154),
  rmsnormCase(65, 96, 155),
  ropeCase,
  attentionCase([5, 11, 1], {}, 156),
  attentionCase([23, 17], { nKvHeads: 1, slidingWindow: 3 }, 157),
  attentionCase([9], { nHeads: 2, nKvHeads: 2, headDim: 64, scale: 0.125 }, 158),
  swigluCase,
  routerCase(29, 8, 2, true, true, 159),
  routerCase(13, 5, 3, false, false, 160),
  routerCase(7, 60, 4, true, false, 161),
  embeddingCase,
  adamwCase,
];
