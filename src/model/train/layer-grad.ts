/**
 * One decoder layer, differentiable: the forward keeps what the backward needs (a LayerCache),
 * the backward turns d(output) into d(input) and adds weight gradients into the Param grads.
 * Same computation as src/model/layer.ts (HF order; MoE with softmax over all experts, top-k,
 * optional renormalisation, shared expert gated by sigmoid), on a TrainBackend:
 *   h1 = RMSNorm(x); q,k,v = h1 W^T (+b); RoPE(q, k); a = causal GQA attention; mid = x + a Wo^T
 *   h2 = RMSNorm(mid); out = mid + FFN(h2) | MoE(h2)
 * Attention keeps q, k, v, its output and log-sum-exp (no [T, T] scores). Router logits and
 * decisions are small host arrays; gradients reach the router through the kept probabilities
 * (core/grad/router.ts) plus the load-balancing and z-loss terms handed in by the model.
 * `need` says which activation gradients are required, so frozen lower layers cost no backward.
 */
import type { BackendTensor, RopeTable } from '../../core/backend';
import type { TrainAttentionOptions } from '../../core/grad/attention';
import { routeBackward, routeForward, type Route64 } from '../../core/grad/router';
import type { TrainBackend } from '../../core/train/train-backend';
import type { ModelConfig } from '../config';
import type { FfnWeights, LayerWeights } from '../weights';
import type { Param } from './params';

export interface LayerGradContext<T extends BackendTensor> {
  be: TrainBackend<T>;
  cfg: ModelConfig;
  rope: RopeTable;
  positions: Int32Array;
  attn: TrainAttentionOptions;
}

interface FfnCache<T> {
  x: T;
  g: T;
  u: T;
  h: T;
}

interface ExpertCache<T> {
  rows: Int32Array;
  /** Index t * k + s of each routed slot (where its combine weight lives). */
  slots: Int32Array;
  weights: Float64Array;
  ffn: FfnCache<T>;
  y: T;
}

export interface LayerCache<T> {
  x: T;
  h1: T;
  q: T;
  k: T;
  v: T;
  a: T;
  lse: T;
  mid: T;
  h2: T;
  dense: FfnCache<T> | null;
  moe: { route: Route64; logits: Float64Array; experts: ExpertCache<T>[]; shared: { ffn: FfnCache<T>; s: T; sg: T } | null } | null;
}

export interface LayerForward<T> {
  out: T;
  cache: LayerCache<T>;
}

type LP<T> = LayerWeights<Param<T>>;

function ffnForward<T extends BackendTensor>(be: TrainBackend<T>, f: FfnWeights<Param<T>>, x: T): { y: T; c: FfnCache<T> } {
  const g = be.linear(x, f.gate.value);
  const u = be.linear(x, f.up.value);
  const h = be.siluMul(g, u);
  return { y: be.linear(h, f.down.value), c: { x, g, u, h } };
}

function ffnBackward<T extends BackendTensor>(be: TrainBackend<T>, f: FfnWeights<Param<T>>, c: FfnCache<T>, dy: T, needDx: boolean): T | null {
  const anyW = f.gate.grad || f.up.grad || f.down.grad;
  if (!anyW && !needDx) return null;
  const dh = be.linearBackward(dy, c.h, f.down.value, f.down.grad, null, true)!;
  const { dg, du } = be.siluMulBackward(dh, c.g, c.u);
  const dxg = be.linearBackward(dg, c.x, f.gate.value, f.gate.grad, null, needDx);
  const dxu = be.linearBackward(du, c.x, f.up.value, f.up.grad, null, needDx);
  be.release(dh, dg, du);
  if (!dxg || !dxu) return null;
  be.addInPlace(dxg, dxu);
  be.release(dxu);
  return dxg;
}

