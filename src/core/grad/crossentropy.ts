/**
 * f64 CPU reference for the LM head's cross-entropy and its backward over vocabulary chunks,
 * never holding [N, V] logits (152k-token vocabularies):
 *   z_rv = x_r . w_v;  nll_r = lse_r - z_r,target;  loss = sum_r scale_r nll_r
 *   dz_rv = scale_r (softmax(z_r)_v - [v = target_r])
 *   dx_r = sum_v dz_rv w_v   (one pass: online, rescaled like attention's accumulator)
 *   dW_v += sum_r dz_rv x_r  (needs the final lse: a second pass over the chunks)
 * Rows with target < 0 are not scored (nll NaN, no gradient). When the LM head is frozen
 * (router-only training) the second pass is skipped. x [N, H], w [V, H] ([out, in] layout).
 */

export const TRAIN_VOCAB_CHUNK = 4096;

export function lmHeadLossBackward(
  x: Float64Array, w: Float64Array, n: number, h: number, v: number, targets: Int32Array, scale: Float64Array,
  dw: Float64Array | null, chunk = TRAIN_VOCAB_CHUNK,
): { nll: Float64Array; dx: Float64Array } {
  const m = new Float64Array(n).fill(-Infinity);
  const s = new Float64Array(n);
  const zt = new Float64Array(n).fill(NaN);
  const acc = new Float64Array(n * h);
  const z = new Float64Array(Math.min(chunk, v));
  for (let v0 = 0; v0 < v; v0 += chunk) {
    const v1 = Math.min(v, v0 + chunk);
    for (let r = 0; r < n; r++) {
      if (targets[r] < 0) continue;
      const xo = r * h;
      let cmax = -Infinity;
      for (let j = v0; j < v1; j++) {
        let d = 0;
        const wo = j * h;
        for (let c = 0; c < h; c++) d += x[xo + c] * w[wo + c];
        z[j - v0] = d;
        if (d > cmax) cmax = d;
        if (j === targets[r]) zt[r] = d;
      }
      const mNew = Math.max(m[r], cmax);
      const corr = Math.exp(m[r] - mNew);
      let sum = s[r] * corr;
      if (corr !== 1) for (let c = 0; c < h; c++) acc[xo + c] *= corr;
      for (let j = v0; j < v1; j++) {
        const e = Math.exp(z[j - v0] - mNew);
        sum += e;
        const wo = j * h;
        for (let c = 0; c < h; c++) acc[xo + c] += e * w[wo + c];
      }
      s[r] = sum;
      m[r] = mNew;
    }
  }
  const nll = new Float64Array(n);
  const lse = new Float64Array(n);
  const dx = new Float64Array(n * h);
  for (let r = 0; r < n; r++) {
    const t = targets[r];
    if (t < 0) {
      nll[r] = NaN;
      continue;
    }
    lse[r] = m[r] + Math.log(s[r]);
    nll[r] = lse[r] - zt[r];
    const xo = r * h;
    for (let c = 0; c < h; c++) dx[xo + c] = scale[r] * (acc[xo + c] / s[r] - w[t * h + c]);
  }
  if (dw) {
    for (let v0 = 0; v0 < v; v0 += chunk) {
      const v1 = Math.min(v, v0 + chunk);
      for (let r = 0; r < n; r++) {
        if (targets[r] < 0) continue;
        const xo = r * h;
        for (let j = v0; j < v1; j++) {
          const wo = j * h;
          let d = 0;
          for (let c = 0; c < h; c++) d += x[xo + c] * w[wo + c];
          const g = scale[r] * (Math.exp(d - lse[r]) - (j === targets[r] ? 1 : 0));
          for (let c = 0; c < h; c++) dw[wo + c] += g * x[xo + c];
        }
      }
    }
  }
  return { nll, dx };
}
