/**
 * One decoder layer on a ComputeBackend, HF Qwen2 / Llama / Mistral / Qwen2-MoE / Mixtral order:
 *   h = RMSNorm(x); q, k, v = h Wq^T (+b), ...; RoPE(q, k); a = causal GQA attention; x += a Wo^T
 *   h = RMSNorm(x); x += FFN(h)
 * FFN is SwiGLU down(silu(gate h) * up h), or an MoE block: p = softmax(router h) over all E
 * experts, top-k, optional renormalisation, y = sum_k p_k expert_k(h)
 * (+ sigmoid(shared_gate h) * shared(h) for Qwen2-MoE). Experts run on the rows routed to them
 * (gather -> FFN -> weighted scatter), or on every row when outputs are tapped (dense mode); a
 * single token's (decoding) chosen experts add their weighted down projections straight onto
 * the residual stream. Residual adds are fused into o_proj / down_proj (`linear`'s residual).
 */
import type { BackendTensor, ComputeBackend, RopeTable, Routing } from '../core/backend';
import { tokensPerExpert } from '../core/ref/moe';
import type { ModelConfig } from './config';
import type { RouteOverride, Taps } from './taps';
import type { FfnWeights, LayerWeights, MoeWeights } from './weights';

/** Consecutive rows [start, start + length) forming one independent sequence. */
export interface Segment {
  start: number;
  length: number;
}

/** Keys and values of earlier positions (post-RoPE), per layer, for one sequence. */
export interface KvCache<T> {
  k: (T | null)[];
  v: (T | null)[];
  length: number;
}

export interface LayerContext<T extends BackendTensor> {
  be: ComputeBackend<T>;
  cfg: ModelConfig;
  rope: RopeTable;
  layer: number;
  positions: Int32Array;
  segments: Segment[];
  cache: KvCache<T> | null;
  taps: Taps<T>;
  routeOverride?: RouteOverride;
  denseExperts: boolean;
}

function range(start: number, n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => start + i);
}

/** Attention sub-block; returns residual + o_proj(attention(h)) (the add fused into o_proj). */
async function attentionBlock<T extends BackendTensor>(c: LayerContext<T>, w: LayerWeights<T>, h: T, residual: T): Promise<T> {
  const { be, cfg } = c;
  const q0 = await be.linear(h, w.q, w.qBias);
  const k0 = await be.linear(h, w.k, w.kBias);
  const v = await be.linear(h, w.v, w.vBias);
  const q = await be.rope(q0, cfg.numHeads, cfg.headDim, c.positions, c.rope);
  const k = await be.rope(k0, cfg.numKvHeads, cfg.headDim, c.positions, c.rope);
  be.release(q0, k0);
  const opts = {
    nHeads: cfg.numHeads, nKvHeads: cfg.numKvHeads, headDim: cfg.headDim,
    queryOffset: 0, slidingWindow: cfg.slidingWindow, scale: 1 / Math.sqrt(cfg.headDim),
  };
  let a: T;
  if (c.cache) {
    const l = c.layer;
    const pk = c.cache.k[l];
    const pv = c.cache.v[l];
    const kk = pk ? await be.concatRows(pk, k) : k;
    const vv = pv ? await be.concatRows(pv, v) : v;
    a = await be.attention(q, kk, vv, { ...opts, queryOffset: c.cache.length });
    be.release(pk, pv);
    if (pk) be.release(k, v);
    c.cache.k[l] = kk;
    c.cache.v[l] = vv;
  } else if (c.segments.length === 1) {
    a = await be.attention(q, k, v, opts);
    be.release(k, v);
  } else {
    // Independent sequences in one batch: attention per segment, results scattered into place.
    a = await be.zeros(q.shape);
    for (const s of c.segments) {
      const rows = range(s.start, s.length);
      const [qs, ks, vs] = [await be.gatherRows(q, rows), await be.gatherRows(k, rows), await be.gatherRows(v, rows)];
      const as = await be.attention(qs, ks, vs, opts);
      await be.scatterAddRows(a, as, rows, new Float32Array(s.length).fill(1));
      be.release(qs, ks, vs, as);
    }
    be.release(k, v);
  }
  be.release(q);
  const o = await be.linear(a, w.o, null, residual);
  be.release(a);
  return o;
}