export async function layerForward<T extends BackendTensor>(c: LayerGradContext<T>, w: LP<T>, x: T): Promise<LayerForward<T>> {
  const { be, cfg } = c;
  const h1 = be.rmsnorm(x, w.inputNorm.value, cfg.rmsNormEps);
  const q0 = be.linear(h1, w.q.value, w.qBias?.value);
  const k0 = be.linear(h1, w.k.value, w.kBias?.value);
  const v = be.linear(h1, w.v.value, w.vBias?.value);
  const q = be.rope(q0, cfg.numHeads, cfg.headDim, c.positions, c.rope);
  const k = be.rope(k0, cfg.numKvHeads, cfg.headDim, c.positions, c.rope);
  be.release(q0, k0);
  const { out: a, lse } = be.attention(q, k, v, c.attn);
  const o = be.linear(a, w.o.value);
  const mid = be.add(x, o);
  be.release(o);
  const h2 = be.rmsnorm(mid, w.postNorm.value, cfg.rmsNormEps);
  const cache: LayerCache<T> = { x, h1, q, k, v, a, lse, mid, h2, dense: null, moe: null };
  let f: T;
  if (w.moe) {
    const moe = cfg.moe!;
    const lg = be.linear(h2, w.moe.router.value);
    const logits = await be.read(lg);
    be.release(lg);
    const T = h2.shape[0];
    const route = routeForward(logits, T, moe.numExperts, moe.topK, moe.normTopkProb);
    f = be.zeros(h2.shape);
    const experts: ExpertCache<T>[] = [];
    for (let e = 0; e < moe.numExperts; e++) {
      const rows: number[] = [];
      const slots: number[] = [];
      for (let i = 0; i < T * moe.topK; i++) {
        if (route.experts[i] === e) {
          rows.push(Math.floor(i / moe.topK));
          slots.push(i);
        }
      }
      if (rows.length === 0) continue;
      const r = Int32Array.from(rows);
      const weights = Float64Array.from(slots, (s) => route.weights[s]);
      const xe = be.gatherRows(h2, r);
      const { y, c: fc } = ffnForward(be, w.moe.experts[e], xe);
      be.scatterAddRows(f, y, r, weights);
      experts.push({ rows: r, slots: Int32Array.from(slots), weights, ffn: fc, y });
    }
    let shared = null;
    if (w.moe.shared && w.moe.sharedGate) {
      const { y: s, c: fc } = ffnForward(be, w.moe.shared, h2);
      const sg = be.linear(h2, w.moe.sharedGate.value);
      const gs = be.mulSigmoidRows(s, sg);
      be.addInPlace(f, gs);
      be.release(gs);
      shared = { ffn: fc, s, sg };
    }
    cache.moe = { route, logits, experts, shared };
  } else {
    const r = ffnForward(be, w.mlp!, h2);
    f = r.y;
    cache.dense = r.c;
  }
  const out = be.add(mid, f);
  be.release(f);
  return { out, cache };
}

export function releaseCache<T extends BackendTensor>(be: TrainBackend<T>, c: LayerCache<T>): void {
  const ffn = (f: FfnCache<T>): void => be.release(f.g, f.u, f.h);
  be.release(c.h1, c.q, c.k, c.v, c.a, c.lse, c.mid, c.h2);
  if (c.dense) ffn(c.dense);
  for (const e of c.moe?.experts ?? []) {
    ffn(e.ffn);
    be.release(e.ffn.x, e.y);
  }
  if (c.moe?.shared) {
    ffn(c.moe.shared.ffn);
    be.release(c.moe.shared.s, c.moe.shared.sg);
  }
}

/** Which activation gradients a layer's backward must produce. */
export interface LayerNeeds {
  /** d(input x): something below this layer (or the embedding) is trainable. */
  dx: boolean;
  /** d(mid): dx, or this layer's attention sublayer has trainable weights. */
  dmid: boolean;
  /** d(h2): dmid, or the post-attention norm is trainable. */
  dh2: boolean;
}

/** Extra router gradients from the auxiliary losses, already multiplied by their coefficients. */
export interface RouterAuxGrads {
  dProbs: Float64Array | null;
  dLogits: Float64Array | null;
}

