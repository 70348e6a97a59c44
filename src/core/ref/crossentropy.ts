/**
 * CPU reference for the LM head's negative log-likelihood over a large vocabulary, in chunks:
 * nll[r] = logsumexp_v(x_r . w_v) - x_r . w_target(r), x [N, H], w [V, H] ([out, in] layout).
 * The vocabulary is visited in chunks of `chunk` rows with an online log-sum-exp (running max
 * and rescaled sum), so at most [N, chunk] logits exist at once (152k-token vocabularies).
 * Targets < 0 give NaN (position not scored). f64 throughout.
 */

export const DEFAULT_VOCAB_CHUNK = 8192;

/**
 * The online log-sum-exp over vocabulary chunks, per row: `add` takes one row's logits for the
 * vocabulary ids [v0, v0 + c) (at logits[o .. o + c)), `finish` gives the NLL per row. Shared by
 * this reference and the SIMD backend, which computes the chunk logits with its kernel.
 */
export class ChunkedNll {
  private readonly m: Float64Array;
  private readonly s: Float64Array;
  private readonly tgt: Float64Array;

  constructor(private readonly targets: Int32Array) {
    const n = targets.length;
    this.m = new Float64Array(n).fill(-Infinity);
    this.s = new Float64Array(n);
    this.tgt = new Float64Array(n).fill(NaN);
  }

  add(r: number, logits: ArrayLike<number>, o: number, v0: number, c: number): void {
    let cmax = -Infinity;
    for (let j = 0; j < c; j++) if (logits[o + j] > cmax) cmax = logits[o + j];
    const t = this.targets[r] - v0;
    if (t >= 0 && t < c) this.tgt[r] = logits[o + t];
    const mNew = Math.max(this.m[r], cmax);
    let acc = this.s[r] * Math.exp(this.m[r] - mNew);
    for (let j = 0; j < c; j++) acc += Math.exp(logits[o + j] - mNew);
    this.s[r] = acc;
    this.m[r] = mNew;
  }

  finish(): Float64Array {
    const out = new Float64Array(this.targets.length);
    for (let r = 0; r < out.length; r++) out[r] = this.targets[r] < 0 ? NaN : this.m[r] + Math.log(this.s[r]) - this.tgt[r];
    return out;
  }
}

export function lmHeadNll(
  x: Float32Array, w: Float32Array, n: number, h: number, v: number, targets: Int32Array, chunk = DEFAULT_VOCAB_CHUNK,
): Float64Array {
  const nll = new ChunkedNll(targets);
  const logits = new Float64Array(Math.min(chunk, v));
  for (let v0 = 0; v0 < v; v0 += chunk) {
    const v1 = Math.min(v, v0 + chunk);
    for (let r = 0; r < n; r++) {
      const xo = r * h;
      for (let j = v0; j < v1; j++) {
        let d = 0;
        const wo = j * h;
        for (let c = 0; c < h; c++) d += x[xo + c] * w[wo + c];
        logits[j - v0] = d;
      }
      nll.add(r, logits, 0, v0, v1 - v0);
    }
  }
  return nll.finish();
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