/** SwiGLU FFN (+ residual, fused into down_proj); taps h before down_proj. */
async function ffn<T extends BackendTensor>(
  c: LayerContext<T>, f: FfnWeights<T>, x: T, expert: number | 'shared' | null, rows: Int32Array | null, residual: T | null = null,
): Promise<T> {
  const { be } = c;
  const h = await be.swiglu(x, f.gate, f.up);
  if (c.taps.ffnHidden) await c.taps.ffnHidden({ layer: c.layer, expert, rows, h });
  const y = await be.linear(h, f.down, null, residual);
  be.release(h);
  return y;
}

/** The MoE sub-block; returns residual + MoE(h) (the residual is not released). */
async function moeBlock<T extends BackendTensor>(c: LayerContext<T>, m: MoeWeights<T>, h: T, residual: T): Promise<{ y: T; routing: Routing }> {
  const { be, cfg } = c;
  const moe = cfg.moe!;
  const logits = await be.linear(h, m.router);
  let routing = await be.routeTopK(logits, moe.topK, moe.normTopkProb);
  be.release(logits);
  if (c.routeOverride) routing = c.routeOverride(c.layer, routing);
  if (c.taps.routing) await c.taps.routing({ layer: c.layer, routing });
  const n = h.shape[0];
  const dense = c.denseExperts || c.taps.expertOutput !== undefined;
  let routed: T;
  if (n === 1 && !dense) {
    // One token (decoding): each chosen expert's down projection, scaled by its routing weight,
    // adds straight onto the residual stream; no accumulator, gather or scatter.
    routed = residual;
    for (let s = 0; s < routing.topK; s++) {
      const e = routing.experts[s];
      const f = m.experts[e];
      const hid = await be.swiglu(h, f.gate, f.up);
      if (c.taps.ffnHidden) await c.taps.ffnHidden({ layer: c.layer, expert: e, rows: Int32Array.of(0), h: hid });
      const next = await be.linear(hid, f.down, null, routed, routing.weights[s]);
      be.release(hid);
      if (routed !== residual) be.release(routed);
      routed = next;
    }
  } else {
    const acc = await be.zeros([n, cfg.hiddenSize]);
    const perExpert = tokensPerExpert(routing);
    for (let e = 0; e < m.experts.length; e++) {
      const { rows, weights } = perExpert[e];
      if (dense) {
        const y = await ffn(c, m.experts[e], h, e, null);
        if (c.taps.expertOutput) await c.taps.expertOutput({ layer: c.layer, expert: e, y });
        if (rows.length > 0) await be.scatterAddRows(acc, y, rows, weights, rows);
        be.release(y);
      } else if (rows.length > 0) {
        // Every row routed here (a small batch): no gather needed.
        const all = rows.length === n && rows.every((r, i) => r === i);
        const xe = all ? h : await be.gatherRows(h, rows);
        const y = await ffn(c, m.experts[e], xe, e, rows);
        await be.scatterAddRows(acc, y, rows, weights);
        be.release(y);
        if (!all) be.release(xe);
      }
    }
    routed = await be.add(residual, acc);
    be.release(acc);
  }
  if (!m.shared || !m.sharedGate) return { y: routed, routing };
  const s = await ffn(c, m.shared, h, 'shared', null);
  const g = await be.linear(h, m.sharedGate);
  const gs = await be.mulSigmoidRows(s, g);
  const y = await be.add(routed, gs);
  be.release(s, g, gs);
  if (routed !== residual) be.release(routed);
  return { y, routing };
}

/** Run layer c.layer on the residual stream x [rows, H]; returns the new stream (x is released). */
export async function decoderLayer<T extends BackendTensor>(
  c: LayerContext<T>, w: LayerWeights<T>, x: T,
): Promise<{ x: T; routing: Routing | null }> {
  const { be, cfg } = c;
  if (c.taps.residual) await c.taps.residual({ layer: c.layer, point: 'input', x });
  const h = await be.rmsnorm(x, w.inputNorm, cfg.rmsNormEps);
  const mid = await attentionBlock(c, w, h, x);
  be.release(h, x);
  if (c.taps.residual) await c.taps.residual({ layer: c.layer, point: 'mid', x: mid });
  const h2 = await be.rmsnorm(mid, w.postNorm, cfg.rmsNormEps);
  if (!w.moe) {
    const out = await ffn(c, w.mlp!, h2, null, null, mid);
    be.release(h2, mid);
    return { x: out, routing: null };
  }
  const { y: out, routing } = await moeBlock(c, w.moe, h2, mid);
  be.release(h2);
  if (out !== mid) be.release(mid);
  return { x: out, routing };
}
