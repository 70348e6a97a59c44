/**
 * CPU reference for MoE routing and the row gather / weighted scatter around experts, with
 * HF Qwen2-MoE / Mixtral semantics (FORMATS.md "Runtime semantics"): p = softmax(logits) in f32
 * over all E experts; the top-k of p in descending order (ties to the lower id); weights = those
 * p, divided by their sum when renormalising (norm_topk_prob; Mixtral always).
 */
import type { Routing } from '../backend';

export function routeTopK(logits: Float32Array, tokens: number, numExperts: number, topK: number, renormalize: boolean): Routing {
  if (topK < 1 || topK > numExperts) throw new RangeError(`top-k ${topK} must be in [1, ${numExperts}]`);
  const probs = new Float32Array(tokens * numExperts);
  const experts = new Int32Array(tokens * topK);
  const weights = new Float32Array(tokens * topK);
  const taken = new Uint8Array(numExperts);
  for (let t = 0; t < tokens; t++) {
    const o = t * numExperts;
    let mx = -Infinity;
    for (let e = 0; e < numExperts; e++) mx = Math.max(mx, logits[o + e]);
    let z = 0;
    for (let e = 0; e < numExperts; e++) z += Math.exp(logits[o + e] - mx);
    for (let e = 0; e < numExperts; e++) probs[o + e] = Math.exp(logits[o + e] - mx) / z;
    taken.fill(0);
    let sum = 0;
    for (let s = 0; s < topK; s++) {
      let best = -1;
      for (let e = 0; e < numExperts; e++) if (!taken[e] && (best < 0 || probs[o + e] > probs[o + best])) best = e;
      taken[best] = 1;
      experts[t * topK + s] = best;
      weights[t * topK + s] = probs[o + best];
      sum += probs[o + best];
    }
    if (renormalize) for (let s = 0; s < topK; s++) weights[t * topK + s] /= sum;
  }
  return { tokens, numExperts, topK, probs, experts, weights };
}

/** For each expert, the tokens routed to it and their combine weights (token order kept). */
export function tokensPerExpert(r: Routing): { rows: Int32Array; weights: Float32Array }[] {
  const lists = Array.from({ length: r.numExperts }, () => ({ rows: [] as number[], weights: [] as number[] }));
  for (let t = 0; t < r.tokens; t++) {
    for (let s = 0; s < r.topK; s++) {
      const l = lists[r.experts[t * r.topK + s]];
      l.rows.push(t);
      l.weights.push(r.weights[t * r.topK + s]);
    }
  }
  return lists.map((l) => ({ rows: Int32Array.from(l.rows), weights: Float32Array.from(l.weights) }));
}

export function gatherRows(x: Float32Array, cols: number, rows: Int32Array): Float32Array {
  const y = new Float32Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) y.set(x.subarray(rows[i] * cols, rows[i] * cols + cols), i * cols);
  return y;
}

/** In place: acc[dst[i]] += w[i] * src[srcRows ? srcRows[i] : i]. */
export function scatterAddRows(
  acc: Float32Array, src: Float32Array, cols: number, dst: Int32Array, w: Float32Array, srcRows?: Int32Array,
): void {
  for (let i = 0; i < dst.length; i++) {
    const so = (srcRows ? srcRows[i] : i) * cols;
    const d = dst[i] * cols;
    for (let c = 0; c < cols; c++) acc[d + c] += w[i] * src[so + c];
  }
}
