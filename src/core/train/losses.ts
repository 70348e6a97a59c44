/**
 * Router losses and routing statistics, f64 (METHOD.md section 3, FORMATS.md "Runtime semantics").
 *
 * Load balancing, HF Switch form (transformers' load_balancing_loss_func): the router outputs of
 * all MoE layers are concatenated into N = sum_l T_l rows; then
 *   f_e = (number of (row, choice) slots routed to e) / N   (top-k one-hot mask summed over k,
 *         averaged over rows; sum_e f_e = k)
 *   P_e = (sum_rows p_e) / N                                (mean softmax probability)
 *   L_bal = E * sum_e f_e P_e                              (= k at perfect balance)
 * f is piecewise constant (the top-k mask carries no gradient, as in HF), so
 *   dL_bal / dp_{r,e} = E f_e / N.
 * Router z-loss (ST-MoE): L_z = mean over all rows of logsumexp(logits_r)^2,
 *   dL_z / dlogit_{r,e} = 2 lse_r softmax(logits_r)_e / N.
 */

export interface LayerRouting {
  tokens: number;
  numExperts: number;
  topK: number;
  /** Softmax over all experts [T, E]. */
  probs: ArrayLike<number>;
  /** Chosen expert ids [T, k]. */
  experts: ArrayLike<number>;
}

export interface BalanceResult {
  value: number;
  /** f_e (sums to k). */
  f: Float64Array;
  /** P_e (sums to 1). */
  P: Float64Array;
  /** dL_bal / dp for each layer, [T_l, E]. */
  dProbs: Float64Array[];
}

export function loadBalancingLoss(layers: LayerRouting[]): BalanceResult {
  if (layers.length === 0) return { value: 0, f: new Float64Array(0), P: new Float64Array(0), dProbs: [] };
  const E = layers[0].numExperts;
  const f = new Float64Array(E);
  const P = new Float64Array(E);
  let n = 0;
  for (const l of layers) {
    if (l.numExperts !== E) throw new RangeError('load balancing: every MoE layer must have the same number of experts');
    n += l.tokens;
    for (let i = 0; i < l.tokens * l.topK; i++) f[l.experts[i]] += 1;
    for (let t = 0; t < l.tokens; t++) for (let e = 0; e < E; e++) P[e] += l.probs[t * E + e];
  }
  let value = 0;
  for (let e = 0; e < E; e++) {
    f[e] /= n;
    P[e] /= n;
    value += f[e] * P[e];
  }
  value *= E;
  const dProbs = layers.map((l) => {
    const d = new Float64Array(l.tokens * E);
    for (let t = 0; t < l.tokens; t++) for (let e = 0; e < E; e++) d[t * E + e] = (E * f[e]) / n;
    return d;
  });
  return { value, f, P, dProbs };
}

export interface ZLossResult {
  value: number;
  /** dL_z / dlogits for each layer, [T_l, E]. */
  dLogits: Float64Array[];
}

export function routerZLoss(logits: { tokens: number; numExperts: number; data: ArrayLike<number> }[]): ZLossResult {
  const n = logits.reduce((a, l) => a + l.tokens, 0);
  let value = 0;
  const dLogits = logits.map((l) => {
    const E = l.numExperts;
    const d = new Float64Array(l.tokens * E);
    for (let t = 0; t < l.tokens; t++) {
      const o = t * E;
      let mx = -Infinity;
      for (let e = 0; e < E; e++) mx = Math.max(mx, l.data[o + e]);
      let z = 0;
      for (let e = 0; e < E; e++) z += Math.exp(l.data[o + e] - mx);
      const lse = mx + Math.log(z);
      value += lse * lse;
      for (let e = 0; e < E; e++) d[o + e] = (2 * lse * Math.exp(l.data[o + e] - lse)) / n;
    }
    return d;
  });
  return { value: n > 0 ? value / n : 0, dLogits };
}

/** Mean over tokens of the routing entropy -sum_e p_e ln p_e, in nats (ln E = uniform). */
export function routerEntropy(r: LayerRouting): number {
  const E = r.numExperts;
  let h = 0;
  for (let t = 0; t < r.tokens; t++) {
    for (let e = 0; e < E; e++) {
      const p = r.probs[t * E + e];
      if (p > 0) h -= p * Math.log(p);
    }
  }
  return r.tokens > 0 ? h / r.tokens : 0;
}

/** Expert load: share of the (token, choice) slots sent to each expert (sums to 1). */
export function expertLoad(r: LayerRouting): Float64Array {
  const load = new Float64Array(r.numExperts);
  const slots = r.tokens * r.topK;
  for (let i = 0; i < slots; i++) load[r.experts[i]] += 1 / slots;
  return load;
}
