/**
 * f64 CPU reference for the MoE router (HF Qwen2-MoE / Mixtral semantics, as
 * src/core/ref/moe.ts) and its backward:
 *   p = softmax(logits) over all E experts; keep the top-k of p (descending, ties to the lower
 *   id); combine weights w_j = p_j, or p_j / S with S = sum of the kept p (renormalised).
 * The top-k choice is piecewise constant, so gradients reach the router only through the kept
 * probabilities (and through any loss on p itself, e.g. load balancing or router z-loss):
 *   renormalised: dp_j = (dw_j - sum_k dw_k w_k) / S for kept j;  else dp_j = dw_j
 *   dp += dProbs (extra terms on p);  dlogit_e = p_e (dp_e - sum_j p_j dp_j) (+ dLogits extra)
 * Shapes: logits/probs [T, E], experts/weights [T, k].
 */

export interface Route64 {
  tokens: number;
  numExperts: number;
  topK: number;
  renormalize: boolean;
  probs: Float64Array;
  experts: Int32Array;
  weights: Float64Array;
}

export function routeForward(logits: Float64Array, tokens: number, numExperts: number, topK: number, renormalize: boolean): Route64 {
  if (topK < 1 || topK > numExperts) throw new RangeError(`top-k ${topK} must be in [1, ${numExperts}]`);
  const E = numExperts;
  const probs = new Float64Array(tokens * E);
  const experts = new Int32Array(tokens * topK);
  const weights = new Float64Array(tokens * topK);
  const taken = new Uint8Array(E);
  for (let t = 0; t < tokens; t++) {
    const o = t * E;
    let mx = -Infinity;
    for (let e = 0; e < E; e++) mx = Math.max(mx, logits[o + e]);
    let z = 0;
    for (let e = 0; e < E; e++) z += Math.exp(logits[o + e] - mx);
    for (let e = 0; e < E; e++) probs[o + e] = Math.exp(logits[o + e] - mx) / z;
    taken.fill(0);
    let sum = 0;
    for (let s = 0; s < topK; s++) {
      let best = -1;
      for (let e = 0; e < E; e++) if (!taken[e] && (best < 0 || probs[o + e] > probs[o + best])) best = e;
      taken[best] = 1;
      experts[t * topK + s] = best;
      weights[t * topK + s] = probs[o + best];
      sum += probs[o + best];
    }
    if (renormalize) for (let s = 0; s < topK; s++) weights[t * topK + s] /= sum;
  }
  return { tokens, numExperts, topK, renormalize, probs, experts, weights };
}

/**
 * Gradient with respect to the router logits, from the gradient of the combine weights
 * dWeights [T, k] plus optional extra gradients on the probabilities [T, E] and on the logits
 * [T, E] (added as is).
 */
export function routeBackward(
  r: Route64, dWeights: Float64Array, dProbs: Float64Array | null = null, dLogits: Float64Array | null = null,
): Float64Array {
  const { tokens, numExperts: E, topK: k } = r;
  const out = new Float64Array(tokens * E);
  const dp = new Float64Array(E);
  for (let t = 0; t < tokens; t++) {
    const o = t * E;
    for (let e = 0; e < E; e++) dp[e] = dProbs ? dProbs[o + e] : 0;
    let sumKept = 0;
    let dot = 0;
    for (let s = 0; s < k; s++) {
      sumKept += r.probs[o + r.experts[t * k + s]];
      dot += dWeights[t * k + s] * r.weights[t * k + s];
    }
    for (let s = 0; s < k; s++) {
      const e = r.experts[t * k + s];
      dp[e] += r.renormalize ? (dWeights[t * k + s] - dot) / sumKept : dWeights[t * k + s];
    }
    let pdp = 0;
    for (let e = 0; e < E; e++) pdp += r.probs[o + e] * dp[e];
    for (let e = 0; e < E; e++) out[o + e] = r.probs[o + e] * (dp[e] - pdp) + (dLogits ? dLogits[o + e] : 0);
  }
  return out;
}