/** Backward through the layer; returns d(input) when needs.dx, else null. */
export async function layerBackward<T extends BackendTensor>(
  c: LayerGradContext<T>, w: LP<T>, k: LayerCache<T>, dOut: T, need: LayerNeeds, aux: RouterAuxGrads,
): Promise<T | null> {
  const { be, cfg } = c;
  const dh2 = need.dh2 ? be.zeros(k.h2.shape) : null;
  if (k.dense) {
    const dx = ffnBackward(be, w.mlp!, k.dense, dOut, need.dh2);
    if (dx && dh2) be.addInPlace(dh2, dx);
    be.release(dx);
  } else if (k.moe && w.moe) {
    const m = k.moe;
    const dWeights = new Float64Array(m.route.tokens * m.route.topK);
    for (const ex of m.experts) {
      const e = m.route.experts[ex.slots[0]];
      const dyu = be.gatherRows(dOut, ex.rows);
      const dots = await be.rowDots(dyu, ex.y);
      ex.slots.forEach((s, i) => (dWeights[s] = dots[i]));
      const dy = be.scaleRows(dyu, ex.weights);
      const dxe = ffnBackward(be, w.moe.experts[e], ex.ffn, dy, need.dh2);
      if (dxe && dh2) be.scatterAddRows(dh2, dxe, ex.rows, new Float64Array(ex.rows.length).fill(1));
      be.release(dyu, dy, dxe);
    }
    if (m.shared && w.moe.shared && w.moe.sharedGate) {
      const { dx: ds, ds: dsg } = be.mulSigmoidRowsBackward(dOut, m.shared.s, m.shared.sg);
      const dxs = ffnBackward(be, w.moe.shared, m.shared.ffn, ds, need.dh2);
      const dxg = be.linearBackward(dsg, k.h2, w.moe.sharedGate.value, w.moe.sharedGate.grad, null, need.dh2);
      if (dh2 && dxs) be.addInPlace(dh2, dxs);
      if (dh2 && dxg) be.addInPlace(dh2, dxg);
      be.release(ds, dsg, dxs, dxg);
    }
    const dLogits = routeBackward(m.route, dWeights, aux.dProbs, aux.dLogits);
    const dl = be.upload(dLogits, [m.route.tokens, m.route.numExperts]);
    const dxr = be.linearBackward(dl, k.h2, w.moe.router.value, w.moe.router.grad, null, need.dh2);
    if (dh2 && dxr) be.addInPlace(dh2, dxr);
    be.release(dl, dxr);
  }
  if (!dh2) return null;
  const dmidNorm = be.rmsnormBackward(dh2, k.mid, w.postNorm.value, cfg.rmsNormEps, w.postNorm.grad);
  be.release(dh2);
  if (!need.dmid) {
    be.release(dmidNorm);
    return null;
  }
  const dmid = be.add(dOut, dmidNorm);
  be.release(dmidNorm);
  const da = be.linearBackward(dmid, k.a, w.o.value, w.o.grad, null, true)!;
  const { dq, dk, dv } = be.attentionBackward(da, k.q, k.k, k.v, k.a, k.lse, c.attn);
  const dq0 = be.ropeBackward(dq, cfg.numHeads, cfg.headDim, c.positions, c.rope);
  const dk0 = be.ropeBackward(dk, cfg.numKvHeads, cfg.headDim, c.positions, c.rope);
  be.release(da, dq, dk);
  const needDh1 = need.dx || w.inputNorm.grad !== null;
  const parts = [
    be.linearBackward(dq0, k.h1, w.q.value, w.q.grad, w.qBias?.grad ?? null, needDh1),
    be.linearBackward(dk0, k.h1, w.k.value, w.k.grad, w.kBias?.grad ?? null, needDh1),
    be.linearBackward(dv, k.h1, w.v.value, w.v.grad, w.vBias?.grad ?? null, needDh1),
  ];
  be.release(dq0, dk0, dv);
  if (!needDh1) {
    be.release(dmid);
    return null;
  }
  const dh1 = parts[0]!;
  be.addInPlace(dh1, parts[1]!);
  be.addInPlace(dh1, parts[2]!);
  be.release(parts[1], parts[2]);
  const dxNorm = be.rmsnormBackward(dh1, k.x, w.inputNorm.value, cfg.rmsNormEps, w.inputNorm.grad);
  be.release(dh1);
  if (!need.dx) {
    be.release(dmid, dxNorm);
    return null;
  }
  be.addInPlace(dmid, dxNorm);
  be.release(dxNorm);
  return dmid;
}
