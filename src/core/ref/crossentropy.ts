/**
 * CPU reference for the LM head's negative log-likelihood over a large vocabulary, in chunks:
 * nll[r] = logsumexp_v(x_r . w_v) - x_r . w_target(r), x [N, H], w [V, H] ([out, in] layout).
 * The vocabulary is visited in chunks of `chunk` rows with an online log-sum-exp (running max
 * and rescaled sum), so at most [N, chunk] logits exist at once (152k-token vocabularies).
 * Targets < 0 give NaN (position not scored). f64 throughout.
 */

export const DEFAULT_VOCAB_CHUNK = 8192;

export function lmHeadNll(
  x: Float32Array, w: Float32Array, n: number, h: number, v: number, targets: Int32Array, chunk = DEFAULT_VOCAB_CHUNK,
): Float64Array {
  const m = new Float64Array(n).fill(-Infinity);
  const s = new Float64Array(n);
  const tgt = new Float64Array(n).fill(NaN);
  const logits = new Float64Array(Math.min(chunk, v));
  for (let v0 = 0; v0 < v; v0 += chunk) {
    const v1 = Math.min(v, v0 + chunk);
    for (let r = 0; r < n; r++) {
      const xo = r * h;
      let cmax = -Infinity;
      for (let j = v0; j < v1; j++) {
        let d = 0;
        const wo = j * h;
        for (let c = 0; c < h; c++) d += x[xo + c] * w[wo + c];
        logits[j - v0] = d;
        if (d > cmax) cmax = d;
        if (j === targets[r]) tgt[r] = d;
      }
      const mNew = Math.max(m[r], cmax);
      let acc = s[r] * Math.exp(m[r] - mNew);
      for (let j = v0; j < v1; j++) acc += Math.exp(logits[j - v0] - mNew);
      s[r] = acc;
      m[r] = mNew;
    }
  }
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) out[r] = targets[r] < 0 ? NaN : m[r] + Math.log(s[r]) - tgt[r];
  return out;
}

/** Direct form from full logits [N, V] (the test oracle). */
export function nllFromLogits(logits: Float32Array, n: number, v: number, targets: Int32Array): Float64Array {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const o = r * v;
    let mx = -Infinity;
    for (let j = 0; j < v; j++) mx = Math.max(mx, logits[o + j]);
    let z = 0;
    for (let j = 0; j < v; j++) z += Math.exp(logits[o + j] - mx);
    out[r] = targets[r] < 0 ? NaN : mx + Math.log(z) - logits[o + targets[r]];
  }
  return out;
}
