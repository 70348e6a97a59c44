// Every backward reference against central finite differences in f64 (small shapes), and the
// f64 forwards against the engine's f32 references (so the training model computes the same
// function as inference).
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { attention as attentionRef } from '../ref/attention';
import { lmHeadNll } from '../ref/crossentropy';
import { routeTopK } from '../ref/moe';
import { rmsnorm as rmsnormRef } from '../ref/rmsnorm';
import { applyRope, ropeTable } from '../ref/rope';
import { attentionBackward, attentionForward, type TrainAttentionOptions } from './attention';
import { lmHeadLossBackward } from './crossentropy';
import { checkGradient, project, rand64 } from './finite-diff';
import { embeddingBackward, embeddingForward, linearBackwardInput, linearBackwardWeight, linearForward } from './linear';
import { rmsnormBackward, rmsnormForward } from './rmsnorm';
import { ropeBackward, ropeForward } from './rope';
import { routeBackward, routeForward } from './router';
import { mulSigmoidRowsBackward, mulSigmoidRowsForward, siluMulBackward, siluMulForward } from './swiglu';

const TOL = 1e-7;
const f32 = (a: Float64Array): Float32Array => Float32Array.from(a);

describe('backward references vs central finite differences (f64)', () => {
  it('linear: dx, dW, db', () => {
    const rng = new Rng(1);
    const [n, inp, out] = [5, 7, 4];
    const x = rand64(rng, n * inp);
    const w = rand64(rng, out * inp);
    const b = rand64(rng, out);
    const r = rand64(rng, n * out);
    const L = (): number => project(linearForward(x, w, b, n, inp, out), r);
    const dx = linearBackwardInput(r, w, n, inp, out);
    const dw = new Float64Array(out * inp);
    const db = new Float64Array(out);
    linearBackwardWeight(r, x, n, inp, out, dw, db);
    for (const [p, g] of [[x, dx], [w, dw], [b, db]]) expect(checkGradient(L, p, g).maxAbsErr).toBeLessThan(TOL);
  });

  it('embedding: repeated ids accumulate', () => {
    const rng = new Rng(2);
    const table = rand64(rng, 6 * 3);
    const ids = Int32Array.of(2, 5, 2, 0);
    const r = rand64(rng, 4 * 3);
    const d = new Float64Array(table.length);
    embeddingBackward(r, 3, ids, d);
    expect(checkGradient(() => project(embeddingForward(table, 3, ids), r), table, d).maxAbsErr).toBeLessThan(TOL);
  });

  it('rmsnorm: dx and dw; forward equals the f32 reference', () => {
    const rng = new Rng(3);
    const [rows, c, eps] = [4, 9, 1e-6];
    const x = rand64(rng, rows * c, -2, 2);
    const w = rand64(rng, c, 0.5, 1.5);
    const r = rand64(rng, rows * c);
    const dw = new Float64Array(c);
    const dx = rmsnormBackward(r, x, w, rows, c, eps, dw);
    const L = (): number => project(rmsnormForward(x, w, rows, c, eps), r);
    expect(checkGradient(L, x, dx).maxAbsErr).toBeLessThan(TOL);
    expect(checkGradient(L, w, dw).maxAbsErr).toBeLessThan(TOL);
    const ref = rmsnormRef(f32(x), f32(w), rows, c, eps);
    expect(Math.max(...rmsnormForward(x, w, rows, c, eps).map((v, i) => Math.abs(v - ref[i])))).toBeLessThan(1e-5);
  });

  it('rope: backward is the transpose; forward equals the f32 reference', () => {
    const rng = new Rng(4);
    const [rows, heads, hd] = [5, 2, 8];
    const table = { ...ropeTable(hd, 10000), attentionScaling: 1.3 };
    const pos = Int32Array.of(0, 1, 2, 7, 30);
    const x = rand64(rng, rows * heads * hd);
    const r = rand64(rng, x.length);
    const dx = ropeBackward(r, rows, heads, hd, pos, table);
    expect(checkGradient(() => project(ropeForward(x, rows, heads, hd, pos, table), r), x, dx).maxAbsErr).toBeLessThan(TOL);
    const ref = applyRope(f32(x), rows, heads, hd, pos, table);
    expect(Math.max(...ropeForward(x, rows, heads, hd, pos, table).map((v, i) => Math.abs(v - ref[i])))).toBeLessThan(1e-5);
  });

  it.each([
    ['GQA, two segments', { nHeads: 4, nKvHeads: 2, window: null }],
    ['MQA, sliding window', { nHeads: 2, nKvHeads: 1, window: 3 }],
  ])('attention (%s): dq, dk, dv; forward equals the tiled reference', (_name, c) => {
    const rng = new Rng(5);
    const hd = 4;
    const o: TrainAttentionOptions = {
      nHeads: c.nHeads, nKvHeads: c.nKvHeads, headDim: hd, scale: hd ** -0.5, slidingWindow: c.window,
      segments: [{ start: 0, length: 6 }, { start: 6, length: 3 }],
    };
    const T = 9;
    const q = rand64(rng, T * c.nHeads * hd, -1.5, 1.5);
    const k = rand64(rng, T * c.nKvHeads * hd, -1.5, 1.5);
    const v = rand64(rng, T * c.nKvHeads * hd);
    const r = rand64(rng, q.length);
    const { out, lse } = attentionForward(q, k, v, o);
    const g = attentionBackward(r, q, k, v, out, lse, o);
    const L = (): number => project(attentionForward(q, k, v, o).out, r);
    for (const [p, d] of [[q, g.dq], [k, g.dk], [v, g.dv]]) expect(checkGradient(L, p, d).maxAbsErr).toBeLessThan(TOL);
    const ao = { nHeads: c.nHeads, nKvHeads: c.nKvHeads, headDim: hd, scale: o.scale, slidingWindow: c.window, queryOffset: 0 };
    const ref = attentionRef(f32(q.subarray(0, 6 * c.nHeads * hd)), f32(k.subarray(0, 6 * c.nKvHeads * hd)), f32(v.subarray(0, 6 * c.nKvHeads * hd)), 6, 6, ao);
    expect(Math.max(...ref.map((x, i) => Math.abs(x - out[i])))).toBeLessThan(1e-5);
  });

  it('SwiGLU core and the sigmoid row gate', () => {
    const rng = new Rng(6);
    const g = rand64(rng, 12, -3, 3);
    const u = rand64(rng, 12);
    const r = rand64(rng, 12);
    const { dg, du } = siluMulBackward(r, g, u);
    const L = (): number => project(siluMulForward(g, u), r);
    expect(checkGradient(L, g, dg).maxAbsErr).toBeLessThan(TOL);
    expect(checkGradient(L, u, du).maxAbsErr).toBeLessThan(TOL);
    const s = rand64(rng, 3, -2, 2);
    const { dx, ds } = mulSigmoidRowsBackward(r, u, s, 4);
    const L2 = (): number => project(mulSigmoidRowsForward(u, s, 4), r);
    expect(checkGradient(L2, u, dx).maxAbsErr).toBeLessThan(TOL);
    expect(checkGradient(L2, s, ds).maxAbsErr).toBeLessThan(TOL);
  });

  it.each([false, true])('router softmax -> top-k -> renormalise=%s, plus extra dp and dlogits terms', (renorm) => {
    const rng = new Rng(7);
    const [T, E, k] = [6, 5, 2];
    const logits = rand64(rng, T * E, -2, 2);
    const rw = rand64(rng, T * k);
    const rp = rand64(rng, T * E);
    const rl = rand64(rng, T * E);
    // A loss on the combine weights, on p and on the logits themselves: the top-k set is fixed
    // under the tiny perturbations (no ties), so the finite difference sees a smooth function.
    const L = (): number => {
      const f = routeForward(logits, T, E, k, renorm);
      return project(f.weights, rw) + project(f.probs, rp) + project(logits, rl);
    };
    const d = routeBackward(routeForward(logits, T, E, k, renorm), rw, rp, rl);
    expect(checkGradient(L, logits, d).maxAbsErr).toBeLessThan(TOL);
    const ref = routeTopK(f32(logits), T, E, k, renorm);
    const mine = routeForward(logits, T, E, k, renorm);
    expect([...mine.experts]).toEqual([...ref.experts]);
    expect(Math.max(...mine.weights.map((x, i) => Math.abs(x - ref.weights[i])))).toBeLessThan(1e-6);
  });

  it.each([[3, true], [64, true], [5, false]])('chunked LM-head cross-entropy (chunk %i, dW %s): dx, dW; nll equals the reference', (chunk, withDw) => {
    const rng = new Rng(8);
    const [n, h, V] = [5, 6, 23];
    const x = rand64(rng, n * h, -1, 1);
    const w = rand64(rng, V * h, -1, 1);
    const targets = Int32Array.of(3, -1, 22, 0, 3);
    const scale = rand64(rng, n, 0.1, 1);
    const dw = withDw ? new Float64Array(V * h) : null;
    const { nll, dx } = lmHeadLossBackward(x, w, n, h, V, targets, scale, dw, chunk);
    const L = (): number => {
      const r = lmHeadLossBackward(x, w, n, h, V, targets, scale, null, chunk).nll;
      let s = 0;
      for (let i = 0; i < n; i++) if (targets[i] >= 0) s += scale[i] * r[i];
      return s;
    };
    expect(checkGradient(L, x, dx).maxAbsErr).toBeLessThan(TOL);
    if (dw) expect(checkGradient(L, w, dw).maxAbsErr).toBeLessThan(TOL);
    expect(dx.subarray(h, 2 * h).every((v) => v === 0)).toBe(true);
    const ref = lmHeadNll(f32(x), f32(w), n, h, V, targets, 7);
    for (let i = 0; i < n; i++) {
      if (targets[i] < 0) expect(nll[i]).toBeNaN();
      else expect(Math.abs(nll[i] - ref[i])).toBeLessThan(1e-5);
    }
  });
});
